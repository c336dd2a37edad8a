"""A symbol graph as one pure JAX function of its arguments and auxiliary states.

``GraphFunction(sym)`` walks the graph once; calling it with (arguments, auxiliary states,
PRNG key, training flag) runs every node's registry implementation in graph order and returns
(the outputs, the new auxiliary states).  Random operators draw ``fold_in(key, k)`` for the
k-th random node, so forward and backward of one step see the same masks; operators with
auxiliary states (BatchNorm) return their updated states after their outputs, as the
registry's ``mutates`` contract says.  The executor jits this function (and its vjp) once per
shape signature; shape inference evaluates single nodes with ``node_function``.
"""
import jax
import jax.numpy as jnp
import numpy as np

from ..ndarray.registry import _hashable
from .symbol import aux_nodes, mutated_positions, takes_key, topo_order

_POSITION = np.int64


def node_attrs(node, training):
    """The registry's static attribute tuple of an operator node."""
    attrs = tuple((k, _hashable(v)) for k, v in node.params().items())
    if node.op.uses_training:
        attrs += (("_training", bool(training)),)
    return attrs


def node_function(node, training=False):
    """``fn(*arrays) -> tuple`` of the node's registry implementation (all its results,
    auxiliary-state updates included); a random op takes its key first."""
    op, attrs = node.op, node_attrs(node, training)
    if op.offsets is None:
        return op.bind(attrs)

    def fn(*arrays):
        static, positions = op.offsets([a.shape for a in arrays], **dict(attrs))
        return op.bind(static)(*arrays, *[jnp.asarray(p, _POSITION) for p in positions])
    return fn


class GraphFunction:
    """The pure function of a symbol graph (see module docstring)."""

    def __init__(self, sym, stored_only=()):
        """``stored_only``: (position in graph order, lhs storage type) of the operators that
        compute their sparse lhs's stored positions only (``storage.stored_only``)."""
        self.outputs = list(sym._outputs)
        self.order = topo_order(self.outputs)
        self.stored_only = {id(self.order[k]): stype for k, stype in stored_only}
        aux = aux_nodes(self.order)
        self.arg_nodes = [n for n in self.order if n.op is None and id(n) not in aux]
        self.aux_nodes = [n for n in self.order if id(n) in aux]
        self.jitted = {}   # compiled forms (a call count until compiled), filled by the executor
        self.instances = {}   # engine ops of deferred training steps, filled by the executor
        self.random_nodes = {id(n): k for k, n in enumerate(n for n in self.order if n.op is not None and takes_key(n))}

    def __call__(self, args, aux, key, training, observe=None):
        """``observe(node, inputs, results)``, when given, sees every operator node's call
        (the executor's monitor runs the graph eagerly with it)."""
        values = {}
        for node, value in zip(self.arg_nodes, args):
            values[id(node)] = (value,)
        aux_index = {id(n): k for k, n in enumerate(self.aux_nodes)}
        new_aux = list(aux)
        for node, value in zip(self.aux_nodes, aux):
            values[id(node)] = (value,)
        for node in self.order:
            if node.op is None:
                continue
            inputs = [values[id(c)][i] for c, i in node.inputs]
            if id(node) in self.random_nodes:
                inputs.insert(0, jax.random.fold_in(key, self.random_nodes[id(node)]))
            results = node_function(node, training)(*inputs)
            if self.stored_only and id(node) in self.stored_only:
                from .storage import stored_only
                results = (stored_only(results[0], inputs[0], self.stored_only[id(node)]),) + tuple(results[1:])
            if observe is not None:
                observe(node, inputs, results)
            positions = mutated_positions(node)
            if positions:
                n_mut = len(positions)
                visible, updates = results[:-n_mut], results[-n_mut:]
                for position, update in zip(positions, updates):
                    child = node.inputs[position][0]
                    if (training or node.op.free_attrs) and id(child) in aux_index:   # a CustomOp writes its own
                        new_aux[aux_index[id(child)]] = update.astype(aux[aux_index[id(child)]].dtype)
                results = visible
            values[id(node)] = results
        return tuple(values[id(n)][i] for n, i in self.outputs), tuple(new_aux)
