"""Elementwise math: unary functions, binary/broadcast operators, comparisons, casts.

MXNet's dtype rules: comparisons return 0/1 in the input's dtype; integer
division truncates toward zero; ``mod`` follows Python's sign rule; ``rint``
rounds halves toward -inf (1.5 -> 1,
-2.5 -> -3); ``round`` rounds halves away from zero.
"""
import jax
import jax.numpy as jnp
from jax import lax

from ...base import as_dtype
from ..registry import register


def _same_dtype(fn):
    return lambda data: fn(data).astype(data.dtype)


def _rint(x):
    # MXNet: halves go down (1.5 -> 1, -2.5 -> -3, 2.5 -> 2)
    f = jnp.floor(x)
    return jnp.where(x - f > 0.5, f + 1, f)


def _round(x):
    return jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)


def _rsqrt(x):
    return lax.rsqrt(x)


@jax.custom_jvp
def _abs(x):
    """|x| with MXNet's gradient sign(x): 0 at 0 (JAX's abs gives 1 there)."""
    return jnp.abs(x)


_abs.defjvp(lambda primals, tangents: (_abs(primals[0]), jnp.sign(primals[0]) * tangents[0]))


UNARY = {
    "abs": _abs, "negative": jnp.negative, "sign": jnp.sign, "square": jnp.square,
    "sqrt": jnp.sqrt, "rsqrt": _rsqrt, "cbrt": jnp.cbrt, "rcbrt": lambda x: 1.0 / jnp.cbrt(x),
    "exp": jnp.exp, "expm1": jnp.expm1, "log": jnp.log, "log1p": jnp.log1p, "log2": jnp.log2, "log10": jnp.log10,
    "sin": jnp.sin, "cos": jnp.cos, "tan": jnp.tan, "arcsin": jnp.arcsin, "arccos": jnp.arccos, "arctan": jnp.arctan,
    "sinh": jnp.sinh, "cosh": jnp.cosh, "tanh": jnp.tanh,
    "arcsinh": jnp.arcsinh, "arccosh": jnp.arccosh, "arctanh": jnp.arctanh,
    "reciprocal": jnp.reciprocal, "floor": jnp.floor, "ceil": jnp.ceil, "trunc": jnp.trunc, "fix": jnp.trunc,
    "rint": _rint, "round": _round,
    "sigmoid": jax.nn.sigmoid, "relu": jax.nn.relu, "softsign": jax.nn.soft_sign,
    "erf": jax.scipy.special.erf, "erfinv": jax.scipy.special.erfinv,
    "gamma": jax.scipy.special.gamma,
    "gammaln": jax.scipy.special.gammaln,
    "degrees": jnp.degrees, "radians": jnp.radians,
    "logical_not": lambda x: (x == 0),
}

for _name, _fn in UNARY.items():
    register(_name, method=True)(_same_dtype(_fn))


@register("_copy", aliases=("identity",))
def _copy(data):
    return data


@register("BlockGrad", aliases=("stop_gradient",))
def _block_grad(data):
    return lax.stop_gradient(data)


@register("cast", attrs=dict(dtype="float32"), aliases=("Cast",))
def _cast(data, dtype):
    return data.astype(as_dtype(dtype))


@register("zeros_like")
def _zeros_like(data):
    return jnp.zeros_like(data)


@register("ones_like")
def _ones_like(data):
    return jnp.ones_like(data)


def _div(a, b):
    if jnp.issubdtype(a.dtype, jnp.integer):
        return lax.div(a, b.astype(a.dtype))
    return a / b


def _mod(a, b):
    return jnp.mod(a, b.astype(a.dtype))


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


BINARY = {
    "add": jnp.add, "sub": jnp.subtract, "mul": jnp.multiply, "div": _div, "mod": _mod,
    "power": jnp.power, "maximum": _maximum, "minimum": _minimum, "hypot": jnp.hypot,
    "equal": _cmp(jnp.equal), "not_equal": _cmp(jnp.not_equal), "greater": _cmp(jnp.greater),
    "greater_equal": _cmp(jnp.greater_equal), "lesser": _cmp(jnp.less), "lesser_equal": _cmp(jnp.less_equal),
    "logical_and": _cmp(lambda a, b: (a != 0) & (b != 0)), "logical_or": _cmp(lambda a, b: (a != 0) | (b != 0)),
    "logical_xor": _cmp(lambda a, b: (a != 0) ^ (b != 0)),
}


def _broadcast(fn, name):
    def impl(lhs, rhs):
        try:
            shape = jnp.broadcast_shapes(lhs.shape, rhs.shape)
        except ValueError:
            raise _shape_error(name, lhs, rhs, "operands could not be broadcast together") from None
        del shape
        return fn(lhs, rhs.astype(lhs.dtype) if rhs.ndim == 0 else rhs)
    return impl


def _elemwise(fn, name):
    def impl(lhs, rhs):
        if lhs.shape != rhs.shape:
            raise _shape_error(name, lhs, rhs, "elementwise operands must have the same shape "
                               "(use broadcast_* to broadcast)")
        return fn(lhs, rhs)
    return impl


def _shape_error(name, lhs, rhs, what):
    from ...base import MXNetError
    return MXNetError(f"{name}: {what}: shapes {tuple(lhs.shape)} and {tuple(rhs.shape)}")


for _name, _fn in BINARY.items():
    register(f"broadcast_{_name}", inputs=("lhs", "rhs"))(_broadcast(_fn, f"broadcast_{_name}"))
for _name in ("add", "sub", "mul", "div"):
    register(f"elemwise_{_name}", inputs=("lhs", "rhs"),
             aliases=(f"_{_name}",) if _name != "div" else ())(_elemwise(BINARY[_name], f"elemwise_{_name}"))
for _name in ("power", "maximum", "minimum", "hypot", "mod", "equal", "not_equal", "greater",
              "greater_equal", "lesser", "lesser_equal", "logical_and", "logical_or", "logical_xor"):
    register(_name, inputs=("lhs", "rhs"), aliases=(f"_{_name}",))(_broadcast(BINARY[_name], _name))
for _name in ("add", "subtract", "multiply", "divide"):
    _base = {"add": "add", "subtract": "sub", "multiply": "mul", "divide": "div"}[_name]
    register(_name, inputs=("lhs", "rhs"))(_broadcast(BINARY[_base], _name))


@register("clip", attrs=dict(a_min=None, a_max=None), method=True)
def _clip(data, a_min, a_max):
    """Gradient 1 inside the closed range [a_min, a_max], 0 strictly outside (as MXNet)."""
    @jax.custom_jvp
    def clip(x):
        return jnp.clip(x, a_min, a_max).astype(x.dtype)

    @clip.defjvp
    def clip_jvp(primals, tangents):
        (x,), (t,) = primals, tangents
        inside = jnp.ones(x.shape, bool)
        if a_min is not None:
            inside &= x >= a_min
        if a_max is not None:
            inside &= x <= a_max
        return clip(x), jnp.where(inside, t, jnp.zeros_like(t))
    return clip(data)


@register("where", inputs=("condition", "x", "y"))
def _where(condition, x, y):
    return jnp.where(condition != 0, x, y)


@register("add_n", inputs=(), variadic=True, aliases=("ElementWiseSum",))
def _add_n(*args):
    out = args[0]
    for a in args[1:]:
        out = out + a
    return out
