"""Elementwise math: unary functions, binary/broadcast operators, their scalar forms, casts.

MXNet 1.9.1's dtype rules, as observed on the real thing:

* every operator returns the dtype of its (first) input; comparisons and logical operators
  return 0/1 in that dtype.  The operands of a binary operator must have the same dtype
  (MXNet does not promote: int32 + float32 is an error).
* a scalar operand (``x + 2.5``, ``_plus_scalar(x, scalar=2.5)``) is cast to the array's
  dtype first: an int32 array plus 2.5 adds 2.  With ``is_int=False`` an integer array and
  its scalar are computed in float64 and the result is float64.
* math functions of integer arrays are computed in floating point (float64 for the
  transcendental ones, float32 for square, degrees, radians, power, hypot and the reversed
  scalar division) and truncated back; NaN and values out of range become the most negative
  integer (what the x86 conversion instruction gives), so ``sqrt(int32 -1)`` is
  -2147483648.  float16 arrays are computed in float32 and rounded back.
* integer division truncates toward zero; ``mod`` follows Python's sign rule, and anything
  mod 0 is 0.  ``rint`` rounds halves toward -inf (1.5 -> 1, -2.5 -> -3); ``round`` rounds
  halves away from zero; ``sign(nan)`` is 0.
* ``cast`` to an integer type truncates, and NaN or out-of-range values become the most
  negative int32 (int64 for int64), then wrap to narrower types: -1.7 -> uint8 255.
"""
import operator

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError, as_dtype
from ..registry import OPS, REQUIRED, register


# ---- dtype helpers -------------------------------------------------------------------------------

def _is_int(dtype):
    return jnp.issubdtype(dtype, jnp.integer) or jnp.issubdtype(dtype, jnp.bool_)


def float_to_int(y, dtype):
    """MXNet's (C++'s, on x86) float -> integer conversion: truncate toward zero; NaN and values
    outside the 32-bit range (64-bit for int64 targets) give the most negative integer; narrower
    targets keep the low bits (-1.7 -> uint8 255, 300.5 -> uint8 44)."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return y != 0
    wide = np.dtype(np.int64 if dtype.itemsize == 8 else np.int32)
    lo = float(np.iinfo(wide).min)
    t = jnp.trunc(y)
    ok = (t >= lo) & (t < -lo)          # NaN compares false
    safe = jnp.where(ok, t, jnp.zeros_like(t)).astype(wide)
    out = jnp.where(ok, safe, jnp.asarray(np.iinfo(wide).min, wide))
    return out.astype(dtype)


def convert(x, dtype):
    """``x.astype(dtype)`` with MXNet's conversion of floats to integers (see float_to_int)."""
    dtype = np.dtype(dtype)
    if x.dtype == dtype:
        return x
    if jnp.issubdtype(x.dtype, jnp.floating) and _is_int(dtype):
        return float_to_int(x, dtype)
    return x.astype(dtype)


def _via_float(fn, int_compute=jnp.float32):
    """Run ``fn`` as MXNet's math kernels do: integer arrays in ``int_compute`` (float64 for the
    transcendental functions, float32 for power, hypot, degrees...: observed on MXNet 1.9.1),
    float16 arrays in float32; the result is converted back to the input's dtype."""
    def impl(*xs):
        dtype = xs[0].dtype
        if _is_int(dtype) or dtype == jnp.float16:
            compute = int_compute if _is_int(dtype) else jnp.float32
            return convert(fn(*(x.astype(compute) for x in xs)), dtype)
        return fn(*xs)
    return impl


def _int_min(dtype):
    """What MXNet's integer kernels give for a division by zero (inf converted to ``dtype``)."""
    return float_to_int(jnp.asarray(-np.inf, jnp.float32), dtype)


# ---- unary ---------------------------------------------------------------------------------------

def _rint(x):
    # MXNet: halves go down (1.5 -> 1, -2.5 -> -3, 2.5 -> 2)
    f = jnp.floor(x)
    return jnp.where(x - f > 0.5, f + 1, f)


def _round(x):
    return jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)


