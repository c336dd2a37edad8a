"""The table of ``mx.np`` functions: NumPy name -> JAX implementation and NumPy's arguments.

Each entry gives the function's array arguments (a leading ``*`` marks a sequence of arrays,
as ``concatenate``'s ``seq``) and its static arguments with NumPy's names and defaults.  From
the table come the ``mx.np`` functions, the ``mx.np.ndarray`` methods of the same name, and
the implementations the registry operator ``_npi_op`` applies (``_op.py``).  Every call goes
through the one engine: recorded, differentiable, compiled like any ``mx.nd`` operator.

Dtypes follow MXNet 1.9.1 where it differs from NumPy: ``mean``, ``std``, ``/`` of integer
inputs are float32, while ``exp``, ``log``, ``sin``... of integers keep the integer dtype; ``sum``/``prod``/``cumsum`` of an integer array keep
its dtype; argmax/argsort indices are int64.
"""
import inspect
import math

import jax
import jax.numpy as jnp
import numpy as onp

from ..base import MXNetError
from .._engine.graph import cast_result
from ..context import current_context
from ..ndarray.ndarray import NDArray, invoke, scalar_value
from ..ndarray.registry import OPS, _hashable
from ._op import BINARY_SCALAR, FUNCTIONS, binary_scalar_dtype, scalar_dtype as _scalar_dtype
from .multiarray import apply_binary_function, apply_unary_function, array, from_value, ndarray, wrap

__all__ = ["call", "make_function", "SPECS"]

_OP = OPS["_npi_op"]
_P = inspect.Parameter
#: name -> (array argument names, static argument defaults, inspect.Signature)
SPECS = {}
#: functions that return a list of arrays whatever its length (MXNet's split family)
LIST_OUTPUTS = {"split", "array_split", "hsplit", "vsplit", "dsplit", "broadcast_arrays", "meshgrid"}
#: functions whose number of outputs is the number of arrays in their sequence argument
_PER_INPUT = {"broadcast_arrays", "meshgrid", "atleast_1d", "atleast_2d", "atleast_3d"}


def output_count(name, layout, kwargs):
    """How many arrays table function ``name`` returns, from its static arguments (what a
    symbolic graph needs before any shape is known)."""
    if name in _PER_INPUT:
        return layout[0]
    kwargs = dict(kwargs)
    if name in LIST_OUTPUTS:
        sections = kwargs["indices_or_sections"]
        return len(sections) + 1 if isinstance(sections, (tuple, list)) else int(sections)
    if name.startswith("_average") and kwargs.get("returned"):
        return 2
    return 1


def define(name, impl, arrays=("a",), **statics):
    """Add NumPy function ``name``: ``impl(*arrays, **statics)`` on JAX arrays."""
    params = [_P(a.lstrip("*"), _P.POSITIONAL_OR_KEYWORD) for a in arrays]
    params += [_P(k, _P.POSITIONAL_OR_KEYWORD, default=v) for k, v in statics.items()]
    SPECS[name] = (tuple(arrays), statics, inspect.Signature(params))
    FUNCTIONS[name] = impl
    _PARSE[name] = (tuple(a.lstrip("*") for a in arrays), tuple(statics),
                    tuple((k, _static(k, v)) for k, v in statics.items()),
                    tuple(a.startswith("*") for a in arrays))


#: name -> (array argument names, static argument names, hashed defaults, which arrays are sequences)
_PARSE = {}


def _inexact(x):
    return jnp.issubdtype(x.dtype, jnp.inexact)


def _as_float(x):
    """MXNet computes a float function of an integer or bool array in float32."""
    return x if _inexact(x) else x.astype(jnp.float32)


#: MXNet's NumPy ufuncs: they take NumPy's ufunc keywords at their defaults only
UFUNCS = frozenset(
    "add subtract multiply divide mod matmul remainder power lcm sin cos sinh cosh tanh log10 sqrt cbrt abs fabs "
    "absolute exp expm1 arcsin arccos arctan sign log rint log2 log1p degrees rad2deg radians deg2rad reciprocal "
    "square negative fix tan ceil floor invert bitwise_not trunc logical_not arcsinh arccosh arctanh maximum "
    "minimum copysign arctan2 hypot bitwise_and bitwise_xor bitwise_or ldexp isnan isinf isposinf isneginf "
    "isfinite".split())
