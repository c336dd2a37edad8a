"""MXNet's JSON names of ``mx.sym.np`` / ``mx.sym.npx`` nodes, both ways.

mxjax's graph holds one generic operator, ``_npi_op`` (attributes ``fn``, ``layout``,
``kwargs``: see ``mxjax/numpy/_op.py``); MXNet 1.9.1 registers one operator per function
(``_npi_add``, ``_npi_add_scalar``, ``_npi_rsubtract_scalar``, ``_np_sum``...) and one per npx
operator (``_npx_relu``, ``_npx_fully_connected``...).  ``from_mxnet`` reads MXNet's nodes
into mxjax's (so a ``-symbol.json`` exported by MXNet under ``npx.set_np()`` loads), and
``to_mxnet`` writes mxjax's nodes under MXNet's names and attributes where MXNet has that
operator (so MXNet loads mxjax's export).  A node with no MXNet counterpart keeps the name
``_npi_op``: mxjax reads it back, MXNet does not.
"""
from ..ndarray.registry import OPS

#: MXNet 1.9.1's NumPy operators named ``_np_<fn>`` (all others are ``_npi_<fn>``)
_NP_PREFIXED = frozenset(
    "all amax amin any atleast_1d atleast_2d atleast_3d copy cumsum diag diagflat diagonal dot max min moveaxis "
    "prod product repeat reshape roll sometrue squeeze sum trace transpose".split())
#: MXNet 1.9.1's ``_npi_<fn>`` operators of functions of mx.np's table
_NPI = frozenset(
    "abs absolute add arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin argsort around "
    "bitwise_and bitwise_not bitwise_or bitwise_xor broadcast_to cbrt ceil clip column_stack concatenate "
    "copysign cos cosh degrees delete diff dsplit dstack ediff1d einsum equal exp expand_dims expm1 fix flip "
    "floor full_like greater greater_equal hsplit hstack hypot isfinite isinf isnan isneginf isposinf lcm "
    "ldexp less less_equal log log10 log1p log2 logical_not matmul maximum mean minimum mod multiply "
    "nan_to_num negative not_equal pad percentile polyval power radians reciprocal rint rot90 sign sin "
    "sinh sort split sqrt square stack std subtract swapaxes take tan tanh tensordot tile tril true_divide "
    "trunc var vstack where".split())
#: functions with ``_npi_<fn>_scalar`` (array op number) and, for the non-commutative ones,
#: ``_npi_r<fn>_scalar`` (number op array)
_SCALAR = frozenset("add subtract multiply true_divide mod power maximum minimum equal not_equal greater "
                    "greater_equal less less_equal arctan2 hypot copysign lcm ldexp bitwise_and bitwise_or "
                    "bitwise_xor".split())
_REVERSED = frozenset("subtract true_divide mod power arctan2 copysign ldexp".split())


def _npx_ops():
    from ..numpy_extension import _OPERATORS
    return _OPERATORS


def _parse(text):
    from .symbol import parse_attr
    return parse_attr(text)


def from_mxnet(op_name, attrs, n_inputs):
    """(registry op, attributes) of MXNet's NumPy node ``op_name``, or None when mxjax does not
    know the name."""
    from ..numpy._functions import SPECS
    if op_name.startswith("_npx_"):
        name = op_name[len("_npx_"):]
        if name == "reshape":
            return _node(SPECS, "_npx_reshape", (None,), attrs)
        target = _npx_ops().get(name)
        return (OPS[target], attrs) if target in OPS else None
    name = op_name[len("_npi_"):] if op_name.startswith("_npi_") else op_name[len("_np_"):]
    if name.endswith("_scalar"):
        base = name[:-len("_scalar")]
        swap = base.startswith("r") and base[1:] in _REVERSED
        base = base[1:] if swap else base
        if base not in SPECS:
            return None
        value = float(attrs.get("scalar", "0"))
        if _parse(attrs.get("is_int", "False")) is True:
            value = int(value)
        rest = {k: v for k, v in attrs.items() if k not in ("scalar", "is_int")}
        layout = (("scalar", value), None) if swap else (None, ("scalar", value))
        return _node(SPECS, base, layout, rest)
    if name not in SPECS:
        return None
    arrays = SPECS[name][0]
    if len(arrays) == 1 and arrays[0].startswith("*"):
        layout = (n_inputs,)
    else:
        layout = (None,) * n_inputs
    return _node(SPECS, name, layout, attrs)


def _node(specs, fn, layout, attrs):
    from ..numpy._functions import _static
    statics = specs[fn][1]
    kwargs = []
    for key, default in statics.items():
        value = _parse(attrs[key]) if key in attrs else default
        kwargs.append((key, _static(key, value)))
    from .symbol import attr_string
    own = {k: v for k, v in attrs.items() if k.startswith("__")}
    own.update(fn=fn, layout=attr_string(layout), kwargs=attr_string(tuple(kwargs)))
    return OPS["_npi_op"], own


def to_mxnet(node):
    """(MXNet's operator name, attributes) of mxjax's ``_npi_op`` node, or None where MXNet
    has no operator for it."""
    params = node.params()
    fn, layout, kwargs = params["fn"], params["layout"], dict(params["kwargs"])
    from ..numpy._functions import SPECS
    from .symbol import attr_string
    defaults = SPECS[fn][1] if fn in SPECS else {}
    attrs = {k: v for k, v in node.attrs.items() if k.startswith("__")}
    attrs.update({k: attr_string(v) for k, v in kwargs.items() if v != defaults.get(k)})
    scalars = [i for i, entry in enumerate(layout) if isinstance(entry, tuple)]
    if fn == "_npx_reshape":
        attrs.setdefault("newshape", attr_string(kwargs["newshape"]))
        return "_npx_reshape", attrs
    if scalars:
        if len(layout) != 2 or len(scalars) != 1 or fn not in _SCALAR:
            return None
        value = layout[scalars[0]][1]
        value = float(value) if isinstance(value, str) else value
        if scalars[0] == 0 and fn not in _REVERSED and fn not in ("add", "multiply", "maximum", "minimum"):
            return None
        attrs["scalar"] = attr_string(float(value))
        attrs["is_int"] = str(isinstance(value, int) and not isinstance(value, bool))
        prefix = "_npi_r" if scalars[0] == 0 and fn in _REVERSED else "_npi_"
        return f"{prefix}{fn}_scalar", attrs
    if len(layout) == 1 and isinstance(layout[0], int):   # a sequence of arrays (concatenate, stack)
        attrs["num_args"] = str(layout[0])
    if fn in _NP_PREFIXED:
        return f"_np_{fn}", attrs
    if fn in _NPI:
        return f"_npi_{fn}", attrs
    return None
