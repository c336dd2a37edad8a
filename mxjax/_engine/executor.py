"""Turning pending traces into values and gradients: plans, the two tiers, and their caches.

A *plan* is the part of the trace a sync point needs (heads back to leaves),
numbered into slots: leaves first (concrete Values, passed as arguments),
then one slot per node output in creation (= topological) order.  Its
*structure key* is the tuple of (OpInstance, input slots, recorded) per node
plus the leaves' avals and roles, so two traces with the same ops, wiring,
attributes and shapes share one key however their values differ.

Tiers (DESIGN.md section 4):

* cold: a key seen for the first time runs node by node through each
  OpInstance's per-op jitted forward, and back through its per-op jitted vjp.
  Nothing is compiled for the trace as a whole, so dynamic graphs stay cheap.
* hot: a key seen before runs as ONE jitted function: all forward values,
  head values and gradients (and 'add' accumulation) in a single XLA call.

Gradients are ``jax.vjp`` of the replayed trace with respect to the
variables' values; unrecorded nodes see ``stop_gradient`` inputs.  With
``create_graph`` the whole vjp becomes one recorded node of the trace (a
*composite* op), so a later backward differentiates through it: any order.
"""
import functools
import threading
from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..base import MXNetError
from .graph import OpInstance, apply

_NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for backward. "
    "If you want to differentiate the same graph twice, you need to pass retain_graph=True to backward.")

PLAN_CACHE_SIZE = 2048


