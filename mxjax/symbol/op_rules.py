"""What the symbolic API needs to know about an operator beyond its registry entry.

The registry (``mxjax/ndarray/registry.py``) gives each operator's inputs, attributes and JAX
implementation.  A symbol graph also needs MXNet's view of the node:

* the operator name written into MXNet's JSON (the registry's canonical name is sometimes an
  alias in MXNet: ``concat`` is MXNet's ``Concat``, ``maximum`` its ``_maximum``);
* how many outputs the node has in MXNet's graph and how they are named (``bn_output``,
  ``bn_mean``, ``slice_output0``), and how many of them are visible;
* which optional inputs ``mx.sym.X`` creates as variables when they are not given
  (``bias`` unless ``no_bias``, ``gamma`` of a PReLU, ``length`` with ``use_length``);
* the initializer MXNet attaches to auxiliary states (``moving_mean`` -> zero);
* *parameter shape rules*: MXNet's backward inference of an argument's shape from the data
  shape (``FullyConnected`` weight = (num_hidden, in_features)) and of the data shape from the
  output shape.  Forward shapes come from ``jax.eval_shape`` of the registry implementation.
"""
import math

#: registry name -> the name MXNet 1.9.1 writes into its JSON for that operator
MXNET_OP_NAME = {
    "cast": "Cast", "concat": "Concat", "flatten": "Flatten",
    "add": "elemwise_add", "subtract": "elemwise_sub", "multiply": "elemwise_mul", "divide": "elemwise_div",
    "maximum": "_maximum", "minimum": "_minimum", "power": "_power", "mod": "_mod", "hypot": "_hypot",
    "equal": "_equal", "not_equal": "_not_equal", "greater": "_greater", "greater_equal": "_greater_equal",
    "lesser": "_lesser", "lesser_equal": "_lesser_equal", "logical_and": "_logical_and",
    "logical_or": "_logical_or", "logical_xor": "_logical_xor",
}

