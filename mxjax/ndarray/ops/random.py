"""Random sampling operators and probability densities.

Every sampler is registered with ``random=True``: it receives a fresh PRNG key from
``mx.random``'s global state as its first array input, so a seed reproduces its draws and a
recorded graph replays the same sample in backward.  mxjax differs: the numbers are JAX's
(threefry), not MXNet's generator's; the distributions are the same.

Three forms, as in MXNet 1.9.1:

* ``_random_<dist>`` (``nd.random_uniform``, ``nd.uniform``...): scalar parameters as
  attributes, ``shape``, ``ctx`` and ``dtype`` (float32 by default);
* ``_random_<dist>_like`` (``nd.random.uniform_like``): the shape and dtype of ``data``;
* ``_sample_<dist>`` (``nd.sample_uniform``, ``nd.random.uniform(low=NDArray, ...)``):
  per-element parameters as arrays of one shape P; the output has shape ``P + shape``, float32
  unless ``dtype`` says otherwise.

A sample does not depend differentiably on its parameters (MXNet gives them a zero gradient).
The ``_random_pdf_<dist>`` operators are differentiable densities (MXNet's parametrisations:
``pdf_gamma``'s beta is a rate, while the gamma sampler's beta is a scale).
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.scipy.special import gammaln

from ..._engine import random_bits
from ...base import MXNetError, as_dtype
from ..._engine.graph import AsyncOpError
from ..registry import REQUIRED, register
from ...util import is_np_shape

_FLOATS = ("float16", "float32", "float64")


def _dtype(op, dtype, allowed=_FLOATS, default="float32"):
    name = default if dtype is None or dtype == "None" else as_dtype(dtype).name
    if name not in allowed:
        raise MXNetError(f"{op}: invalid dtype {name!r}, valid values are: {', '.join(allowed)}")
    return np.dtype(name)


def _compute(dtype):
    """Sample in float64 for float64 outputs, else in float32 (also for float16)."""
    return np.dtype(np.float64) if dtype == np.float64 else np.dtype(np.float32)


def _shape(op, shape):
    """MXNet's ``shape`` of a scalar-parameter sampler: required, no zero dimension (a zero
    dimension is a size under NumPy shape semantics, ``npx.set_np()``)."""
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape or ())
    smallest = 0 if is_np_shape() else 1
    if not shape or any(s < smallest for s in shape):
        raise MXNetError(f"{op}: shape must be given, with positive dimensions (got {shape}); "
                         "nd.random.* functions default to shape (1,)")
    return shape


def _check(op, ok, message):
    if not ok:
        raise MXNetError(f"{op}: {message}")


# ---- distributions: key, parameters broadcast to ``shape``, shape, computation dtype --------------

def _draw_uniform(key, low, high, shape, dtype):
    return low + (high - low) * random_bits.uniform(key, shape, dtype)


def _draw_normal(key, loc, scale, shape, dtype):
    return loc + scale * random_bits.normal(key, shape, dtype)


def _uniforms(key, count, shape, dtype):
    """``count`` arrays of uniforms on [0, 1) of ``shape`` and the next key, from ONE threefry
    call (each call site of the hash costs compile time; the rejection loops below need a
    single one per iteration).  float64 uniforms have 53 random bits, float32 ones 24."""
    size = int(np.prod(shape, dtype=np.int64))
    per = 2 if dtype == np.float64 else 1
    words = jax.random.bits(key, (2 + count * per * size,), np.uint32)
    bits = words[2:].reshape((count, per) + tuple(shape))
    if per == 2:
        high = (bits[:, 0] >> 5).astype(dtype)
        low = (bits[:, 1] >> 6).astype(dtype)
        u = (high * 67108864.0 + low) / 9007199254740992.0
    else:
        u = (bits[:, 0] >> 8).astype(dtype) / 16777216.0
    return words[:2], list(u)


def _standard_gamma(key, alpha, shape, dtype):
    """Gamma(alpha, 1) samples by Marsaglia and Tsang's rejection method (MXNet's sampler too),
    boosted by U^(1/alpha) for alpha < 1.  One vectorised rejection loop with one hash call per
    round: it compiles much faster than ``jax.random.gamma``'s per-element loops."""
    alpha = jnp.broadcast_to(jnp.asarray(alpha, dtype), shape)
    a = jnp.where(alpha < 1, alpha + 1, alpha)
    d = a - 1.0 / 3.0
    c = 1.0 / jnp.sqrt(9.0 * d)
    key, (boost_u,) = _uniforms(key, 1, shape, dtype)

    def body(state):
        key, x, accepted = state
        key, (u1, u2, u) = _uniforms(key, 3, shape, dtype)
        z = jnp.sqrt(-2 * jnp.log1p(-u1)) * jnp.cos(2 * np.pi * u2)   # Box-Muller
        v = (1 + c * z) ** 3
        safe_v = jnp.where(v > 0, v, 1)
        ok = (v > 0) & (jnp.log1p(-u) < 0.5 * z * z + d - d * safe_v + d * jnp.log(safe_v))
        return key, jnp.where(accepted | ~ok, x, d * safe_v), accepted | ok

    _, x, _ = lax.while_loop(lambda state: ~jnp.all(state[2]), body,
                             (key, jnp.zeros(shape, dtype), jnp.zeros(shape, bool)))
    boost = jnp.where(alpha < 1, jnp.exp(jnp.log1p(-boost_u) / jnp.where(alpha < 1, alpha, 1)), 1)
    return x * boost