_UFUNC_DEFAULTS = {"where": True, "casting": "same_kind", "order": "K", "dtype": None, "subok": True}
_LEGAL_DTYPES = {onp.dtype(d) for d in ("int8", "uint8", "int32", "int64", "float16", "float32", "float64")}


def _check_ufunc_keyword(name, key, value):
    """MXNet's check of a ufunc keyword (``where``, ``casting``, ``order``, ``dtype``,
    ``subok``): ignored at NumPy's default, NotImplementedError for another legal value,
    TypeError otherwise (and for any other keyword)."""
    if key not in _UFUNC_DEFAULTS:
        raise TypeError(f"{key} is an invalid keyword to function '{name}'")
    if value is _UFUNC_DEFAULTS[key] or value == _UFUNC_DEFAULTS[key]:
        return
    unary = len(_PARSE[name][0]) == 1
    if key == "where":
        legal = True
    elif key == "casting":
        legal = value in ("no", "equiv", "safe", "same_kind", "unsafe")
    elif key == "order":
        legal = isinstance(value, str)
    elif key == "dtype":
        try:
            legal = isinstance(value, (str, type)) and onp.dtype(value) in _LEGAL_DTYPES
        except TypeError:
            legal = False
    else:
        legal = isinstance(value, bool)
    if legal:
        raise NotImplementedError(f"{key}={value} is not implemented yet" + (f" for operator {name}" if unary else ""))
    raise TypeError(f"{key}={value} not understood for operator {name}" if unary else f"{key} {value} not understood")


def _bind(name, args, kwargs):
    """(argument values by name, static attribute tuple) of a call, with Python's errors."""
    arrays, statics, defaults, _ = _PARSE[name]
    names = arrays + statics
    if len(args) > len(names):
        raise TypeError(f"{name}() takes at most {len(names)} arguments ({len(args)} given)")
    values = dict(zip(names, args))
    for key, value in kwargs.items():
        if key in values:
            raise TypeError(f"{name}() got multiple values for argument '{key}'")
        if key not in names:
            if name in UFUNCS:
                _check_ufunc_keyword(name, key, value)
                continue
            raise TypeError(f"{name}() got an unexpected keyword argument '{key}'")
        values[key] = value
    for a in arrays:
        if a not in values:
            raise TypeError(f"{name}() missing required argument '{a}'")
    if len(values) == len(arrays):
        return values, defaults
    return values, tuple((k, _static(k, values[k])) if k in values else (k, d) for k, d in defaults)


def call(name, args, kwargs):
    """Call table function ``name`` with NumPy-style ``args``/``kwargs`` (``out=`` writes the
    result into an existing array)."""
    out = kwargs.pop("out", None)
    values, kw = _bind(name, args, kwargs)
    arrays, _, _, sequences = _PARSE[name]
    ctx, ref, first = None, None, None
    groups = []
    for a, seq in zip(arrays, sequences):
        items = list(values[a]) if seq else (values[a],)
        groups.append(items)
        for item in items:
            if isinstance(item, NDArray):
                ctx = ctx or item._value.ctx
                first = first or item._value.dtype
                if ref is None and item._value.dtype.kind != "b":
                    ref = item._value.dtype
    binary = first is not None and name in BINARY_SCALAR
    flat, layout = [], []
    for items, seq in zip(groups, sequences):
        layout.append(len(items) if seq else None)
        for item in items:
            if isinstance(item, NDArray):
                flat.append(item)
            elif isinstance(item, (int, float, bool, onp.number, onp.bool_)):
                c = ctx or current_context()
                dtype = binary_scalar_dtype(name, first, item) if binary else _scalar_dtype(item, ref)
                flat.append(from_value(scalar_value(item, dtype, c)))
            else:
                flat.append(array(item, ctx=ctx))
    attrs = (("fn", name), ("layout", tuple(layout)), ("kwargs", kw))
    result = wrap(invoke(_OP, flat, attrs, ctx))
    if name in LIST_OUTPUTS and not isinstance(result, list):
        result = [result]   # np.split(x, 1): a list of one array
    if out is not None:
        out._assign(result._value)
        return out
    return result


def _static(key, value):
    if key == "dtype" and value is not None:
        return onp.dtype(value).name
    if isinstance(value, NDArray):
        raise TypeError(f"argument {key} must be a Python value, not an array")
    if isinstance(value, (list, tuple)):
        return tuple(_static(key, v) for v in value)
    return _hashable(value)


