"""Turning pending traces into values and gradients: plans, the two tiers, and their caches.

A *plan* is the part of the trace a sync point needs (heads back to leaves),
numbered into slots: leaves first (concrete Values, passed as arguments),
then one slot per node output in creation (= topological) order.  Its
*structure key* is the tuple of (OpInstance, input slots, recorded) per node
plus the leaves' avals and roles, so two traces with the same ops, wiring,
attributes and shapes share one key however their values differ.

Tiers (DESIGN.md section 4):

* cold: a key not yet known to repeat runs node by node through each
  OpInstance's per-op jitted forward, and back through its per-op jitted vjp.
  Nothing is compiled for the trace as a whole, so dynamic graphs stay cheap.
* hot: a key that repeats (``_PlanCache``) runs as ONE jitted function: all
  forward values, head values and gradients (and 'add' accumulation) in a
  single XLA call.
* deferred: once a backward structure is hot, ``backward`` appends that
  function as one node (``GradientInstance``) and ``Trainer.step`` its update
  node; the next sync point runs them with whatever it needs in one call.

Gradients are ``jax.vjp`` of the replayed trace with respect to the
variables' values; unrecorded nodes see ``stop_gradient`` inputs.  With
``create_graph`` the whole vjp becomes one recorded node of the trace (a
*composite* op), so a later backward differentiates through it: any order.
"""
import contextlib
import functools
import threading
import time
import weakref
from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.extend.core import Literal

from ..base import MXNetError
from . import kernel_checks, profiling, replicas
from .graph import (OpInstance, apply, as_differentiable, constant, differentiating, gradient_replay, is_integer,
                    raise_all_failures, raise_failure, unraised_failures)
from .state import state

_NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for backward. "
    "If you want to differentiate the same graph twice, you need to pass retain_graph=True to backward.")

PLAN_CACHE_SIZE = 2048
_UNSEEN = object()
#: deferred values pending beyond this count are computed, so a loop that never reads
#: a value cannot grow the deferred work without limit
MAX_DEFERRED = 256


_MIXED_DEVICES = ("Operator inputs live on different devices: all inputs of an operator must be on the same "
                  "context (contexts on separate JAX devices, e.g. with "
                  "--xla_force_host_platform_device_count, cannot be mixed); copy them first with "
                  "x.as_in_context(ctx). JAX says: ")


def _sync_point(fn):
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


class Compiled:
    """A plan cache entry: the jitted whole-trace function, (for a backward structure) the
    op instance that runs it as one deferred node, and its name in ``mx.profiler``'s output.
    Its first call (trace, lower, XLA compile) is timed for the cache's compile estimate."""
    __slots__ = ("fn", "deferred", "label")

    def __init__(self, fn, cache, n_nodes):
        jitted = jax.jit(fn)

        def first_call(*args):
            start = time.perf_counter()
            result = jitted(*args)
            self.fn = jitted
            cache.learn_compile(n_nodes, time.perf_counter() - start)
            return result
        self.fn = first_call
        self.deferred = None
        self.label = None