def _draw_gamma(key, alpha, beta, shape, dtype):
    return _standard_gamma(key, alpha, shape, dtype) * beta


def _draw_exponential(key, lam, shape, dtype):
    return random_bits.exponential(key, shape, dtype) / lam


def _draw_poisson(key, lam, shape, dtype):
    """Poisson samples (as ``dtype``), as numpy and MXNet draw them: Knuth's product of uniforms
    below lam = 10, Hormann's transformed rejection with squeeze (PTRS) above; one vectorised
    loop for both."""
    lam = jnp.broadcast_to(jnp.asarray(lam, dtype), shape)
    small = lam < 10
    limit = jnp.exp(-jnp.where(small, lam, 0))
    big = jnp.where(small, 10, lam)
    slam, loglam = jnp.sqrt(big), jnp.log(big)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)

    def body(state):
        key, k, product, done = state
        key, (u, v) = _uniforms(key, 2, shape, dtype)
        # Knuth: count the uniforms whose running product stays above exp(-lam)
        product = product * (1 - u)
        knuth_stop = product <= limit
        knuth_k = jnp.where(knuth_stop, k, k + 1)
        # PTRS (v on (0, 1])
        v = 1 - v
        u = u - 0.5
        us = 0.5 - jnp.abs(u)
        safe_us = jnp.maximum(us, 1e-12)
        candidate = jnp.floor((2 * a / safe_us + b) * u + big + 0.43)
        quick = (us >= 0.07) & (v <= vr)
        reject = (candidate < 0) | ((us < 0.013) & (v > us))
        exact = (jnp.log(v) + jnp.log(inv_alpha) - jnp.log(a / (safe_us * safe_us) + b)
                 <= -big + candidate * loglam - gammaln(candidate + 1))
        ptrs_stop = quick | (~reject & exact)
        stop = jnp.where(small, knuth_stop, ptrs_stop)
        new_k = jnp.where(small, knuth_k, jnp.where(ptrs_stop, candidate, k))
        return key, jnp.where(done, k, new_k), product, done | stop

    init = (key, jnp.zeros(shape, dtype), jnp.ones(shape, dtype), jnp.zeros(shape, bool))
    return lax.while_loop(lambda state: ~jnp.all(state[3]), body, init)[1]


