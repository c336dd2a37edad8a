"""Where ``mx.profiler`` times the engine: sync points, cold-tier ops, compiled calls.

mxjax records ops lazily and computes them at sync points (``executor.materialize``,
``backward.run_backward``), so that is where work is timed.  The executor checks the
module flag ``active`` once per sync point; while it is False (the profiler is not
recording) nothing else here runs.  While it is True:

* each cold-tier op forward (``inst.fwd``) and backward (``inst.vjp``) is timed and waited
  for (``jax.block_until_ready``), so its time is its execution, as in MXNet's engine;
  forwards are named as the op, backwards ``_backward_<op>`` (MXNet's naming);
* each compiled whole-trace call is one entry named after the ops it runs, e.g.
  ``_compiled_forward(_backward(FullyConnected*3, Activation*2, ...), _fused_update)``;
* a call that compiled its function first (XLA) is also reported under ``XLA compile``;
* each sync point itself (planning included) is timed under ``engine``.

``sink`` is the profiler's recorder: ``sink(category, name, start_ns, end_ns, args)``
with ``time.perf_counter_ns`` times.
"""
import time

import jax

from .graph import OpInstance

active = False              # the profiler records something the engine does
record_ops = False          # ... op executions (profile_imperative / profile_symbolic)
record_sync_points = False  # ... sync points (profile_api)
sink = None

now = time.perf_counter_ns


def summary(names):
    """``names`` counted in first-seen order: ``"FullyConnected*3, Activation*2, mean"``."""
    counts = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(name if count == 1 else f"{name}*{count}" for name, count in counts.items())


def label(inst):
    """An op instance's name; a whole backward pass (``GradientInstance``) lists its ops."""
    ops = getattr(inst, "op_names", None)
    return inst.name if ops is None else f"{inst.name}({summary(ops)})"


def _emit(name, start, compiled):
    if record_ops:
        end = now()
        sink("operator", name, start, end, {"compile": True} if compiled else None)
        if compiled:
            sink("XLA compile", name, start, end, None)


def cold_forward(env, entries):
    """``cold_tier.cold_forward``'s loop, each op timed."""
    for inst, ins, _ in entries:
        before = _compiled(inst)
        start = now()
        outs = jax.block_until_ready(inst.fwd(*[env[i] for i in ins]))
        compiles = _compiled(inst) > before   # its per-op jit compiled in this call
        _emit(label(inst), start, compiles)
        env.extend(outs)


def _compiled(inst):
    """How many executables the instance's per-op jit holds (0 while it runs on the host,
    ``host_eval``)."""
    fwd = inst._fwd if type(inst).fwd is OpInstance.fwd else None
    return fwd._cache_size() if hasattr(fwd, "_cache_size") else 0


def vjp(inst, arrays, cotangents, needed):
    """``inst.vjp``, timed as ``_backward_<op>``."""
    own = type(inst).vjp is OpInstance.vjp
    before = _vjp_executables(inst, needed) if own else 0
    start = now()
    result = jax.block_until_ready(inst.vjp(arrays, cotangents, needed))
    _emit("_backward_" + label(inst), start, own and _vjp_executables(inst, needed) > before)
    return result


def _vjp_executables(inst, needed):
    """How many executables the instance's jitted vjp for ``needed`` holds (0 before its
    first call, and while ``host_eval.Pullback`` runs it on the host)."""
    fn = inst._vjps.get(needed)
    fn = getattr(fn, "jitted", fn)
    return fn._cache_size() if hasattr(fn, "_cache_size") else 0


def compiled_call(entry, kind, nodes, first, *args):
    """``entry.fn(*args)``: a compiled whole trace of ``nodes`` (``kind`` 'forward' or
    'backward'), ``first`` when this call compiles it."""
    if entry.label is None:
        entry.label = f"_compiled_{kind}({summary(label(inst) for inst, _, _ in nodes)})"
    start = now()
    result = jax.block_until_ready(entry.fn(*args))
    _emit(entry.label, start, first)
    return result


def sync_point(name, start):
    """A sync point (``materialize``, ``backward``) that began at ``start`` has ended."""
    if record_sync_points:
        sink("engine", name, start, now(), None)
