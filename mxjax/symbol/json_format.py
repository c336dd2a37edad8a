"""MXNet's JSON form of a symbol graph (``Symbol.tojson``, ``mx.sym.load_json``).

The document is nnvm's: ``nodes`` (op, name, attrs, inputs as [node, output, version]),
``arg_nodes`` (the variables), ``node_row_ptr`` (prefix sums of each node's output count),
``heads`` and ``attrs.mxnet_version``; a control-flow node also has ``subgraphs``, its bodies
as documents of their own without ``attrs``.  The text is laid out as MXNet's dmlc JSON writer lays
it out (two-space indent, ``", "`` at line ends, short arrays and one-entry objects inline), so
mxjax's files compare equal to MXNet's byte for byte.  Loading accepts the older layouts too
(``attr``/``param`` instead of ``attrs``).
"""
import json

from ..base import MXNetError
from .. import util
from . import np_json
from .symbol import Symbol, _Node, mutated_positions, topo_order

MXNET_VERSION = 10901


def _dump(value):
    return json.dumps(value)


def _int_array(values, indent):
    if len(values) <= 10:
        return "[" + ", ".join(str(v) for v in values) + "]"
    pad = " " * (indent + 2)
    return "[\n" + ", \n".join(pad + str(v) for v in values) + "\n" + " " * indent + "]"


def _entries(entries):
    return "[" + ", ".join(f"[{n}, {i}, {v}]" for n, i, v in entries) + "]"


def _object(items, indent):
    if len(items) <= 1:
        return "{" + ", ".join(f"{_dump(k)}: {v}" for k, v in items) + "}"
    pad = " " * (indent + 2)
    return "{\n" + ", \n".join(f"{pad}{_dump(k)}: {v}" for k, v in items) + "\n" + " " * indent + "}"


def graph_dict(sym, top=True):
    """The graph as MXNet's JSON structure (a dict); a control-flow node's bodies are in its
    ``subgraphs`` list, each a graph without the document's ``attrs``."""
    order = topo_order(sym._outputs)
    index = {id(n): k for k, n in enumerate(order)}
    mutable = set()
    for node in order:
        mutable.update(id(node.inputs[i][0]) for i in mutated_positions(node) if node.inputs[i][0].op is None)
    nodes, row_ptr = [], [0]
    for node in order:
        spec = {"op": node.json_op(), "name": node.name}
        attrs = node.attrs
        if spec["op"] == "_npi_op":   # mx.sym.np nodes under MXNet's operator names where it has them
            mxnet_node = np_json.to_mxnet(node)
            if mxnet_node is not None:
                spec["op"], attrs = mxnet_node
        if attrs:
            spec["attrs"] = dict(sorted(attrs.items()))
        spec["inputs"] = [[index[id(c)], i, 1 if id(c) in mutable else 0] for c, i in node.inputs]
        if node.subgraphs is not None:
            spec["subgraphs"] = [graph_dict(g, top=False) for g in node.subgraphs.symbols]
        nodes.append(spec)
        row_ptr.append(row_ptr[-1] + node.counts()[0])
    graph = {"nodes": nodes, "arg_nodes": [k for k, n in enumerate(order) if n.op is None],
             "node_row_ptr": row_ptr, "heads": [[index[id(n)], i, 0] for n, i in sym._outputs]}
    if top:
        graph["attrs"] = graph_attrs()
    return graph


def graph_attrs():
    """The document's ``attrs``: ``is_np_shape`` when NumPy shape semantics are on, and the version."""
    attrs = {"is_np_shape": ["int", 1]} if util.is_np_shape() else {}
    attrs["mxnet_version"] = ["int", MXNET_VERSION]
    return attrs


def _graph_text(graph, indent):
    pad = " " * (indent + 4)
    node_texts = []
    for spec in graph["nodes"]:
        items = [("op", _dump(spec["op"])), ("name", _dump(spec["name"]))]
        if "attrs" in spec:
            items.append(("attrs", _object([(k, _dump(v)) for k, v in spec["attrs"].items()], indent + 6)))
        items.append(("inputs", _entries(spec["inputs"])))
        if "subgraphs" in spec:
            graphs = [" " * (indent + 8) + _graph_text(g, indent + 8) for g in spec["subgraphs"]]
            items.append(("subgraphs", "[\n" + ", \n".join(graphs) + "\n" + " " * (indent + 6) + "]"))
        node_texts.append(_object(items, indent + 4))
    nodes = "[\n" + ", \n".join(pad + t for t in node_texts) + "\n" + " " * (indent + 2) + "]"
    top = [("nodes", nodes), ("arg_nodes", _int_array(graph["arg_nodes"], indent + 2)),
           ("node_row_ptr", _int_array(graph["node_row_ptr"], indent + 2)), ("heads", _entries(graph["heads"]))]
    if "attrs" in graph:
        top.append(("attrs", _object([(k, _dump(v)) for k, v in graph["attrs"].items()], indent + 2)))
    return _object(top, indent)


def to_json(sym):
    return _graph_text(graph_dict(sym), 0)


def from_json(text):
    try:
        graph = json.loads(text)
    except ValueError as exc:
        raise MXNetError(f"Failed to load symbol from JSON: {exc}") from None
    return _from_graph(graph)


def _from_graph(graph):
    from ..ndarray.registry import OPS
    from .subgraph import Subgraphs
    try:
        specs = graph["nodes"]
        heads = graph["heads"]
    except (KeyError, TypeError) as exc:
        raise MXNetError(f"Failed to load symbol from JSON: {exc}") from None
    nodes = []
    for spec in specs:
        attrs = {}
        for key in ("param", "attr", "attrs"):
            attrs.update({k: str(v) for k, v in (spec.get(key) or {}).items()})
        op_name = spec["op"]
        if op_name == "null":
            op = None
        else:
            op = OPS.get(op_name)
            if op is None and op_name.startswith(("_np_", "_npi_", "_npx_")):   # MXNet's NumPy operators
                translated = np_json.from_mxnet(op_name, attrs, len(spec.get("inputs", [])))
                if translated is not None:
                    op, attrs = translated
            if op is None:
                raise MXNetError(f"Failed loading Op {spec['name']} of type {op_name}: "
                                 "the operator is not registered in mxjax")
        inputs = [(nodes[e[0]], e[1]) for e in spec.get("inputs", [])]
        subgraphs = spec.get("subgraphs")
        if subgraphs is not None:
            subgraphs = Subgraphs([_from_graph(g) for g in subgraphs])
        nodes.append(_Node(op, spec["name"], attrs, inputs, subgraphs))
    return Symbol([(nodes[h[0]], h[1]) for h in heads])
