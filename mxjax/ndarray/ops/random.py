"""Random sampling operators; each takes a fresh key from ``mx.random`` as first input."""
import jax
import jax.numpy as jnp

from ..registry import register

_SHAPE = dict(shape=(), dtype="float32")


@register("_random_uniform", inputs=(), attrs=dict(low=0.0, high=1.0, **_SHAPE), random=True)
def _uniform(key, low, high, shape, dtype):
    return jax.random.uniform(key, shape, jnp.dtype(dtype), low, high)


@register("_random_normal", inputs=(), attrs=dict(loc=0.0, scale=1.0, **_SHAPE), random=True)
def _normal(key, loc, scale, shape, dtype):
    return (loc + scale * jax.random.normal(key, shape, jnp.dtype(dtype))).astype(dtype)


@register("_random_randint", inputs=(), attrs=dict(low=0, high=1, shape=(), dtype="int32"), random=True)
def _randint(key, low, high, shape, dtype):
    return jax.random.randint(key, shape, low, high, jnp.dtype(dtype))


@register("_random_exponential", inputs=(), attrs=dict(lam=1.0, **_SHAPE), random=True)
def _exponential(key, lam, shape, dtype):
    return (jax.random.exponential(key, shape, jnp.dtype(dtype)) / lam).astype(dtype)


@register("_random_gamma", inputs=(), attrs=dict(alpha=1.0, beta=1.0, **_SHAPE), random=True)
def _gamma(key, alpha, beta, shape, dtype):
    return (jax.random.gamma(key, alpha, shape, jnp.dtype(dtype)) * beta).astype(dtype)


@register("_random_poisson", inputs=(), attrs=dict(lam=1.0, **_SHAPE), random=True)
def _poisson(key, lam, shape, dtype):
    return jax.random.poisson(key, lam, shape).astype(dtype)


@register("_random_negative_binomial", inputs=(), attrs=dict(k=1, p=1.0, **_SHAPE), random=True)
def _negative_binomial(key, k, p, shape, dtype):
    k1, k2 = jax.random.split(key)
    rate = jax.random.gamma(k1, k, shape) * (1 - p) / p
    return jax.random.poisson(k2, rate, shape).astype(dtype)


@register("_sample_multinomial", inputs=("data",), attrs=dict(shape=(), get_prob=False, dtype="int32"), random=True)
def _multinomial(key, data, shape, get_prob, dtype):
    logits = jnp.log(data)
    n = 1
    for s in shape:
        n *= s
    draws = jax.random.categorical(key, logits, axis=-1, shape=(max(n, 1),) + data.shape[:-1])
    draws = jnp.moveaxis(draws, 0, -1).reshape(data.shape[:-1] + tuple(shape))
    if not get_prob:
        return draws.astype(dtype)
    flat = draws.reshape(data.shape[:-1] + (-1,))
    log_prob = jnp.take_along_axis(logits, flat, axis=-1).reshape(draws.shape)
    return draws.astype(dtype), log_prob


@register("_shuffle", inputs=("data",), random=True)
def _shuffle(key, data):
    return jax.random.permutation(key, data, axis=0)