class _PlanCache:
    """Structure key -> jitted whole-trace function.

    A structure is compiled once it is known to repeat.  In a loop (the previous sync point
    of its kind, "fwd"/"bwd", had the same structure) that is its second sighting.  Otherwise
    (data-dependent control flow cycling through structures, a test looping over settings)
    it is compiled when running it cold has cost as much as compiling it is expected to
    cost: ski rental, so such a program never spends more than about twice what the better
    choice would have.  A cold run's cost is the fastest of its timed cold runs (the first
    includes compiling its ops' own kernels, at least two are needed); the compile's is
    the plan's node count times the compile seconds per node measured on this machine."""
    #: seconds one XLA compile costs per node of a plan, before any compile was measured
    PRIOR_COMPILE_PER_NODE = 0.005

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()   # key -> Compiled, or [cold runs, fastest cold run in seconds]
        self.compiles = 0              # whole-trace functions built (each compiles once)
        self.hits = 0                  # sync points served by an existing one
        self.calls = 0                 # compiled whole-trace calls run (XLA executions)
        self.compile_per_node = self.PRIOR_COMPILE_PER_NODE
        self._last = {}                # kind -> the previous key of that kind
        self._lock = threading.Lock()

    def lookup(self, key, build, n_nodes):
        """(Compiled entry for ``key``, whether it existed before); the entry is None while
        the key runs cold (then the caller reports the run's time with ``ran_cold``)."""
        with self._lock:
            entries = self.entries
            entry = entries.get(key)
            if entry is None or type(entry) is list:
                last, self._last[key[0]] = self._last.get(key[0]), key
                if entry is None:
                    entries[key] = [0, float("inf")]
                    if len(entries) > self.size:
                        entries.popitem(last=False)
                    return None, False
                runs, fastest = entry
                if last != key and (runs < 2 or runs * fastest < n_nodes * self.compile_per_node):
                    return None, False
                entry = entries[key] = Compiled(build(), self, n_nodes)
                self.compiles += 1
                return entry, False
            self.hits += 1
            return entry, True

    def ran_cold(self, key, seconds):
        """``key`` ran cold in ``seconds``."""
        entry = self.entries.get(key)
        if type(entry) is list:
            entry[0] += 1
            entry[1] = min(entry[1], seconds)

    def learn_compile(self, n_nodes, seconds):
        """A compile of ``n_nodes`` took ``seconds``: move the per-node estimate towards it."""
        self.compile_per_node += 0.5 * (seconds / max(n_nodes, 1) - self.compile_per_node)

    def clear(self):
        self.entries.clear()


plan_cache = _PlanCache(PLAN_CACHE_SIZE)


class Plan:
    """A numbered subgraph: leaves, nodes, and which slots are wanted."""
    __slots__ = ("leaves", "variables", "live", "nodes", "node_objs", "slot_of", "n_slots", "_base", "cacheable")

    def __init__(self, roots, grad_mode, fixed_leaves=()):
        """Collect what ``roots`` need.  In grad mode recorded nodes are expanded even when
        their values are known (backward recomputes them); variables and ``fixed_leaves``
        are always leaves.  ``live`` gathers pending values a live NDArray still holds."""
        leaves = dict.fromkeys(fixed_leaves)
        fixed = leaves.copy() if fixed_leaves else ()
        variables = {}   # variables reached from a root through recorded nodes only: what backward targets
        nodes = {}
        in_graph_nodes = set()   # nodes reached that way (a detach() cuts the path behind it)
        live = []
        stack = [None]
        inputs, in_graph = roots, True
        while True:   # depth-first over nodes; ``inputs`` are the values the last node reads
            for v in inputs:
                node = v.node
                if node is None or v in fixed or (grad_mode and v.var is not None):
                    leaves[v] = None
                    if in_graph and v.var is not None:
                        variables[v] = None
                elif v.data is None or (grad_mode and node.recorded and not node.freed):
                    if node not in nodes:
                        nodes[node] = node.id
                        stack.append(node)
                        if in_graph:
                            in_graph_nodes.add(node)
                    elif in_graph and node not in in_graph_nodes:
                        in_graph_nodes.add(node)   # first seen behind a cut: walk it again, in the graph
                        stack.append(node)
                    if v.data is None:
                        owner = v.owner
                        if owner is not None:
                            handle = owner()
                            if handle is not None and handle._holds(v):
                                live.append(v)
                else:
                    leaves[v] = None
            node = stack.pop()
            if node is None:
                break
            inputs, in_graph = node.inputs, node in in_graph_nodes and node.recorded and not node.freed
        self.leaves = list(leaves)
        self.variables = list(variables)
        self.live = live
        slot_of = {v: i for i, v in enumerate(self.leaves)}
        n = len(slot_of)
        entries = []
        order = sorted(nodes, key=nodes.__getitem__)
        try:
            cacheable, n = self._wire(order, slot_of, n, entries)
        except KeyError:   # a deferred backward took over values older nodes read: ids are not an order
            order = _topological(order)
            entries.clear()
            cacheable, n = self._wire(order, slot_of, len(slot_of), entries)
        self.cacheable = cacheable
        self.nodes = tuple(entries)
        self.node_objs = order
        self.n_slots = n
        self.slot_of = slot_of

    def _wire(self, order, slot_of, n, entries):
        """Fill ``entries`` with (instance, input slots, recorded) of the nodes in ``order``;
        returns (cacheable, number of slots).  KeyError when a node reads a node after it."""
        cacheable = True
        get = slot_of.get
        base = self._base = {}
        for node in order:
            inst = node.inst
            cacheable = cacheable and inst.cacheable
            ins = []
            for v in node.inputs:
                s = get(v)
                ins.append(base[v.node] + v.index if s is None else s)
            base[node] = n
            # a node whose graph a backward freed is history, not graph: no gradient through it
            entries.append((inst, tuple(ins), node.recorded and not node.freed))
            n += len(inst.out_avals)
        return cacheable, n

    def slot(self, v):
        s = self.slot_of.get(v)
        return self._base[v.node] + v.index if s is None else s

    def leaf_args(self, targets=()):
        """(key, arrays, scalars) for the leaves.  Host scalars (0-d numpy leaves: the
        program's Python scalars) go to a compiled call packed into one array per dtype
        (``pack_scalars(scalars)``), so a trace with a hundred constants passes a handful of
        arguments; their slots hold None in ``arrays``."""
        key, arrays, groups = [], [], {}
        for v in self.leaves:
            if v.shape == () and v.var is None and type(v.data) is np.ndarray:
                group = groups.get(v.dtype)
                if group is None:
                    group = groups[v.dtype] = []
                key.append((v.dtype, len(group)))
                group.append(v)
                arrays.append(None)
            else:
                key.append((v.aval, v in targets))
                arrays.append(v.data)
        return tuple(key), arrays, groups


