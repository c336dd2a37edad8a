"""Shape and dtype inference over a symbol graph (``infer_shape``, ``infer_type`` and their
``_partial`` forms), as MXNet does it: passes over the graph until nothing changes.

A shape is a tuple with 0 for an unknown dimension (-1 under ``mx.np_shape()``), or None when
not even its rank is known.  Each pass, for each operator node:

* the *parameter shape rules* of ``op_rules`` fill in arguments from the data shape (MXNet's
  backward inference: a FullyConnected weight is (num_hidden, in_features)) and the data
  shape from the output shape;
* same-shape operators (elementwise arithmetic, unary math, activations) unify the shapes of
  their inputs and outputs; ``Concat`` and ``SliceChannel`` relate their parts to the whole;
* the forward shapes come from ``jax.eval_shape`` of the registry implementation (cached per
  node and input shapes).  With unknown dimensions the node is evaluated with the unknown
  dimensions set to two large probe sizes and, where the operator accepts it, to 1: an output
  dimension that does not change is known.

A conflict raises MXNetError naming the operator, as MXNet's "Shape inconsistent" does.
"""
import logging

import jax
import numpy as np

from ..base import MXNetError
from .. import util
from .._engine.graph import AsyncOpError
from . import op_rules
from .lowering import node_function
from .symbol import Symbol, aux_nodes, parse_attr, topo_order

_PROBES = (1009, 1013)
_eval_cache = {}
_same_shape_cache = {}


def _merge(a, b):
    """Combine two partial shapes; raises ValueError when they disagree."""
    if a is None:
        return b
    if b is None:
        return a
    if len(a) != len(b):
        raise ValueError
    out = []
    for x, y in zip(a, b):
        if x and y and x != y:
            raise ValueError
        out.append(x or y)
    return tuple(out)


def _complete(shape):
    return shape is not None and 0 not in shape


def _fmt(shape):
    return "[" + ",".join(str(d) for d in shape) + "]" if shape is not None else "None"


class _Shapes:
    """Known shapes of graph entries, keyed (id(node), output index)."""

    def __init__(self):
        self.known = {}
        self.changed = False

    def get(self, entry):
        node, i = entry
        return self.known.get((id(node), i))

    def set(self, entry, shape, node):
        if shape is None:
            return
        shape = tuple(int(d) for d in shape)
        key = (id(entry[0]), entry[1])
        old = self.known.get(key)
        try:
            new = _merge(old, shape)
        except ValueError:
            raise MXNetError(f"Error in operator {node.name}: Shape inconsistent, Provided = {_fmt(old)}, "
                             f"inferred shape=({','.join(str(d) for d in shape)})") from None
        if new != old:
            self.known[key] = new
            self.changed = True


def _eval(node, shapes, in_dtypes):
    """Output shapes and dtypes of ``node`` for complete input ``shapes`` (None on failure)."""
    key = (node.op.name, tuple(sorted(node.attrs.items())), shapes, in_dtypes)
    if key in _eval_cache:
        return _eval_cache[key]
    specs = [jax.ShapeDtypeStruct(s, d) for s, d in zip(shapes, in_dtypes)]
    if node.op.random:
        specs.insert(0, jax.ShapeDtypeStruct((2,), np.uint32))
    try:
        outs = jax.eval_shape(node_function(node), *specs)
        visible = node.counts()[1]
        result = [(tuple(o.shape), np.dtype(o.dtype)) for o in outs[:visible]]
    except AsyncOpError as err:   # a check MXNet makes in the kernel: the shapes are valid
        result = [(tuple(shape), np.dtype(dtype)) for shape, dtype in err.outputs]
    except Exception:   # noqa: BLE001  (an invalid combination: the caller decides)
        result = None
    if len(_eval_cache) > 8192:
        _eval_cache.clear()
    _eval_cache[key] = result
    return result


