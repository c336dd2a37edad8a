"""``nd.contrib`` math operators: arange_like, div_sqrt_dim, index_copy, boolean_mask,
index_array, allclose, quadratic, the straight-through round_ste/sign_ste, and
gradientmultiplier; plus MXNet's Python functions isnan/isinf/isfinite.

``boolean_mask``'s output shape depends on the mask's values: ``nd.contrib.boolean_mask``
reads the mask (a sync point, as MXNet's own imperative call is) to count the selected
rows, then gathers them through the ``_contrib_boolean_mask`` operator, so the result is
differentiable with respect to ``data`` like any other operator.
"""
import jax
import jax.numpy as jnp
import numpy as np

from ...base import MXNetError
from ..registry import register
from .math import _is_int, _round, _sign, _via_float, convert


def _check_axis(op, axis, ndim):
    if not -ndim <= axis < ndim:
        raise MXNetError(f"{op}: argument 'axis' {axis} is out of range for an array with {ndim} dimensions")
    return axis % ndim


@register("_contrib_arange_like", attrs=dict(start=0.0, step=1.0, repeat=1, ctx=None, axis=None))
def _arange_like(data, start, step, repeat, ctx, axis):
    """start, start + step, ... shaped like ``data`` (or like ``data``'s ``axis``), each value
    ``repeat`` times, in ``data``'s dtype.  ``ctx`` is accepted and ignored: the result lives
    where ``data`` does."""
    if axis is None:
        shape = data.shape
    else:
        shape = (data.shape[_check_axis("_contrib_arange_like", axis, data.ndim)],)
    if repeat < 1:
        raise MXNetError(f"_contrib_arange_like: argument 'repeat' must be positive, got {repeat}")
    n = int(np.prod(shape, dtype=np.int64))
    values = float(start) + (np.arange(n, dtype=np.int64) // int(repeat)) * float(step)
    return convert(jnp.asarray(values.reshape(shape), jnp.float64), data.dtype)


@register("_contrib_div_sqrt_dim")
def _div_sqrt_dim(data):
    """data / sqrt(data.shape[-1])."""
    scale = float(np.sqrt(data.shape[-1]))
    return _via_float(lambda x: x / jnp.asarray(scale, x.dtype))(data).astype(data.dtype)


def _check_index(op, name, index):
    if index.ndim != 1:
        raise MXNetError(f"{op}: argument '{name}' must be 1-d, got shape {index.shape}")


@register("_contrib_index_copy", inputs=("old_tensor", "index_vector", "new_tensor"))
def _index_copy(old_tensor, index_vector, new_tensor):
    """old_tensor with row index_vector[i] replaced by new_tensor[i].  Indices out of range are
    skipped; for a repeated index the last row wins.  The gradient of old_tensor is zero on
    the replaced rows; new_tensor gets the gradient of the rows it wrote."""
    op = "_contrib_index_copy"
    _check_index(op, "index_vector", index_vector)
    expected = (index_vector.shape[0],) + tuple(old_tensor.shape[1:])
    if tuple(new_tensor.shape) != expected:
        raise MXNetError(f"{op}: argument 'new_tensor' must have shape {expected} (len(index_vector), "
                         f"*old_tensor.shape[1:]), got {tuple(new_tensor.shape)}")
    if new_tensor.dtype != old_tensor.dtype:
        raise MXNetError(f"{op}: new_tensor has dtype {new_tensor.dtype}, old_tensor {old_tensor.dtype}")
    n, rows = index_vector.shape[0], old_tensor.shape[0]
    idx = convert(index_vector, np.int64) if not _is_int(index_vector.dtype) else index_vector.astype(jnp.int64)
    later = jnp.arange(n)[None, :] > jnp.arange(n)[:, None]
    overwritten = jnp.any((idx[:, None] == idx[None, :]) & later, axis=1)
    keep = (idx >= 0) & (idx < rows) & ~overwritten
    idx = jnp.where(keep, idx, rows)     # out of range: dropped by the scatter
    return old_tensor.at[idx].set(new_tensor, mode="drop")


@register("_contrib_boolean_mask", inputs=("data", "index"), attrs=dict(axis=0, _num_selected=None))
def _boolean_mask_op(data, index, axis, _num_selected):
    """The slices of ``data`` along ``axis`` where ``index`` is nonzero.  Use
    ``nd.contrib.boolean_mask``, which counts the selected slices (``_num_selected``) first.
    mxjax differs: any ``axis`` works (MXNet 1.9.1 supports axis 0 only)."""
    op = "_contrib_boolean_mask"
    axis = _check_axis(op, axis, data.ndim)
    _check_index(op, "index", index)
    if index.shape[0] != data.shape[axis]:
        raise MXNetError(f"{op}: argument 'index' has length {index.shape[0]}, data has {data.shape[axis]} "
                         f"along axis {axis}")
    if _num_selected is None:
        raise MXNetError(f"{op}: the output shape depends on the values of 'index'; call "
                         "nd.contrib.boolean_mask(data, index)")
    (positions,) = jnp.nonzero(index != 0, size=int(_num_selected))
    return jnp.take(data, positions, axis=axis)


def boolean_mask(data, index, axis=0, out=None, name=None):
    """``nd.contrib.boolean_mask``: the rows of ``data`` where ``index`` is nonzero (reads
    ``index`` to size the result, then gathers them differentiably)."""
    from ..registry import OPS
    from ..ndarray import invoke
    op = OPS["_contrib_boolean_mask"]
    count = int(np.count_nonzero(index.asnumpy()))
    arrays, attrs = op.parse((data, index), dict(axis=axis, _num_selected=count))
    result = invoke(op, arrays, attrs)
    if out is not None:
        out._assign(result._value)
        return out
    return result


@register("_contrib_index_array", attrs=dict(axes=None))
def _index_array(data, axes):
    """For each element of ``data``, its index (along ``axes``, all by default) as int64:
    shape data.shape + (len(axes),)."""
    axes = tuple(range(data.ndim)) if axes is None else ((axes,) if isinstance(axes, int) else tuple(axes))
    axes = tuple(_check_axis("_contrib_index_array", a, data.ndim) for a in axes)
    grids = jnp.meshgrid(*(jnp.arange(n, dtype=jnp.int64) for n in data.shape), indexing="ij")
    return jnp.stack([grids[a] for a in axes], axis=-1) if axes else jnp.zeros(data.shape + (0,), jnp.int64)


@register("_contrib_allclose", inputs=("a", "b"), attrs=dict(rtol=1e-5, atol=1e-8, equal_nan=True))
def _allclose(a, b, rtol, atol, equal_nan):
    """1 (uint8, shape ()) if |a - b| <= atol + rtol * |b| everywhere, else 0."""
    if a.shape != b.shape:
        raise MXNetError(f"_contrib_allclose: a and b must have the same shape, got {a.shape} and {b.shape}")
    a, b = a.astype(jnp.float64), b.astype(jnp.float64)
    close = jnp.abs(a - b) <= atol + rtol * jnp.abs(b)
    if equal_nan:
        close = close | (jnp.isnan(a) & jnp.isnan(b))
    return jnp.all(close).astype(jnp.uint8)


@register("_contrib_quadratic", attrs=dict(a=0.0, b=0.0, c=0.0))
def _quadratic(data, a, b, c):
    """a * x**2 + b * x + c."""
    return _via_float(lambda x: jnp.asarray(a, x.dtype) * x * x + jnp.asarray(b, x.dtype) * x
                      + jnp.asarray(c, x.dtype))(data).astype(data.dtype)


def _straight_through(fn):
    """``fn`` forward, identity gradient (straight-through estimator)."""
    @jax.custom_jvp
    def f(x):
        return fn(x)
    f.defjvp(lambda primals, tangents: (f(primals[0]), tangents[0]))
    return f


register("_contrib_round_ste", doc="round (halves away from zero) forward; the gradient passes "
         "through unchanged.")(_straight_through(lambda x: _round(x).astype(x.dtype)))
register("_contrib_sign_ste", doc="sign forward; the gradient passes through unchanged.")(
    _straight_through(lambda x: _sign(x).astype(x.dtype)))


@register("_contrib_gradientmultiplier", attrs=dict(scalar=1.0, is_int=True))
def _gradientmultiplier(data, scalar, is_int):
    """Identity forward; the gradient is multiplied by ``scalar``."""
    @jax.custom_jvp
    def f(x):
        return x

    @f.defjvp
    def f_jvp(primals, tangents):
        return f(primals[0]), tangents[0] * jnp.asarray(float(scalar), tangents[0].dtype)
    return f(data)


# ---- MXNet's Python functions in nd.contrib ----------------------------------------------------------

def isnan(data):
    """1 where ``data`` is NaN, else 0, in ``data``'s dtype."""
    if _is_int(np.dtype(data.dtype)):
        return data.zeros_like()
    return data != data


def isinf(data):
    """1 where ``data`` is +inf or -inf, else 0, in ``data``'s dtype."""
    if _is_int(np.dtype(data.dtype)):
        return data.zeros_like()
    return data.abs() == np.inf


def isfinite(data):
    """1 where ``data`` is neither NaN nor infinite, else 0, in ``data``'s dtype."""
    if _is_int(np.dtype(data.dtype)):
        return data.ones_like()
    return (data == data) * (data.abs() != np.inf)


def install(contrib):
    contrib.boolean_mask = boolean_mask
    contrib.isnan = isnan
    contrib.isinf = isinf
    contrib.isfinite = isfinite
