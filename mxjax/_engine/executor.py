"""Sync points: turning pending traces into values (DESIGN.md section 4).

The data flow, one module per step:

* record (``graph``): each NDArray operation appends a Node to the trace; nothing runs;
* plan (``plan``): a sync point (reading a value, ``backward``) collects the part of the
  trace it needs into a ``Plan`` whose structure key names its ops, wiring and shapes;
* tier: ``policy`` decides, per structure, between
  - the cold tier (``cold_tier``): node by node through per-op jitted functions (or exact
    NumPy on the host for a new op instance, ``host_eval``), nothing compiled for the trace;
  - the hot tier (``hot_tier``): the whole structure as ONE jitted function;
  - deferral (``deferral``): a hot backward and the optimizer update left pending as
    nodes, computed with the next sync point's program in the same call;
* values: the results are stored into the Values (``store``); gradients come back from
  ``backward.run_backward``.

This module holds the forward sync points: ``materialize`` (and ``flush``) and
``stacked`` (a dataset batch as one vmapped call).
"""
import functools
import time
from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np

from ..base import MXNetError
from . import cold_tier, deferral, hot_tier, kernel_checks, policy, profiling, replicas
from .graph import gradient_replay, raise_failure, unraised_failures
from .hot_tier import plan_cache
from .plan import Plan, pack_scalars

_MIXED_DEVICES = ("Operator inputs live on different devices: all inputs of an operator must be on the same "
                  "context (contexts on separate JAX devices, e.g. with "
                  "--xla_force_host_platform_device_count, cannot be mixed); copy them first with "
                  "x.as_in_context(ctx). JAX says: ")