def _sign(x):
    """sign with sign(nan) = 0, as MXNet's kernel (a > 0 ? 1 : a < 0 ? -1 : 0)."""
    one = jnp.ones_like(x)
    return jnp.where(x > 0, one, jnp.where(x < 0, -one, jnp.zeros_like(x)))


@jax.custom_jvp
def _abs(x):
    """|x| with MXNet's gradient sign(x): 0 at 0 (JAX's abs gives 1 there)."""
    return jnp.abs(x)


_abs.defjvp(lambda primals, tangents: (_abs(primals[0]), jnp.sign(primals[0]) * tangents[0]))


def _identity_on_int(fn):
    """Rounding functions leave integer arrays as they are."""
    return lambda x: x if _is_int(x.dtype) else fn(x)


def _digamma(x):
    """MXNet's digamma: +inf at 0 and the negative integers (JAX gives NaN there)."""
    pole = (x <= 0) & (x == jnp.floor(x))
    return jnp.where(pole, jnp.inf, jax.scipy.special.digamma(x))


@jax.custom_jvp
def _gamma(x):
    """Gamma function with MXNet's gradient gamma(x) * digamma(x) (inf at 0, not NaN)."""
    return jax.scipy.special.gamma(x)


@jax.custom_jvp
def _gammaln(x):
    """log|Gamma(x)| with MXNet's gradient digamma(x) (+inf at 0 and negative integers)."""
    return jax.scipy.special.gammaln(x)


_gamma.defjvp(lambda primals, tangents: (_gamma(primals[0]),
                                         _gamma(primals[0]) * _digamma(primals[0]) * tangents[0]))
_gammaln.defjvp(lambda primals, tangents: (_gammaln(primals[0]), _digamma(primals[0]) * tangents[0]))


@jax.custom_jvp
def _hypot(x, y):
    """sqrt(x**2 + y**2) with MXNet's gradients x / hypot and y / hypot (NaN at (0, 0), where
    JAX's hypot gives 0.5)."""
    return jnp.hypot(x, y)


@_hypot.defjvp
def _hypot_jvp(primals, tangents):
    x, y = primals
    h = _hypot(x, y)
    return h, x / h * tangents[0] + y / h * tangents[1]


#: exact on integer arrays (computed in the array's own dtype)
EXACT_UNARY = {
    "abs": _abs, "negative": jnp.negative, "sign": _sign,
    "relu": lambda x: jnp.maximum(x, jnp.zeros_like(x)) if _is_int(x.dtype) else jax.nn.relu(x),
    "floor": _identity_on_int(jnp.floor), "ceil": _identity_on_int(jnp.ceil),
    "trunc": _identity_on_int(jnp.trunc), "fix": _identity_on_int(jnp.trunc),
    "rint": _identity_on_int(_rint), "round": _identity_on_int(_round),
    "logical_not": lambda x: (x == 0).astype(x.dtype),
}

#: computed in float32 for integer and float16 arrays
FLOAT32_UNARY = {"square": jnp.square, "degrees": jnp.degrees, "radians": jnp.radians}

#: computed in float64 for integer arrays, float32 for float16 arrays
FLOAT_UNARY = {
    "sqrt": jnp.sqrt, "rsqrt": lax.rsqrt, "cbrt": jnp.cbrt, "rcbrt": lambda x: 1.0 / jnp.cbrt(x),
    "exp": jnp.exp, "expm1": jnp.expm1, "log": jnp.log, "log1p": jnp.log1p, "log2": jnp.log2, "log10": jnp.log10,
    "sin": jnp.sin, "cos": jnp.cos, "tan": jnp.tan, "arcsin": jnp.arcsin, "arccos": jnp.arccos, "arctan": jnp.arctan,
    "sinh": jnp.sinh, "cosh": jnp.cosh, "tanh": jnp.tanh,
    "arcsinh": jnp.arcsinh, "arccosh": jnp.arccosh, "arctanh": jnp.arctanh,
    "reciprocal": lambda x: 1.0 / x,
    "sigmoid": jax.nn.sigmoid, "softsign": jax.nn.soft_sign,
    "erf": jax.scipy.special.erf, "erfinv": jax.scipy.special.erfinv,
    "gamma": _gamma, "gammaln": _gammaln,
}