_packs = {}


def pack_scalars(scalars):
    """``leaf_args``'s scalar leaves as one device array per dtype (keyed by ``dtype.str``),
    cached by the scalars' identity: a loop that uses the same Python scalars step after step
    transfers them once.  Only a compiled call needs them; the cold tier takes the scalars
    as they are."""
    result = {}
    for dtype, values in scalars.items():
        values = tuple(values)
        packed = _packs.get(values)
        if packed is None:
            if len(_packs) > PLAN_CACHE_SIZE:
                _packs.clear()
            with jax.ensure_compile_time_eval():   # concrete even when made inside a JAX trace
                packed = _packs[values] = jnp.asarray(np.array([v.data for v in values], dtype=dtype))
        result[dtype.str] = packed
    return result


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
    return [jnp.zeros(v.shape, v.dtype) if g.dtype == jax.dtypes.float0 else g.astype(v.dtype)
            for g, v in zip(grads, var_vals)]


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
        if any(is_integer(v.dtype) for v in var_vals):
            # integer variables: the gradients come from a float64 replay (as_differentiable),
            # the outputs from the replay in the arrays' own dtypes
            outs = f(var_vals)[1]
            try:
                with differentiating():
                    heads, pull, _ = jax.vjp(f, [as_differentiable(v) for v in var_vals], has_aux=True)
            except MXNetError:   # an operator needs its integers as integers: they get no gradient
                heads, pull, _ = jax.vjp(f, var_vals, has_aux=True)
        else:
            with differentiating():
                heads, pull, outs = jax.vjp(f, var_vals, has_aux=True)
            if gradient_replay.uncast:   # an integer result left uncast for its gradient: the values anew
                outs = f(var_vals)[1]
        cts = [jnp.ones_like(h) if s is None else leaves[s].astype(h.dtype) for h, s in zip(heads, ct_slots)]
        grads = _zeros_for_ints(pull(cts)[0], var_vals)
        grads = [g + o if add else g for g, o, add in zip(grads, old_grads, add_mask)]
        return outs, grads
    return run


#: two op instances are fused for the cold tier once seen together this many times:
#: compiling a pair costs ~45 ms here, about what 1000 to 2000 cold runs of it cost
FUSE_SIGHTINGS = 1000
_pairs = {}   # (first instance, second instance, wiring) -> sightings so far, or the fused instance


class PairInstance(OpInstance):
    """Two consecutive nodes run as one instance by the cold tier (``cold_entries``): the
    first's inputs then the second's other inputs in, both nodes' outputs out."""
    __slots__ = ()