def make_function(name):
    arrays, statics, sig = SPECS[name]
    plain = name not in LIST_OUTPUTS and not any(a.startswith("*") for a in arrays)
    attrs = (("fn", name), ("layout", (None,) * len(arrays)), ("kwargs", _PARSE[name][2]))
    if plain and len(arrays) == 1:
        def function(*args, **kwargs):
            if not kwargs and len(args) == 1 and isinstance(args[0], NDArray):   # np.exp(x)
                result = apply_unary_function(attrs, args[0]._value)
                if result is not None:
                    return result
            return call(name, args, kwargs)
    elif plain and len(arrays) == 2:
        def function(*args, **kwargs):
            if not kwargs and len(args) == 2 and isinstance(args[0], NDArray) and isinstance(args[1], NDArray):
                result = apply_binary_function(attrs, args[0]._value, args[1]._value)
                if result is not None:
                    return result
            return call(name, args, kwargs)
    else:
        def function(*args, **kwargs):
            return call(name, args, kwargs)
    function.__name__ = function.__qualname__ = name
    function.__signature__ = sig.replace(parameters=list(sig.parameters.values())
                                         + [_P("out", _P.KEYWORD_ONLY, default=None)])
    function.__doc__ = f"``mx.np.{name}``: NumPy's {name} on mx.np.ndarray (see mxjax/numpy/_functions.py)."
    return function


# ---- element-wise ---------------------------------------------------------------------------------
_FLOAT_UNARY = ("exp", "expm1", "log", "log2", "log10", "log1p", "sqrt", "cbrt", "sin", "cos", "tan",
                "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
                "degrees", "radians", "deg2rad", "rad2deg")
_PLAIN_UNARY = ("negative", "absolute", "fabs", "sign", "rint", "ceil", "floor", "trunc", "square",
                "reciprocal", "logical_not", "isnan", "isinf", "isfinite", "isposinf", "isneginf",
                "bitwise_not", "invert", "positive", "signbit")
_PLAIN_BINARY = ("add", "subtract", "multiply", "fmod", "power", "maximum", "minimum",
                 "fmax", "fmin", "lcm", "gcd", "equal", "not_equal", "less",
                 "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_xor",
                 "bitwise_and", "bitwise_or", "bitwise_xor", "heaviside")

def _keep_int_unary(f):
    """MXNet 1.9.1 computes exp, log, sin... of an integer array in floating point and casts
    the result back to the integer dtype (``np.exp(int32 [1, 2])`` is int32 ``[2, 7]``); a
    bool array gives float32."""
    def impl(x):
        if x.dtype == jnp.bool_:
            return f(x.astype(jnp.float32))
        if not _inexact(x):
            return f(x.astype(jnp.float64)).astype(x.dtype)
        return f(x)
    return impl


for _n in _FLOAT_UNARY:
    define(_n, _keep_int_unary(getattr(jnp, _n)), ("x",))
for _n in _PLAIN_UNARY:
    define(_n, getattr(jnp, _n), ("x",))
define("abs", jnp.absolute, ("x",))
define("fix", jnp.trunc, ("x",))
def _float_kernel(f):
    """hypot, arctan2, copysign, ldexp: MXNet computes integer operands (an integer array and a
    number, which takes the array's dtype) in floating point and casts the result back to
    their dtype (``np.hypot(int32 [3], 2.5)`` is int32 ``[3]``), float16 in float32; a bool
    pair gives float32."""
    def impl(a, b):
        dtype = jnp.result_type(a, b)
        if dtype == jnp.bool_:
            return f(a.astype(jnp.float32), b.astype(jnp.float32))
        if dtype != jnp.float16 and jnp.issubdtype(dtype, jnp.inexact):
            return f(a, b)
        wide = jnp.float32 if dtype == jnp.float16 else jnp.float64
        return f(a.astype(wide), b.astype(wide), exact=not jnp.issubdtype(dtype, jnp.inexact)).astype(dtype)
    return impl


def _ldexp(x1, x2, exact=False):
    """x1 * 2**x2, a float exponent included (MXNet's ldexp); ``exact``: the exponent holds
    integers."""
    if exact:
        return jnp.ldexp(x1, x2.astype(jnp.int32))
    return x1 * jnp.exp2(x2)


for _n, _f in (("hypot", jnp.hypot), ("arctan2", jnp.arctan2), ("copysign", jnp.copysign)):
    define(_n, _float_kernel(lambda a, b, exact=False, _f=_f: _f(a, b)), ("x1", "x2"))