def _is_same_shape(node):
    """Whether a one-input operator keeps its input's shape (unary math, activations...)."""
    key = (node.op.name, tuple(sorted(node.attrs.items())))
    if key not in _same_shape_cache:
        same = node.counts()[1] == 1 and len(node.inputs) == 1
        # the large probe catches operators that keep small shapes only (slice with end=10)
        for probe in ((2, 3, 4, 5), (1, 3, 1, 7), (3, 5, 7), (1013, 1019, 1021, 1031)):
            if not same:
                break
            out = _eval(node, (probe,), (np.dtype(np.float32),))
            same = out is not None and out[0][0] == probe
        _same_shape_cache[key] = same
    return _same_shape_cache[key]


def _forward(node, shapes, in_shapes, dtypes):
    if node.op.free_attrs or node.subgraphs is not None or any(s is None for s in in_shapes):
        return
    declared = _attr_shape(node.attrs["shape"]) if not node.inputs and "shape" in node.attrs else None
    if declared is not None and not (declared and _complete(declared)):
        # an array-creating operator of unknown rank (shape=()) or unknown dimensions (shape=(-1, 3)):
        # its known dimensions, its consumers infer the rest, as in MXNet
        shapes.set((node, 0), declared or None, node)
        return
    in_dtypes = tuple(dtypes.get((id(c), i), np.dtype(np.float32)) for c, i in node.inputs)
    if all(_complete(s) for s in in_shapes):
        result = _eval(node, tuple(in_shapes), in_dtypes)
        if result is None:
            raise MXNetError(f"Error in operator {node.name}: {node.op.name} cannot take inputs of shapes "
                             f"{', '.join(_fmt(s) for s in in_shapes)} with {node.attrs or 'no attributes'}")
        for i, (shape, dtype) in enumerate(result):
            shapes.set((node, i), shape, node)
            dtypes.setdefault((id(node), i), dtype)
        return
    if node.op.name in op_rules.NO_PARTIAL:
        return
    runs = []
    for probe in _PROBES:
        probed = tuple(tuple(d or probe for d in s) for s in in_shapes)
        result = _eval(node, probed, in_dtypes)
        if result is None:
            return
        runs.append(result)
    # a size-1 probe, where the operator accepts it, also catches outputs that stay put only
    # because the probes are large (slice_axis(end=5) of an unknown axis is unknown, as in MXNet)
    small = _eval(node, tuple(tuple(d or 1 for d in s) for s in in_shapes), in_dtypes)
    if small is not None:
        runs.append(small)
    for i, outs in enumerate(zip(*runs)):
        if len({len(shape) for shape, _ in outs}) == 1:
            out = [dims[0] if len(set(dims)) == 1 else 0 for dims in zip(*(shape for shape, _ in outs))]
            axis_attr = op_rules.UNKNOWN_AXIS_STAYS_UNKNOWN.get(node.op.name)
            if axis_attr is not None:
                axis = int(node.params().get(axis_attr, 0)) % len(in_shapes[0])
                if not in_shapes[0][axis] and len(out) == len(in_shapes[0]):
                    out[axis] = 0
            shapes.set((node, i), tuple(out), node)


def _unify(node, entries, shapes):
    merged = None
    for entry in entries:
        try:
            merged = _merge(merged, shapes.get(entry))
        except ValueError:
            raise MXNetError(f"Error in operator {node.name}: Incompatible input shape: expected "
                             f"{_fmt(merged)}, got {_fmt(shapes.get(entry))}") from None
    for entry in entries:
        shapes.set(entry, merged, node)


def _concat(node, shapes):
    dim = int(node.params().get("dim", 1))
    ins = [shapes.get(e) for e in node.inputs]
    out = shapes.get((node, 0))
    ranks = {len(s) for s in ins + [out] if s is not None}
    if len(ranks) != 1:
        return
    rank = ranks.pop()
    axis = dim % rank
    rest = None
    for s in ins + [out]:
        if s is not None:
            rest = _merge(rest, s[:axis] + (0,) + s[axis + 1:])
    for e, s in zip(node.inputs, ins):
        shapes.set(e, rest[:axis] + ((s[axis] if s else 0),) + rest[axis + 1:], node)
    sizes = [s[axis] if s else 0 for s in (shapes.get(e) for e in node.inputs)]
    total = sum(sizes) if all(sizes) else 0
    shapes.set((node, 0), rest[:axis] + (total,) + rest[axis + 1:], node)