#: what mxjax cannot reproduce of MXNet's unary kernels
_DIFFERS = {
    "erfinv": " mxjax differs: for integer arrays MXNet gives 0 outside [-1, 1]; mxjax gives the most "
              "negative integer (NaN converted), as every other function does.",
}


def _same_dtype(fn, name):
    def impl(data):
        return fn(data).astype(data.dtype)
    impl.__doc__ = (f"Elementwise ``{name}``, in the input's dtype (see the module docstring for integer "
                    f"and float16 arrays).{_DIFFERS.get(name, '')}")
    return impl


#: unary operators that are not NDArray methods in MXNet 1.9.1
_NOT_METHODS = {"negative", "logical_not", "softsign", "erf", "erfinv", "gamma", "gammaln"}
for _name, _fn in EXACT_UNARY.items():
    register(_name, method=_name not in _NOT_METHODS)(_same_dtype(_fn, _name))
for _name, _fn in FLOAT32_UNARY.items():
    register(_name, method=_name not in _NOT_METHODS)(_same_dtype(_via_float(_fn), _name))
for _name, _fn in FLOAT_UNARY.items():
    register(_name, method=_name not in _NOT_METHODS)(_same_dtype(_via_float(_fn, jnp.float64), _name))


@register("hard_sigmoid", attrs=dict(alpha=0.2, beta=0.5))
def _hard_sigmoid(data, alpha, beta):
    """max(0, min(1, alpha * x + beta)); gradient alpha strictly inside (0, 1), else 0 (as MXNet).
    Floating-point arrays only, as in MXNet."""
    if _is_int(data.dtype):
        raise MXNetError(f"hard_sigmoid: this operation only supports floating point types, not {data.dtype}")
    compute = jnp.float32 if data.dtype == jnp.float16 else data.dtype
    x = data.astype(compute)
    y = jnp.asarray(alpha, compute) * x + jnp.asarray(beta, compute)
    inside = (y > 0) & (y < 1)
    y = jnp.where(inside, y, jnp.where(y <= 0, jnp.zeros_like(y), jnp.ones_like(y)))
    return y.astype(data.dtype)


# ---- copies, casts, constants of a shape ------------------------------------------------------------

@register("_copy", aliases=("identity",))
def _copy(data):
    return data


@register("BlockGrad", aliases=("stop_gradient",))
def _block_grad(data):
    return lax.stop_gradient(data)


@register("_identity_with_attr_like_rhs", inputs=("lhs", "rhs"))
def _identity_with_attr_like_rhs(lhs, rhs):
    """lhs, unchanged (MXNet uses it to give lhs the attributes of rhs); rhs gets no gradient."""
    _check_same_dtype("_identity_with_attr_like_rhs", lhs, rhs)
    return lhs


def _dtype_attr(op, dtype):
    try:
        return as_dtype(dtype)
    except TypeError:
        raise TypeError(f"{op}: invalid value for argument 'dtype': {dtype!r}; use e.g. 'float32', "
                             "'float16', 'float64', 'int8', 'uint8', 'int32', 'int64' or 'bool'") from None


@register("cast", attrs=dict(dtype=REQUIRED), aliases=("Cast",))
def _cast(data, dtype):
    """Cast to ``dtype``; floats become integers as MXNet converts them (truncated; NaN and values
    out of range give the most negative int32 or int64, narrower types keep the low bits).
    The gradient is cast back to the input's dtype (nothing flows back from an integer cast:
    mxjax differs there, see docs/known_differences.md)."""
    return convert(data, _dtype_attr("cast", dtype))


@register("amp_cast", attrs=dict(dtype=REQUIRED))
def _amp_cast(data, dtype):
    """Cast floating-point arrays to ``dtype``; other arrays pass unchanged (MXNet's AMP cast)."""
    dtype = _dtype_attr("amp_cast", dtype)
    if not jnp.issubdtype(data.dtype, jnp.floating) or not jnp.issubdtype(dtype, jnp.floating):
        return data
    return data.astype(dtype)


