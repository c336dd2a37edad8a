"""The cold tier: a structure not known to repeat runs node by node.

Each node runs through its OpInstance's own forward (the per-op jit, or exact NumPy on
the host for a new instance: ``host_eval``) and back through its per-op jitted vjp.
Nothing is compiled for the trace as a whole, so dynamic graphs stay cheap; recurring
pairs of ops run fused (``cold_entries``).
"""
import jax
import numpy as np

from . import host_eval, policy, profiling
from .graph import OpInstance

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
    seen ``policy.FUSE_SIGHTINGS`` times: a dynamic graph's new structures are made of a few
    recurring pairs (``y * c`` then ``sin``), so in a long-running program they run with
    about half the dispatches.  Outputs keep their slots (the two nodes are consecutive).
    Only registry instances pair (not a hybridized block, a custom Function, a backward
    pass or a pair), and only two nodes recorded alike (backward skips unrecorded ones);
    not two that both run on the host (``host_eval``), which dispatch nothing.  Longer
    chains were measured too: more variants to compile, no faster once compiled."""
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
                        if len(_pairs) > policy.PLAN_CACHE_SIZE:
                            _pairs.clear()
                        if pair + 1 < policy.FUSE_SIGHTINGS:
                            pair = _pairs[key] = pair + 1
                        elif host_eval.on_host(first) and host_eval.on_host(second):
                            pair = _pairs[key] = 0   # no dispatch to save: ask again later
                        else:
                            pair = _pairs[key] = _fuse(*key)
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


def cold_forward(plan, entries):
    """Run ``entries`` (``cold_entries(plan)``) node by node; returns every slot's value.
    A node whose outputs were all computed before (``plan.known``: a backward over values
    the program read, as a dynamic graph does at each step) is not run again: its values
    are taken as they are, as MXNet's backward reads the forward's saved outputs."""
    env = [v.data for v in plan.leaves]
    if profiling.active:
        profiling.cold_forward(env, entries)
        return env
    extend = env.extend
    if plan.known:
        known = {plan.slot(v): v.data for v in plan.known}
        for inst, ins, _ in entries:
            start = len(env)
            outs = [known.get(s) for s in range(start, start + len(inst.out_avals))]
            if any(o is None for o in outs):
                outs = inst.fwd(*[env[i] for i in ins])
            extend(outs)
        return env
    for inst, ins, _ in entries:
        extend(inst.fwd(*[env[i] for i in ins]))
    return env


def cold_backward(plan, entries, env, var_slots, head_slots, ct_slots):
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