def _transpose(node, shapes):
    """transpose both ways: dimension i of the output is dimension axes[i] of the input."""
    data, out = shapes.get(node.inputs[0]), shapes.get((node, 0))
    rank = len(data) if data is not None else len(out) if out is not None else 0
    if not rank:
        return
    axes = tuple(node.params().get("axes") or ()) or tuple(reversed(range(rank)))
    if len(axes) != rank:
        return
    if out is not None:
        inferred = [0] * rank
        for i, axis in enumerate(axes):
            inferred[axis % rank] = out[i]
        shapes.set(node.inputs[0], tuple(inferred), node)
    if data is not None:
        shapes.set((node, 0), tuple(data[axis % rank] for axis in axes), node)


def _slice_channel(node, shapes):
    params = node.params()
    n, squeeze = int(params["num_outputs"]), bool(params.get("squeeze_axis", False))
    data = shapes.get(node.inputs[0])
    for i in range(n):
        out = shapes.get((node, i))
        if out is None:
            continue
        if squeeze:
            rank = len(out) + 1
            axis = int(params.get("axis", 1)) % rank
            whole = out[:axis] + (n,) + out[axis:]
        else:
            rank = len(out)
            axis = int(params.get("axis", 1)) % rank
            whole = out[:axis] + ((out[axis] * n) if out[axis] else 0,) + out[axis + 1:]
        shapes.set(node.inputs[0], whole, node)
    data = shapes.get(node.inputs[0])
    if data is not None and not all(shapes.get((node, i)) for i in range(n)):
        axis = int(params.get("axis", 1)) % len(data)
        part = data[:axis] + ((data[axis] // n) if data[axis] else 0,) + data[axis + 1:]
        if squeeze:
            part = part[:axis] + part[axis + 1:]
        for i in range(n):
            shapes.set((node, i), part, node)


def _custom_shapes(node, shapes):
    """A Custom node's shapes from its Prop's ``infer_shape`` (unknown argument shapes passed
    as [], as MXNet does; a Prop that cannot work with them yet is asked again later)."""
    from .._engine.custom_op import infer_shapes, make_prop
    params = node.params()
    sig = node.op.signature(params)
    n = len(sig.arguments)
    known = [shapes.get(e) for e in node.inputs[:n]]
    try:
        ins, outs, auxs = infer_shapes(make_prop(params), sig, [list(s) if s else [] for s in known])
    except MXNetError:
        raise
    except Exception as exc:
        if all(_complete(s) for s in known):
            raise MXNetError(f"Error in {params.get('op_type')}.infer_shape: {exc}") from exc
        return
    for entry, shape in zip(node.inputs, ins + auxs):
        if shape:
            shapes.set(entry, shape, node)
    for i, shape in enumerate(outs):
        if shape:
            shapes.set((node, i), shape, node)


def _stacked(node, stack, shapes, shape):
    """A body output's shape stacked along a new axis 0 (see ``SubgraphOp.links``)."""
    if stack == "data":
        data = shapes.get(node.inputs[0])
        stack = data[0] if data else 0
    return (stack,) + shape


def _subgraph_shapes(node, shapes):
    """A control-flow node's shapes through its bodies: each body's shapes inferred from the
    shapes of the node's inputs it reads (one slice of a foreach's data), its input shapes
    inferred there passed back, its output shapes passed on to the node's outputs; a loop
    state's output and input share one shape (MXNet's inference of ``_foreach``...)."""
    ins, outs = node.op.links(node.params())
    for _ in range(2):
        body_outs = []
        for sub, links in zip(node.subgraphs.symbols, ins):
            given = {}
            for name, (k, sliced) in zip(sub.list_inputs(), links):
                shape = shapes.get(node.inputs[k])
                if shape is not None and (not sliced or shape):
                    given[name] = (shape[1:] or (1,)) if sliced else shape   # a 1-D array's slice: (1,)
            order, sub_shapes = run_shapes(sub, given)
            for var, (k, sliced) in zip([n for n in order if n.op is None], links):
                shape = sub_shapes.get((var, 0))
                if shape is not None:
                    if sliced:
                        whole = shapes.get(node.inputs[k])
                        shape = ((whole[0] if whole else 0),) + (shape if whole is None or len(whole) > 1 else ())
                    shapes.set(node.inputs[k], shape, node)
            body_outs.append([sub_shapes.get(e) for e in sub._outputs])
        for k, (sources, stack, tied) in enumerate(outs):
            for body, position in sources:
                shape = body_outs[body][position]
                if shape is not None:
                    shapes.set((node, k), shape if stack is None else _stacked(node, stack, shapes, shape), node)
            if tied is not None:
                _unify(node, [node.inputs[tied], (node, k)], shapes)


def _apply_rules(node, shapes):
    if node.op.free_attrs:
        _custom_shapes(node, shapes)
        return
    if node.subgraphs is not None:
        _subgraph_shapes(node, shapes)
        return
    name = op_rules.MXNET_OP_NAME.get(node.op.name, node.op.name)
    rule = op_rules.PARAM_SHAPE_RULES.get(node.op.name)
    if rule is not None and node.inputs and shapes.get(node.inputs[0]) is not None:
        names = node.op.inputs or range(len(node.inputs))
        input_shapes = {n: shapes.get(e) for n, e in zip(names, node.inputs)}
        for key, shape in rule(node.params(), input_shapes, shapes.get((node, 0))).items():
            if key == "data_out":
                shapes.set((node, 0), shape, node)
            elif isinstance(key, int):
                if key < len(node.inputs) and shape is not None:
                    shapes.set(node.inputs[key], shape, node)
            elif key in node.op.inputs and node.op.inputs.index(key) < len(node.inputs) and shape is not None:
                shapes.set(node.inputs[node.op.inputs.index(key)], shape, node)
    if name in op_rules.SAME_SHAPE_BINARY:
        _unify(node, list(node.inputs) + [(node, 0)], shapes)
    elif name in ("Concat", "_rnn_param_concat"):
        _concat(node, shapes)
    elif name == "SliceChannel":
        _slice_channel(node, shapes)
    elif node.op.name == "transpose":
        _transpose(node, shapes)
    elif len(node.inputs) == 1 and _is_same_shape(node):
        _unify(node, [node.inputs[0], (node, 0)], shapes)


def _to_internal(shape):
    if shape is None:
        return None
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    unknown = -1 if util.is_np_shape() else 0
    return tuple(0 if d == unknown else int(d) for d in shape)


def _attr_shape(text):
    """A variable's ``__shape__`` attribute; 0 and -1 are unknown dimensions (files written
    before NumPy shape semantics use 0, later ones -1)."""
    shape = parse_attr(text)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return tuple(max(int(d), 0) for d in shape)


def _to_user(shape):
    np_shape = util.is_np_shape()
    if shape is None:
        return None if np_shape else ()
    return tuple(-1 if (np_shape and d == 0) else d for d in shape)


def _var_dtypes(order, type_kwargs):
    from ..ndarray.storage_ids import _DTYPE_MX_TO_NP
    dtypes = {}
    for node in order:
        if node.op is None:
            if node.name in type_kwargs:
                dtypes[(id(node), 0)] = np.dtype(type_kwargs[node.name])
            elif "__dtype__" in node.attrs:
                dtypes[(id(node), 0)] = np.dtype(_DTYPE_MX_TO_NP[int(node.attrs["__dtype__"])])
    return dtypes


def _bind_args(sym, args, kwargs, what):
    """Positional values for ``list_arguments`` in order, keyword values by input name."""
    names = sym.list_arguments()
    if args and kwargs:
        raise ValueError("Can only specify known argument shapes either by positional or kwargs way.")
    if len(args) > len(names):
        raise MXNetError(f"{what}: {len(args)} positional values for {len(names)} arguments")
    given = dict(zip(names, args))
    inputs = sym.list_inputs()
    for key, value in kwargs.items():
        if key not in inputs:
            candidates = "".join(f"\t[{i}]{n}\n" for i, n in enumerate(inputs))
            raise MXNetError(f"{what.replace('_', ' ').title().replace(' ', '')}Keyword argument name {key} "
                             f"not found.\nCandidate arguments:\n{candidates}")
        given[key] = value
    return {k: v for k, v in given.items() if v is not None}


def run_shapes(sym, given, type_dict=None):
    """{(id(node), index): partial shape} for every entry of the graph."""
    order = topo_order(sym._outputs)
    shapes = _Shapes()
    for node in order:
        if node.op is None:
            if node.name in given:
                shapes.set((node, 0), _to_internal(given[node.name]), node)
            elif "__shape__" in node.attrs:
                shapes.set((node, 0), _attr_shape(node.attrs["__shape__"]), node)
    dtypes = _var_dtypes(order, type_dict or {})
    ops = [n for n in order if n.op is not None]
    for _ in range(len(ops) + 2):
        shapes.changed = False
        for node in ops:
            _apply_rules(node, shapes)
            _forward(node, shapes, [shapes.get(e) for e in node.inputs], dtypes)
        for node in reversed(ops):
            _apply_rules(node, shapes)
        if not shapes.changed:
            break
    return order, shapes


def complete_creation_shapes(sym, given):
    """``sym`` with the shapes of its array-creating operators completed for the input shapes
    ``given`` (name -> shape).  A graph may create arrays with unknown dimensions
    (``mx.sym.zeros((0, H))``: a recurrent cell's begin state, whose batch size MXNet infers
    from the data); MXNet's executor allocates them with the inferred shape, so running such
    a graph needs it spelled out; so does a sampler of shape ``()`` (unknown rank) whose consumer
    gives it a shape (``mx.sym.random.uniform() + x``).  Returns ``sym`` itself when it creates no such array."""
    order = topo_order(sym._outputs)
    pending = [n for n in order if n.op is not None and not n.inputs and "shape" in n.attrs
               and not (_attr_shape(n.attrs["shape"]) and _complete(_attr_shape(n.attrs["shape"])))]
    if not pending:
        return sym
    _, shapes = run_shapes(sym, given)
    copies = {}
    for node in pending:
        shape = shapes.get((node, 0))
        if _complete(shape):
            copies[id(node)] = node.rewired([], dict(node.attrs, shape=str(shape)))
    for node in order:
        if id(node) not in copies and any(id(c) in copies for c, _ in node.inputs):
            copies[id(node)] = node.rewired([(copies.get(id(c), c), i) for c, i in node.inputs])
    return Symbol([(copies.get(id(n), n), i) for n, i in sym._outputs])


def infer_shape(sym, args, kwargs, partial):
    given = _bind_args(sym, args, kwargs, "infer_shape")
    order, shapes = run_shapes(sym, given)
    aux = aux_nodes(order)
    arg_shapes = [shapes.get((n, 0)) for n in order if n.op is None and id(n) not in aux]
    aux_shapes = [shapes.get((n, 0)) for n in order if id(n) in aux]
    out_shapes = [shapes.get(e) for e in sym._outputs]
    if not partial and not all(_complete(s) for s in arg_shapes + aux_shapes + out_shapes):
        unknown = [n.name for n in order if n.op is None and not _complete(shapes.get((n, 0)))]
        logging.warning("Cannot decide shape for the following arguments (0s in shape means unknown "
                        "dimensions). Consider providing them as input:\n\t%s",
                        "\n\t".join(f"{name}: {_to_user(shapes.known.get((id(n), 0)))}"
                                    for name, n in ((n.name, n) for n in order if n.name in unknown)))
        return None, None, None
    return ([_to_user(s) for s in arg_shapes], [_to_user(s) for s in out_shapes], [_to_user(s) for s in aux_shapes])


# ---- dtypes --------------------------------------------------------------------------------
_CAST_OPS = frozenset({"cast", "amp_cast"})
_INT64_OUT = frozenset({"shape_array", "size_array"})


def _type_node(node, dtypes):
    """MXNet's default type rule for one node: an operator with a ``dtype`` attribute (Cast,
    creation, one_hot, Embedding...) gives its outputs, and its unknown parameter inputs after
    the first, that dtype; otherwise inputs and outputs share the first known dtype
    (elementwise), forwards and backwards."""
    ins = [dtypes.get((id(c), i)) for c, i in node.inputs]
    params = node.params()
    if node.op.free_attrs:
        _custom_types(node, params, ins, dtypes)
        return
    if node.subgraphs is not None:
        _subgraph_types(node, params, dtypes)
        return
    fixed = params.get("dtype")
    fixed = None if fixed in (None, "None") or node.op.name == "topk" else np.dtype(fixed)
    if node.op.name in _INT64_OUT:
        fixed = np.dtype(np.int64)
    if fixed is not None:
        for i in range(node.counts()[1]):
            dtypes.setdefault((id(node), i), fixed)
        if node.op.name not in _CAST_OPS:
            for entry, d in list(zip(node.inputs, ins))[1:]:
                if d is None:
                    dtypes[(id(entry[0]), entry[1])] = fixed
        return
    known = [d for d in ins if d is not None]
    main = known[0] if known else dtypes.get((id(node), 0))
    if main is None:
        return
    for entry, d in zip(node.inputs, ins):
        if d is None:
            dtypes[(id(entry[0]), entry[1])] = main
    for i in range(node.counts()[1]):
        dtypes.setdefault((id(node), i), main)


def _custom_types(node, params, ins, dtypes):
    """A Custom node's dtypes from its Prop's ``infer_type`` (unknown ones passed as None)."""
    from .._engine.custom_op import infer_types, make_prop
    sig = node.op.signature(params)
    n = len(sig.arguments)
    try:
        arg_t, out_t, aux_t = infer_types(make_prop(params), sig, [None if d is None else d.type for d in ins[:n]])
    except MXNetError:
        raise
    except Exception as exc:
        if all(d is not None for d in ins[:n]):
            raise MXNetError(f"Error in {params.get('op_type')}.infer_type: {exc}") from exc
        return
    for entry, dtype in zip(node.inputs, arg_t + aux_t):
        if dtype is not None:
            dtypes.setdefault((id(entry[0]), entry[1]), dtype)
    for i, dtype in enumerate(out_t):
        if dtype is not None:
            dtypes.setdefault((id(node), i), dtype)


def _subgraph_types(node, params, dtypes):
    """A control-flow node's dtypes through its bodies, as ``_subgraph_shapes`` does shapes."""
    ins, outs = node.op.links(params)
    body_outs = []
    for sub, links in zip(node.subgraphs.symbols, ins):
        given = {}
        for name, (k, _) in zip(sub.list_inputs(), links):
            c, i = node.inputs[k]
            if (id(c), i) in dtypes:
                given[name] = dtypes[(id(c), i)]
        order, sub_types = run_types(sub, given)
        for var, (k, _) in zip([n for n in order if n.op is None], links):
            c, i = node.inputs[k]
            if (id(var), 0) in sub_types:
                dtypes.setdefault((id(c), i), sub_types[(id(var), 0)])
        body_outs.append([sub_types.get((id(n), i)) for n, i in sub._outputs])
    for k, (sources, _, tied) in enumerate(outs):
        for body, position in sources:
            if body_outs[body][position] is not None:
                dtypes.setdefault((id(node), k), body_outs[body][position])
        if tied is not None:
            c, i = node.inputs[tied]
            if (id(node), k) in dtypes:
                dtypes.setdefault((id(c), i), dtypes[(id(node), k)])


def run_types(sym, given):
    order = topo_order(sym._outputs)
    dtypes = _var_dtypes(order, given)
    ops = [n for n in order if n.op is not None]
    for _ in range(3):
        before = dict(dtypes)
        for node in ops:
            _type_node(node, dtypes)
        for node in reversed(ops):
            _type_node(node, dtypes)
        if before == dtypes:
            break
    return order, dtypes


def infer_type(sym, args, kwargs, partial):
    given = _bind_args(sym, args, kwargs, "infer_type")
    order, dtypes = run_types(sym, given)
    aux = aux_nodes(order)
    arg_types = [dtypes.get((id(n), 0)) for n in order if n.op is None and id(n) not in aux]
    aux_types = [dtypes.get((id(n), 0)) for n in order if id(n) in aux]
    out_types = [dtypes.get((id(n), i)) for n, i in sym._outputs]
    if not partial and any(t is None for t in arg_types + aux_types + out_types):
        return None, None, None

    def user(t):
        return None if t is None else t.type
    return [user(t) for t in arg_types], [user(t) for t in out_types], [user(t) for t in aux_types]