@register("zeros_like")
def _zeros_like(data):
    return jnp.zeros_like(data)


@register("ones_like")
def _ones_like(data):
    return jnp.ones_like(data)


# ---- binary ------------------------------------------------------------------------------------------

def _div(a, b):
    if _is_int(a.dtype):
        zero = b == 0
        q = lax.div(a, jnp.where(zero, jnp.ones_like(b), b))
        return jnp.where(zero, _int_min(a.dtype), q)
    return a / b


def _mod(a, b):
    """Python's sign rule; x mod 0 is 0, and its gradient with respect to x is 1 there too
    (MXNet's mod_grad is 1 everywhere)."""
    zero = b == 0
    r = jnp.mod(a, jnp.where(zero, jnp.ones_like(b), b))
    return jnp.where(zero, a - lax.stop_gradient(a), r)


def _cmp(fn):
    return lambda a, b: fn(a, b).astype(a.dtype)


def _select_binary(pick_lhs):
    """maximum/minimum whose gradient goes wholly to lhs on ties, as MXNet's backward does."""
    @jax.custom_jvp
    def fn(a, b):
        return jnp.where(pick_lhs(a, b), a, b.astype(a.dtype))

    @fn.defjvp
    def fn_jvp(primals, tangents):
        (a, b), (ta, tb) = primals, tangents
        return fn(a, b), jnp.where(pick_lhs(a, b), ta, tb.astype(ta.dtype))
    return fn


_maximum = _select_binary(jnp.greater_equal)
_minimum = _select_binary(jnp.less_equal)


def _nonzero(a):
    return a != 0


BINARY = {
    "add": jnp.add, "sub": jnp.subtract, "mul": jnp.multiply, "div": _div, "mod": _mod,
    "power": _via_float(jnp.power), "maximum": _maximum, "minimum": _minimum, "hypot": _via_float(_hypot),
    "equal": _cmp(jnp.equal), "not_equal": _cmp(jnp.not_equal), "greater": _cmp(jnp.greater),
    "greater_equal": _cmp(jnp.greater_equal), "lesser": _cmp(jnp.less), "lesser_equal": _cmp(jnp.less_equal),
    "logical_and": _cmp(lambda a, b: _nonzero(a) & _nonzero(b)),
    "logical_or": _cmp(lambda a, b: _nonzero(a) | _nonzero(b)),
    "logical_xor": _cmp(lambda a, b: _nonzero(a) ^ _nonzero(b)),
}


def _check_same_dtype(name, lhs, rhs):
    if lhs.dtype != rhs.dtype:
        raise MXNetError(f"{name}: the inputs must have the same dtype, got lhs {lhs.dtype} and rhs "
                         f"{rhs.dtype} (MXNet does not promote; cast one with astype)")


def _operands(name, lhs, rhs):
    """A 0-d operand is a Python scalar mxjax passed as an array: it takes the other's dtype."""
    if rhs.ndim == 0 and lhs.ndim:
        rhs = rhs.astype(lhs.dtype)
    elif lhs.ndim == 0 and rhs.ndim:
        lhs = lhs.astype(rhs.dtype)
    _check_same_dtype(name, lhs, rhs)
    return lhs, rhs


def _broadcast(fn, name):
    def impl(lhs, rhs):
        try:
            jnp.broadcast_shapes(lhs.shape, rhs.shape)
        except ValueError:
            raise _shape_error(name, lhs, rhs, "operands could not be broadcast together") from None
        return fn(*_operands(name, lhs, rhs))
    impl.__doc__ = f"``{name}``: elementwise with NumPy-style broadcasting (same dtypes)."
    return impl


def _elemwise(fn, name):
    def impl(lhs, rhs):
        if lhs.shape != rhs.shape:
            raise _shape_error(name, lhs, rhs, "elementwise operands must have the same shape "
                               "(use broadcast_* to broadcast)")
        return fn(*_operands(name, lhs, rhs))
    impl.__doc__ = f"``{name}``: elementwise, both inputs of the same shape and dtype."
    return impl


