"""``mx.random``: the global random state and the sampling functions.

Every random operator takes a fresh key when it is called: the raw threefry
key ``(seed, counter)``, counter-based, so drawing one costs no device work.
The key is an input of the op's node, so a recorded Dropout replays the same
mask in backward and in the compiled tier.  ``seed(s)`` restarts the stream:
the same seed gives the same numbers (not MXNet's numbers: its generator
differs).  A sampler whose parameters fail its check (``normal(0, -1)``) leaves
its failure on the generator, as MXNet's does: every later random operator
inherits it until a sync point raises it (see ``_engine.graph.Failure``).
"""
import contextlib
import threading

import jax
import numpy as np

from ._engine.graph import constant, failed_random_key, poisoned
from .ndarray.random import (exponential, gamma, generalized_negative_binomial, multinomial,  # noqa: F401
                             negative_binomial, normal, poisson, randint, randn, shuffle, uniform)
from .ndarray.random import install_context_samplers as _install_context_samplers

_state = {"seed": 0, "counter": 0}


def seed(seed_state, ctx="all"):
    """Seed the global generator (``ctx`` is accepted for MXNet compatibility: one stream serves all)."""
    _state["seed"] = int(seed_state) & 0xFFFFFFFF
    _state["counter"] = 0


_traced = threading.local()


def next_key_value(ctx):
    """A concrete leaf Value holding a fresh raw PRNG key (uint32[2])."""
    base = getattr(_traced, "key", None)
    if base is not None:  # inside a hybridized block's trace: keys derive from the op's key input
        _traced.count += 1
        return constant(jax.random.fold_in(base, _traced.count), ctx)
    _state["counter"] += 1
    key = constant(np.array([_state["seed"], _state["counter"] & 0xFFFFFFFF], dtype=np.uint32), ctx)
    if poisoned:
        return failed_random_key(key.aval, ctx)
    return key


@contextlib.contextmanager
def traced_keys(key):
    """Inside a traced function: draw every key from ``key`` (a traced input), in call order."""
    old = getattr(_traced, "key", None), getattr(_traced, "count", 0)
    _traced.key, _traced.count = key, 0
    try:
        yield
    finally:
        _traced.key, _traced.count = old


_install_context_samplers()


from .base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
