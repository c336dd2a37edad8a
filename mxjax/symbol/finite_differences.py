"""Finite differences of a Symbol, every perturbed forward of one input in a few vmapped calls.

``mx.test_utils.numeric_grad`` perturbs each element of each input by +-eps/2 and runs the
forward again: 2*N forwards for N elements.  Run one by one through the engine, each costs a
host-to-device copy, a sync point and a read back (milliseconds); MXNet's own tests check
shapes of thousands of elements that way.  Here the symbol's pure graph function
(``lowering.GraphFunction``) is vmapped over a batch of perturbed copies of one input and
jitted, so the 2*N forwards are a handful of calls of one program per input and shape.

Only graphs of deterministic, traceable operators take this path (``vectorizable``): random
operators (each forward would draw new numbers), Custom operators (host code) and
control-flow operators keep the forward-by-forward loop.
"""
from collections import OrderedDict

import jax
import jax.numpy as jnp
import numpy as np

from .lowering import GraphFunction
from .symbol import Symbol, takes_key

#: perturbed elements evaluated in one call: a batch holds this many input elements at most
BATCH_ELEMENTS = 1 << 20

_NO_KEY = np.zeros(2, np.uint32)
_compiled = OrderedDict()   # (graph json, training, input, batch, avals, projected) -> jitted function
_CACHE_SIZE = 64


def vectorizable(sym, names):
    """Whether ``sym``'s finite differences can run vmapped: a Symbol whose arguments are all
    given by name (``names``) and whose operators are deterministic registry operators."""
    if not isinstance(sym, Symbol) or names is None or set(sym.list_arguments()) - set(names):
        return False
    return all(node.op is None or not (node.op.free_attrs or node.op.random or node.subgraphs is not None
                                       or takes_key(node))
               for node in sym._order())


def _batched_totals(sym, batch, avals, training, projected):
    """The jitted fn(batched arguments, aux, projection) -> sum over the first output (times the
    projection) per batch row, in float64."""
    key = (sym.tojson(), training, batch, avals, projected)
    fn = _compiled.get(key)
    if fn is not None:
        _compiled.move_to_end(key)
        return fn
    graph = GraphFunction(sym)

    position = {name: k for k, name in enumerate(dict.fromkeys(sym.list_arguments()))}
    slots = [position[node.name] for node in graph.arg_nodes]   # variables of one name share a value

    def total(args, aux, proj):
        out = graph([args[k] for k in slots], aux, _NO_KEY, training)[0][0]
        if projected:
            out = out * proj
        return jnp.sum(out.astype(jnp.float64))
    fn = _compiled[key] = jax.jit(jax.vmap(total, in_axes=(0, None, None)))
    if len(_compiled) > _CACHE_SIZE:
        _compiled.popitem(last=False)
    return fn


def numeric_gradients(sym, values, aux, eps, training, projection=None):
    """Central-difference gradients of sum(sym(values)[0] * projection) (projection optional)
    with respect to every floating argument: ``values`` name -> numpy array (every argument of
    ``sym``), ``aux`` name -> numpy array; returns name -> gradient (numpy, the value's dtype).
    Each perturbed element is ``value +- eps/2`` in the value's dtype, as the loop computes it.
    One program serves every argument: a batch row perturbs one element of one argument."""
    arg_names = list(dict.fromkeys(sym.list_arguments()))
    flats = [np.ascontiguousarray(values[n]).reshape(-1) for n in arg_names]
    aux_values = [jnp.asarray(aux[n]) for n in sym.list_auxiliary_states()]
    proj = None if projection is None else jnp.asarray(projection)
    # rows: (argument, element, +1 or -1) for every element of every floating argument
    which = [np.full(2 * f.size, j) for j, f in enumerate(flats) if f.dtype.kind == "f"]
    grads = {n: np.zeros(values[n].shape, dtype=values[n].dtype) for n in arg_names}
    if not which:
        return grads
    which = np.concatenate(which)
    element = np.concatenate([np.tile(np.arange(f.size), 2) for f in flats if f.dtype.kind == "f"])
    sign = np.concatenate([np.repeat([1.0, -1.0], f.size) for f in flats if f.dtype.kind == "f"])
    count = which.size
    batch = max(1, min(count, BATCH_ELEMENTS // max(1, sum(f.size for f in flats))))
    avals = tuple((values[n].shape, values[n].dtype.str) for n in arg_names)
    fn = _batched_totals(sym, batch, avals, training, proj is not None)
    totals = np.empty(count)
    for start in range(0, count, batch):
        rows = np.minimum(np.arange(start, start + batch), count - 1)   # the last batch repeats its last row
        args = []
        for j, (name, flat) in enumerate(zip(arg_names, flats)):
            copies = np.repeat(flat[None], batch, axis=0)
            mine = np.nonzero(which[rows] == j)[0]
            if mine.size:
                where = element[rows[mine]]
                copies[mine, where] = np.where(sign[rows[mine]] > 0, flat[where] + eps / 2.0,
                                               flat[where] - eps / 2.0)
            args.append(copies.reshape((batch,) + values[name].shape))
        out = np.asarray(fn(args, aux_values, proj))
        stop = min(start + batch, count)
        totals[start:stop] = out[:stop - start]
    offset = 0
    for name, flat in zip(arg_names, flats):
        if flat.dtype.kind != "f":
            continue
        plus, minus = totals[offset:offset + flat.size], totals[offset + flat.size:offset + 2 * flat.size]
        grads[name].reshape(-1)[:] = (plus - minus) / eps
        offset += 2 * flat.size
    return grads