def _shape_error(name, lhs, rhs, what):
    return MXNetError(f"{name}: {what}: shapes {tuple(lhs.shape)} and {tuple(rhs.shape)}")


_BROADCAST_ALIASES = {"add": ("broadcast_plus",), "sub": ("broadcast_minus",)}
for _name, _fn in BINARY.items():
    register(f"broadcast_{_name}", inputs=("lhs", "rhs"),
             aliases=_BROADCAST_ALIASES.get(_name, ()))(_broadcast(_fn, f"broadcast_{_name}"))

_ELEMWISE_ALIASES = {"add": ("_add", "_plus", "_Plus", "_grad_add"), "sub": ("_sub", "_minus", "_Minus"),
                     "mul": ("_mul", "_Mul"), "div": ("_div", "_Div")}
for _name, _aliases in _ELEMWISE_ALIASES.items():
    register(f"elemwise_{_name}", inputs=("lhs", "rhs"), aliases=_aliases)(_elemwise(BINARY[_name], f"elemwise_{_name}"))

#: the internal names MXNet gives its same-shape binary operators (``_power``, ``_Power``); mxjax's
#: versions broadcast.  ``power`` takes MXNet's argument names ``base`` and ``exp``.
_NAMED_BINARY = {
    "power": ("_power", "_Power"), "maximum": ("_maximum", "_Maximum"), "minimum": ("_minimum", "_Minimum"),
    "hypot": ("_hypot", "_Hypot"), "mod": ("_mod", "_Mod", "modulo"),
    "equal": ("_equal", "_Equal"), "not_equal": ("_not_equal", "_Not_Equal"),
    "greater": ("_greater", "_Greater"), "greater_equal": ("_greater_equal", "_Greater_Equal"),
    "lesser": ("_lesser", "_Lesser"), "lesser_equal": ("_lesser_equal", "_Lesser_Equal"),
    "logical_and": ("_logical_and", "_Logical_And"), "logical_or": ("_logical_or", "_Logical_Or"),
    "logical_xor": ("_logical_xor", "_Logical_Xor"),
}
for _name, _aliases in _NAMED_BINARY.items():
    register(_name, inputs=("base", "exp") if _name == "power" else ("lhs", "rhs"),
             aliases=_aliases)(_broadcast(BINARY[_name], _name))
for _name, _base, _aliases in (("add", "add", ()), ("subtract", "sub", ()), ("multiply", "mul", ()),
                               ("divide", "div", ("true_divide",))):
    register(_name, inputs=("lhs", "rhs"), aliases=_aliases)(_broadcast(BINARY[_base], _name))


# ---- scalar forms: _plus_scalar(x, scalar=2.0) ---------------------------------------------------------