def cold_entries(plan):
    """``plan.nodes`` for the cold tier, with recurring pairs fused.

    The cold tier pays one jitted dispatch per node forward and one backward (~5 us each
    here), most of what a new structure costs.  A node that reads an output of the node
    before it runs fused with it once that pair of instances (wired the same way) has been
    seen ``FUSE_SIGHTINGS`` times: a dynamic graph's new structures are made of a few
    recurring pairs (``y * c`` then ``sin``), so in a long-running program they run with
    about half the dispatches.  Outputs keep their slots (the two nodes are consecutive).
    Only registry instances pair (not a hybridized block, a custom Function, a backward
    pass or a pair), and only two nodes recorded alike (backward skips unrecorded ones).
    Longer chains were measured too: more variants to compile, no faster once compiled."""
    nodes = plan.nodes
    entries = []
    base = len(plan.leaves)        # first output slot of nodes[i]
    i, n = 0, len(nodes)
    while i < n:
        entry = nodes[i]
        first, ins, recorded = entry
        k = len(first.out_avals)
        if i + 1 < n and type(first) is OpInstance:
            second, ins2, recorded2 = nodes[i + 1]
            if type(second) is OpInstance and recorded2 == recorded:
                wiring = tuple([s - base if base <= s < base + k else -1 for s in ins2])
                if wiring != (-1,) * len(wiring):
                    key = (first, second, len(ins), wiring)
                    pair = _pairs.get(key, 0)
                    if type(pair) is int:
                        if len(_pairs) > PLAN_CACHE_SIZE:
                            _pairs.clear()
                        pair = _pairs[key] = pair + 1 if pair + 1 < FUSE_SIGHTINGS else _fuse(*key)
                    if type(pair) is not int:
                        entries.append((pair, ins + tuple(s for s, w in zip(ins2, wiring) if w < 0), recorded))
                        base += len(pair.out_avals)
                        i += 2
                        continue
        entries.append(entry)
        base += k
        i += 1
    return entries


def _fuse(first, second, n_in, wiring):
    """``first`` then ``second`` as one instance; ``second`` reads ``first``'s outputs where
    ``wiring`` gives an index, its own inputs (after ``first``'s ``n_in``) where it is -1."""
    f1, f2 = first.fn, second.fn

    def pair(*args):
        outs = f1(*args[:n_in])
        extra = iter(args[n_in:])
        return tuple(outs) + tuple(f2(*[outs[w] if w >= 0 else next(extra) for w in wiring]))
    return PairInstance(f"{first.name}+{second.name}", (), pair, first.out_avals + second.out_avals)


def _cold_forward(plan, entries):
    env = [v.data for v in plan.leaves]
    if profiling.active:
        profiling.cold_forward(env, entries)
        return env
    extend = env.extend
    for inst, ins, _ in entries:
        extend(inst.fwd(*[env[i] for i in ins]))
    return env


def _cold_backward(plan, entries, env, var_slots, head_slots, ct_slots):
    """Reverse sweep through the per-op jitted vjps, over the recorded nodes that depend on
    a variable; returns one gradient per variable slot."""
    dep = [False] * plan.n_slots
    for s in var_slots:
        dep[s] = True
    work = []
    n = len(plan.leaves)
    for inst, ins, recorded in entries:
        k = len(inst.out_avals)
        if recorded:
            for i in ins:
                if dep[i]:   # the cotangents asked of its vjp: those of inputs that depend on a variable
                    needed = tuple([dep[j] for j in ins])
                    dep[n:n + k] = [True] * k
                    work.append((inst, ins, n, k, needed))
                    break
        n += k
    cts = [None] * plan.n_slots
    timed = profiling.active
    for h, c in zip(head_slots, ct_slots):
        if dep[h]:   # ones made on the host: an eager jnp.ones_like costs ~50 us
            ct = np.ones(env[h].shape, env[h].dtype) if c is None else env[c].astype(env[h].dtype)
            cts[h] = ct if cts[h] is None else cts[h] + ct
    for inst, ins, base, k, needed in reversed(work):
        outs = cts[base:base + k]
        for c in outs:
            if c is not None:
                break
        else:
            continue   # no cotangent reached this node
        cts[base:base + k] = [None] * k
        if timed:
            in_cts = profiling.vjp(inst, [env[i] for i in ins], outs, needed)
        else:
            in_cts = inst.vjp([env[i] for i in ins], outs, needed)
        for i, c in zip([i for i, n in zip(ins, needed) if n], in_cts):
            if c is not None:
                old = cts[i]
                cts[i] = c if old is None else old + c
    grads = [np.zeros(env[s].shape, env[s].dtype) if cts[s] is None else cts[s] for s in var_slots]
    # host results (a head that is itself a variable has the host ones; host-evaluated vjps)
    # move to the device as they are: jnp.asarray would compile a kernel per new shape
    return [jax.device_put(g) if type(g) is np.ndarray else g for g in grads]


