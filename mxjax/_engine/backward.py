"""Backward: ``autograd.backward``/``grad`` on a plan of the recorded graph.

``run_backward`` computes the variables' gradients through the cold tier (a structure
seen once), the hot tier (compiled, run at the call) or deferred (the compiled backward
appended as one node, computed with the next sync point's program).  ``record_gradient``
is ``grad(create_graph=True)``: the whole vjp as one recorded node, differentiable again.
"""
import time
from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np
from jax.extend.core import Literal

from ..base import MXNetError
from . import cold_tier, deferral, executor, hot_tier, policy, profiling, replicas
from .graph import apply, as_differentiable, constant, raise_failure, unraised_failures
from .plan import Plan, pack_scalars
from .state import state

_NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for backward. "
    "If you want to differentiate the same graph twice, you need to pass retain_graph=True to backward.")


def _check_heads(heads, head_grads):
    """The head gradients, checked against the heads.  MXNet checks a head gradient's shape
    only in the backward of an operator that reads it: ``argmax``, ``argsort``,
    comparisons... never read theirs, so any array is accepted there (it stands for zeros).
    Elsewhere MXNet's subgraph operators (``foreach``...) read the buffer with the head's
    shape: one of another shape with at least as many elements gives its first elements in
    order; one with fewer is an error (MXNet reads past its end)."""
    for h in heads:
        if not h.is_recorded():
            raise MXNetError(_NOT_IN_GRAPH)
    fitted = []
    for h, g in zip(heads, head_grads):
        if g is not None and g.shape != h.shape:
            size = int(np.prod(h.shape))
            if h.node is not None and not _reads_head_gradient(h):
                g = constant(np.zeros(h.shape, h.dtype), h.ctx)
            elif int(np.prod(g.shape)) < size:
                raise MXNetError(f"head gradient of shape {g.shape} does not match its head of shape {h.shape}: "
                                 "pass one gradient per head, shaped like the head (or None for ones)")
            else:
                executor.materialize([g])
                g = constant(jnp.reshape(jnp.ravel(g.data)[:size], h.shape), g.ctx)
        fitted.append(g)
    return fitted


def _reads_head_gradient(head):
    """Whether the vjp of ``head``'s operator uses the cotangent of ``head``."""
    node = head.node
    inputs = [jax.ShapeDtypeStruct(v.shape, v.dtype) for v in node.inputs]

    def pull(ct, *xs):
        outs, vjp = jax.vjp(node.inst.fn, *[as_differentiable(x) for x in xs])
        cts = [jnp.zeros_like(o) for o in outs]
        cts[head.index] = ct.astype(outs[head.index].dtype)
        return vjp(tuple(cts))
    jaxpr = jax.make_jaxpr(pull)(jax.ShapeDtypeStruct(head.shape, head.dtype), *inputs).jaxpr
    used = set(v for v in jaxpr.outvars if not isinstance(v, Literal))
    for eqn in reversed(jaxpr.eqns):
        if any(v in used for v in eqn.outvars):
            used.update(v for v in eqn.invars if not isinstance(v, Literal))
    return jaxpr.invars[0] in used


def _head_gradients_by_value(head_grads):
    """Head gradients as leaves: one computed by an operation (``y.backward(y)``, or a value
    on the way from the heads to the variables) is taken by its value, so that making it a
    leaf of the gradient's plan does not cut the graph there."""
    computed = [g for g in head_grads if g is not None and g.node is not None]
    if not computed:
        return head_grads
    executor.materialize(computed)
    return [g if g is None or g.node is None else constant(g.data, g.ctx) for g in head_grads]


def _plan_for_grad(heads, head_grads):
    fixed = [g for g in head_grads if g is not None]
    if fixed:
        executor.materialize(fixed)
    plan = Plan(heads, grad_mode=True, fixed_leaves=fixed)
    pending_vars = [v for v in plan.leaves if v.var is not None and v.data is None]
    if pending_vars:  # a variable rebound to a pending value: compute it first
        executor.materialize(pending_vars)
        plan = Plan(heads, grad_mode=True, fixed_leaves=fixed)
    if unraised_failures:
        raise_failure(entry[0] for entry in plan.nodes)
    return plan