def _draw_negative_binomial(key, k, p, shape, dtype):
    """Failures before the k-th success (success probability p): a gamma-Poisson mixture."""
    k_key, p_key = jax.random.split(key)
    k = jnp.broadcast_to(jnp.asarray(k, dtype), shape)
    p = jnp.asarray(p, dtype)
    safe_k = jnp.where(k > 0, k, 1)
    rate = _standard_gamma(k_key, safe_k, shape, dtype) * (1 - p) / p
    rate = jnp.where((k > 0) & (p < 1), rate, 0)
    return _draw_poisson(p_key, rate, shape, dtype)


def _draw_generalized_negative_binomial(key, mu, alpha, shape, dtype):
    """Mean mu, dispersion alpha (variance mu + alpha mu^2); Poisson(mu) for alpha = 0."""
    g_key, p_key = jax.random.split(key)
    mu = jnp.broadcast_to(jnp.asarray(mu, dtype), shape)
    alpha = jnp.broadcast_to(jnp.asarray(alpha, dtype), shape)
    safe = jnp.where(alpha > 0, alpha, 1)
    mixed = _standard_gamma(g_key, 1 / safe, shape, dtype) * mu * safe
    return _draw_poisson(p_key, jnp.where(alpha > 0, mixed, mu), shape, dtype)


def _draw_randint(key, low, high, shape, dtype):
    return jax.random.randint(key, shape, low, high, dtype)


# ---- _random_<dist>: scalar parameters ------------------------------------------------------------

def _scalar_sampler(name, params, draw, checks, alias, doc, allowed=_FLOATS, default="float32", elementwise=False):
    """Register ``_random_<dist>``; ``elementwise``: each element is drawn from its own bits."""
    attrs = dict(params, shape=None, ctx=None, dtype=None)

    def check(shape, out, values):
        for ok, message in checks:   # MXNet checks these in the kernel: reported asynchronously
            if not ok(values):
                raise AsyncOpError(f"{name}: {message}", [(shape, out)], random_state=True)

    def impl(key, shape, ctx, dtype, **values):
        out = _dtype(name, dtype, allowed, default)
        shape = _shape(name, shape)
        check(shape, out, values)
        if np.issubdtype(out, np.integer):
            return draw(key, *values.values(), shape, out)
        return draw(key, *values.values(), shape, _compute(out)).astype(out)

    def infer(shape, ctx, dtype, **values):
        shape, out = _shape(name, shape), _dtype(name, dtype, allowed, default)
        check(shape, out, values)
        return [(shape, out)]

    impl.__name__ = name
    impl.__doc__ = doc
    register(name, inputs=(), attrs=attrs, random="elementwise" if elementwise else True, aliases=alias,
             infer=infer)(impl)


_MXJAX_DIFFERS = " mxjax differs: JAX's random stream, not MXNet's numbers."

_scalar_sampler("_random_uniform", dict(low=0.0, high=1.0), _draw_uniform,
                [(lambda v: v["high"] >= v["low"], "low must be less or equal to high in uniform distribution")],
                ("uniform", "random_uniform"),
                "Draw random samples from a uniform distribution on [low, high)." + _MXJAX_DIFFERS, elementwise=True)
_scalar_sampler("_random_normal", dict(loc=0.0, scale=1.0), _draw_normal,
                [(lambda v: v["scale"] > 0, "scale parameter in gaussian has to be positive")],
                ("normal", "random_normal"),
                "Draw random samples from a normal (Gaussian) distribution." + _MXJAX_DIFFERS, elementwise=True)
_scalar_sampler("_random_gamma", dict(alpha=1.0, beta=1.0), _draw_gamma,
                [(lambda v: v["alpha"] > 0, "alpha parameter in gamma distribution has to be positive"),
                 (lambda v: v["beta"] > 0, "beta parameter in gamma distribution has to be positive")],
                ("random_gamma",),
                "Draw random samples from a gamma distribution (alpha: shape, beta: scale)." + _MXJAX_DIFFERS)
