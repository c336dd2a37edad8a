"""``mx.viz``: a symbol's layer table (``print_summary``) and graph drawing (``plot_network``).

``print_summary`` prints MXNet 1.9.1's table: one row per operator (and the heads), with
the output shape (batch axis dropped) when ``shape`` is given, the parameter count of
Convolution, FullyConnected, BatchNorm and Embedding layers, and the layers it reads.
``plot_network`` returns a ``graphviz.Digraph`` with MXNet's labels and colours; it needs
the optional ``graphviz`` Python package (ImportError naming it otherwise).
"""
import copy
import json
import re
import warnings

from .symbol import Symbol

__all__ = ["print_summary", "plot_network"]


def _digits(text):
    return re.findall(r"\d+", text)


def _shape_dict(symbol, shape):
    internals = symbol.get_internals()
    _, out_shapes, _ = internals.infer_shape(**shape)
    if out_shapes is None:
        raise ValueError("Input shape is incomplete")
    return dict(zip(internals.list_outputs(), out_shapes))


def _output_key(node):
    return node["name"] + "_output" if node["op"] != "null" else node["name"]


def _layer_params(node, in_channels, shapes):
    """Parameter count of one layer, as MXNet's summary counts it."""
    op, attrs = node["op"], node.get("attrs", {})
    no_bias = attrs.get("no_bias") == "True"
    if op == "Convolution":
        count = in_channels * int(attrs["num_filter"]) // int(attrs.get("num_group", "1"))
        for k in _digits(attrs["kernel"]):
            count *= int(k)
        return count + (0 if no_bias else int(attrs["num_filter"]))
    if op == "FullyConnected":
        return (in_channels + (0 if no_bias else 1)) * int(attrs["num_hidden"])
    if op == "BatchNorm":
        return int(shapes[node["name"] + "_output"][1]) * 2 if shapes is not None else 0
    if op == "Embedding":
        return int(attrs["input_dim"]) * int(attrs["output_dim"])
    return 0


def print_summary(symbol, shape=None, line_length=120, positions=[.44, .64, .74, 1.]):  # noqa: B006 (MXNet's default)
    """Print the layer table of ``symbol``; ``shape`` (input name -> shape) adds the output
    shapes and the parameter counts that depend on them."""
    if not isinstance(symbol, Symbol):
        raise TypeError("symbol must be Symbol")
    shapes = _shape_dict(symbol, shape) if shape is not None else None
    conf = json.loads(symbol.tojson())
    nodes = conf["nodes"]
    heads = set(conf["heads"][0])
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def print_row(fields):
        line = ""
        for field, pos in zip(fields, positions):
            line = (line + str(field))[:pos]
            line += " " * (pos - len(line))
        print(line)

    def layer(node, out_shape):
        previous, in_channels = [], 0
        if node["op"] != "null":
            for item in node["inputs"]:
                source = nodes[item[0]]
                if source["op"] != "null" or item[0] in heads:
                    previous.append(source["name"])
                    key = _output_key(source)
                    if shapes is not None and key in shapes:
                        in_channels += int(shapes[key][1:][0])
        count = _layer_params(node, in_channels, shapes)
        print_row([f"{node['name']}({node['op']})", "x".join(str(x) for x in out_shape), count,
                   previous[0] if previous else ""])
        for name in previous[1:]:
            print_row(["", "", "", name])
        return count

    print("_" * line_length)
    print_row(["Layer (type)", "Output Shape", "Param #", "Previous Layer"])
    print("=" * line_length)
    total = 0
    for i, node in enumerate(nodes):
        if node["op"] == "null" and i > 0:
            continue
        out_shape = []
        if (node["op"] != "null" or i in heads) and shapes is not None:
            key = _output_key(node)
            out_shape = shapes[key][1:] if key in shapes else []
        total += layer(node, out_shape)
        print("=" * line_length if i == len(nodes) - 1 else "_" * line_length)
    print(f"Total params: {total}")
    print("_" * line_length)


_COLORS = ("#8dd3c7", "#fb8072", "#ffffb3", "#bebada", "#80b1d3", "#fdb462", "#b3de69", "#fccde5")
_WEIGHT_SUFFIXES = ("_weight", "_bias", "_beta", "_gamma", "_moving_var", "_moving_mean", "_running_var",
                    "_running_mean")


