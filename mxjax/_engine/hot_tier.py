"""The hot tier: a structure known to repeat runs as ONE jitted function.

``PlanCache`` maps a plan's structure key to its compiled whole-trace function
(``forward_fn``: the requested values; ``backward_fn``: the values, the variables'
gradients and 'add' accumulation, all in one XLA call).  ``GradientInstance`` is a compiled
backward as one op, so that ``backward`` can append it to the trace and the next sync point
runs it together with the optimizer update and the loss read (``deferral``); with
``create_graph`` it is a recorded, differentiable node (any order of gradients).

Gradients are ``jax.vjp`` of the replayed trace with respect to the variables' values;
nodes recorded outside ``autograd.record()`` see ``stop_gradient`` inputs.
"""
import threading
import time
from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..base import MXNetError
from . import policy, profiling
from .graph import OpInstance, as_differentiable, constant, differentiating, gradient_replay, is_integer


class Compiled:
    """A plan cache entry: the jitted whole-trace function, (for a backward structure) the
    op instance that runs it as one deferred node, and its name in ``mx.profiler``'s output.
    Its first call (trace, lower, XLA compile) is timed for the cache's compile estimate.
    A forward structure (``key`` given) then times its next calls against ``fastest_cold``,
    its fastest cold run: where running cold was faster (a few numbers evaluated on the
    host, as a data-dependent loop reads them), the cache runs it cold for good."""
    __slots__ = ("fn", "deferred", "label")

    def __init__(self, fn, cache, n_nodes, key=None, fastest_cold=None):
        jitted = jax.jit(fn)
        times = []

        def first_call(*args):
            start = time.perf_counter()
            result = jitted(*args)
            self.fn = jitted if key is None else timed_call
            cache.learn_compile(n_nodes, time.perf_counter() - start)
            return result

        def timed_call(*args):
            start = time.perf_counter()
            result = jitted(*args)
            times.append(time.perf_counter() - start)
            if len(times) == policy.TIMED_CALLS:
                self.fn = jitted
                if min(times) > fastest_cold:
                    cache.stay_cold(key)
            return result
        self.fn = first_call
        self.deferred = None
        self.label = None


#: a plan cache entry: the structure runs cold for good (``Compiled`` found it faster)
STAYS_COLD = "stays cold"


class PlanCache:
    """Structure key -> jitted whole-trace function.

    A structure seen before is compiled when ``policy.compile_structure`` says so: at its
    second sighting in a loop, otherwise once its cold runs have cost what compiling it is
    expected to cost (the plan's node count times the compile seconds per node measured on
    this machine).  Until then the caller runs it cold and reports the time (``ran_cold``)."""

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()   # key -> Compiled, [cold runs, fastest cold run in seconds] or STAYS_COLD
        self.compiles = 0              # whole-trace functions built (each compiles once)
        self.hits = 0                  # sync points served by an existing one
        self.calls = 0                 # compiled whole-trace calls run (XLA executions)
        self.compile_per_node = policy.PRIOR_COMPILE_PER_NODE
        self._last = {}                # kind -> the previous key of that kind
        self._lock = threading.Lock()

    def lookup(self, key, build, n_nodes):
        """(Compiled entry for ``key``, whether it existed before); the entry is None while
        the key runs cold (then the caller reports the run's time with ``ran_cold``)."""
        with self._lock:
            entries = self.entries
            entry = entries.get(key)
            if entry is STAYS_COLD:
                return None, False
            if entry is None or type(entry) is list:
                last, self._last[key[0]] = self._last.get(key[0]), key
                if entry is None:
                    entries[key] = [0, float("inf")]
                    if len(entries) > self.size:
                        entries.popitem(last=False)
                    return None, False
                runs, fastest = entry
                forward = key[0] == "fwd"
                if not policy.compile_structure(last == key, runs, fastest, n_nodes, self.compile_per_node, forward):
                    return None, False
                entry = entries[key] = Compiled(build(), self, n_nodes, key if forward else None, fastest)
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

    def stay_cold(self, key):
        """``key`` runs cold from now on: its compiled calls were slower."""
        if key in self.entries:
            self.entries[key] = STAYS_COLD

    def learn_compile(self, n_nodes, seconds):
        """A compile of ``n_nodes`` took ``seconds``: move the per-node estimate towards it."""
        self.compile_per_node += 0.5 * (seconds / max(n_nodes, 1) - self.compile_per_node)

    def clear(self):
        self.entries.clear()


plan_cache = PlanCache(policy.PLAN_CACHE_SIZE)


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


def forward_fn(leaf_key, nodes, out_slots):
    def run(arrays, packs):
        env = _unpack(leaf_key, arrays, packs)
        _replay(nodes, env, False)
        return [env[s] for s in out_slots]
    return run


def _zeros_for_ints(grads, var_vals):
    return [jnp.zeros(v.shape, v.dtype) if g.dtype == jax.dtypes.float0 else g.astype(v.dtype)
            for g, v in zip(grads, var_vals)]


def backward_fn(leaf_key, nodes, var_slots, head_slots, ct_slots, out_slots, add_mask):
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


class GradientInstance(OpInstance):
    """A whole backward pass of a plan as one op.  Inputs: the plan's leaves (with a
    ``leaf_key``, only the non-scalar ones, then one packed array of host scalars per dtype
    in ``pack_dtypes`` order, as ``Plan.leaf_args`` makes them), then the old gradients of
    'add' variables.  Outputs: the values at ``out_slots``, then one gradient per variable.

    ``compiled``, the plan's already compiled backward function, runs the node when it is
    computed on its own, instead of compiling it again."""
    __slots__ = ("slots", "pack_dtypes", "deferrals", "ran_alone", "op_names")

    def __init__(self, plan, leaf_key, var_slots, head_slots, ct_slots, out_slots, add_mask, avals, compiled=None):
        run = backward_fn(leaf_key, plan.nodes, var_slots, head_slots, ct_slots, out_slots, add_mask)
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
        """Deferring this backward gains nothing (``policy.deferral_gains_nothing``)."""
        return policy.deferral_gains_nothing(self.ran_alone, self.deferrals)

    def inputs(self, plan, packed, old_grads, ctx):
        """The node's input Values: ``plan``'s non-scalar leaves, the ``packed`` scalars
        (``packs``), the old gradients of 'add' variables."""
        leaves = plan.leaves
        return tuple([leaves[i] for i in self.slots] + [constant(packed[d], ctx) for d in self.pack_dtypes]
                     + [g for g in old_grads if g is not None])