define("ldexp", _float_kernel(_ldexp), ("x1", "x2"))
define("float_power", lambda a, b: jnp.float_power(_as_float(a), _as_float(b)), ("x1", "x2"))


def _mod(x1, x2):
    """NumPy's mod, and 0 where the divisor is 0, as MXNet's kernel gives (floats included)."""
    out = jnp.mod(x1, x2)
    return jnp.where(x2 == 0, jnp.zeros((), out.dtype), out)


define("mod", _mod, ("x1", "x2"))
define("remainder", _mod, ("x1", "x2"))
for _n in _PLAIN_BINARY:
    define(_n, getattr(jnp, _n), ("x1", "x2"))


def _true_divide(x1, x2):
    if not _inexact(x1) and not _inexact(x2):
        x1, x2 = x1.astype(jnp.float32), x2.astype(jnp.float32)
    return jnp.true_divide(x1, x2)


define("true_divide", _true_divide, ("x1", "x2"))
define("divide", _true_divide, ("x1", "x2"))
def _around(a, decimals):
    """NumPy's rounding; an integer array to a negative number of ``decimals`` rounds (half to
    even) in float64 and keeps its dtype, as NumPy and MXNet do."""
    if decimals < 0 and not _inexact(a):
        factor = float(10 ** -decimals)
        return (jnp.rint(a.astype(jnp.float64) / factor) * factor).astype(a.dtype)
    return jnp.round(a, decimals)


define("around", _around, decimals=0)
define("round", _around, decimals=0)
define("round_", _around, decimals=0)
define("clip", lambda a, a_min, a_max: jnp.clip(a, a_min, a_max), a_min=None, a_max=None)
define("where", lambda c, x, y: jnp.where(c, x, y), ("condition", "x", "y"))
define("nan_to_num", lambda x, copy, nan, posinf, neginf: jnp.nan_to_num(x, nan=nan, posinf=posinf,
                                                                          neginf=neginf),
       ("x",), copy=True, nan=0.0, posinf=None, neginf=None)
define("astype", lambda a, dtype: a.astype(dtype), dtype=None)
define("copy", lambda a: a + jnp.zeros((), a.dtype))


# ---- reductions -------------------------------------------------------------------------------------
def _keep_int(f):
    """sum/prod/cumsum: MXNet keeps an integer array's dtype (NumPy would widen int32).  With
    ``dtype`` given MXNet accumulates in the wider of the input's and ``dtype``'s precision
    (an integer input in int64) and casts the result to ``dtype``."""
    def impl(a, dtype=None, **kw):
        if dtype is None:
            if not _inexact(a):
                dtype = "int64" if a.dtype == jnp.bool_ else a.dtype
            return f(a, dtype=dtype, **kw)
        if not _inexact(a):
            acc = jnp.int64
        elif jnp.issubdtype(dtype, jnp.inexact):
            acc = jnp.promote_types(a.dtype, dtype)
        else:   # an integer dtype of a float array (or of an integer one in its float64 gradient replay)
            return cast_result(f(a, **kw), dtype)
        return f(a, dtype=acc, **kw).astype(dtype)
    return impl


def _float_reduce(f, own_precision=False):
    """mean/std/var: float32 for an integer array, as MXNet's; a float array is computed in
    the wider of its and ``dtype``'s precision, at least float32 (MXNet accumulates float16
    in float32 and divides there), and cast to ``dtype`` (default: its own; an integer
    ``dtype``: its gradient passes the cast, as MXNet's).  ``own_precision``: ``f`` takes the
    result's dtype and accumulates as MXNet does itself (mean)."""
    def impl(a, dtype=None, **kw):
        if not _inexact(a):
            return f(a, dtype=dtype or "float32", **kw)
        if dtype is not None and not jnp.issubdtype(dtype, jnp.inexact):
            return cast_result(f(a, **kw), dtype)
        out = jnp.dtype(dtype or a.dtype)
        if own_precision:   # f accumulates as MXNet does itself
            return f(a, dtype=out, **kw)
        return f(a, dtype=jnp.promote_types(jnp.promote_types(a.dtype, out), jnp.float32), **kw).astype(out)
    return impl