def _node_style(node):
    """(label, fill colour) of an operator node, as MXNet draws it."""
    op, name, attrs = node["op"], node["name"], node.get("attrs", {})
    if op == "Convolution":
        stride = "x".join(_digits(attrs["stride"])) if "stride" in attrs else "1"
        return f"Convolution\n{'x'.join(_digits(attrs['kernel']))}/{stride}, {attrs['num_filter']}", _COLORS[1]
    if op == "FullyConnected":
        return f"FullyConnected\n{attrs['num_hidden']}", _COLORS[1]
    if op == "BatchNorm":
        return name, _COLORS[3]
    if op == "Activation":
        return f"Activation\n{attrs['act_type']}", _COLORS[2]
    if op == "LeakyReLU":
        return f"LeakyReLU\n{attrs.get('act_type', 'Leaky')}", _COLORS[2]
    if op == "Pooling":
        kernel = "x".join(_digits(attrs["kernel"])) if "kernel" in attrs else "[]"
        stride = "x".join(_digits(attrs["stride"])) if "stride" in attrs else "1"
        return f"Pooling\n{attrs['pool_type']}, {kernel}/{stride}", _COLORS[4]
    if op in ("Concat", "Flatten", "Reshape"):
        return name, _COLORS[5]
    if op == "Softmax":
        return name, _COLORS[6]
    return (attrs["op_type"] if op == "Custom" else name), _COLORS[7]


def plot_network(symbol, title="plot", save_format="pdf", shape=None, dtype=None, node_attrs={},  # noqa: B006
                 hide_weights=True):
    """A ``graphviz.Digraph`` of ``symbol`` (edges labelled with shapes/dtypes when given)."""
    try:
        from graphviz import Digraph
    except ImportError:
        raise ImportError("Draw network requires graphviz library (pip install graphviz)") from None
    if not isinstance(symbol, Symbol):
        raise TypeError("symbol must be a Symbol")
    shapes = _shape_dict(symbol, shape) if shape is not None else None
    types = None
    if dtype is not None:
        internals = symbol.get_internals()
        _, out_types, _ = internals.infer_type(**dtype)
        if out_types is None:
            raise ValueError("Input type is incomplete")
        types = dict(zip(internals.list_outputs(), out_types))
    nodes = json.loads(symbol.tojson())["nodes"]
    names = [n["name"] for n in nodes]
    if len(names) != len(set(names)):
        repeated = sorted({n for n in names if names.count(n) > 1})
        warnings.warn("There are multiple variables with the same name in your graph, this may result in cyclic "
                      "graph. Repeated names: " + ",".join(repeated), RuntimeWarning)
    base_attr = {"shape": "box", "fixedsize": "true", "width": "1.3", "height": "0.8034", "style": "filled"}
    base_attr.update(node_attrs)
    dot = Digraph(name=title, format=save_format)
    hidden = set()
    for node in nodes:
        attr = copy.deepcopy(base_attr)
        if node["op"] == "null":
            if node["name"].endswith(_WEIGHT_SUFFIXES):
                if hide_weights:
                    hidden.add(node["name"])
                continue
            attr["shape"], attr["fillcolor"], label = "oval", _COLORS[0], node["name"]
        else:
            label, attr["fillcolor"] = _node_style(node)
        dot.node(name=node["name"], label=label, **attr)

    def edge_key(source):
        key = _output_key(source)
        if source["op"] != "null" and "num_outputs" in source.get("attrs", {}):
            key += str(int(source["attrs"]["num_outputs"]) - 1)
        return key
    for node in nodes:
        if node["op"] == "null":
            continue
        inputs = node["inputs"][:1] if node["op"] == "_contrib_BilinearResize2D" else node["inputs"]
        for item in inputs:
            source = nodes[item[0]]
            if source["name"] in hidden:
                continue
            attr = {"dir": "back", "arrowtail": "open", "label": ""}
            if shapes is not None:
                attr["label"] = "x".join(str(x) for x in shapes[edge_key(source)][1:])
            if types is not None:
                attr["label"] += "(" + types[edge_key(source)].__name__ + ")"
            dot.edge(tail_name=node["name"], head_name=source["name"], **attr)
    return dot
