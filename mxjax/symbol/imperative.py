"""A symbol graph run operator by operator on NDArrays, through the same registry functions
``mx.nd`` calls (so autograd records it, and training mode, random keys and auxiliary-state
updates behave as in ``mx.nd``).  This is what ``mx.test_utils`` checks a Symbol with, and
what a block that holds a Symbol runs imperatively."""
from ..base import MXNetError
from ..context import current_context
from ..ndarray.ndarray import from_value, invoke
from ..ndarray.registry import _hashable
from .symbol import mutated_positions, takes_key, topo_order


def evaluate(sym, values):
    """The outputs of ``sym`` (a list of NDArrays) for ``values``: name -> NDArray for every
    argument and auxiliary state."""
    results = {}
    for node in topo_order(sym._outputs):
        if node.op is None:
            if node.name not in values:
                raise MXNetError(f"evaluate: no value given for the input '{node.name}'")
            results[id(node)] = [values[node.name]]
            continue
        arrays = [results[id(c)][i] for c, i in node.inputs]
        attrs = tuple((k, _hashable(v)) for k, v in node.params().items())
        ctx = arrays[0].context if arrays else None
        if takes_key(node) and not node.op.random:   # a control-flow body with random operators
            from ..random import next_key_value
            arrays = [from_value(next_key_value(ctx or current_context()))] + arrays
        out = invoke(node.op, arrays, attrs, ctx=ctx)
        out = list(out) if isinstance(out, (list, tuple)) else [out]
        positions = mutated_positions(node)
        if positions:
            k = len(positions)
            out, updates = out[:-k], out[-k:]
            for position, new in zip(positions, updates):
                arrays[position]._write_unrecorded(new._value)
        results[id(node)] = out
    return [results[id(n)][i] for n, i in sym._outputs]


def as_function(sym, aux_states=None):
    """``fn(*args, **kwargs)`` running ``sym``: positional values in ``list_arguments`` order,
    keyword values by name; ``aux_states`` (a list in ``list_auxiliary_states`` order or a
    dict) supplies the auxiliary states; the function's ``aux_states`` attribute is that dict
    (name -> NDArray, updated in place by a training-mode forward)."""
    arg_names, aux_names = sym.list_arguments(), sym.list_auxiliary_states()
    if isinstance(aux_states, dict):
        aux = dict(aux_states)
    else:
        aux = dict(zip(aux_names, aux_states or []))

    def function(*args, **kwargs):
        values = dict(zip(arg_names, args))
        values.update(kwargs)
        values.update(aux)
        outputs = evaluate(sym, values)
        return outputs[0] if len(outputs) == 1 else outputs
    function.aux_states = aux
    return function
