"""``autograd.get_symbol(x)``: the recorded graph behind ``x`` as a Symbol.

The recorded trace is walked back from ``x`` to its inputs.  Inputs (variables and constants)
become variables ``var0``, ``var1``...; operations become nodes ``node_0``, ``node_1``... as
MXNet names them.  A binary operator with a Python scalar is shown as MXNet's ``_*_scalar``
operator with a ``scalar`` attribute.  The result is an ordinary ``mx.sym.Symbol``: it can be
saved, inspected and bound like any other.
"""
import numpy as np

from ..ndarray.registry import OPS
from .symbol import Symbol, _Node, attr_string, topo_order

_SCALAR_OPS = {"broadcast_add": ("_plus_scalar", "_plus_scalar"), "broadcast_sub": ("_minus_scalar", "_rminus_scalar"),
               "broadcast_mul": ("_mul_scalar", "_mul_scalar"), "broadcast_div": ("_div_scalar", "_rdiv_scalar"),
               "broadcast_power": ("_power_scalar", "_rpower_scalar"), "broadcast_mod": ("_mod_scalar", "_rmod_scalar")}


def _is_scalar_constant(value):
    return value.var is None and value.node is None and value.shape == () and value.data is not None


def _recorded_nodes(head):
    order, stack, seen = [], [head], set()
    while stack:
        v = stack.pop()
        node = v.node
        if v.var is not None or node is None or not node.recorded or node.freed or id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        stack.extend(node.inputs)
    order.sort(key=lambda n: n.id)
    return order


def symbol_from_trace(head):
    built, variables = {}, {}   # built: id(trace node) -> its outputs as symbol entries

    def entry(v):
        node = v.node
        if v.var is None and node is not None and id(node) in built:
            return built[id(node)][v.index]
        if id(v) not in variables:
            variables[id(v)] = _Node(None, f"var{len(variables)}", {}, [])
        return variables[id(v)], 0

    count = 0
    for node in _recorded_nodes(head):
        hybrid = getattr(node.inst, "hybrid_op", None)
        if hybrid is not None:
            built[id(node)], count = _inline_block(hybrid, node, entry, count)
            continue
        name = node.inst.name
        inputs = [v for v in node.inputs if name not in _SCALAR_OPS or not _is_scalar_constant(v)]
        if len(inputs) < len(node.inputs):
            scalar = next(v for v in node.inputs if _is_scalar_constant(v))
            name = _SCALAR_OPS[name][node.inputs[0] is scalar]
            attrs = {"scalar": str(float(np.asarray(scalar.data)))}
        else:
            attrs = {key: attr_string(a) for key, a in node.inst.attrs if not key.startswith("_")}
        op_node = _Node(OPS[name], f"node_{count}", attrs, [entry(v) for v in inputs])
        built[id(node)] = [(op_node, i) for i in range(len(node.inst.out_avals))]
        count += 1
    return Symbol([entry(head)])


def _inline_block(hybrid, node, entry, count):
    """A hybridized block's node as its own graph (``HybridBlock._get_graph``), inlined: its
    parameters and inputs wired to the node's inputs, its operators named ``node_<k>``.
    MXNet differs past ``hybridize(inline_limit=...)`` operators: one ``_CachedOp`` node."""
    inputs, out = hybrid.block._get_graph()
    n_params = len(hybrid.params)
    given = {p.name: entry(v) for p, v in zip(hybrid.params, node.inputs[1:1 + n_params])}
    given.update((var.name, entry(v)) for var, v in zip(inputs, node.inputs[1 + n_params:]))
    copies = {}
    for graph_node in topo_order(out._outputs):
        if graph_node.op is None:
            copies[id(graph_node)] = given.get(graph_node.name, (graph_node, 0))
            continue
        wired = [copies[id(c)] if c.op is None else (copies[id(c)][0], i) for c, i in graph_node.inputs]
        copies[id(graph_node)] = (_Node(graph_node.op, f"node_{count}", graph_node.attrs, wired,
                                        graph_node.subgraphs), 0)
        count += 1
    return [(copies[id(n)][0], i) for n, i in out._outputs], count