define("sum", _keep_int(jnp.sum), axis=None, dtype=None, keepdims=False)
define("prod", _keep_int(jnp.prod), axis=None, dtype=None, keepdims=False)
define("product", _keep_int(jnp.prod), axis=None, dtype=None, keepdims=False)
define("cumsum", _keep_int(jnp.cumsum), axis=None, dtype=None)
def _mean(a, axis=None, dtype=None, keepdims=False):
    """MXNet's mean: the sum accumulated in the wider of the input's and the result's
    precision (at least float32), cast to the result's dtype, then divided by the count in
    that dtype (float16 means match MXNet's bit for bit).  Its gradient is MXNet's too:
    1/count in that wider precision (a narrower ``dtype`` does not round the gradient)."""
    out = jnp.dtype(dtype or a.dtype)
    acc = jnp.promote_types(jnp.promote_types(a.dtype, out), jnp.float32)
    axes = range(a.ndim) if axis is None else (axis,) if isinstance(axis, int) else axis
    count = math.prod(a.shape[ax] for ax in axes)
    if not jnp.issubdtype(out, jnp.inexact):   # an integer mean of integers: NumPy's (wrapping sum, truncated)
        return jax.lax.div(jnp.sum(a, axis=axis, dtype=out, keepdims=keepdims), jnp.asarray(max(count, 1), out))

    @jax.custom_jvp
    def mean(a):
        total = jnp.sum(a, axis=axis, dtype=acc, keepdims=keepdims).astype(out)
        return total / jnp.asarray(count, out)

    @mean.defjvp
    def mean_jvp(primals, tangents):
        (a,), (t,) = primals, tangents
        return mean(a), (jnp.sum(t, axis=axis, dtype=acc, keepdims=keepdims) / jnp.asarray(count, acc)).astype(out)
    return mean(a)


define("mean", _float_reduce(_mean, own_precision=True), axis=None, dtype=None, keepdims=False)
define("std", _float_reduce(jnp.std), axis=None, dtype=None, ddof=0, keepdims=False)
define("var", _float_reduce(jnp.var), axis=None, dtype=None, ddof=0, keepdims=False)
for _n, _f in (("max", jnp.max), ("amax", jnp.max), ("min", jnp.min), ("amin", jnp.min), ("all", jnp.all),
               ("any", jnp.any), ("alltrue", jnp.all), ("sometrue", jnp.any)):
    define(_n, lambda a, axis, keepdims, _f=_f: _f(a, axis=axis, keepdims=keepdims), axis=None, keepdims=False)
def _arg_extreme(f):
    """argmax/argmin; of a 0-d array (axis None, 0 or -1) index 0, as NumPy 1.x's."""
    def impl(a, axis):
        if a.ndim == 0 and axis in (None, 0, -1):
            return jnp.zeros((), jnp.int64)
        return f(a, axis=axis)
    return impl


define("argmax", _arg_extreme(jnp.argmax), axis=None)
define("argmin", _arg_extreme(jnp.argmin), axis=None)
define("median", lambda a, axis, keepdims: jnp.median(_as_float(a), axis=axis, keepdims=keepdims),
       axis=None, keepdims=False)
for _n, _f in (("percentile", jnp.percentile), ("quantile", jnp.quantile)):
    define(_n, lambda a, q, axis, overwrite_input, interpolation, keepdims, _f=_f:
           _f(_as_float(a), jnp.asarray(q), axis=axis, method=interpolation, keepdims=keepdims),
           ("a",), q=None, axis=None, overwrite_input=None, interpolation="linear", keepdims=False)


def _average(a, weights=None, axis=None, returned=False):
    a = _as_float(a)
    if weights is None:
        avg = jnp.mean(a, axis=axis)
        total = jnp.broadcast_to(jnp.asarray(a.size / avg.size, a.dtype), avg.shape)
    else:
        avg, total = jnp.average(a, axis=axis, weights=weights, returned=True)
    return (avg, total) if returned else avg


define("_average", lambda a, axis, returned: _average(a, None, axis, returned), axis=None, returned=False)
define("_average_w", lambda a, w, axis, returned: _average(a, w, axis, returned), ("a", "weights"),
       axis=None, returned=False)


def average(a, axis=None, weights=None, returned=False, out=None):
    """``mx.np.average`` (NumPy's arguments; float32 for integer input)."""
    if weights is None:
        return call("_average", (a,), dict(axis=axis, returned=returned, out=out))
    return call("_average_w", (a, weights), dict(axis=axis, returned=returned, out=out))


