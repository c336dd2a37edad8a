"""Reductions with MXNet's ``axis`` / ``keepdims`` / ``exclude`` and its (1,)-shaped scalars.

MXNet 1.9.1, as observed: reducing to a single value gives shape (1,), not ();
``axis=None`` and ``axis=()`` both reduce every axis (also with ``exclude=True``);
``exclude=True`` reduces the axes *not* listed; an axis out of range or given twice is
an error.  Results keep the input's dtype: integer sums wrap around, an integer mean
is the wrapped sum divided with truncation, and argmax/argmin return their indices
in the input's dtype (float32 for the usual float32 arrays).
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError
from ..registry import register
from .math import _is_int, convert

_REDUCE_ATTRS = dict(axis=None, keepdims=False, exclude=False)


def _axis_tuple(name, axis):
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer, tuple, list)):
        raise MXNetError(f"{name}: invalid value for argument 'axis': {axis!r} (expected an int, "
                         "a tuple of ints or None)")
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    for a in axes:
        if isinstance(a, (bool, np.bool_)) or not isinstance(a, (int, np.integer)):
            raise MXNetError(f"{name}: invalid value for argument 'axis': {axis!r} (expected an int, "
                             "a tuple of ints or None)")
    return tuple(int(a) for a in axes)


def reduce_axes(shape, axis, exclude, name):
    """The sorted axes an MXNet reduction reduces, with MXNet's checks."""
    ndim = len(shape)
    if axis is None or axis == ():
        return tuple(range(ndim))
    axes = _axis_tuple(name, axis)
    normalized = []
    for a in axes:
        if not -ndim <= a < ndim:
            raise MXNetError(f"{name}: reduction axis {a} (argument 'axis') exceeds the input dimensions "
                             f"{list(shape)}")
        normalized.append(a % ndim)
    normalized = sorted(normalized)
    if len(set(normalized)) != len(normalized):
        raise MXNetError(f"{name}: reduction axes (argument 'axis') have duplicates: {list(axes)}")
    if exclude:
        return tuple(a for a in range(ndim) if a not in normalized)
    return tuple(normalized)


def _scalar_as_1d(out):
    return out.reshape((1,)) if out.ndim == 0 else out


def _check_data(name, data):
    if data.ndim == 0:
        raise MXNetError(f"{name}: the input must have at least one dimension, got shape ()")


def _reduction(name, fn, aliases=(), doc=None):
    def impl(data, axis, keepdims, exclude):
        _check_data(name, data)
        axes = reduce_axes(data.shape, axis, exclude, name)
        if not axes:
            return data
        return _scalar_as_1d(fn(data, axes, keepdims))
    impl.__doc__ = doc
    register(name, attrs=_REDUCE_ATTRS, method=True, aliases=aliases)(impl)


def _in_dtype(fn):
    """A numpy-style reduction whose result is cast back to the input's dtype (integer sums
    wrap around as MXNet's do)."""
    return lambda data, axes, keepdims: fn(data, axis=axes, keepdims=keepdims).astype(data.dtype)


def _mean(data, axes, keepdims):
    if _is_int(data.dtype):  # MXNet: the (wrapped) integer sum, divided with truncation
        total = jnp.sum(data, axis=axes, keepdims=keepdims).astype(data.dtype)
        count = int(np.prod([data.shape[a] for a in axes], dtype=np.int64))
        return lax.div(total, jnp.asarray(count, data.dtype)) if count else total
    if data.dtype == jnp.float16:
        return jnp.mean(data.astype(jnp.float32), axis=axes, keepdims=keepdims).astype(data.dtype)
    return jnp.mean(data, axis=axes, keepdims=keepdims)


def _nan_propagating(fn):
    """max/min that is NaN wherever the reduced elements hold a NaN, as MXNet's (and numpy's).
    XLA's CPU row reductions skip NaNs (a (7, 5040) max over axis 1 of rows holding NaNs comes out
    finite), so floating inputs mark NaN rows explicitly."""
    def reduce(x, axis, keepdims):
        out = fn(x, axis=axis, keepdims=keepdims)
        if not jnp.issubdtype(x.dtype, jnp.inexact):
            return out
        return jnp.where(jnp.isnan(x).any(axis=axis, keepdims=keepdims), jnp.asarray(jnp.nan, out.dtype), out)
    return reduce


def _extremum(fn):
    """max/min reduction whose gradient goes in full to every tied element (MXNet's
    ``_backward_max`` uses an equality mask; JAX splits it among ties)."""
    fn = _nan_propagating(fn)

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


_reduction("sum", _in_dtype(jnp.sum), aliases=("sum_axis",), doc="Sum over ``axis`` (all axes by default).")
_reduction("mean", _mean, doc="Mean over ``axis``; integer arrays divide their wrapped sum with truncation.")
_reduction("prod", _in_dtype(jnp.prod),
           doc="Product over ``axis``.  mxjax differs: the gradient at zeros is the exact one; "
               "MXNet's (out / x) is NaN there.")
