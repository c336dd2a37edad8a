"""``mx.np.random``: MXNet 1.9.1's NumPy samplers, drawing from ``mx.random``'s stream.

Each sampler is a call of the registry operator ``_npi_random``: it gets a fresh key from
``mx.random`` (``mx.random.seed`` reproduces draws; a recorded graph replays the same sample
in backward).  Parameters may be numbers or arrays (broadcast together, as NumPy's); with
``size=None`` the output has the parameters' broadcast shape (``()`` for numbers).  Samples
are float32 unless ``dtype`` says otherwise; ``randint`` and ``choice`` give int64.  Draws of
a location-scale family are differentiable in their parameters (reparameterised).

mxjax differs: the numbers come from JAX's generator, not MXNet's.
"""
import jax
import jax.numpy as jnp
import numpy as onp

from .._engine import random_bits
from ..context import current_context
from ..ndarray.ndarray import NDArray, invoke
from ..ndarray.ops.random import _standard_gamma
from ..ndarray.registry import OPS, _hashable
from ._op import FUNCTIONS
from .multiarray import array, wrap

__all__ = ["uniform", "normal", "randint", "rand", "randn", "choice", "shuffle", "gamma", "exponential",
           "beta", "chisquare", "lognormal", "logistic", "gumbel", "pareto", "power", "rayleigh", "weibull",
           "multinomial", "multivariate_normal", "laplace"]

_OP = OPS["_npi_random"]


def _u(key, shape, dtype):
    return random_bits.uniform(key, shape, dtype)


def _sampler(name, draw):
    """Register ``draw(key, *params, shape, dtype)`` as sampler ``random.<name>``."""
    FUNCTIONS["random." + name] = lambda key, *params, shape, dtype: draw(key, *params, shape=shape, dtype=dtype)


_sampler("uniform", lambda k, lo, hi, shape, dtype: lo + (hi - lo) * _u(k, shape, dtype))
_sampler("normal", lambda k, loc, scale, shape, dtype: loc + scale * random_bits.normal(k, shape, dtype))
_sampler("lognormal", lambda k, m, s, shape, dtype: jnp.exp(m + s * random_bits.normal(k, shape, dtype)))
_sampler("logistic", lambda k, loc, s, shape, dtype: loc + s * jax.scipy.special.logit(_u(k, shape, dtype)))
_sampler("gumbel", lambda k, loc, s, shape, dtype: loc - s * jnp.log(-jnp.log(_u(k, shape, dtype))))
_sampler("laplace", lambda k, loc, s, shape, dtype:
         loc - s * jnp.sign(_u(k, shape, dtype) - 0.5) * jnp.log1p(-2 * jnp.abs(_u(k, shape, dtype) - 0.5)))
_sampler("exponential", lambda k, s, shape, dtype: s * random_bits.exponential(k, shape, dtype))
_sampler("rayleigh", lambda k, s, shape, dtype: s * jnp.sqrt(2 * random_bits.exponential(k, shape, dtype)))
_sampler("weibull", lambda k, a, shape, dtype: random_bits.exponential(k, shape, dtype) ** (1 / a))
_sampler("pareto", lambda k, a, shape, dtype: jnp.expm1(random_bits.exponential(k, shape, dtype) / a))
_sampler("power", lambda k, a, shape, dtype: (-jnp.expm1(-random_bits.exponential(k, shape, dtype))) ** (1 / a))
_sampler("gamma", lambda k, a, s, shape, dtype: s * _standard_gamma(k, jnp.broadcast_to(a, shape), shape, dtype))
_sampler("chisquare", lambda k, df, shape, dtype: 2 * _standard_gamma(k, jnp.broadcast_to(df / 2, shape), shape,
                                                                     dtype))


def _beta(key, a, b, shape, dtype):
    k1, k2 = jax.random.split(key)
    x = _standard_gamma(k1, jnp.broadcast_to(a, shape), shape, dtype)
    y = _standard_gamma(k2, jnp.broadcast_to(b, shape), shape, dtype)
    return x / (x + y)


_sampler("beta", _beta)
_sampler("randint", lambda k, lo, hi, shape, dtype: jax.random.randint(k, shape, lo, hi, dtype))
_sampler("permutation", lambda k, x, shape, dtype: jax.random.permutation(k, x, axis=0))


def _choice(key, a, p, shape, dtype, replace):
    if p is None and replace:
        return jax.random.randint(key, shape, 0, a.shape[0], dtype)
    return jax.random.choice(key, a.shape[0], shape, replace, p).astype(dtype)


FUNCTIONS["random.choice"] = lambda key, a, shape, dtype, replace: _choice(key, a, None, shape, dtype, replace)
FUNCTIONS["random.choice_p"] = lambda key, a, p, shape, dtype, replace: _choice(key, a, p, shape, dtype, replace)


def _draw(name, params, size, dtype, ctx, out=None, **static):
    """Call sampler ``name`` with parameters ``params`` (numbers or arrays)."""
    ctx = ctx or next((p.context for p in params if isinstance(p, NDArray)), None) or current_context()
    dtype = onp.dtype(dtype or onp.float32)
    arrays = [p if isinstance(p, NDArray) else array(p, dtype=dtype if onp.dtype(dtype).kind == "f" else None,
                                                      ctx=ctx) for p in params]
    if size is None:
        shape = onp.broadcast_shapes(*[a.shape for a in arrays]) if arrays else ()
    else:
        shape = (int(size),) if isinstance(size, (int, onp.integer)) else tuple(int(s) for s in size)
    attrs = (("fn", "random." + name), ("layout", (None,) * len(arrays)),
             ("kwargs", (("shape", shape), ("dtype", dtype.name)) + tuple((k, _hashable(v))
                                                                          for k, v in static.items())))
    result = wrap(invoke(_OP, arrays, attrs, ctx))
    if out is not None:
        out._assign(result._value)
        return out
    return result