_scalar_sampler("_random_exponential", dict(lam=1.0), _draw_exponential,
                [(lambda v: v["lam"] > 0, "lambda parameter in exponential distribution has to be positive")],
                ("random_exponential",),
                "Draw random samples from an exponential distribution (lam: rate)." + _MXJAX_DIFFERS, elementwise=True)
_scalar_sampler("_random_poisson", dict(lam=1.0), _draw_poisson,
                [(lambda v: v["lam"] >= 0, "lambda parameter in poisson distribution has to be non-negative")],
                ("random_poisson",),
                "Draw random samples from a Poisson distribution (as floats)." + _MXJAX_DIFFERS)
_scalar_sampler("_random_negative_binomial", dict(k=1, p=1.0), _draw_negative_binomial,
                [(lambda v: v["k"] >= 0, "k parameter in negative binomial distribution has to be non-negative"),
                 (lambda v: v["p"] >= 0, "p parameter in negative binomial distribution has to be non-negative")],
                ("random_negative_binomial",),
                "Draw random samples from a negative binomial distribution: failures before the k-th "
                "success, success probability p (as floats)." + _MXJAX_DIFFERS)
_scalar_sampler("_random_generalized_negative_binomial", dict(mu=1.0, alpha=1.0),
                _draw_generalized_negative_binomial,
                [(lambda v: v["mu"] >= 0,
                  "mu parameter in generalized negative binomial distribution has to be non-negative"),
                 (lambda v: v["alpha"] >= 0,
                  "alpha parameter in generalized negative binomial distribution has to be non-negative")],
                ("random_generalized_negative_binomial",),
                "Draw random samples from a generalized negative binomial distribution (mean mu, "
                "dispersion alpha; as floats)." + _MXJAX_DIFFERS)
_scalar_sampler("_random_randint", dict(low=REQUIRED, high=REQUIRED), _draw_randint,
                [(lambda v: v["high"] >= v["low"], "low must be less or equal to high in uniform distribution")],
                ("random_randint",),
                "Draw random integers uniformly from [low, high) (int32 unless dtype='int64')." + _MXJAX_DIFFERS,
                allowed=("int32", "int64"), default="int32")


# ---- _random_<dist>_like: the shape and dtype of ``data`` ----------------------------------------

def _like_sampler(name, params, draw, doc):
    def impl(key, data, **values):
        _check(name, np.issubdtype(data.dtype, np.floating),
               f"this operation only supports floating point types, not {np.dtype(data.dtype).name}")
        out = np.dtype(data.dtype)
        return draw(key, *values.values(), data.shape, _compute(out)).astype(out)

    impl.__name__ = name
    impl.__doc__ = doc
    register(name, inputs=("data",), attrs=params, random=True)(impl)


for _dist, _params, _draw in (
        ("uniform", dict(low=0.0, high=1.0), _draw_uniform),
        ("normal", dict(loc=0.0, scale=1.0), _draw_normal),
        ("gamma", dict(alpha=1.0, beta=1.0), _draw_gamma),
        ("exponential", dict(lam=1.0), _draw_exponential),
        ("poisson", dict(lam=1.0), _draw_poisson),
        ("negative_binomial", dict(k=1, p=1.0), _draw_negative_binomial),
        ("generalized_negative_binomial", dict(mu=1.0, alpha=1.0), _draw_generalized_negative_binomial)):
    _like_sampler(f"_random_{_dist}_like", _params, _draw,
                  f"Draw {_dist.replace('_', ' ')} samples of the shape and dtype of data (its values are "
                  "not used)." + _MXJAX_DIFFERS)


# ---- _sample_<dist>: per-element parameters -----------------------------------------------------

