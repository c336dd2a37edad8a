"""``mx.nd.random``: sampling functions with MXNet's signatures (``shape``, ``dtype``, ``ctx``, ``out``)."""
from ..base import as_dtype
from ..context import current_context
from .ndarray import invoke
from .registry import OPS

__all__ = ["uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson",
           "negative_binomial", "multinomial", "shuffle"]


def _shape(shape):
    if shape is None:
        return (1,)
    return (shape,) if isinstance(shape, int) else tuple(shape)


def _sample(name, attrs, shape, dtype, ctx, out, default_dtype="float32"):
    ctx = ctx or (out.context if out is not None else current_context())
    shape = out.shape if out is not None and shape is None else _shape(shape)
    dtype = as_dtype(dtype if dtype is not None else (out.dtype if out is not None else default_dtype)).name
    result = invoke(OPS[name], [], tuple(attrs.items()) + (("shape", shape), ("dtype", dtype)), ctx=ctx)
    if out is not None:
        out._assign(result._value)
        return out
    return result


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _sample("_random_uniform", dict(low=float(low), high=float(high)), shape, dtype, ctx, out)


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _sample("_random_normal", dict(loc=float(loc), scale=float(scale)), shape, dtype, ctx, out)


def randn(*shape, loc=0, scale=1, dtype=None, ctx=None, out=None, **kwargs):
    return normal(loc, scale, shape or None, dtype, ctx, out)


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _sample("_random_randint", dict(low=int(low), high=int(high)), shape, dtype, ctx, out, "int32")


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _sample("_random_exponential", dict(lam=1.0 / float(scale)), shape, dtype, ctx, out)


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _sample("_random_gamma", dict(alpha=float(alpha), beta=float(beta)), shape, dtype, ctx, out)


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _sample("_random_poisson", dict(lam=float(lam)), shape, dtype, ctx, out)


def negative_binomial(k=1, p=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    return _sample("_random_negative_binomial", dict(k=int(k), p=float(p)), shape, dtype, ctx, out)


def multinomial(data, shape=None, get_prob=False, out=None, dtype="int32", **kwargs):
    shape = () if shape is None else _shape(shape)
    result = invoke(OPS["_sample_multinomial"], [data],
                    (("shape", shape), ("get_prob", bool(get_prob)), ("dtype", as_dtype(dtype).name)))
    if out is not None:
        out._assign(result._value)
        return out
    return result


def shuffle(data, **kwargs):
    return invoke(OPS["_shuffle"], [data], ())