def _free(plan):
    for node in plan.node_objs:
        if node.recorded:
            node.freed = True


@executor.sync_point
def run_backward(heads, head_grads, targets, retain_graph, old_grad=None, replica=False):
    """Gradients of ``heads`` w.r.t. the variable Values ``targets`` (None: every variable
    reached whose grad_req is not 'null').  ``old_grad(value)`` gives the gradient Value to
    add to (grad_req 'add') or None.  Returns (targets, gradient Values, leaves of the graph).

    A structure seen for the first time runs cold and the second time compiled, both right
    away.  From then on the gradients are *deferred*: one node computing them all is added
    to the trace, and the next sync point runs it in the same compiled call as the rest of
    the step (the optimizer update, the loss read).  The heads' and other live pending
    values are redirected to that node's outputs, so they are computed once, with it.
    A structure whose deferred nodes were mostly computed on their own (a gradient read with
    no update to join; ``GradientInstance.runs_alone``) runs its compiled backward at the call
    instead, until an optimizer update follows one (``update_follows``)."""
    head_grads = _check_heads(heads, head_grads)
    if replicas.spans_devices(heads):
        return _backward_per_device(heads, head_grads, targets, retain_graph, old_grad)
    head_grads = _head_gradients_by_value(head_grads)
    plan = _plan_for_grad(heads, head_grads)
    if targets is None:
        targets = _variables_in_graph(plan)
        if not targets:
            raise MXNetError("There are no inputs in computation graph that require gradients: "
                             "call attach_grad() on an input (with grad_req other than 'null') before record().")
    else:
        _check_reachable(plan, targets)
    var_slots = tuple(plan.slot(v) for v in targets)
    head_slots = tuple(plan.slot(h) for h in heads)
    ct_slots = tuple(None if g is None else plan.slot(g) for g in head_grads)
    outs = executor.collect_live(plan, heads)
    out_slots = tuple(plan.slot(v) for v in outs)
    old_grads = [old_grad(v) if old_grad else None for v in targets]
    add_mask = tuple(g is not None for g in old_grads)
    leaf_key, arrays, scalars = plan.leaf_args(set(targets))
    key = ("bwd", leaf_key, plan.nodes, var_slots, head_slots, ct_slots, out_slots, add_mask)
    entry, seen = hot_tier.plan_cache.lookup(
        key, lambda: hot_tier.backward_fn(leaf_key, plan.nodes, var_slots, head_slots, ct_slots, out_slots, add_mask),
        len(plan.nodes)) if plan.cacheable else (None, False)
    deferring = seen and not (entry.deferred is not None and entry.deferred.runs_alone())
    state.eager_backward = None if deferring else entry and entry.deferred
    if deferring:
        inst = entry.deferred
        if inst is None:
            inst = entry.deferred = hot_tier.GradientInstance(
                plan, leaf_key, var_slots, head_slots, ct_slots, out_slots, add_mask,
                tuple(v.aval for v in outs) + tuple(v.aval for v in targets), entry.fn)
        inst.deferrals += 1
        ctx = heads[0].ctx
        values = apply(inst, inst.inputs(plan, pack_scalars(scalars), old_grads, ctx), False, ctx)
        results, grads = values[:len(outs)], values[len(outs):]
        if not retain_graph:
            for v, new in zip(outs, results):
                if v.data is None:
                    v.node, v.index, v.depth = new.node, new.index, new.depth
        # one replica of a data-parallel step: its live values (the loss) are computed with
        # the other replicas' in the step's program, not read back alone afterwards
        deferral.defer(grads + ([v for v in outs if v.data is None] if replica and not retain_graph else []))
    else:
        old_arrays = [None if g is None else _data_of(g) for g in old_grads]
        if not entry:
            start = time.perf_counter()
            entries = cold_tier.cold_entries(plan)
            env = cold_tier.cold_forward(plan, entries)
            grads = cold_tier.cold_backward(plan, entries, env, var_slots, head_slots, ct_slots)
            grads = [g + o if o is not None else g for g, o in zip(grads, old_arrays)]
            results = [env[s] for s in out_slots]
            if plan.cacheable:
                hot_tier.plan_cache.ran_cold(key, time.perf_counter() - start)
        else:
            hot_tier.plan_cache.calls += 1
            if profiling.active:
                results, grads = profiling.compiled_call(entry, "backward", plan.nodes, not seen, arrays,
                                                         pack_scalars(scalars), old_arrays)
            else:
                results, grads = entry.fn(arrays, pack_scalars(scalars), old_arrays)
        executor.store(outs, results)
        grads = [constant(g, v.ctx) for g, v in zip(grads, targets)]
    if not retain_graph:
        _free(plan)
    return targets, grads, plan.leaves