def _scalar_operand(op, data, scalar, is_int):
    """The data and scalar as MXNet's scalar kernels see them: the scalar in the data's dtype
    (truncated for integer arrays), or both in float64 for an integer array with is_int=False."""
    try:
        value = float(scalar)
    except (TypeError, ValueError):
        raise MXNetError(f"{op}: invalid value for argument 'scalar': {scalar!r} (expected a number)") from None
    if _is_int(data.dtype) and not is_int:
        data = data.astype(jnp.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        s = np.asarray(value).astype(data.dtype) if not _is_int(data.dtype) else \
            np.asarray(np.trunc(value) if np.isfinite(value) else 0).astype(data.dtype)
    return data, jnp.asarray(s, data.dtype)


def _scalar_op(name, fn):
    def impl(data, scalar, is_int):
        x, s = _scalar_operand(name, data, scalar, is_int)
        return fn(x, s)
    impl.__doc__ = f"``{name}``: the operator with a scalar attribute, cast to the array's dtype."
    return impl


def _swap(fn):
    return lambda x, s: fn(s, x)


#: name -> (function of (array, scalar), MXNet's CamelCase alias)
SCALAR = {
    "_plus_scalar": (operator.add, "_PlusScalar"),
    "_minus_scalar": (operator.sub, "_MinusScalar"),
    "_rminus_scalar": (_swap(operator.sub), "_RMinusScalar"),
    "_mul_scalar": (operator.mul, "_MulScalar"),
    "_div_scalar": (_div, "_DivScalar"),
    "_rdiv_scalar": (_swap(_via_float(jnp.divide)), "_RDivScalar"),   # integers: float32, as MXNet
    "_power_scalar": (BINARY["power"], "_PowerScalar"),
    "_rpower_scalar": (_swap(BINARY["power"]), "_RPowerScalar"),
    "_mod_scalar": (_mod, "_ModScalar"),
    "_rmod_scalar": (_swap(_mod), "_RModScalar"),
    "_maximum_scalar": (_maximum, "_MaximumScalar"),     # ties: the gradient goes to the array
    "_minimum_scalar": (_minimum, "_MinimumScalar"),
    "_hypot_scalar": (BINARY["hypot"], "_HypotScalar"),
    "_equal_scalar": (BINARY["equal"], "_EqualScalar"),
    "_not_equal_scalar": (BINARY["not_equal"], "_NotEqualScalar"),
    "_greater_scalar": (BINARY["greater"], "_GreaterScalar"),
    "_greater_equal_scalar": (BINARY["greater_equal"], "_GreaterEqualScalar"),
    "_lesser_scalar": (BINARY["lesser"], "_LesserScalar"),
    "_lesser_equal_scalar": (BINARY["lesser_equal"], "_LesserEqualScalar"),
    "_logical_and_scalar": (BINARY["logical_and"], "_LogicalAndScalar"),
    "_logical_or_scalar": (BINARY["logical_or"], "_LogicalOrScalar"),
    "_logical_xor_scalar": (BINARY["logical_xor"], "_LogicalXorScalar"),
}
for _name, (_fn, _alias) in SCALAR.items():
    register(_name, attrs=dict(scalar=1.0, is_int=True), aliases=(_alias,))(_scalar_op(_name, _fn))

# MXNet's scatter operators: the plain operator on a dense lhs; on a sparse lhs MXNet computes its
# stored positions only and leaves the others zero (``storage_types.STORED_ONLY``)
register("_scatter_elemwise_div", inputs=("lhs", "rhs"))(_elemwise(BINARY["div"], "_scatter_elemwise_div"))
register("_scatter_plus_scalar", attrs=dict(scalar=1.0, is_int=True))(_scalar_op("_scatter_plus_scalar", operator.add))
register("_scatter_minus_scalar", attrs=dict(scalar=1.0, is_int=True))(
    _scalar_op("_scatter_minus_scalar", operator.sub))

# MXNet's mod kernels give an integer operand a zero gradient (``x_int % y``, ``7 % x_int``)
for _name in ("broadcast_mod", "mod", "_mod_scalar", "_rmod_scalar"):
    OPS[_name].no_integer_gradient = lambda attrs: True


# ---- nd.add / nd.power / ...: MXNet's Python helpers over the operators -------------------------------

def _py_cmp(fn):
    return lambda a, b: 1 if fn(a, b) else 0


#: what MXNet's helpers return when both operands are Python numbers
PY_SCALAR = {
    "add": operator.add, "subtract": operator.sub, "multiply": operator.mul, "divide": operator.truediv,
    "true_divide": operator.truediv, "modulo": operator.mod, "power": operator.pow,
    "maximum": lambda a, b: a if a > b else b, "minimum": lambda a, b: a if a < b else b,
    "equal": _py_cmp(operator.eq), "not_equal": _py_cmp(operator.ne), "greater": _py_cmp(operator.gt),
    "greater_equal": _py_cmp(operator.ge), "lesser": _py_cmp(operator.lt), "lesser_equal": _py_cmp(operator.le),
    "logical_and": _py_cmp(lambda a, b: a and b), "logical_or": _py_cmp(lambda a, b: a or b),
    "logical_xor": _py_cmp(lambda a, b: bool(a) != bool(b)),
}
#: for these MXNet puts the array first when the scalar comes first (maximum(2, x) is
#: _maximum_scalar(x, 2): on a tie the gradient goes to x)
_COMMUTATIVE = {"add", "multiply", "maximum", "minimum", "equal", "not_equal",
                "logical_and", "logical_or", "logical_xor"}


def _helper(name, op_function):
    py = PY_SCALAR[name]
    numbers = (int, float, np.generic)
    first, second = ("base", "exp") if name == "power" else ("lhs", "rhs")

    def helper(*args, **kwargs):
        operands = list(args[:2])
        for key in (first, second)[len(operands):]:
            if key not in kwargs:
                raise TypeError(f"{name}() missing required argument '{key}'")
            operands.append(kwargs.pop(key))
        lhs, rhs = operands
        if isinstance(lhs, numbers) and isinstance(rhs, numbers):
            return py(lhs, rhs)
        if name in _COMMUTATIVE and isinstance(lhs, numbers):
            lhs, rhs = rhs, lhs
        return op_function(lhs, rhs, *args[2:], **kwargs)
    helper.__name__ = helper.__qualname__ = name
    helper.__doc__ = (f"``nd.{name}({first}, {second})``: NDArrays or numbers on either side, as MXNet's "
                      "helper (two numbers give a Python number).")
    return helper


def install_helpers(nd):
    """Make ``nd.add``, ``nd.power``, ``nd.maximum``... accept an NDArray or a number on either side,
    as MXNet's helpers do (two numbers give a Python number)."""
    for name in PY_SCALAR:
        setattr(nd, name, _helper(name, getattr(nd, name)))


# ---- others -----------------------------------------------------------------------------------------

def _bound(value, dtype):
    with np.errstate(invalid="ignore", over="ignore"):
        return jnp.asarray(np.asarray(float(value)).astype(dtype), dtype)


@register("clip", attrs=dict(a_min=REQUIRED, a_max=REQUIRED), method=True)
def _clip(data, a_min, a_max):
    """MXNet's clip: ``a_max`` where x > a_max, else ``a_min`` where x < a_min, else x (so with
    a_min > a_max the upper bound wins for large x).  Gradient 1 inside the closed range
    [a_min, a_max], 0 strictly outside (as MXNet).  The bounds are cast to the array's dtype;
    mxjax also accepts None for an open side."""
    lo, hi = (None if v is None else _bound(v, data.dtype) for v in (a_min, a_max))

    @jax.custom_jvp
    def clip(x):
        out = x
        if lo is not None:
            out = jnp.where(x < lo, lo, out)
        if hi is not None:
            out = jnp.where(x > hi, hi, out)
        return out

    @clip.defjvp
    def clip_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        inside = jnp.ones(x.shape, bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        return clip(x), jnp.where(inside, t, jnp.zeros_like(t))
    return clip(data)


@register("where", inputs=("condition", "x", "y"))
def _where(condition, x, y):
    """``x`` where ``condition`` is nonzero, else ``y``; a 1-d condition selects rows."""
    _check_same_dtype("where", x, y)
    if x.shape != y.shape:
        raise MXNetError(f"where: x and y must have the same shape, got {x.shape} and {y.shape}")
    if condition.shape != x.shape:
        if condition.ndim != 1 or condition.shape[0] != x.shape[0]:
            raise MXNetError(f"where: condition of shape {condition.shape} must have the shape of x "
                             f"{x.shape} or be 1-d of length {x.shape[0] if x.ndim else 1}")
        condition = condition.reshape(condition.shape + (1,) * (x.ndim - 1))
    return jnp.where(condition != 0, x, y)


@register("add_n", inputs=(), variadic=True, aliases=("ElementWiseSum",))
def _add_n(*args):
    for i, a in enumerate(args[1:], start=1):
        if a.dtype != args[0].dtype or a.shape != args[0].shape:
            raise MXNetError(f"add_n: input {i} has shape {a.shape} and dtype {a.dtype}, input 0 has "
                             f"{args[0].shape} and {args[0].dtype}: all inputs must match")
    out = args[0]
    for a in args[1:]:
        out = out + a
    return out