#: binary operators whose inputs and output all have one shape (MXNet's ElemwiseShape)
SAME_SHAPE_BINARY = frozenset(
    {"elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "_grad_add", "_identity_with_attr_like_rhs"}
    | {v for v in MXNET_OP_NAME.values() if v.startswith("_")})

#: operators whose output shape MXNet infers only once every input shape is complete
NO_PARTIAL = frozenset({"where", "flatten"})

#: operator -> its attribute naming an axis whose output size MXNet leaves unknown while the
#: input's size there is unknown (even where begin/end alone would decide it)
UNKNOWN_AXIS_STAYS_UNKNOWN = {"slice_axis": "axis"}

# MXNet's output names where the operator declares them (otherwise output / output0, output1...)
_OUTPUT_NAMES = {
    "BatchNorm": ("output", "mean", "var"), "BatchNorm_v1": ("output", "mean", "var"), "InstanceNorm": ("output", "mean", "var"),
    "LayerNorm": ("output", "mean", "std"), "GroupNorm": ("output", "mean", "std"),
    "RNN": ("output", "state_output", "statecell_output"),
    "Dropout": ("output", "mask"), "LRN": ("output", "tmp_norm"), "Pooling": ("output", "mask"),
}
_TWO_OUTPUTS = frozenset({"sort", "CTCLoss"})   # a hidden second output


def _flag(attrs, key, default=False):
    value = attrs.get(key, default)
    return value if isinstance(value, bool) else str(value) in ("True", "true", "1")


def output_counts(op_name, attrs):
    """(MXNet's number of outputs of the node, how many of them are visible), from the
    operator's attributes (parsed values)."""
    if op_name in ("BatchNorm", "BatchNorm_v1", "LayerNorm", "GroupNorm"):
        return 3, 3 if _flag(attrs, "output_mean_var") else 1
    if op_name == "InstanceNorm":
        return 3, 1
    if op_name == "Pooling":   # MXNet 1.9.1 (oneDNN build): a workspace output for max pooling only
        return (2 if attrs.get("pool_type", "max") == "max" else 1), 1
    if op_name in ("Dropout", "LRN"):
        return 2, 1
    if op_name == "SliceChannel":
        n = int(attrs["num_outputs"])
        return n, n
    if op_name == "topk":
        typ = attrs.get("ret_typ", "indices")
        return (2, 2) if typ == "both" else (2, 1) if typ == "value" else (1, 1)
    if op_name == "_sample_multinomial":   # with get_prob, the log-probabilities too
        return (2, 2) if _flag(attrs, "get_prob") else (1, 1)
    if op_name in ("_linalg_gelqf", "_linalg_syevd", "_linalg_slogdet", "moments", "_sample_unique_zipfian",
                   "_histogram"):
        return 2, 2
    if op_name == "_split_v2":   # ``sections`` equal parts, else one part per start index
        sections = int(attrs.get("sections", 0) or 0)
        n = sections if sections > 0 else len(attrs["indices"])
        return n, n
    if op_name in _TWO_OUTPUTS:
        return 2, 1
    if op_name in ("_foreach", "_while_loop", "_cond"):
        n = int(attrs["num_outputs"])
        return n, n
    if op_name == "_npi_op":   # mx.sym.np: the table function's own count
        from ..numpy._functions import output_count
        n = output_count(attrs["fn"], attrs["layout"], attrs["kwargs"])
        return n, n
    if op_name == "RNN":   # the output, then with state_outputs the last states (and cells)
        n = 1 + (2 if attrs.get("mode") == "lstm" else 1) * _flag(attrs, "state_outputs")
        return n, n
    return 1, 1


def output_names(op_name, total):
    """The suffixes of a node's outputs (``output``, ``mean``... or ``output0``, ``output1``...)."""
    names = _OUTPUT_NAMES.get(op_name)
    if names is not None:
        return names
    return ("output",) if total == 1 else tuple(f"output{i}" for i in range(total))


#: operators without MXNet's ``FListInputNames``: monitors name their inputs ``input0``,
#: ``input1``... (recorded from MXNet 1.9.1 by ``tools/record_monitor_input_names.py``)
POSITIONAL_INPUT_NAMES = frozenset({
    'Activation', 'BlockGrad', 'Cast', 'Flatten', 'Reshape', 'SoftmaxActivation', '_DivScalar', '_EqualScalar',
    '_GreaterEqualScalar', '_GreaterScalar', '_HypotScalar', '_LesserEqualScalar', '_LesserScalar',
    '_LogicalAndScalar', '_LogicalOrScalar', '_LogicalXorScalar', '_MaximumScalar', '_MinimumScalar',
    '_MinusScalar', '_ModScalar', '_MulScalar', '_NotEqualScalar', '_PlusScalar', '_PowerScalar', '_RDivScalar',
    '_RMinusScalar', '_RModScalar', '_RPowerScalar', '_contrib_AdaptiveAvgPooling2D', '_contrib_arange_like',
    '_contrib_div_sqrt_dim', '_contrib_gradientmultiplier', '_contrib_round_ste', '_contrib_sign_ste', '_copy',
    '_div_scalar', '_equal_scalar', '_greater_equal_scalar', '_greater_scalar', '_hypot_scalar',
    '_lesser_equal_scalar', '_lesser_scalar', '_logical_and_scalar', '_logical_or_scalar', '_logical_xor_scalar',
    '_maximum_scalar', '_minimum_scalar', '_minus_scalar', '_mod_scalar', '_mul_scalar', '_not_equal_scalar',
    '_plus_scalar', '_power_scalar', '_random_exponential_like', '_random_gamma_like',
    '_random_generalized_negative_binomial_like', '_random_negative_binomial_like', '_random_normal_like',
    '_random_poisson_like', '_random_uniform_like', '_rdiv_scalar', '_rminus_scalar', '_rmod_scalar',
    '_rpower_scalar', '_sample_multinomial', 'abs', 'amp_cast', 'arccos', 'arccosh', 'arcsin', 'arcsinh',
    'arctan', 'arctanh', 'argmax', 'argmin', 'argsort', 'broadcast_axes', 'broadcast_axis', 'broadcast_to',
    'cast_storage', 'cbrt', 'ceil', 'clip', 'cos', 'cosh', 'crop', 'degrees', 'erf', 'erfinv', 'exp',
    'expand_dims', 'expm1', 'fix', 'floor', 'gamma', 'gammaln', 'hard_sigmoid', 'identity', 'log', 'log10',
    'log1p', 'log2', 'logical_not', 'max', 'max_axis', 'mean', 'min', 'min_axis', 'nanprod', 'nansum', 'negative',
    'norm', 'ones_like', 'prod', 'radians', 'rcbrt', 'reciprocal', 'relu', 'rint', 'round', 'rsqrt',
    'sample_multinomial', 'shape_array', 'sigmoid', 'sign', 'sin', 'sinh', 'size_array', 'slice', 'slice_axis',
    'smooth_l1', 'softmin', 'softsign', 'sqrt', 'square', 'stop_gradient', 'sum', 'sum_axis', 'tan', 'tanh',
    'topk', 'transpose', 'trunc', 'zeros_like'})


def monitor_input_names(node):
    """The names monitors give the inputs of an operator node (``fc1_weight``, ``relu0_input0``,
    ``concat0_arg1``): MXNet's ``FListInputNames``, which for most operators are the argument
    names (``power``'s are ``lhs``/``rhs``)."""
    n = len(node.inputs)
    if node.op.free_attrs:   # a CustomOp: its prop's arguments and auxiliary states
        sig = node.op.signature(node.params())
        return (sig.arguments + sig.aux)[:n]
    if node.json_op() in POSITIONAL_INPUT_NAMES:
        return [f"input{k}" for k in range(n)]
    if node.op.variadic:
        return [f"arg{k}" for k in range(n)]
    if node.op.name == "power":
        return ["lhs", "rhs"]
    return list(node.op.inputs[:n])


def creates_input(op_name, input_name, attrs):
    """Whether ``mx.sym.<op>`` creates the optional input ``input_name`` as a variable when it
    is not given (MXNet lists it among the operator's arguments)."""
    if input_name == "bias":
        return not _flag(attrs, "no_bias", op_name == "Deconvolution")
    if op_name == "RNN" and input_name == "state_cell":
        return attrs.get("mode") == "lstm"
    if op_name == "LeakyReLU" and input_name == "gamma":
        return attrs.get("act_type", "leaky") == "prelu"
    return _flag(attrs, "use_" + input_name)


#: loss layers: their gradient ignores the head gradient, so ``Executor.backward`` needs none
LOSS_OPS = frozenset({"SoftmaxOutput", "LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput",
                      "SVMOutput", "MakeLoss", "make_loss"})

#: comparison and logic operators: MXNet gives them a zero gradient (no gradient flows through
#: them, so ``Executor.backward`` needs no head gradient for their outputs)
ZERO_GRADIENT_OPS = frozenset(
    prefix + name + suffix
    for name in ("equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal",
                 "logical_and", "logical_or", "logical_xor")
    for prefix, suffix in (("", ""), ("broadcast_", ""), ("_", "_scalar"))) | {"logical_not"}


def ignores_head_gradient(node):
    """Whether ``node`` is a loss layer: a loss operator, or a Custom op whose Prop says
    ``need_top_grad=False``."""
    if node.op is None:
        return False
    if node.op.free_attrs:
        return not node.op.signature(node.params()).need_top_grad
    return node.op.name in LOSS_OPS


_BATCH_NORM_INIT = {3: '["zero", {}]', 4: '["one", {}]'}   # moving_mean, moving_var
#: the initializer an operator gives its variable inputs (by position) that have none (MXNet's
#: FSetInputVarAttrOnCompose): created or passed in, at composition the variable gets it
INPUT_INIT = {
    "BatchNorm": _BATCH_NORM_INIT, "BatchNorm_v1": _BATCH_NORM_INIT, "_contrib_SyncBatchNorm": _BATCH_NORM_INIT,
    "_contrib_BatchNormWithReLU": _BATCH_NORM_INIT,
    "LeakyReLU": {1: '["Constant", {"value": 0.25}]'},      # gamma
    "UpSampling": {1: '["bilinear", {}]'},                   # weight
    "IdentityAttachKLSparseReg": {1: '["zero", {}]'},        # moving_avg
}


def set_input_init(op_name, entries):
    """Give the variables among ``entries`` (a node's inputs) the ``__init__`` attribute
    ``op_name`` sets on them, where they have none."""
    for index, init in INPUT_INIT.get(op_name, {}).items():
        if index < len(entries):
            node = entries[index][0]
            if node.op is None and "__init__" not in node.attrs:
                node.attrs["__init__"] = init


# ---- parameter shape rules ------------------------------------------------------------------
# Shapes here use 0 for an unknown dimension and None for an unknown shape.

def _known(shape):
    return shape is not None and 0 not in shape


def _fully_connected(attrs, shapes, out):
    data = shapes["data"]
    num_hidden = int(attrs["num_hidden"])
    rules = {"bias": (num_hidden,)}
    if data is not None:
        if _flag(attrs, "flatten", True):
            in_dim = math.prod(data[1:]) if _known(data[1:]) else 0
            rules["data_out"] = (data[0], num_hidden)
        else:
            in_dim = data[-1]
            rules["data_out"] = tuple(data[:-1]) + (num_hidden,)
        rules["weight"] = (num_hidden, in_dim)
    if out is not None and data is not None:
        if _flag(attrs, "flatten", True):
            rules["data"] = (out[0],) + tuple(data[1:])
        else:
            rules["data"] = tuple(out[:-1]) + (data[-1],)
    return rules


def _spatial(attrs, key, n, default):
    value = attrs.get(key) or ()
    value = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    return value if len(value) == n else (default,) * n


def _convolution(attrs, shapes, out, transposed=False):
    data = shapes["data"]
    kernel = tuple(attrs["kernel"]) if isinstance(attrs["kernel"], (tuple, list)) else (attrs["kernel"],)
    n = len(kernel)
    num_filter, groups = int(attrs["num_filter"]), int(attrs.get("num_group", 1))
    rules = {"bias": (num_filter,)}
    if data is not None and len(data) == n + 2:
        channels = data[1]
        if transposed:
            rules["weight"] = (channels, num_filter // groups) + kernel
        else:
            rules["weight"] = (num_filter, channels // groups if channels else 0) + kernel
    if out is not None and data is not None and len(out) == n + 2 and not transposed:
        stride, dilate = _spatial(attrs, "stride", n, 1), _spatial(attrs, "dilate", n, 1)
        pad = _spatial(attrs, "pad", n, 0)
        spatial = []
        for i in range(n):
            size = data[2 + i]
            if not size and out[2 + i]:
                size = (out[2 + i] - 1) * stride[i] + dilate[i] * (kernel[i] - 1) + 1 - 2 * pad[i]
            spatial.append(size)
        rules["data"] = (out[0] or data[0], data[1]) + tuple(spatial)
    return rules


def _channel_params(names, axis_key=None, size_key=None):
    def rule(attrs, shapes, out):
        data = shapes["data"]
        if size_key is not None:
            size = int(attrs.get(size_key, 1))
        elif data is None:
            return {}
        else:
            axis = int(attrs.get(axis_key, 1)) if axis_key else 1
            size = data[axis % len(data)] if data else 0
        rules = {name: (size,) for name in names}
        if out is not None:
            rules["data"] = tuple(out)
        return rules
    return rule


def _embedding(attrs, shapes, out):
    return {"weight": (int(attrs["input_dim"]), int(attrs["output_dim"]))}


def _prelu(attrs, shapes, out):
    data = shapes["data"]
    rules = {} if out is None else {"data": tuple(out)}
    if attrs.get("act_type") == "prelu" and data is not None and len(data) > 1:
        rules["gamma"] = (data[1],)
    return rules


def _softmax_output(attrs, shapes, out):
    data = shapes["data"]
    if data is None:
        return {}
    if _flag(attrs, "multi_output"):
        return {"label": (data[0],) + tuple(data[2:])}
    return {"label": tuple(data[:-1])}


def _same_label(attrs, shapes, out):
    data = shapes["data"]
    return {} if data is None else {"label": tuple(data)}


def _rnn(attrs, shapes, out):
    """RNN on data (T, N, C): begin states (L*D, N, P or H), cells (L*D, N, H), and the flat
    parameter vector's length once C is known."""
    data = shapes["data"]
    if data is None or len(data) != 3:
        return {}
    from ..ndarray.ops.rnn import _flat_layout
    dirs = 2 if _flag(attrs, "bidirectional") else 1
    layers, hidden = int(attrs["num_layers"]), int(attrs["state_size"])
    projection = attrs.get("projection_size") or None
    rules = {"state": (layers * dirs, data[1], projection or hidden)}
    if attrs.get("mode") == "lstm":
        rules["state_cell"] = (layers * dirs, data[1], hidden)
    if data[2]:
        weights, biases = _flat_layout(attrs["mode"], layers, dirs, data[2], hidden, projection)
        rules["parameters"] = (sum(math.prod(s) for group in weights + biases for s in group),)
    return rules


def _upsampling(attrs, shapes, out):
    """Bilinear UpSampling's weight (its second input): (num_filter, 1, k, k), k = 2*scale - scale%2."""
    if attrs.get("sample_type") != "bilinear":
        return {}
    scale = int(attrs["scale"])
    kernel = 2 * scale - scale % 2
    return {1: (int(attrs.get("num_filter", 0)), 1, kernel, kernel)}


def _reshape(attrs, shapes, out):
    """Reshape's backward inference: with the output known, one unknown input dimension is the
    output's size over the known ones (MXNet's ReverseReshapeInferShape)."""
    data = shapes["data"]
    if not _known(out) or data is None or list(data).count(0) != 1:
        return {}
    known = math.prod(d for d in data if d)
    total = math.prod(out)
    if not known or total % known:
        return {}
    return {"data": tuple(total // known if d == 0 else d for d in data)}


def _np_dot(shapes):
    """np.dot's backward inference (MXNet's NumpyDotShape): each operand's contracted
    dimension from the other's (a (64, 1000) array times a (-1, 100) parameter makes it
    (1000, 100)), and the output's dimensions from the operands'."""
    a, b = shapes[0], shapes[1]
    if a is None or b is None or not a or not b:
        return {}
    if len(a) == 1 and len(b) == 1:
        return {0: tuple(b), 1: tuple(a), "data_out": ()}
    if len(b) == 1:
        return {0: (0,) * (len(a) - 1) + (b[0],), 1: (a[-1],), "data_out": tuple(a[:-1])}
    return {0: (0,) * (len(a) - 1) + (b[-2],), 1: (0,) * (len(b) - 2) + (a[-1], 0),
            "data_out": tuple(a[:-1]) + tuple(b[:-2]) + (b[-1],)}


#: mx.np function -> rule({input position: shape}) for a node of ``_npi_op`` on arrays only
_NP_RULES = {"dot": _np_dot}


def _np_function(attrs, shapes, out):
    rule = _NP_RULES.get(attrs.get("fn"))
    layout = attrs.get("layout")
    if rule is None or any(n is not None for n in layout):   # a number or a sequence among the operands
        return {}
    return rule(shapes)


#: op name -> rule(parsed attrs, {input name: shape}, output shape) -> {input name or position: shape}
#: (``data_out``: the output shape, where the operator fixes some of its dimensions; a position
#: names an input of a variadic operator, whose input shapes the rule gets by position too)
PARAM_SHAPE_RULES = {
    "FullyConnected": _fully_connected,
    "Convolution": _convolution,
    "Deconvolution": lambda attrs, shapes, out: _convolution(attrs, shapes, out, transposed=True),
    "BatchNorm": _channel_params(("gamma", "beta", "moving_mean", "moving_var"), axis_key="axis"),
    "BatchNorm_v1": _channel_params(("gamma", "beta", "moving_mean", "moving_var")),
    "LayerNorm": _channel_params(("gamma", "beta"), axis_key="axis"),
    "InstanceNorm": _channel_params(("gamma", "beta")),
    "GroupNorm": _channel_params(("gamma", "beta"), size_key="num_groups"),
    "Embedding": _embedding,
    "_contrib_SparseEmbedding": _embedding,
    "LeakyReLU": _prelu,
    "SoftmaxOutput": _softmax_output,
    "LinearRegressionOutput": _same_label,
    "LogisticRegressionOutput": _same_label,
    "MAERegressionOutput": _same_label,
    "UpSampling": _upsampling,
    "RNN": _rnn,
    "Reshape": _reshape,
    "_npi_op": _np_function,
}