def _backward_per_device(heads, head_grads, targets, retain_graph, old_grad):
    """``run_backward`` of heads on several devices (one per context of a data-parallel
    step): each device's heads are differentiated on their own, with their own variables.
    Each part is a plan on one device; once deferred, the parts are replicas of one
    structure, and the sync point that computes them runs them as one SPMD program."""
    groups = {}
    for h, g in zip(heads, head_grads):
        groups.setdefault(h.ctx.jax_device, []).append((h, g))
    all_targets, all_grads, all_leaves = [], [], []
    for device, items in groups.items():
        part = None if targets is None else [t for t in targets if t.ctx.jax_device is device]
        if part is not None and not part:
            continue
        t, g, leaves = run_backward([h for h, _ in items], [g for _, g in items], part, retain_graph, old_grad,
                                    replica=True)
        all_targets += t
        all_grads += g
        all_leaves += leaves
    if targets is not None:   # the caller's order
        found = dict(zip(all_targets, all_grads))
        _check_reachable_values(found, targets)
        return targets, [found[t] for t in targets], all_leaves
    return all_targets, all_grads, all_leaves


def _check_reachable_values(found, targets):
    for i, v in enumerate(targets):
        if v not in found:
            raise MXNetError(f"Cannot differentiate with respect to the {i + 1}-th variable because it is "
                             "unreachable from the outputs: it was not used to compute them inside record().")


def _data_of(value):
    if value.data is None:
        executor.materialize([value])
    return value.data


def _variables_in_graph(plan):
    """Variables (grad_req not 'null') that feed a recorded node of the plan, or are heads."""
    return [v for v in plan.variables if v.var.req != "null"]


def _check_reachable(plan, targets):
    leaf_ids = set(plan.leaves)
    for i, v in enumerate(targets):
        if v not in leaf_ids:
            raise MXNetError(f"Cannot differentiate with respect to the {i + 1}-th variable because it is "
                             "unreachable from the outputs: it was not used to compute them inside record().")


_composites = OrderedDict()   # create_graph gradients: recorded, differentiable nodes


def record_gradient(heads, head_grads, targets, retain_graph):
    """``grad(create_graph=True)``: append the whole vjp as one recorded node; returns its
    output Values (one gradient per target), themselves differentiable to any order."""
    head_grads = _head_gradients_by_value(_check_heads(heads, head_grads))
    plan = _plan_for_grad(heads, head_grads)
    _check_reachable(plan, targets)
    var_slots = tuple(plan.slot(v) for v in targets)
    head_slots = tuple(plan.slot(h) for h in heads)
    ct_slots = tuple(None if g is None else plan.slot(g) for g in head_grads)
    target_set = set(targets)
    leaf_key = tuple([(v.aval, v in target_set) for v in plan.leaves])
    key = (leaf_key, plan.nodes, var_slots, head_slots, ct_slots)
    inst = _composites.get(key)
    if inst is None:
        inst = _composites[key] = hot_tier.GradientInstance(plan, None, var_slots, head_slots, ct_slots, (),
                                                   (False,) * len(targets), tuple(v.aval for v in targets))
        if len(_composites) > policy.PLAN_CACHE_SIZE:
            _composites.popitem(last=False)
    values = apply(inst, tuple(plan.leaves), True, heads[0].ctx)
    values[0].node.recorded = True  # the gradient graph is recorded whatever its inputs
    if not retain_graph:
        _free(plan)
    return values