def _collect_live(plan, requested):
    """Slots to return: the requested values plus pending values a live NDArray holds."""
    return list(dict.fromkeys(list(requested) + plan.live))


def defer(values):
    """Leave ``values`` (a gradient or an optimizer update) pending: the next sync point
    computes them in the same compiled call as whatever it needs, so a training step is one
    XLA call (forward, backward and update) instead of three."""
    deferred = state.deferred
    deferred.extend(weakref.ref(v) for v in values)
    while len(deferred) > MAX_DEFERRED:
        materialize([])


@contextlib.contextmanager
def deferred_apart():
    """Inside a JAX trace of NDArray code (a hybridized forward), sync points must not
    compute the program's deferred work: its values would become tracers."""
    saved, state.deferred = state.deferred, []
    try:
        yield
    finally:
        state.deferred = saved


def _take_deferred():
    """The deferred values still pending (all of them: on several devices they are the
    replicas of one data-parallel step, which ``replicas.partition`` runs as one program)."""
    deferred = state.deferred
    if not deferred:
        return []
    values = [v for v in (ref() for ref in deferred) if v is not None and v.data is None]
    deferred.clear()
    return values


def _keep_deferred(values):
    """Leave ``values`` deferred again (they did not join this sync point's program)."""
    state.deferred.extend(weakref.ref(v) for v in values)


@_sync_point
def materialize(values, compile=True):
    """Compute pending ``values`` (and live pending values they depend on, and deferred
    work); forward only.  ``compile`` False runs them cold whatever their structure: a chain
    cut because it grew too deep (``flush``) is hundreds of nodes long, and compiling it costs
    what hundreds of cold runs cost."""
    values = [v for v in values if v.data is None]
    taken = _take_deferred()
    if not values and not taken:
        return
    plan = Plan(values + taken, grad_mode=False)
    spmd = None
    if replicas.spans_devices(plan.leaves):
        outs = _collect_live(plan, values + taken)
        spmd = replicas.partition(plan, outs) if plan.cacheable else None
        if spmd is None and taken and values:
            # the deferred step (replicas alike) as one program first, then what was asked
            _keep_deferred(taken)
            materialize([])
            return materialize(values, compile)
        if spmd is None:   # not one data-parallel step: other devices' deferred work waits
            device = (values or taken)[0].ctx.jax_device
            _keep_deferred([v for v in taken if v.ctx.jax_device is not device])
            taken = [v for v in taken if v.ctx.jax_device is device]
            plan = Plan(values + taken, grad_mode=False)
            # still on several devices (values asked on several, not alike): node by node,
            # each op where its inputs are; one compiled call cannot span devices
            compile = compile and not replicas.spans_devices(plan.leaves)
    values += taken
    if unraised_failures:
        raise_failure(entry[0] for entry in plan.nodes)
    outs = _collect_live(plan, values)
    out_slots = tuple(plan.slot(v) for v in outs)
    if spmd is not None and compile:
        entry, seen = plan_cache.lookup(spmd.key, spmd.build, len(spmd.nodes))
        if entry is not None:
            plan_cache.calls += 1
            _store(outs, spmd.results(entry.fn(*spmd.arguments(plan))))
            return
    # one node (a deferred backward, an update, one op) is already one compiled call
    entry = key = None
    if compile and plan.cacheable and len(plan.nodes) > 1 and spmd is None:
        leaf_key, arrays, scalars = plan.leaf_args()
        key = ("fwd", leaf_key, plan.nodes, out_slots)
        entry, seen = plan_cache.lookup(key, lambda: _forward_fn(leaf_key, plan.nodes, out_slots), len(plan.nodes))
    if entry is None:
        if len(plan.nodes) == 1 and type(plan.nodes[0][0]) is GradientInstance:
            plan.nodes[0][0].ran_alone += 1
        start = time.perf_counter()
        env = _cold_forward(plan, cold_entries(plan))
        results = [env[s] for s in out_slots]
        if key is not None or spmd is not None:
            plan_cache.ran_cold(key if spmd is None else spmd.key, time.perf_counter() - start)
    else:
        plan_cache.calls += 1
        if profiling.active:
            results = profiling.compiled_call(entry, "forward", plan.nodes, not seen, arrays, pack_scalars(scalars))
        else:
            results = entry.fn(arrays, pack_scalars(scalars))
    _store(outs, results)


