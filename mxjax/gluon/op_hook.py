"""``HybridBlock.register_op_hook``: the operators of a hybridized block's graph, reported.

MXNet 1.9.1 calls ``callback(node_name, op_name, array)`` from its cached op for every operator
of the block's graph as the forward computes it: the operator's outputs
(``dense0_fwd_output``), and with ``monitor_all`` its inputs first (``dense0_fwd_data``,
``dense0_fwd_weight``, ``relu0_fwd_input0``: the operator's ``FListInputNames``).  Names and
operator names are bytes.  Only a hybridized block's own call reports; children inside it run
as part of its graph.

mxjax differs: ``array`` is an NDArray (MXNet passes a raw ``NDArrayHandle`` pointer), and the
values come from evaluating the block's graph (``export``'s) on the call's inputs and
parameters just before the call itself: random operators (Dropout) draw other masks than the
call does.  Backward nodes and hidden outputs (BatchNorm's mean/var) are not reported.
"""
import jax

from .._engine.graph import constant
from .._engine.state import state
from ..ndarray.ndarray import from_value
from ..symbol import monitoring
from ..symbol.lowering import GraphFunction


def report_ops(block, args):
    """Call ``block._callback`` for every operator of ``block``'s graph on inputs ``args``."""
    inputs, sym = block._get_graph()
    graph = getattr(block, "_hook_graph", None)
    if graph is None or graph[0] is not sym:
        graph = block._hook_graph = (sym, GraphFunction(sym))
    graph = graph[1]
    ctx = next(a for a in args if a is not None).context
    feed = {var.name: a for var, a in zip(inputs, [a for a in args if a is not None])}
    params = block.collect_params()

    def value(name):
        array = feed[name] if name in feed else params[name].data(ctx)
        return array._data()
    args_v = [value(n.name) for n in graph.arg_nodes]
    aux_v = [value(n.name) for n in graph.aux_nodes]
    reports = monitoring.forward_values(graph, args_v, aux_v, jax.random.PRNGKey(0), state.training,
                                        block._monitor_all, variables=False)
    for name, op_name, array in reports:
        block._callback(name.encode(), op_name.encode(), from_value(constant(array, ctx)))