# ---- shapes ----------------------------------------------------------------------------------------
define("reshape", lambda a, newshape, order: jnp.reshape(a, newshape), newshape=None, order="C")
def _transpose(a, axes):
    """NumPy's transpose with MXNet 1.9.1's checks, in its order: a wrong number of axes or an
    axis outside [-ndim, ndim) is MXNetError, a repeated axis (after wrapping) ValueError."""
    if axes is not None:
        axes = tuple(axes)
        if len(axes) != a.ndim:
            raise MXNetError(f"transpose: the number of axes does not match the dimension of the tensor: "
                             f"axes = {axes}, input tensor shape = {a.shape}")
        for i, ax in enumerate(axes):
            if not -a.ndim <= ax < a.ndim:
                raise MXNetError(f"transpose: axes[{i}]={ax} exceeds the range [{-a.ndim}, {a.ndim})")
        if len({ax % a.ndim for ax in axes}) != a.ndim:
            raise ValueError(f"Repeated axis in transpose: axes = {axes}; give a permutation of 0..{a.ndim - 1}")
    return jnp.transpose(a, axes)


define("transpose", _transpose, axes=None)
define("swapaxes", lambda a, axis1, axis2: jnp.swapaxes(a, axis1, axis2), axis1=0, axis2=1)
define("moveaxis", lambda a, source, destination: jnp.moveaxis(a, source, destination), source=0,
       destination=0)
define("rollaxis", lambda a, axis, start: jnp.rollaxis(a, axis, start), axis=0, start=0)
define("expand_dims", lambda a, axis: jnp.expand_dims(a, axis), axis=0)
define("squeeze", lambda a, axis: a if a.ndim == 0 else jnp.squeeze(a, axis), axis=None)   # NumPy: 0-d any axis


def _broadcast_to(a, shape):
    """NumPy's broadcast_to; MXNet's -2 in ``shape`` keeps the input's dimension there
    (dimensions aligned from the right)."""
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    lead = len(shape) - a.ndim
    return jnp.broadcast_to(a, tuple(a.shape[i - lead] if d == -2 and i >= lead else d for i, d in enumerate(shape)))


define("broadcast_to", _broadcast_to, ("array",), shape=())
define("tile", lambda a, reps: jnp.tile(a, reps), ("A",), reps=1)
define("repeat", lambda a, repeats, axis: jnp.repeat(a, repeats, axis), repeats=1, axis=None)
define("flip", lambda m, axis: jnp.flip(m, axis), ("m",), axis=None)
define("fliplr", jnp.fliplr, ("m",))
define("flipud", jnp.flipud, ("m",))
define("rot90", lambda m, k, axes: jnp.rot90(m, k, axes), ("m",), k=1, axes=(0, 1))
define("roll", lambda a, shift, axis: jnp.roll(a, shift, axis), shift=0, axis=None)
define("ravel", lambda x, order: jnp.ravel(x), ("x",), order="C")
define("flatten", lambda a, order: jnp.ravel(a), order="C")
define("diag", lambda v, k: jnp.diag(v, k), ("v",), k=0)
def _diagflat(v, k):
    """NumPy's diagflat as data movement only (each element followed by n zeros, cut and
    reshaped into the diagonal, then padded by ``k``): no scatter, so it traces quickly and
    its values and gradient have exact host rules (a new shape costs no compile)."""
    v = v.reshape(-1)
    n = v.shape[0]
    spaced = jnp.concatenate([v[:, None], jnp.zeros((n, n), v.dtype)], axis=1).reshape(-1)[:n * n]
    square = spaced.reshape(n, n)
    return jnp.pad(square, ((0, k), (k, 0)) if k >= 0 else ((-k, 0), (0, -k)))


define("diagflat", _diagflat, ("v",), k=0)
define("diagonal", lambda a, offset, axis1, axis2: jnp.diagonal(a, offset, axis1, axis2), offset=0, axis1=0,
       axis2=1)
define("trace", lambda a, offset, axis1, axis2: jnp.trace(a, offset, axis1, axis2), offset=0, axis1=0, axis2=1)
define("tril", lambda m, k: jnp.tril(jnp.broadcast_to(m, m.shape * 2) if m.ndim == 1 else m, k), ("m",), k=0)
define("triu", lambda m, k: jnp.triu(jnp.broadcast_to(m, m.shape * 2) if m.ndim == 1 else m, k), ("m",), k=0)
define("concatenate", lambda seq, axis: jnp.concatenate(seq, axis), ("*seq",), axis=0)
define("append", lambda arr, values, axis: jnp.append(arr, values, axis), ("arr", "values"), axis=None)
define("stack", lambda arrays, axis: jnp.stack(arrays, axis), ("*arrays",), axis=0)
for _n in ("vstack", "hstack", "dstack", "row_stack"):
    define(_n, lambda arrays, _f=getattr(jnp, "vstack" if _n == "row_stack" else _n): _f(arrays), ("*arrays",))