def flush(values):
    """A program that never reads its values (``y[i] += 1`` in a loop) must not grow the
    pending trace without bound: compute ``values``, whose chain got too deep, cold."""
    materialize(values, compile=False)


#: vmapped per-sample structures (``stacked``): structure key -> jitted function
_stacked_fns = OrderedDict()


@_sync_point
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
        fn = _stacked_fns[key] = jax.jit(jax.vmap(_forward_fn(leaf_key, nodes, out_slots), in_axes=(axes, 0)))
        if len(_stacked_fns) > PLAN_CACHE_SIZE:
            _stacked_fns.popitem(last=False)
    return fn(arrays, packs)[0]


def _topological(order):
    """``order`` (nodes by id) re-ordered so that every node comes after the nodes it reads.
    Node ids are creation order, which is such an order until a deferred backward redirects
    live pending values to its own (newer) node (``run_backward``): a node made before it
    may then read it."""
    members = set(order)
    done, out = set(), []
    for root in order:
        if root in done:
            continue
        stack = [(root, iter(root.inputs))]
        done.add(root)
        while stack:
            node, inputs = stack[-1]
            for v in inputs:
                child = v.node
                if child in members and child not in done:
                    done.add(child)
                    stack.append((child, iter(child.inputs)))
                    break
            else:
                stack.pop()
                out.append(node)
    return out


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
                materialize([g])
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
    materialize(computed)
    return [g if g is None or g.node is None else constant(g.data, g.ctx) for g in head_grads]


def _plan_for_grad(heads, head_grads):
    fixed = [g for g in head_grads if g is not None]
    if fixed:
        materialize(fixed)
    plan = Plan(heads, grad_mode=True, fixed_leaves=fixed)
    pending_vars = [v for v in plan.leaves if v.var is not None and v.data is None]
    if pending_vars:  # a variable rebound to a pending value: compute it first
        materialize(pending_vars)
        plan = Plan(heads, grad_mode=True, fixed_leaves=fixed)
    if unraised_failures:
        raise_failure(entry[0] for entry in plan.nodes)
    return plan


def _free(plan):
    for node in plan.node_objs:
        if node.recorded:
            node.freed = True


