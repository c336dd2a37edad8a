"""What an executor's monitor callback sees (``Executor.set_monitor_callback``, mx.mon).

MXNet calls the callback with every operator's outputs as the forward pass computes them
(``fc1_output``; BatchNorm's hidden mean/var outputs are not reported by mxjax), and in
backward with each backward node's outputs, the gradients of the operator's inputs
(``fc1_backward_output0``..., ``act_backward_output`` for one input).  mxjax's executor runs
the graph as one compiled call; with a monitor installed it also runs it eagerly, node by
node, to report these values (a debugging path: programs without a monitor pay nothing).
"""
import jax
import jax.numpy as jnp
import numpy as np

from .lowering import node_function


def forward_nodes(graph, args, aux, key, training):
    """[(node, inputs, results)] of every operator node, in graph order (eager run)."""
    seen = []
    graph(args, aux, key, training, observe=lambda node, inputs, results: seen.append((node, inputs, results)))
    return seen


def forward_values(seen):
    """(name, value) of every visible output of every operator node."""
    out = []
    for node, _, results in seen:
        visible = len(results) - len(node.op.mutates)
        out.extend((node.output_name(i), results[i]) for i in range(visible))
    return out


def _differentiable(node, inputs):
    start = 1 if node.op.random else 0
    return [k for k in range(start, len(inputs)) if jnp.issubdtype(jnp.asarray(inputs[k]).dtype, jnp.floating)]


def backward_values(graph, seen, cotangents, aux_ids, training):
    """(name, gradient) of every operator node's non-auxiliary inputs, from the output
    cotangents back (reverse graph order)."""
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
        offset = 1 if node.op.random else 0
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
        names = [f"{node.name}_backward_output"] if len(reported) == 1 else \
            [f"{node.name}_backward_output{k}" for k in range(len(reported))]
        out.extend(zip(names, reported))
    return out
