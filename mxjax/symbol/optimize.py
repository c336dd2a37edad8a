"""Graph rewrites MXNet's executor applies before running a symbol.

``eliminate_common_expr`` is MXNet's common-subexpression elimination
(``MXNET_ELIMINATE_COMMON_EXPR``, on by default): operator nodes with the same operator,
attributes and inputs become one node.  Random operators, operators that update auxiliary
states and mode-dependent operators are never merged.  An output listed twice after the merge
gets a ``_copy`` node, so each output stays its own array, as in MXNet.
"""
import os

from ..ndarray.registry import OPS
from .symbol import Symbol, _Node, topo_order


def enabled():
    return os.environ.get("MXNET_ELIMINATE_COMMON_EXPR", "1") not in ("0", "false", "False")


def eliminate_common_expr(sym):
    canon, table = {}, {}
    for node in topo_order(sym._outputs):
        inputs = [(canon[id(c)], i) for c, i in node.inputs]
        if node.op is None:
            canon[id(node)] = node
            continue
        if any(new is not old[0] for (new, _), old in zip(inputs, node.inputs)):
            replacement = node.rewired(inputs)
        else:
            replacement = node
        if node.op.random or node.op.mutates or node.op.uses_training:
            canon[id(node)] = replacement
            continue
        key = (node.op.name, tuple(sorted(node.params().items(), key=lambda kv: kv[0])),
               tuple((id(c), i) for c, i in inputs))
        try:
            canon[id(node)] = table.setdefault(key, replacement)
        except TypeError:   # an unhashable attribute value: keep the node
            canon[id(node)] = replacement
    outputs, seen = [], set()
    for node, i in sym._outputs:
        entry = (canon[id(node)], i)
        if (id(entry[0]), i) in seen:
            entry = (_Node(OPS["_copy"], f"{node.name}_copy{len(outputs)}", {}, [entry]), 0)
        seen.add((id(entry[0]), entry[1]))
        outputs.append(entry)
    return Symbol(outputs)