def sync_point(fn):
    """A sync point.  A failure inside JAX/XLA while computing reaches the user as MXNetError,
    not as a bare XLA traceback (errors from user code, e.g. a Function's backward, pass
    through).  While ``mx.profiler`` runs, the sync point is timed."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = profiling.now() if profiling.active else 0
        try:
            return fn(*args, **kwargs)
        except MXNetError:
            raise
        except Exception as exc:
            if type(exc).__module__.split(".")[0] not in ("jax", "jaxlib"):
                if "incompatible devices" in str(exc):
                    raise MXNetError(_MIXED_DEVICES + str(exc)) from exc
                raise
            reported = kernel_checks.take_reported()
            if reported is not None:
                raise reported from exc
            raise MXNetError(f"computation failed in XLA: {exc}") from exc
        finally:
            if start:
                profiling.sync_point(name, start)
    return wrapper


def collect_live(plan, requested):
    """Slots to return: the requested values plus pending values a live NDArray holds."""
    return list(dict.fromkeys(list(requested) + plan.live))


@sync_point
def materialize(values, compile=True):
    """Compute pending ``values`` (and live pending values they depend on, and deferred
    work); forward only.  ``compile`` False runs them cold whatever their structure: a chain
    cut because it grew too deep (``flush``) is hundreds of nodes long, and compiling it costs
    what hundreds of cold runs cost."""
    values = [v for v in values if v.data is None]
    taken = deferral.take_deferred()
    if not values and not taken:
        return
    plan = Plan(values + taken, grad_mode=False)
    spmd = None
    if replicas.spans_devices(plan.leaves):
        outs = collect_live(plan, values + taken)
        spmd = replicas.partition(plan, outs) if plan.cacheable else None
        if spmd is None and taken and values:
            # the deferred step (replicas alike) as one program first, then what was asked
            deferral.keep_deferred(taken)
            materialize([])
            return materialize(values, compile)
        if spmd is None:   # not one data-parallel step: other devices' deferred work waits
            device = (values or taken)[0].ctx.jax_device
            deferral.keep_deferred([v for v in taken if v.ctx.jax_device is not device])
            taken = [v for v in taken if v.ctx.jax_device is device]
            plan = Plan(values + taken, grad_mode=False)
            # still on several devices (values asked on several, not alike): node by node,
            # each op where its inputs are; one compiled call cannot span devices
            compile = compile and not replicas.spans_devices(plan.leaves)
    values += taken
    if unraised_failures:
        raise_failure(entry[0] for entry in plan.nodes)
    outs = collect_live(plan, values)
    out_slots = tuple(plan.slot(v) for v in outs)
    if gradient_replay.active:
        # a forward replayed only for its gradient (a hybridized block's vjp, inside JAX's
        # trace): each op's own function traced inline.  The plan cache and the per-op jits
        # hold traces made outside such a replay (an integer ``dtype`` cast there cuts the
        # gradient, ``graph.cast_result``), so they are not reused here.
        env = [v.data for v in plan.leaves]
        for inst, ins, _ in plan.nodes:
            env.extend(inst.fn(*[env[i] for i in ins]))
        store(outs, [env[s] for s in out_slots])
        return
    if spmd is not None and compile:
        entry, seen = plan_cache.lookup(spmd.key, spmd.build, len(spmd.nodes))
        if entry is not None:
            plan_cache.calls += 1
            store(outs, spmd.results(entry.fn(*spmd.arguments(plan))))
            return
    # one node (a deferred backward, an update, one op) is already one compiled call
    entry = key = None
    if compile and plan.cacheable and len(plan.nodes) > 1 and spmd is None:
        leaf_key, arrays, scalars = plan.leaf_args()
        key = ("fwd", leaf_key, plan.nodes, out_slots)
        entry, seen = plan_cache.lookup(key, lambda: hot_tier.forward_fn(leaf_key, plan.nodes, out_slots), len(plan.nodes))
    if entry is None:
        if len(plan.nodes) == 1 and type(plan.nodes[0][0]) is hot_tier.GradientInstance:
            plan.nodes[0][0].ran_alone += 1
        start = time.perf_counter()
        env = cold_tier.cold_forward(plan, cold_tier.cold_entries(plan))
        results = [env[s] for s in out_slots]
        if key is not None or spmd is not None:
            plan_cache.ran_cold(key if spmd is None else spmd.key, time.perf_counter() - start)
    else:
        plan_cache.calls += 1
        if profiling.active:
            results = profiling.compiled_call(entry, "forward", plan.nodes, not seen, arrays, pack_scalars(scalars))
        else:
            results = entry.fn(arrays, pack_scalars(scalars))
    store(outs, results)


def flush(values):
    """A program that never reads its values (``y[i] += 1`` in a loop) must not grow the
    pending trace without bound: compute ``values``, whose chain got too deep, cold."""
    materialize(values, compile=False)


#: vmapped per-sample structures (``stacked``): structure key -> jitted function
_stacked_fns = OrderedDict()


@sync_point
def stacked(values):
    """``values`` stacked on a new first axis, as ONE call of their common structure vmapped
    over the samples; None when they do not share one.

    A batch of a dataset is ``stack([pipeline(i) for i in batch])``: the same few ops per
    sample (``x[i]``, a transform), differing only in their leaves (the index is a runtime
    argument).  Compiled as one trace, such a batch is hundreds of nodes that XLA takes
    seconds to compile for each new dataset; vmapped it is the pipeline's few ops, compiled
    in milliseconds, and one gather at run time.  ``values`` must be pending and unrecorded
    (nothing to differentiate), of one aval and context; a leaf that is the same array in
    every sample is passed once, other leaves and the scalars are stacked."""
    first = values[0]
    if len(values) < 2 or any(v.data is not None or v.aval != first.aval or v.ctx is not first.ctx
                              for v in values):
        return None
    plans = [Plan([v], grad_mode=False) for v in values]
    plan = plans[0]
    nodes = plan.nodes
    if not plan.cacheable or any(recorded for _, _, recorded in nodes):
        return None
    leaf_key, arrays, scalars = plan.leaf_args()
    per_sample = [(arrays, scalars)]
    for p in plans[1:]:
        if p.nodes != nodes:
            return None
        key, arrays, scalars = p.leaf_args()
        if key != leaf_key:
            return None
        per_sample.append((arrays, scalars))
    axes, arrays = [], []
    for j, leaf in enumerate(plan.leaves):
        if per_sample[0][0][j] is None:           # a scalar: packed below
            axes.append(None)
            arrays.append(None)
        elif all(p.leaves[j] is leaf for p in plans):
            axes.append(None)
            arrays.append(leaf.data)
        else:
            axes.append(0)
            arrays.append(jnp.stack([sample[0][j] for sample in per_sample]))
    if not per_sample[0][1] and 0 not in axes:   # every sample is the same computation
        return None
    packs = {dtype.str: np.array([[v.data for v in sample[1][dtype]] for sample in per_sample], dtype=dtype)
             for dtype in per_sample[0][1]}
    out_slots = (plan.slot(first),)
    key = (leaf_key, nodes, out_slots, tuple(axes))
    fn = _stacked_fns.get(key)
    if fn is None:
        fn = _stacked_fns[key] = jax.jit(jax.vmap(hot_tier.forward_fn(leaf_key, nodes, out_slots), in_axes=(axes, 0)))
        if len(_stacked_fns) > policy.PLAN_CACHE_SIZE:
            _stacked_fns.popitem(last=False)
    return fn(arrays, packs)[0]


def store(values, results):
    """Give computed ``values`` their data.  A value no backward can need (its node is not
    recorded, or its graph was freed) forgets its node, so its history can be collected."""
    for v, r in zip(values, results):
        v.data = r
        v.depth = 0
        node = v.node
        if node is not None and (not node.recorded or node.freed):
            v.node = None