def _sample_sampler(name, inputs, draw, doc):
    def impl(key, *params, shape, dtype):
        first = params[0]
        for input_name, p in zip(inputs[1:], params[1:]):
            _check(name, p.shape == first.shape,
                   f"parameter {input_name} has shape {p.shape}, {inputs[0]} has shape {first.shape}; "
                   "they must be equal")
        _check(name, len({np.dtype(p.dtype) for p in params}) == 1,
               "all parameters must have the same dtype")
        shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape or ())
        out = _dtype(name, dtype)
        cdt = _compute(out)
        full = first.shape + shape
        expand = (1,) * len(shape)
        values = [lax.stop_gradient(p).astype(cdt).reshape(p.shape + expand) for p in params]
        return draw(key, *values, full, cdt).astype(out)

    impl.__name__ = name
    impl.__doc__ = doc
    register(name, inputs=inputs, attrs=dict(shape=(), dtype=None), random=True,
             aliases=(name[1:],))(impl)


for _dist, _inputs, _draw in (
        ("uniform", ("low", "high"), _draw_uniform),
        ("normal", ("mu", "sigma"), _draw_normal),
        ("gamma", ("alpha", "beta"), _draw_gamma),
        ("exponential", ("lam",), _draw_exponential),
        ("poisson", ("lam",), _draw_poisson),
        ("negative_binomial", ("k", "p"), _draw_negative_binomial),
        ("generalized_negative_binomial", ("mu", "alpha"), _draw_generalized_negative_binomial)):
    _sample_sampler(f"_sample_{_dist}", _inputs, _draw,
                    f"Concurrent sampling from multiple {_dist.replace('_', ' ')} distributions with "
                    "parameters given per element: the output has shape param.shape + shape; the sample "
                    "gets no gradient." + _MXJAX_DIFFERS)


# ---- multinomial, shuffle ---------------------------------------------------------------------------

_MULTINOMIAL_DTYPES = ("float16", "float32", "float64", "int32", "uint8")


@register("_sample_multinomial", inputs=("data",), attrs=dict(shape=(), get_prob=False, dtype="int32"),
          random=True, aliases=("sample_multinomial",))
def _multinomial(key, data, shape, get_prob, dtype):
    """Concurrent sampling from multiple multinomial distributions (the last axis of data holds
    the probabilities): output shape data.shape[:-1] + shape ((1,) for a 1-d data and no shape).
    Sampling inverts the cumulative distribution as MXNet does: probabilities that sum to less
    than 1 leave a draw past the total, which gives the index k = data.shape[-1] (MXNet 1.9.1 on
    CPU does the same).  With get_prob, also log(p[sample]) in data's dtype, whose gradient is 1/p at
    the sampled entries (for REINFORCE); the sample itself gets no gradient."""
    out = _dtype("_sample_multinomial", dtype, _MULTINOMIAL_DTYPES, "int32")
    shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape or ())
    _check("_sample_multinomial", data.ndim >= 1, "data must have at least one dimension")
    k = data.shape[-1]
    batch = data.shape[:-1]
    out_shape = batch + shape if (batch or shape) else (1,)
    draws = int(np.prod(shape, dtype=np.int64)) if shape else 1
    u = random_bits.uniform(key, batch + (draws,), np.float32).astype(data.dtype)
    cdf = jnp.cumsum(lax.stop_gradient(data), axis=-1)
    index = jnp.sum(cdf[..., None, :] <= u[..., None], axis=-1)
    samples = index.reshape(out_shape).astype(out)
    if not get_prob:
        return samples
    log_prob = jnp.log(jnp.take_along_axis(data, jnp.minimum(index, k - 1), axis=-1))
    return samples, log_prob.reshape(out_shape)


@register("_shuffle", inputs=("data",), random=True, aliases=("shuffle",))
def _shuffle(key, data):
    """Shuffle the array along its first axis.  mxjax differs: the gradient is the permutation
    (MXNet registers none); JAX's random stream, not MXNet's numbers."""
    _check("_shuffle", data.ndim >= 1, "data must have at least one dimension")
    return jax.random.permutation(key, data, axis=0)