@_sync_point
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
    outs = _collect_live(plan, heads)
    out_slots = tuple(plan.slot(v) for v in outs)
    old_grads = [old_grad(v) if old_grad else None for v in targets]
    add_mask = tuple(g is not None for g in old_grads)
    leaf_key, arrays, scalars = plan.leaf_args(set(targets))
    key = ("bwd", leaf_key, plan.nodes, var_slots, head_slots, ct_slots, out_slots, add_mask)
    entry, seen = plan_cache.lookup(
        key, lambda: _backward_fn(leaf_key, plan.nodes, var_slots, head_slots, ct_slots, out_slots, add_mask),
        len(plan.nodes)) if plan.cacheable else (None, False)
    deferring = seen and not (entry.deferred is not None and entry.deferred.runs_alone())
    state.eager_backward = None if deferring else entry and entry.deferred
    if deferring:
        inst = entry.deferred
        if inst is None:
            inst = entry.deferred = GradientInstance(
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
        defer(grads + ([v for v in outs if v.data is None] if replica and not retain_graph else []))
    else:
        old_arrays = [None if g is None else _data_of(g) for g in old_grads]
        if not entry:
            start = time.perf_counter()
            entries = cold_entries(plan)
            env = _cold_forward(plan, entries)
            grads = _cold_backward(plan, entries, env, var_slots, head_slots, ct_slots)
            grads = [g + o if o is not None else g for g, o in zip(grads, old_arrays)]
            results = [env[s] for s in out_slots]
            if plan.cacheable:
                plan_cache.ran_cold(key, time.perf_counter() - start)
        else:
            plan_cache.calls += 1
            if profiling.active:
                results, grads = profiling.compiled_call(entry, "backward", plan.nodes, not seen, arrays,
                                                         pack_scalars(scalars), old_arrays)
            else:
                results, grads = entry.fn(arrays, pack_scalars(scalars), old_arrays)
        _store(outs, results)
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


def update_follows():
    """An optimizer update is being deferred.  A backward run at the call since the last one
    (its structure had ``runs_alone``) would have joined this update in one call had it been
    deferred, so that structure defers again: gradients read on their own early in a program
    (two debugging prints) must not cost its training loop a second XLA call per step for good."""
    inst = state.eager_backward
    if inst is not None:
        inst.ran_alone = inst.deferrals = 0
        state.eager_backward = None


def _data_of(value):
    if value.data is None:
        materialize([value])
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


class GradientInstance(OpInstance):
    """A whole backward pass of a plan as one op.  Inputs: the plan's leaves (with a
    ``leaf_key``, only the non-scalar ones, then one packed array of host scalars per dtype
    in ``pack_dtypes`` order, as ``Plan.leaf_args`` makes them), then the old gradients of
    'add' variables.  Outputs: the values at ``out_slots``, then one gradient per variable.

    ``compiled``, the plan's already compiled backward function, runs the node when it is
    computed on its own, instead of compiling it again."""
    __slots__ = ("slots", "pack_dtypes", "deferrals", "ran_alone", "op_names")

    def __init__(self, plan, leaf_key, var_slots, head_slots, ct_slots, out_slots, add_mask, avals, compiled=None):
        run = _backward_fn(leaf_key, plan.nodes, var_slots, head_slots, ct_slots, out_slots, add_mask)
        n = len(plan.leaves)
        if leaf_key is None:
            self.slots, self.pack_dtypes = range(n), ()
        else:
            self.slots = [i for i, entry in enumerate(leaf_key) if not isinstance(entry[0], np.dtype)]
            self.pack_dtypes = tuple(sorted({entry[0].str for entry in leaf_key if isinstance(entry[0], np.dtype)}))
        slots, k, dtypes = self.slots, len(self.slots), self.pack_dtypes

        def split(arrays):
            leaves = [None] * n
            for i, a in zip(slots, arrays):
                leaves[i] = a
            packs = dict(zip(dtypes, arrays[k:])) if leaf_key is not None else None
            old = iter(arrays[k + len(dtypes):])
            return leaves, packs, [next(old) if add else None for add in add_mask]

        def gradients(*arrays):
            outs, grads = run(*split(arrays))
            return tuple(outs) + tuple(grads)
        super().__init__("_backward", (), gradients, avals)
        self.op_names = tuple(profiling.label(inst) for inst, _, _ in plan.nodes)   # for mx.profiler
        self.deferrals = 0   # nodes of this backward deferred so far
        self.ran_alone = 0   # of those, computed on their own by a sync point
        if compiled is not None:
            def fwd(*arrays):
                plan_cache.calls += 1
                outs, grads = compiled(*split(arrays))
                return tuple(outs) + tuple(grads)
            self._fwd = fwd

    def runs_alone(self):
        """Deferring this backward gains nothing: its deferred nodes were mostly computed on
        their own (a gradient read right after ``backward``, no optimizer step joining them),
        so deferring only adds bookkeeping.  Twice at least, so that an occasional read (a
        gradient printed every hundred steps) keeps a training loop deferred."""
        return self.ran_alone >= 2 and 2 * self.ran_alone > self.deferrals

    def inputs(self, plan, packed, old_grads, ctx):
        """The node's input Values: ``plan``'s non-scalar leaves, the ``packed`` scalars
        (``packs``), the old gradients of 'add' variables."""
        leaves = plan.leaves
        return tuple([leaves[i] for i in self.slots] + [constant(packed[d], ctx) for d in self.pack_dtypes]
                     + [g for g in old_grads if g is not None])


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
        inst = _composites[key] = GradientInstance(plan, None, var_slots, head_slots, ct_slots, (),
                                                   (False,) * len(targets), tuple(v.aval for v in targets))
        if len(_composites) > PLAN_CACHE_SIZE:
            _composites.popitem(last=False)
    values = apply(inst, tuple(plan.leaves), True, heads[0].ctx)
    values[0].node.recorded = True  # the gradient graph is recorded whatever its inputs
    if not retain_graph:
        _free(plan)
    return values
