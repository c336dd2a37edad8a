"""What MXNet's monitors see: ``Executor.set_monitor_callback`` (mx.mon) and a hybridized
block's ``register_op_hook``.

MXNet calls the callback with every operator's outputs as the forward pass computes them
(``fc1_output``); with ``monitor_all`` each operator's inputs come first, named by the
operator's ``FListInputNames`` (``fc1_data``, ``fc1_weight``, ``relu0_input0``: see
``op_rules.monitor_input_names``), and the executor's monitor reports a variable input under
the variable's own name before that.  In backward the executor reports each backward node's
outputs, the gradients of the operator's inputs (``fc1_backward_output0``...,
``act_backward_output`` for one input).  Names are bytes, as MXNet's C callback gives them.

mxjax differs: hidden outputs (BatchNorm's mean/var, Dropout's mask) are not reported, and
with ``monitor_all`` the inputs of MXNet's backward nodes (its gradient graph's internals)
are not either.  The graph runs as one compiled call; with a monitor installed a second
compiled function returns every node's values (and one the backward nodes' values): a
debugging path, programs without a monitor pay nothing.
"""
import jax
import jax.numpy as jnp
import numpy as np

from .lowering import node_function
from .op_rules import monitor_input_names
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


def _functions(graph, training, inputs):
    """(forward, backward) jitted monitor runs of ``graph``, cached with its compiled forms;
    the forward returns each operator's visible outputs, and its inputs when ``inputs`` (the
    backward does not depend on it)."""
    key = ("monitor", training, inputs)
    if key not in graph.jitted:
        def forward(args, aux, rng):
            return [(xs[1 if takes_key(node) else 0:] if inputs else [], results[:len(results) - len(node.op.mutates)])
                    for node, xs, results in _forward_nodes(graph, args, aux, rng, training)]
        graph.jitted[key] = jax.jit(forward)
    back = ("monitor", training, "backward")
    if back not in graph.jitted:
        aux_ids = {id(n) for n in graph.aux_nodes}

        def backward(args, aux, rng, cotangents):
            return _backward(graph, _forward_nodes(graph, args, aux, rng, training), cotangents, aux_ids, training)
        graph.jitted[back] = jax.jit(backward)
    return graph.jitted[key], graph.jitted[back]


def _op_nodes(graph):
    return [n for n in graph.order if n.op is not None]


def forward_values(graph, args, aux, rng, training, monitor_all=False, variables=True):
    """(name, operator name, value) of what a monitor sees in forward, in graph order (see the
    module docstring); ``variables``: a variable input is also reported under its own name
    (the executor's monitor does that, a block's op hook does not)."""
    values = _functions(graph, training, monitor_all)[0](args, aux, rng)
    out = []
    for node, (inputs, results) in zip(_op_nodes(graph), values):
        op_name = node.json_op()
        for (child, _), name, value in zip(node.inputs, monitor_input_names(node), inputs):
            if variables and child.op is None:
                out.append((child.name, "null", value))
            out.append((f"{node.name}_{name}", op_name, value))
        out.extend((node.output_name(i), op_name, v) for i, v in enumerate(results))
    return out


def backward_values(graph, args, aux, rng, cotangents, training):
    """(name, gradient) of every backward node's outputs, in reverse graph order."""
    grads = _functions(graph, training, False)[1](args, aux, rng, cotangents)
    out = []
    for node, reported in zip(reversed(_op_nodes(graph)), grads):
        names = [f"{node.name}_backward_output"] if len(reported) == 1 else \
            [f"{node.name}_backward_output{k}" for k in range(len(reported))]
        out.extend(zip(names, reported))
    return out