# ---- probability densities --------------------------------------------------------------------------

def _log_normal(x, mu, sigma):
    return -0.5 * jnp.square((x - mu) / sigma) - jnp.log(sigma) - 0.5 * np.log(2 * np.pi)


def _log_uniform(x, low, high):
    return jnp.zeros_like(x) - jnp.log(high - low)


def _log_exponential(x, lam):
    return jnp.log(lam) - lam * x


def _log_gamma(x, alpha, beta):
    return alpha * jnp.log(beta) + (alpha - 1) * jnp.log(x) - beta * x - gammaln(alpha)


def _log_poisson(x, lam):
    return x * jnp.log(lam) - lam - gammaln(x + 1)


def _log_negative_binomial(x, k, p):
    return gammaln(x + k) - gammaln(k) - gammaln(x + 1) + k * jnp.log(p) + x * jnp.log1p(-p)


def _log_generalized_negative_binomial(x, mu, alpha):
    return _log_negative_binomial(x, 1 / alpha, 1 / (1 + mu * alpha))


def _pdf_operator(name, inputs, log_density, discrete, doc):
    def impl(sample, *params, is_log):
        first = params[0]
        for input_name, p in zip(inputs[1:], params[1:]):
            _check(name, p.shape == first.shape,
                   f"parameter {input_name} has shape {p.shape}, {inputs[0]} has shape {first.shape}; "
                   "they must be equal")
        _check(name, sample.shape[:first.ndim] == first.shape,
               f"sample shape {sample.shape} must start with the parameter shape {first.shape}")
        expand = (1,) * (sample.ndim - first.ndim)
        x = lax.stop_gradient(sample) if discrete else sample
        value = log_density(x, *[p.reshape(p.shape + expand) for p in params])
        return (value if is_log else jnp.exp(value)).astype(sample.dtype)

    impl.__name__ = name
    impl.__doc__ = doc
    register(name, inputs=("sample",) + inputs, attrs=dict(is_log=False), aliases=(name[1:],))(impl)


for _dist, _inputs, _log_density, _discrete, _what in (
        ("normal", ("mu", "sigma"), _log_normal, False, "normal distributions"),
        ("uniform", ("low", "high"), _log_uniform, False, "uniform distributions (1/(high-low), "
                                                           "without a support check, as in MXNet)"),
        ("exponential", ("lam",), _log_exponential, False, "exponential distributions (lam: rate)"),
        ("gamma", ("alpha", "beta"), _log_gamma, False, "gamma distributions (alpha: shape, beta: RATE)"),
        ("poisson", ("lam",), _log_poisson, True, "Poisson distributions"),
        ("negative_binomial", ("k", "p"), _log_negative_binomial, True,
         "negative binomial distributions (k successes, success probability p)"),
        ("generalized_negative_binomial", ("mu", "alpha"), _log_generalized_negative_binomial, True,
         "generalized negative binomial distributions (mean mu, dispersion alpha)")):
    _pdf_operator(f"_random_pdf_{_dist}", _inputs, _log_density, _discrete,
                  f"Computes the PDF (or its log, with is_log) of samples of {_what}, parameters given "
                  "per distribution: sample has shape param.shape + extra dimensions."
                  + (" The sample gets no gradient (a discrete variable)." if _discrete else ""))


@register("_random_pdf_dirichlet", inputs=("sample", "alpha"), attrs=dict(is_log=False),
          aliases=("random_pdf_dirichlet",))
