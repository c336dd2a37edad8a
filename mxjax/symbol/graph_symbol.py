"""Symbol: a recorded graph in MXNet's JSON form (``list_arguments``, ``list_outputs``, ``tojson``).

``autograd.get_symbol(x)`` walks the recorded trace behind ``x`` back to its
inputs.  Inputs (variables and constants) become ``null`` nodes ``var0``,
``var1``...; operations become ``node_0``, ``node_1``... as MXNet names them.
A binary operator with a Python scalar is shown as MXNet's ``_*_scalar`` op
with a ``scalar`` attribute.
"""
import json

import numpy as np

_SCALAR_OPS = {"broadcast_add": ("_plus_scalar", "_plus_scalar"), "broadcast_sub": ("_minus_scalar", "_rminus_scalar"),
               "broadcast_mul": ("_mul_scalar", "_mul_scalar"), "broadcast_div": ("_div_scalar", "_rdiv_scalar"),
               "broadcast_power": ("_power_scalar", "_rpower_scalar"), "broadcast_mod": ("_mod_scalar", "_rmod_scalar")}


class Symbol:
    def __init__(self, nodes, heads):
        self._nodes = nodes   # list of dicts in MXNet's JSON node format
        self._heads = heads   # list of [node index, output index, 0]

    def list_arguments(self):
        return [n["name"] for n in self._nodes if n["op"] == "null"]

    def list_outputs(self):
        return [f"{self._nodes[i]['name']}_output" for i, _, _ in self._heads]

    def list_inputs(self):
        return self.list_arguments()

    @property
    def name(self):
        return self._nodes[self._heads[0][0]]["name"]

    def tojson(self):
        arg_nodes = [i for i, n in enumerate(self._nodes) if n["op"] == "null"]
        graph = {"nodes": self._nodes, "arg_nodes": arg_nodes,
                 "node_row_ptr": list(range(len(self._nodes) + 1)), "heads": self._heads,
                 "attrs": {"mxnet_version": ["int", 10901]}}
        return json.dumps(graph, indent=2)

    def __repr__(self):
        return f"<Symbol {self.name}>"


def _is_scalar_constant(value):
    return value.var is None and value.node is None and value.shape == () and value.data is not None


def symbol_from_trace(head):
    nodes, index, order = [], {}, []
    stack, seen = [head], set()
    while stack:  # collect recorded nodes reachable from head
        v = stack.pop()
        node = v.node
        if v.var is not None or node is None or not node.recorded or node.freed or id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        stack.extend(node.inputs)
    order.sort(key=lambda n: n.id)
    n_vars = 0

    def entry(v):
        nonlocal n_vars
        node = v.node
        if v.var is None and node is not None and id(node) in index:
            return [index[id(node)], v.index, 0]
        if id(v) not in index:
            index[id(v)] = len(nodes)
            nodes.append({"op": "null", "name": f"var{n_vars}", "inputs": []})
            n_vars += 1
        return [index[id(v)], 0, 0]

    for k, node in enumerate(order):
        inputs = [v for v in node.inputs if node.inst.name not in _SCALAR_OPS or not _is_scalar_constant(v)]
        spec = {"op": node.inst.name, "name": f"node_{k}"}
        if len(inputs) < len(node.inputs):
            scalar = next(v for v in node.inputs if _is_scalar_constant(v))
            spec["op"] = _SCALAR_OPS[node.inst.name][node.inputs[0] is scalar]
            spec["attrs"] = {"scalar": str(float(np.asarray(scalar.data)))}
        elif node.inst.attrs:
            spec["attrs"] = {k2: str(a) for k2, a in node.inst.attrs if not k2.startswith("_")}
        spec["inputs"] = [entry(v) for v in inputs]
        index[id(node)] = len(nodes)
        nodes.append(spec)
    heads = [entry(head)]
    return Symbol(nodes, heads)
