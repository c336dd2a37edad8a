"""What an executor's monitor callback sees (``Executor.set_monitor_callback``, mx.mon).

MXNet calls the callback with every operator's outputs as the forward pass computes them
(``fc1_output``; BatchNorm's hidden mean/var outputs are not reported by mxjax), and in
backward with each backward node's outputs, the gradients of the operator's inputs
(``fc1_backward_output0``..., ``act_backward_output`` for one input).  mxjax's executor runs
the graph as one compiled call; with a monitor installed it also runs a second compiled
function that returns every node's values (and one for the backward nodes' values): a
debugging path, programs without a monitor pay nothing.
"""
import jax
import jax.numpy as jnp
import numpy as np

from .lowering import node_function
from .symbol import takes_key


def _forward_nodes(graph, args, aux, key, training):
    """[(node, inputs, results)] of every operator node, in graph order."""
    seen = []
    graph(args, aux, key, training, observe=lambda node, inputs, results: seen.append((node, inputs, results)))
    return seen


def _differentiable(node, inputs):
    start = 1 if takes_key(node) else 0
    return [k for k in range(start, len(inputs)) if jnp.issubdtype(jnp.asarray(inputs[k]).dtype, jnp.floating)]


def _backward(graph, seen, cotangents, aux_ids, training):
    """Per operator node, in reverse graph order: the gradients of its non-auxiliary inputs."""
    cot = {}

    def add(key, value):
        cot[key] = value if key not in cot else cot[key] + value
    for (node, i), c in zip(graph.outputs, cotangents):
        if c.dtype != jax.dtypes.float0:
            add((id(node), i), c)
    out = []
    for node, inputs, results in reversed(seen):
        fn = node_function(node, training)
        cts = tuple(cot.get((id(node), i), jnp.zeros_like(r)) if jnp.issubdtype(r.dtype, jnp.inexact)
                    else np.zeros(r.shape, jax.dtypes.float0) for i, r in enumerate(results))
        diff = _differentiable(node, inputs)

        def partial(*xs, inputs=inputs, diff=diff, fn=fn):
            full = list(inputs)
            for k, x in zip(diff, xs):
                full[k] = x
            return tuple(fn(*full))
        _, vjp = jax.vjp(partial, *[inputs[k] for k in diff])
        grads = dict(zip(diff, vjp(cts)))
        offset = 1 if takes_key(node) else 0
        reported = []
        for k, (child, index) in enumerate(node.inputs):
            if id(child) in aux_ids:
                continue
            g = grads.get(k + offset)
            if g is None:
                g = jnp.zeros_like(inputs[k + offset])
            else:
                add((id(child), index), g)
            reported.append(g)
        out.append(reported)
    return out


def _functions(graph, training):
    """(forward, backward) jitted monitor runs of ``graph``, cached with its compiled forms."""
    key = ("monitor", training)
    if key not in graph.jitted:
        aux_ids = {id(n) for n in graph.aux_nodes}

        def forward(args, aux, rng):
            return [results[:len(results) - len(node.op.mutates)]
                    for node, _, results in _forward_nodes(graph, args, aux, rng, training)]

        def backward(args, aux, rng, cotangents):
            return _backward(graph, _forward_nodes(graph, args, aux, rng, training), cotangents, aux_ids, training)
        graph.jitted[key] = jax.jit(forward)
        graph.jitted[key + ("backward",)] = jax.jit(backward)
    return graph.jitted[key], graph.jitted[key + ("backward",)]


def _op_nodes(graph):
    return [n for n in graph.order if n.op is not None]


def forward_values(graph, args, aux, rng, training):
    """(name, value) of every visible output of every operator node."""
    values = _functions(graph, training)[0](args, aux, rng)
    return [(node.output_name(i), v) for node, results in zip(_op_nodes(graph), values)
            for i, v in enumerate(results)]


def backward_values(graph, args, aux, rng, cotangents, training):
    """(name, gradient) of every backward node's outputs, in reverse graph order."""
    grads = _functions(graph, training)[1](args, aux, rng, cotangents)
    out = []
    for node, reported in zip(reversed(_op_nodes(graph)), grads):
        names = [f"{node.name}_backward_output"] if len(reported) == 1 else \
            [f"{node.name}_backward_output{k}" for k in range(len(reported))]
        out.extend(zip(names, reported))
    return out