def _pdf_dirichlet(sample, alpha, is_log):
    """Computes the PDF (or its log, with is_log) of samples of Dirichlet distributions: alpha has
    shape P + (k,), sample P + extra + (k,), the output P + extra ((1,) if that is empty)."""
    p_shape = alpha.shape[:-1]
    _check("_random_pdf_dirichlet", alpha.ndim >= 1 and sample.shape[:len(p_shape)] == p_shape
           and sample.shape[-1:] == alpha.shape[-1:],
           f"sample shape {sample.shape} must be the parameter shape {p_shape}, extra dimensions, then "
           f"{alpha.shape[-1:]}")
    a = alpha.reshape(p_shape + (1,) * (sample.ndim - alpha.ndim) + alpha.shape[-1:])
    value = (gammaln(jnp.sum(a, axis=-1)) - jnp.sum(gammaln(a), axis=-1)
             + jnp.sum((a - 1) * jnp.log(sample), axis=-1))
    value = value if is_log else jnp.exp(value)
    return (value.reshape((1,)) if value.ndim == 0 else value).astype(sample.dtype)


# ---- unique sampling ------------------------------------------------------------------------------

_UNIQUE_BLOCK = 4096


@register("_sample_unique_zipfian", inputs=(), attrs=dict(range_max=REQUIRED, shape=()), random=True)
def _sample_unique_zipfian(key, range_max, shape):
    """Per row of ``shape`` (batch, num_sampled): draw classes lround(range_max ** u) - 1, u
    uniform on [0, 1), until num_sampled distinct ones are found; returns (the distinct classes
    in order of first appearance, int64 (batch, num_sampled); the number of draws each row
    took, int64 (batch,)), as MXNet 1.9.1 does (sampled softmax candidates).

    mxjax draws in blocks of 4096 per row and keeps, within a block, each class's first
    occurrence not seen before; the trial count stops at the draw that completes the row."""
    shape = tuple(int(s) for s in shape or ())
    range_max = int(range_max)
    _check("_sample_unique_zipfian", len(shape) == 2, f"shape must be 2-D (batch, num_sampled), got {shape}")
    batch, wanted = shape
    _check("_sample_unique_zipfian", wanted <= range_max,
           "Number of samples cannot exceed the number of possible classes")
    log_range = np.log(range_max)
    rows = jnp.arange(batch)[:, None]
    block = _UNIQUE_BLOCK

    def body(state):
        step, seen, classes, count, trials = state
        u = random_bits.uniform(jax.random.fold_in(key, step), (batch, block), np.float64)
        drawn = (jnp.round(jnp.exp(u * log_range)) - 1).astype(np.int64)
        order = jnp.argsort(drawn, axis=1, stable=True)
        ranked = jnp.take_along_axis(drawn, order, axis=1)
        first_ranked = jnp.concatenate([jnp.ones((batch, 1), bool), ranked[:, 1:] != ranked[:, :-1]], axis=1)
        first = jnp.zeros((batch, block), bool).at[rows, order].set(first_ranked)
        fresh = first & ~seen[rows, drawn]
        filled = count[:, None] + jnp.cumsum(fresh, axis=1)
        take = fresh & (filled <= wanted)
        slot = jnp.where(take, filled - 1, wanted)
        classes = classes.at[rows, slot].set(drawn, mode="drop")
        seen = seen.at[rows, jnp.where(take, drawn, range_max)].set(True, mode="drop")
        done_at = jnp.argmax(take & (filled == wanted), axis=1)
        finishes = jnp.any(take & (filled == wanted), axis=1)
        active = count < wanted
        trials = trials + jnp.where(active, jnp.where(finishes, done_at + 1, block), 0)
        return step + 1, seen, classes, jnp.minimum(filled[:, -1], wanted), trials

    init = (jnp.uint32(0), jnp.zeros((batch, range_max), bool), jnp.zeros((batch, wanted), np.int64),
            jnp.zeros((batch,), np.int64), jnp.zeros((batch,), np.int64))
    _, _, classes, _, trials = lax.while_loop(lambda state: jnp.any(state[3] < wanted), body, init)
    return classes, trials
