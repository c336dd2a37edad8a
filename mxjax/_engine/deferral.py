"""Deferred work: gradients and optimizer updates left pending until a sync point needs a value.

Once a backward structure is hot, ``backward`` appends its compiled function as one node
(``hot_tier.GradientInstance``) and ``Trainer.step`` its update node; both are *deferred*
here, and the next sync point (``executor.materialize``) runs them with whatever it needs
in one XLA call: a training step is one call, not three.
"""
import contextlib
import weakref

from . import executor, policy
from .state import state


def defer(values):
    """Leave ``values`` (a gradient or an optimizer update) pending: the next sync point
    computes them in the same compiled call as whatever it needs, so a training step is one
    XLA call (forward, backward and update) instead of three."""
    deferred = state.deferred
    deferred.extend(weakref.ref(v) for v in values)
    while len(deferred) > policy.MAX_DEFERRED:
        executor.materialize([])


@contextlib.contextmanager
def deferred_apart():
    """Inside a JAX trace of NDArray code (a hybridized forward), sync points must not
    compute the program's deferred work: its values would become tracers."""
    saved, state.deferred = state.deferred, []
    try:
        yield
    finally:
        state.deferred = saved


def take_deferred():
    """The deferred values still pending (all of them: on several devices they are the
    replicas of one data-parallel step, which ``replicas.partition`` runs as one program)."""
    deferred = state.deferred
    if not deferred:
        return []
    values = [v for v in (ref() for ref in deferred) if v is not None and v.data is None]
    deferred.clear()
    return values


def keep_deferred(values):
    """Leave ``values`` deferred again (they did not join this sync point's program)."""
    state.deferred.extend(weakref.ref(v) for v in values)


def update_follows():
    """An optimizer update is being deferred.  A backward run at the call since the last one
    (its structure had ``runs_alone``) would have joined this update in one call had it been
    deferred, so that structure defers again: gradients read on their own early in a program
    (two debugging prints) must not cost its training loop a second XLA call per step for good."""
    inst = state.eager_backward
    if inst is not None:
        inst.ran_alone = inst.deferrals = 0
        state.eager_backward = None