define("column_stack", lambda tup: jnp.column_stack(tup), ("*tup",))
def _split_at(f):
    """split/array_split; split points past the axis's end give empty pieces, as NumPy's
    slicing does (JAX refuses them)."""
    def impl(a, indices_or_sections, axis):
        if not isinstance(indices_or_sections, tuple):
            return tuple(f(a, indices_or_sections, axis))
        bounds = [0] + list(indices_or_sections) + [None]
        lead = (slice(None),) * (axis % a.ndim)
        return tuple(a[lead + (slice(lo, hi),)] for lo, hi in zip(bounds[:-1], bounds[1:]))
    return impl


for _n in ("split", "array_split"):
    define(_n, _split_at(getattr(jnp, _n)), ("ary",), indices_or_sections=1, axis=0)
for _n in ("hsplit", "vsplit", "dsplit"):
    define(_n, lambda a, indices_or_sections, _f=getattr(jnp, _n): tuple(_f(a, indices_or_sections)),
           ("ary",), indices_or_sections=1)
define("pad", lambda x, pad_width, mode, constant_values: jnp.pad(x, pad_width, mode, constant_values=constant_values)
       if mode == "constant" else jnp.pad(x, pad_width, mode), ("x",), pad_width=0, mode="constant",
       constant_values=0)
define("delete", lambda arr, obj, axis: jnp.delete(arr, jnp.asarray(obj), axis), ("arr",), obj=0, axis=None)
define("insert", lambda arr, values, obj, axis: jnp.insert(arr, obj, values, axis), ("arr", "values"), obj=0,
       axis=None)
define("resize", lambda a, new_shape: jnp.resize(a, new_shape), new_shape=())
define("diff", lambda a, n, axis: jnp.diff(a, n, axis), n=1, axis=-1)
define("ediff1d", lambda a, to_end, to_begin: jnp.ediff1d(a, to_end, to_begin), ("ary",), to_end=None,
       to_begin=None)
# ``ctx`` is accepted and, as in MXNet 1.9.1, not used: the result is where ``a`` is
define("zeros_like", lambda a, dtype, order, ctx: jnp.zeros_like(a, dtype), dtype=None, order="C", ctx=None)
define("ones_like", lambda a, dtype, order, ctx: jnp.ones_like(a, dtype), dtype=None, order="C", ctx=None)
define("empty_like", lambda a, dtype, order, subok: jnp.zeros_like(a, dtype), ("prototype",), dtype=None,
       order="C", subok=False)
define("full_like", lambda a, fill_value, dtype, order, ctx: jnp.full_like(a, fill_value, dtype), fill_value=0,
       dtype=None, order="C", ctx=None)
for _n in ("atleast_1d", "atleast_2d", "atleast_3d"):
    define(_n, lambda arys, _f=getattr(jnp, _n): tuple(_f(a) for a in arys), ("*arys",))
define("broadcast_arrays", lambda args: tuple(jnp.broadcast_arrays(*args)), ("*args",))
define("meshgrid", lambda xi, indexing, sparse, copy: tuple(jnp.meshgrid(*xi, indexing=indexing, sparse=sparse)),
       ("*xi",), indexing="xy", sparse=False, copy=True)

# ---- linear algebra, sorting, selection ---------------------------------------------------------------
define("dot", jnp.dot, ("a", "b"))
define("vdot", jnp.vdot, ("a", "b"))
define("inner", jnp.inner, ("a", "b"))
define("outer", jnp.outer, ("a", "b"))
define("kron", jnp.kron, ("a", "b"))
define("matmul", jnp.matmul, ("a", "b"))
define("tensordot", lambda a, b, axes: jnp.tensordot(a, b, axes), ("a", "b"), axes=2)
define("einsum", lambda ops, subscripts: jnp.einsum(subscripts, *ops), ("*operands",), subscripts="")
define("sort", lambda a, axis, kind, order: jnp.sort(a, axis), axis=-1, kind=None, order=None)
define("argsort", lambda a, axis, kind, order: jnp.argsort(a, axis), axis=-1, kind=None, order=None)
define("take", lambda a, indices, axis, mode: jnp.take(a, indices.astype(jnp.int64), axis,
                                                       mode="wrap" if mode == "wrap" else "clip"),
       ("a", "indices"), axis=None, mode="raise")