def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, out=None):
    return _draw("uniform", (low, high), size, dtype, ctx, out)


def normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, out=None):
    return _draw("normal", (loc, scale), size, dtype, ctx, out)


def lognormal(mean=0.0, sigma=1.0, size=None, dtype=None, ctx=None, out=None):
    return _draw("lognormal", (mean, sigma), size, dtype, ctx, out)


def logistic(loc=0.0, scale=1.0, size=None, ctx=None, out=None):
    return _draw("logistic", (loc, scale), size, None, ctx, out)


def gumbel(loc=0.0, scale=1.0, size=None, ctx=None, out=None):
    return _draw("gumbel", (loc, scale), size, None, ctx, out)


def laplace(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, out=None):
    return _draw("laplace", (loc, scale), size, dtype, ctx, out)


def exponential(scale=1.0, size=None, ctx=None, out=None):
    return _draw("exponential", (scale,), size, None, ctx, out)


def rayleigh(scale=1.0, size=None, ctx=None, out=None):
    return _draw("rayleigh", (scale,), size, None, ctx, out)


def weibull(a, size=None, ctx=None, out=None):
    return _draw("weibull", (a,), size, None, ctx, out)


def pareto(a, size=None, ctx=None, out=None):
    return _draw("pareto", (a,), size, None, ctx, out)


def power(a, size=None, ctx=None, out=None):
    return _draw("power", (a,), size, None, ctx, out)


def gamma(shape=1.0, scale=1.0, size=None, dtype=None, ctx=None, out=None):
    return _draw("gamma", (shape, scale), size, dtype, ctx, out)


def chisquare(df, size=None, dtype=None, ctx=None):
    return _draw("chisquare", (df,), size, dtype, ctx)


def beta(a, b, size=None, dtype=None, ctx=None):
    return _draw("beta", (a, b), size, dtype, ctx)


def randint(low, high=None, size=None, dtype=None, ctx=None, out=None):
    """Integers in [low, high) (or [0, low)), int64 unless ``dtype`` is given."""
    if high is None:
        low, high = 0, low
    return _draw("randint", (low, high), size, dtype or onp.int64, ctx, out)


def rand(*size, **kwargs):
    """Uniform samples on [0, 1) of shape ``size``."""
    return uniform(size=size, **kwargs)


def randn(*size, **kwargs):
    """Standard normal samples of shape ``size``."""
    return normal(size=size, **kwargs)


def choice(a, size=None, replace=True, p=None, ctx=None, out=None):
    """Samples from ``arange(a)`` (an int) or from the elements of 1-d array ``a``."""
    ctx = ctx or (a.context if isinstance(a, NDArray) else current_context())
    pool = a if isinstance(a, NDArray) else None
    n = a.shape[0] if pool is not None else int(a)
    if n <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    shape = () if size is None else ((int(size),) if isinstance(size, (int, onp.integer)) else tuple(size))
    if not replace and int(onp.prod(shape)) > n:
        raise ValueError("Cannot take a larger sample than population when 'replace=False'")
    stub = array(onp.zeros((n,), onp.float32), ctx=ctx)
    arrays, name = [stub], "choice"
    if p is not None:
        arrays.append(p if isinstance(p, NDArray) else array(p, ctx=ctx))
        name = "choice_p"
    attrs = (("fn", "random." + name), ("layout", (None,) * len(arrays)),
             ("kwargs", (("shape", shape), ("dtype", "int64"), ("replace", bool(replace)))))
    indices = wrap(invoke(_OP, arrays, attrs, ctx))
    result = pool[indices] if pool is not None else indices
    if out is not None:
        out._assign(result._value)
        return out
    return result


def shuffle(x):
    """Shuffle ``x`` in place along its first axis."""
    attrs = (("fn", "random.permutation"), ("layout", (None,)), ("kwargs", (("shape", ()), ("dtype", "float32"))))
    x._assign(invoke(_OP, [x], attrs)._value)


def multinomial(n, pvals, size=None):
    """Counts of ``n`` draws over categories ``pvals`` (int64), one row per sample; a last
    category gets what ``pvals`` leaves (as NumPy's)."""
    pvals = pvals.asnumpy() if isinstance(pvals, NDArray) else onp.asarray(pvals, dtype=onp.float64)
    shape = () if size is None else ((int(size),) if isinstance(size, (int, onp.integer)) else tuple(size))
    k = len(pvals)
    if k == 0 or 0 in shape:
        return array(onp.zeros(shape + (k,), onp.int64))
    draws = choice(k, size=shape + (int(n),), p=array(pvals, dtype=onp.float32)).asnumpy()
    counts = onp.stack([(draws == c).sum(-1) for c in range(k)], -1)
    return array(counts.astype(onp.int64))


def multivariate_normal(mean, cov, size=None, check_valid=None, tol=None):
    """Samples of N(mean, cov): ``mean + L z`` with L the Cholesky factor of ``cov``."""
    from . import linalg
    mean = mean if isinstance(mean, NDArray) else array(mean)
    cov = cov if isinstance(cov, NDArray) else array(cov)
    shape = () if size is None else ((int(size),) if isinstance(size, (int, onp.integer)) else tuple(size))
    z = normal(size=shape + mean.shape, dtype=mean.dtype, ctx=mean.context)
    from ._functions import call
    return mean + call("matmul", (z, call("swapaxes", (linalg.cholesky(cov), -1, -2), {})), {})
