"""``autograd.get_symbol(x)``: the recorded graph behind ``x`` as a Symbol.

The recorded trace is walked back from ``x`` to its inputs.  Inputs (variables and constants)
become variables ``var0``, ``var1``...; operations become nodes ``node_0``, ``node_1``... as
MXNet names them.  A binary operator with a Python scalar is shown as MXNet's ``_*_scalar``
operator with a ``scalar`` attribute.  The result is an ordinary ``mx.sym.Symbol``: it can be
saved, inspected and bound like any other.
"""
import numpy as np

from ..ndarray.registry import OPS
from .symbol import Symbol, _Node, attr_string

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
    built, variables = {}, {}

    def entry(v):
        node = v.node
        if v.var is None and node is not None and id(node) in built:
            return built[id(node)], v.index
        if id(v) not in variables:
            variables[id(v)] = _Node(None, f"var{len(variables)}", {}, [])
        return variables[id(v)], 0

    for k, node in enumerate(_recorded_nodes(head)):
        name = node.inst.name
        inputs = [v for v in node.inputs if name not in _SCALAR_OPS or not _is_scalar_constant(v)]
        if len(inputs) < len(node.inputs):
            scalar = next(v for v in node.inputs if _is_scalar_constant(v))
            name = _SCALAR_OPS[name][node.inputs[0] is scalar]
            attrs = {"scalar": str(float(np.asarray(scalar.data)))}
        else:
            attrs = {key: attr_string(a) for key, a in node.inst.attrs if not key.startswith("_")}
        built[id(node)] = _Node(OPS[name], f"node_{k}", attrs, [entry(v) for v in inputs])
    return Symbol([entry(head)])