define("take_along_axis", lambda arr, indices, axis: jnp.take_along_axis(arr, indices, axis),
       ("arr", "indices"), axis=None)


def encode_basic_key(key):
    """A basic index (ints, slices, None, Ellipsis) as a literal, slices and Ellipsis spelled
    out, so that it can be a static attribute of a symbolic graph and survive its JSON."""
    items = key if isinstance(key, tuple) else (key,)
    out = []
    for item in items:
        if isinstance(item, slice):
            out.append(("slice", item.start, item.stop, item.step))
        elif item is Ellipsis:
            out.append(("ellipsis",))
        elif item is None or isinstance(item, (int, onp.integer)) and not isinstance(item, bool):
            out.append(None if item is None else int(item))
        else:
            raise TypeError(f"index {item!r} is not supported in a symbolic graph (ints, slices, None and "
                            "Ellipsis are)")
    return tuple(out)


def _decode_basic_key(key):
    return tuple(slice(*k[1:]) if isinstance(k, tuple) and k[0] == "slice" else Ellipsis if isinstance(k, tuple)
                 else k for k in key)


define("_getitem", lambda a, key: a[_decode_basic_key(key)], key=())


def einsum(*operands, out=None, optimize=False):
    """``mx.np.einsum(subscripts, *operands)``."""
    subscripts, arrays = operands[0], operands[1:]
    return call("einsum", (arrays,), dict(subscripts=subscripts, out=out))


def where(condition, x=None, y=None):
    """``mx.np.where``: element-wise choice, or with one argument the indices of nonzeros."""
    if x is None and y is None:
        return nonzero(condition)
    return call("where", (condition, x, y), {})


# ---- data-dependent shapes: computed on the host, as MXNet's engine waits for them too ----------------
def _host(x):
    return x.asnumpy() if isinstance(x, NDArray) else onp.asarray(x)


def _device(values, ctx=None):
    if isinstance(values, tuple):
        return tuple(_device(v, ctx) for v in values)
    return array(onp.asarray(values), ctx=ctx)


def nonzero(a):
    """``mx.np.nonzero``: a tuple of int64 index arrays."""
    return _device(tuple(i.astype(onp.int64) for i in onp.nonzero(_host(a))), a.context)


def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None):
    """``mx.np.unique`` (computed on the host; index arrays are int64)."""
    result = onp.unique(_host(ar), return_index, return_inverse, return_counts, axis)
    if isinstance(result, tuple):
        return tuple(_device(r if i == 0 else r.astype(onp.int64), ar.context) for i, r in enumerate(result))
    return _device(result, ar.context)


def bincount(x, weights=None, minlength=0):
    """``mx.np.bincount`` (on the host)."""
    return _device(onp.bincount(_host(x), None if weights is None else _host(weights), minlength))


def histogram(a, bins=10, range=None, normed=None, weights=None, density=None):  # noqa: A002
    """``mx.np.histogram`` (on the host): (counts, bin edges)."""
    hist, edges = onp.histogram(_host(a), _host(bins) if isinstance(bins, NDArray) else bins, range,
                                weights=None if weights is None else _host(weights), density=density)
    return _device(hist.astype(onp.int64)), _device(edges.astype(_host(a).dtype))


def shares_memory(a, b, max_work=None):
    """Whether two arrays share storage: the same handle, or views of the same base."""
    return _base(a) is _base(b)


may_share_memory = shares_memory


def _base(a):
    while getattr(a, "_base", None) is not None:
        a = a._base
    return a


#: ndarray methods with NumPy's signatures, from the table (name -> table function)
METHODS = ("sum", "prod", "mean", "std", "var", "max", "min", "argmax", "argmin", "all", "any", "cumsum",
           "clip", "round", "sort", "argsort", "take", "repeat", "flatten", "squeeze", "swapaxes", "dot",
           "nonzero", "broadcast_to")


def _clip_method(self, min=None, max=None, out=None):  # noqa: A002  (MXNet's parameter names)
    """``x.clip(min, max)``: MXNet's ndarray method names its bounds ``min`` and ``max``."""
    return call("clip", (self, min, max), {} if out is None else {"out": out})


def _method(name):
    if name == "nonzero":
        return lambda self: nonzero(self)
    if name == "clip":
        return _clip_method

    def method(self, *args, **kwargs):
        return call(name, (self,) + args, kwargs)
    method.__name__ = name
    return method


for _n in METHODS:
    setattr(ndarray, _n, _method(_n))