_reduction("max", _in_dtype(_extremum(jnp.max)), aliases=("max_axis",),
           doc="Maximum over ``axis``; every tied element gets the full gradient (as MXNet).")
_reduction("min", _in_dtype(_extremum(jnp.min)), aliases=("min_axis",),
           doc="Minimum over ``axis``; every tied element gets the full gradient (as MXNet).")
_reduction("nansum", _in_dtype(jnp.nansum), doc="Sum over ``axis``, NaN counted as 0 (and given no gradient).")
_reduction("nanprod", _in_dtype(jnp.nanprod), doc="Product over ``axis``, NaN counted as 1 (and given no gradient).")


def _integer_l2(data, axes, keepdims):
    """MXNet's L2 norm of an integer array: its scaled sum of squares is computed in integer
    arithmetic, so it comes out as trunc(M * sqrt(c)) with M = max |x| and c the number of
    elements with |x| == M (norm of int [3, 4] is 4)."""
    a = jnp.abs(data)
    m = jnp.max(a, axis=axes, keepdims=True)
    count = jnp.sum((a == m) & (m != 0), axis=axes, keepdims=keepdims).astype(jnp.float32)
    m = m if keepdims else jnp.squeeze(m, axis=axes)
    return convert(m.astype(jnp.float32) * jnp.sqrt(count), data.dtype)


@register("norm", attrs=dict(ord=2, axis=None, out_dtype=None, keepdims=False), method=True)
def _norm(data, ord, axis, out_dtype, keepdims):
    """L2 (``ord=2``) or L1 (``ord=1``) norm over ``axis`` (all axes by default, as a flattened
    vector).  mxjax differs: ``out_dtype`` is honoured for every input dtype (MXNet 1.9.1
    raises a dtype mismatch unless it equals the input's dtype)."""
    _check_data("norm", data)
    if isinstance(ord, (bool, np.bool_)) or not isinstance(ord, (int, np.integer)):
        raise MXNetError(f"norm: invalid value for argument 'ord': {ord!r} (expected the int 1 or 2)")
    if ord not in (1, 2):
        raise MXNetError(f"norm: argument 'ord' must be 1 or 2 (norm only supports ord=1 and ord=2), got {ord}")
    axes = reduce_axes(data.shape, axis, False, "norm")
    if ord == 1:
        out = jnp.sum(jnp.abs(data), axis=axes, keepdims=keepdims).astype(data.dtype)
    elif _is_int(data.dtype):
        out = _integer_l2(data, axes, keepdims)
    else:
        x = data.astype(jnp.float32) if data.dtype == jnp.float16 else data
        out = jnp.sqrt(jnp.sum(jnp.square(x), axis=axes, keepdims=keepdims)).astype(data.dtype)
    if out_dtype is not None:
        from .math import _dtype_attr
        out = convert(out, _dtype_attr("norm", out_dtype))
    return _scalar_as_1d(out)


def _arg_reduction(name, fn):
    def impl(data, axis, keepdims):
        _check_data(name, data)
        if axis is None:
            out = fn(data.reshape(-1))
            out = out.reshape((1,) * data.ndim) if keepdims else out
        else:
            if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
                raise MXNetError(f"{name}: invalid value for argument 'axis': {axis!r} (expected an int or None)")
            if not -data.ndim <= axis < data.ndim:
                raise MXNetError(f"{name}: axis {axis} (argument 'axis') exceeds the input dimension "
                                 f"of {data.ndim}")
            out = fn(data, axis=int(axis), keepdims=keepdims)
        return _scalar_as_1d(out.astype(data.dtype))
    impl.__doc__ = (f"Index of the {name[3:]}imum over ``axis`` (of the flattened array by default), "
                    "in the input's dtype (float32 for float32 arrays), as MXNet returns it.")
    register(name, attrs=dict(axis=None, keepdims=False), method=True)(impl)


_arg_reduction("argmax", jnp.argmax)
_arg_reduction("argmin", jnp.argmin)


@register("argmax_channel", method=True)
def _argmax_channel(data):
    """argmax over axis 1, in the input's dtype."""
    if data.ndim < 2:
        raise MXNetError(f"argmax_channel: axis 1 exceeds the input dimension of {data.ndim}")
    return jnp.argmax(data, axis=1).astype(data.dtype)


@register("moments", attrs=dict(axes=None, keepdims=False))
def _moments(data, axes, keepdims):
    """Mean and (biased) variance over ``axes`` (all axes when None), as two outputs."""
    axes = reduce_axes(data.shape, axes, False, "moments")
    mean = jnp.mean(data, axis=axes, keepdims=True)
    var = jnp.mean(jnp.square(data - mean), axis=axes, keepdims=keepdims)
    mean = mean if keepdims else jnp.squeeze(mean, axes)
    return _scalar_as_1d(mean.astype(data.dtype)), _scalar_as_1d(var.astype(data.dtype))
