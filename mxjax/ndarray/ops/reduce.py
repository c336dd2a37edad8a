"""Reductions with MXNet's ``axis`` / ``keepdims`` / ``exclude`` and its (1,)-shaped scalars.

Reducing to a single value gives shape (1,), not (); argmax/argmin return
float32 indices, as MXNet does.
"""
import jax
import jax.numpy as jnp

from ...base import MXNetError
from ..registry import register

_REDUCE_ATTRS = dict(axis=None, keepdims=False, exclude=False)


def _axes(ndim, axis, exclude, name):
    if axis is None or axis == ():
        axes = tuple(range(ndim))
    else:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        for a in axes:
            if not -ndim <= a < max(ndim, 1):
                raise MXNetError(f"{name}: axis {a} is out of range for an array with {ndim} dimensions")
        axes = tuple(sorted(a % max(ndim, 1) for a in axes))
    if exclude:
        axes = tuple(a for a in range(ndim) if a not in axes)
    return axes


def _scalar_as_1d(out):
    return out.reshape((1,)) if out.ndim == 0 else out


def _reduction(name, fn, aliases=()):
    def impl(data, axis, keepdims, exclude):
        out = fn(data, axis=_axes(data.ndim, axis, exclude, name), keepdims=keepdims)
        return _scalar_as_1d(out.astype(data.dtype))
    register(name, attrs=_REDUCE_ATTRS, method=True, aliases=aliases)(impl)


def _extremum(fn):
    """max/min reduction whose gradient goes in full to every tied element (MXNet's
    ``_backward_max`` uses an equality mask; JAX splits it among ties)."""
    def reduce(data, axis, keepdims):
        @jax.custom_jvp
        def f(x):
            return fn(x, axis=axis, keepdims=keepdims)

        @f.defjvp
        def f_jvp(primals, tangents):
            (x,), (t,) = primals, tangents
            mask = x == fn(x, axis=axis, keepdims=True)
            return f(x), jnp.sum(jnp.where(mask, t, jnp.zeros_like(t)), axis=axis, keepdims=keepdims)
        return f(data)
    return reduce


_reduction("sum", jnp.sum, aliases=("sum_axis",))
_reduction("mean", jnp.mean)
_reduction("prod", jnp.prod)
_reduction("max", _extremum(jnp.max), aliases=("max_axis",))
_reduction("min", _extremum(jnp.min), aliases=("min_axis",))
_reduction("nansum", jnp.nansum)
_reduction("nanprod", jnp.nanprod)


@register("norm", attrs=dict(ord=2, axis=None, out_dtype=None, keepdims=False), method=True)
def _norm(data, ord, axis, out_dtype, keepdims):
    axes = _axes(data.ndim, axis, False, "norm")
    if ord == 2:
        out = jnp.sqrt(jnp.sum(jnp.square(data), axis=axes, keepdims=keepdims))
    elif ord == 1:
        out = jnp.sum(jnp.abs(data), axis=axes, keepdims=keepdims)
    else:
        raise MXNetError(f"norm: ord must be 1 or 2, got {ord}")
    return _scalar_as_1d(out.astype(out_dtype or data.dtype))


def _arg_reduction(name, fn):
    def impl(data, axis, keepdims):
        if axis is None:
            out = fn(data.reshape(-1))
            out = out.reshape((1,) * data.ndim) if keepdims else out
        else:
            (ax,) = _axes(data.ndim, axis, False, name)
            out = fn(data, axis=ax, keepdims=keepdims)
        return _scalar_as_1d(out.astype(jnp.float32))
    register(name, attrs=dict(axis=None, keepdims=False), method=True)(impl)


_arg_reduction("argmax", jnp.argmax)
_arg_reduction("argmin", jnp.argmin)