def _jax_errors_as_mxnet(fn):
    """A failure inside JAX/XLA while computing reaches the user as MXNetError, not as a
    bare XLA traceback (errors from user code, e.g. a Function's backward, pass through)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MXNetError:
            raise
        except Exception as exc:
            if type(exc).__module__.split(".")[0] not in ("jax", "jaxlib"):
                raise
            raise MXNetError(f"computation failed in XLA: {exc}") from exc
    return wrapper


class _PlanCache:
    """Structure key -> jitted whole-trace function, compiled from the second sighting on."""

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()   # key -> compiled function, or None after one sighting
        self.compiles = 0              # whole-trace functions built (each compiles once)
        self.hits = 0                  # sync points served by an existing one
        self._lock = threading.Lock()

    def lookup(self, key, build):
        """The compiled function for ``key``, or None on its first sighting (run it cold)."""
        with self._lock:
            entries = self.entries
            if key in entries:
                fn = entries[key]
                if fn is None:
                    fn = entries[key] = jax.jit(build())
                    self.compiles += 1
                else:
                    self.hits += 1
                return fn
            entries[key] = None
            if len(entries) > self.size:
                entries.popitem(last=False)
            return None

    def clear(self):
        self.entries.clear()


plan_cache = _PlanCache(PLAN_CACHE_SIZE)


class Plan:
    """A numbered subgraph: leaves, nodes, and which slots are wanted."""
    __slots__ = ("leaves", "live", "nodes", "node_objs", "slot_of", "n_slots", "_base", "cacheable")

    def __init__(self, roots, grad_mode, fixed_leaves=()):
        """Collect what ``roots`` need.  In grad mode recorded nodes are expanded even when
        their values are known (backward recomputes them); variables and ``fixed_leaves``
        are always leaves.  ``live`` gathers pending values a live NDArray still holds."""
        leaves = dict.fromkeys(fixed_leaves)
        nodes = {}
        live = []
        stack = list(roots)
        pop, push = stack.pop, stack.extend
        while stack:
            v = pop()
            node = v.node
            if grad_mode:
                expand = v.var is None and node is not None and (
                    v.data is None or (node.recorded and not node.freed)) and v not in leaves
            else:
                expand = v.data is None
            if expand:
                if node not in nodes:
                    nodes[node] = node.id
                    push(node.inputs)
                owner = v.owner
                if owner is not None and v.data is None:
                    handle = owner()
                    if handle is not None and handle._value is v:
                        live.append(v)
            elif v not in leaves:
                leaves[v] = None
        self.leaves = list(leaves)
        self.live = live
        slot_of = {v: i for i, v in enumerate(self.leaves)}
        n = len(slot_of)
        entries = []
        order = sorted(nodes, key=nodes.__getitem__)
        cacheable = True
        get = slot_of.get
        base = {}
        for node in order:
            cacheable = cacheable and node.inst.cacheable
            ins = []
            for v in node.inputs:
                s = get(v)
                ins.append(base[v.node] + v.index if s is None else s)
            base[node] = n
            # a node whose graph a backward freed is history, not graph: no gradient through it
            entries.append((node.inst, tuple(ins), node.recorded and not node.freed))
            n += len(node.inst.out_avals)
        self.cacheable = cacheable
        self.nodes = tuple(entries)
        self.node_objs = order
        self.n_slots = n
        self._base = base
        self.slot_of = slot_of

    def slot(self, v):
        s = self.slot_of.get(v)
        return self._base[v.node] + v.index if s is None else s

    def leaf_args(self, targets=()):
        """(key, arrays, packs) for the leaves.  Host scalars (0-d numpy leaves: the program's
        Python scalars) are packed into one array per dtype, so a trace with a hundred
        constants passes a handful of arguments; their slots hold None in ``arrays``."""
        key, arrays, groups = [], [], {}
        for v in self.leaves:
            data = v.data
            if v.shape == () and type(data) is np.ndarray and v.var is None:
                group = groups.setdefault(v.dtype, [])
                key.append((v.dtype, len(group)))
                group.append(data)
                arrays.append(None)
            else:
                key.append((v.aval, v in targets))
                arrays.append(data)
        packs = {dtype.str: np.array(vals, dtype=dtype) for dtype, vals in groups.items()}
        return tuple(key), arrays, packs


def _replay(nodes, env, cut_unrecorded):
    """Run ``nodes`` appending their outputs to ``env``.  For gradients (``cut_unrecorded``),
    nodes recorded outside ``autograd.record()`` see stop_gradient inputs.  A forward-only
    replay stays fully differentiable: inside a hybridized block's trace it is the block's
    function, which the outer graph differentiates."""
    for inst, ins, recorded in nodes:
        args = [env[i] for i in ins]
        if cut_unrecorded and not recorded:
            args = [lax.stop_gradient(a) for a in args]
        env.extend(inst.fn(*args))


def _unpack(leaf_key, arrays, packs):
    leaves = list(arrays)
    for i, entry in enumerate(leaf_key):
        if isinstance(entry[0], np.dtype):
            leaves[i] = packs[entry[0].str][entry[1]]
    return leaves


def _forward_fn(leaf_key, nodes, out_slots):
    def run(arrays, packs):
        env = _unpack(leaf_key, arrays, packs)
        _replay(nodes, env, False)
        return [env[s] for s in out_slots]
    return run


def _zeros_for_ints(grads, var_vals):
    return [jnp.zeros(v.shape, v.dtype) if g.dtype == jax.dtypes.float0 else g for g, v in zip(grads, var_vals)]


def _backward_fn(leaf_key, nodes, var_slots, head_slots, ct_slots, out_slots, add_mask):
    """(leaf arrays, packed scalars, old grads for 'add' variables) -> (outputs, variable gradients)."""
    def run(arrays, packs, old_grads):
        leaves = _unpack(leaf_key, arrays, packs) if packs is not None else arrays
        var_vals = [leaves[i] for i in var_slots]

        def f(vv):
            env = list(leaves)
            for i, v in zip(var_slots, vv):
                env[i] = v
            _replay(nodes, env, True)
            return [env[s] for s in head_slots], [env[s] for s in out_slots]
        heads, pull, outs = jax.vjp(f, var_vals, has_aux=True)
        cts = [jnp.ones_like(h) if s is None else leaves[s].astype(h.dtype) for h, s in zip(heads, ct_slots)]
        grads = _zeros_for_ints(pull(cts)[0], var_vals)
        grads = [g + o if add else g for g, o, add in zip(grads, old_grads, add_mask)]
        return outs, grads
    return run


def _cold_forward(plan):
    env = [v.data for v in plan.leaves]
    for inst, ins, _ in plan.nodes:
        env.extend(inst.fwd(*[env[i] for i in ins]))
    return env


def _cold_backward(plan, env, var_slots, head_slots, ct_slots):
    dep = [False] * plan.n_slots
    for s in var_slots:
        dep[s] = True
    n = len(plan.leaves)
    node_dep = []
    for inst, ins, recorded in plan.nodes:
        d = recorded and any(dep[i] for i in ins)
        k = len(inst.out_avals)
        if d:
            dep[n:n + k] = [True] * k
        node_dep.append((n, d))
        n += k
    cts = {}

    def acc(slot, ct):
        old = cts.get(slot)
        cts[slot] = ct if old is None else old + ct
    for h, c in zip(head_slots, ct_slots):
        if dep[h]:
            acc(h, jnp.ones_like(env[h]) if c is None else env[c].astype(env[h].dtype))
    for (inst, ins, _), (base, d) in zip(reversed(plan.nodes), reversed(node_dep)):
        if not d:
            continue
        outs = [cts.pop(base + k, None) for k in range(len(inst.out_avals))]
        if all(c is None for c in outs):
            continue
        in_cts = inst.vjp([env[i] for i in ins], outs)
        for i, c in zip(ins, in_cts):
            if dep[i] and c.dtype != jax.dtypes.float0:
                acc(i, c)
    return [cts[s] if s in cts else jnp.zeros(env[s].shape, env[s].dtype) for s in var_slots]


def _collect_live(plan, requested):
    """Slots to return: the requested values plus pending values a live NDArray holds."""
    return list(dict.fromkeys(list(requested) + plan.live))


@_jax_errors_as_mxnet
def materialize(values):
    """Compute pending ``values`` (and live pending values they depend on); forward only."""
    values = [v for v in values if v.data is None]
    if not values:
        return
    plan = Plan(values, grad_mode=False)
    outs = _collect_live(plan, values)
    out_slots = tuple(plan.slot(v) for v in outs)
    leaf_key, arrays, packs = plan.leaf_args()
    key = ("fwd", leaf_key, plan.nodes, out_slots)
    fn = plan.cacheable and plan_cache.lookup(key, lambda: _forward_fn(leaf_key, plan.nodes, out_slots))
    if not fn:
        env = _cold_forward(plan)
        results = [env[s] for s in out_slots]
    else:
        results = fn(arrays, packs)
    _store(outs, results)


def _store(values, results):
    """Give computed ``values`` their data.  A value no backward can need (its node is not
    recorded, or its graph was freed) forgets its node, so its history can be collected."""
    for v, r in zip(values, results):
        v.data = r
        v.depth = 0
        node = v.node
        if node is not None and (not node.recorded or node.freed):
            v.node = None


def _check_heads(heads, head_grads):
    for h in heads:
        if not h.is_recorded():
            raise MXNetError(_NOT_IN_GRAPH)
    for h, g in zip(heads, head_grads):
        if g is not None and g.shape != h.shape:
            raise MXNetError(f"head gradient of shape {g.shape} does not match its head of shape {h.shape}: "
                             "pass one gradient per head, shaped like the head (or None for ones)")


def _plan_for_grad(heads, head_grads):
    fixed = [g for g in head_grads if g is not None]
    materialize(fixed)
    plan = Plan(heads, grad_mode=True, fixed_leaves=fixed)
    pending_vars = [v for v in plan.leaves if v.var is not None and v.data is None]
    if pending_vars:  # a variable rebound to a pending value: compute it first
        materialize(pending_vars)
        plan = Plan(heads, grad_mode=True, fixed_leaves=fixed)
    return plan


def _free(plan):
    for node in plan.node_objs:
        if node.recorded:
            node.freed = True


@_jax_errors_as_mxnet
def run_backward(heads, head_grads, targets, retain_graph, old_grad=None):
    """Gradients of ``heads`` w.r.t. the variable Values ``targets`` (None: every variable
    reached whose grad_req is not 'null').  ``old_grad(value)`` gives the gradient to add to
    (grad_req 'add') or None.  Returns (targets, gradient arrays, leaves of the graph)."""
    _check_heads(heads, head_grads)
    plan = _plan_for_grad(heads, head_grads)
    if targets is None:
        targets = _variables_in_graph(plan, heads)
        if not targets:
            raise MXNetError("There are no inputs in computation graph that require gradients: "
                             "call attach_grad() on an input (with grad_req other than 'null') before record().")
    else:
        _check_reachable(plan, targets)
    var_slots = tuple(plan.slot(v) for v in targets)
    head_slots = tuple(plan.slot(h) for h in heads)
    ct_slots = tuple(None if g is None else plan.slot(g) for g in head_grads)
    outs = _collect_live(plan, heads)
    out_slots = tuple(plan.slot(v) for v in outs)
    old_grads = [old_grad(v) if old_grad else None for v in targets]
    add_mask = tuple(g is not None for g in old_grads)
    leaf_key, arrays, packs = plan.leaf_args(set(targets))
    key = ("bwd", leaf_key, plan.nodes, var_slots, head_slots, ct_slots, out_slots, add_mask)
    fn = plan.cacheable and plan_cache.lookup(
        key, lambda: _backward_fn(leaf_key, plan.nodes, var_slots, head_slots, ct_slots, out_slots, add_mask))
    if not fn:
        env = _cold_forward(plan)
        grads = _cold_backward(plan, env, var_slots, head_slots, ct_slots)
        grads = [g + o if o is not None else g for g, o in zip(grads, old_grads)]
        results = [env[s] for s in out_slots]
    else:
        results, grads = fn(arrays, packs, list(old_grads))
    if not retain_graph:
        _free(plan)
    _store(outs, results)
    return targets, grads, plan.leaves


def _variables_in_graph(plan, heads):
    """Variables (grad_req not 'null') that feed a recorded node of the plan, or are heads."""
    n_leaves = len(plan.leaves)
    used = {i for _, ins, recorded in plan.nodes if recorded for i in ins if i < n_leaves}
    used.update(i for i, v in enumerate(plan.leaves) if any(v is h for h in heads))
    return [v for i, v in enumerate(plan.leaves) if i in used and v.var is not None and v.var.req != "null"]


def _check_reachable(plan, targets):
    leaf_ids = set(plan.leaves)
    for i, v in enumerate(targets):
        if v not in leaf_ids:
            raise MXNetError(f"Cannot differentiate with respect to the {i + 1}-th variable because it is "
                             "unreachable from the outputs: it was not used to compute them inside record().")


_composites = OrderedDict()


def record_gradient(heads, head_grads, targets, retain_graph):
    """``grad(create_graph=True)``: append the whole vjp as one recorded node; returns its
    output Values (one gradient per target), themselves differentiable to any order."""
    _check_heads(heads, head_grads)
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
        run = _backward_fn(leaf_key, plan.nodes, var_slots, head_slots, ct_slots, (), (False,) * len(targets))

        def grads_of(*leaves):
            return tuple(run(list(leaves), None, [None] * len(var_slots))[1])
        avals = tuple(v.aval for v in targets)
        inst = _composites[key] = OpInstance("_backward", (), grads_of, avals)
        if len(_composites) > PLAN_CACHE_SIZE:
            _composites.popitem(last=False)
    values = apply(inst, tuple(plan.leaves), True, heads[0].ctx)
    values[0].node.recorded = True  # the gradient graph is recorded whatever its inputs
    if not retain_graph:
        _free(plan)
    return values
