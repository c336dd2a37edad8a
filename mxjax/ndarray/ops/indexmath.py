"""Scans and index arithmetic: cumsum, ravel_multi_index, unravel_index, khatri_rao, histogram,
batch_take."""
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError
from ..registry import register


@register("cumsum", inputs=("a",), attrs=dict(axis=None, dtype=None), aliases=("_np_cumsum",))
def _cumsum(a, axis, dtype):
    """Cumulative sum along ``axis`` (None: over the flattened array); the result has
    ``dtype``, by default the input's (integers stay integers, as in MXNet).  mxjax differs:
    a negative ``axis`` counts from the end (MXNet 1.9.1 rejects it)."""
    if axis is None:
        a, axis = a.reshape(-1), 0
    elif not -a.ndim <= axis < a.ndim:
        raise MXNetError(f"cumsum: axis {axis} is out of range for an array with {a.ndim} dimensions")
    out_dtype = np.dtype(dtype) if dtype is not None else a.dtype
    return jnp.cumsum(a.astype(out_dtype), axis=axis, dtype=out_dtype)


def _check_shape(op, shape):
    if not shape:
        raise MXNetError(f"{op}: the argument 'shape' is required (the shape of the array the indices refer to)")
    return tuple(int(s) for s in shape)


@register("ravel_multi_index", aliases=("_ravel_multi_index",), attrs=dict(shape=None))
def _ravel_multi_index(data, shape):
    """Flat indices of the multi-indices in the columns of ``data`` (len(shape), n) into an
    array of ``shape``, in data's dtype.  No gradient (integer-valued)."""
    shape = _check_shape("ravel_multi_index", shape)
    if data.shape[0] != len(shape):
        raise MXNetError(f"ravel_multi_index: data has {data.shape[0]} rows, shape {shape} has {len(shape)} "
                         "dimensions")
    strides = np.cumprod((1,) + shape[:0:-1])[::-1]
    index = lax.stop_gradient(data).astype(jnp.int64)
    flat = (index * jnp.asarray(strides, jnp.int64).reshape((-1,) + (1,) * (data.ndim - 1))).sum(0)
    return flat.astype(data.dtype)


@register("unravel_index", aliases=("_unravel_index",), attrs=dict(shape=None))
def _unravel_index(data, shape):
    """The multi-indices (len(shape), *data.shape) of the flat indices ``data`` into an array of
    ``shape``, in data's dtype.  As MXNet's, the first index is what remains after the others
    (no modulo: an index past the end gives a first index past shape[0], and shape[0] may be
    -1).  No gradient (integer-valued)."""
    shape = _check_shape("unravel_index", shape)
    index = lax.stop_gradient(data).astype(jnp.int64)
    rows = []
    for size in reversed(shape[1:]):
        rows.append(index % size)
        index = index // size
    rows.append(index)
    return jnp.stack(rows[::-1]).astype(data.dtype)


@register("khatri_rao", inputs=(), variadic=True)
def _khatri_rao(*args):
    """Column-wise Kronecker product of matrices (I_k, R): shape (I_1 * ... * I_n, R), the first
    matrix's row index varying slowest."""
    if not args:
        raise MXNetError("khatri_rao: at least one matrix is required")
    cols = args[0].shape[-1]
    for m in args:
        if m.ndim != 2 or m.shape[1] != cols:
            raise MXNetError(f"khatri_rao: every input must be a matrix with {cols} columns, got shape {m.shape}")
    out = args[0]
    for m in args[1:]:
        out = (out[:, None, :] * m[None, :, :]).reshape(-1, cols)
    return out


@register("_histogram", inputs=("data", "bins?"), attrs=dict(bin_cnt=None, range=None))
def _histogram_op(data, bins=None, bin_cnt=None, range=None):
    """(counts as int64, bin edges in data's dtype) of the flattened ``data``: over the edges
    ``bins`` (an array), or ``bin_cnt`` equal bins over ``range``.  The last bin includes its
    right edge; values outside are not counted.  Use ``nd.histogram``."""
    flat = lax.stop_gradient(data).reshape(-1)
    if bins is None:
        if bin_cnt is None or range is None:
            raise MXNetError("_histogram: give the bin edges, or bin_cnt and range")
        lo, hi = range
        if lo > hi:
            raise MXNetError(f"_histogram: the range {range} must be increasing")
        edges = jnp.linspace(lo, hi, int(bin_cnt) + 1).astype(data.dtype)
    else:
        edges = lax.stop_gradient(bins).astype(data.dtype)
    n = edges.shape[0] - 1
    index = jnp.clip(jnp.searchsorted(edges, flat, side="right") - 1, 0, n - 1)
    inside = (flat >= edges[0]) & (flat <= edges[-1])
    counts = jnp.zeros(n, jnp.int64).at[index].add(inside.astype(jnp.int64))
    return counts, edges


def histogram(a, bins=10, range=None):
    """``nd.histogram``: (counts, bin edges) of the flattened ``a``.  ``bins`` an NDArray of
    edges, or a number of equal bins over ``range``.  As MXNet 1.9.1: without ``range``, the
    result is numpy's histogram of the values (counts as float32 then) with a warning."""
    import warnings
    from ..ndarray import NDArray, _call, array
    if isinstance(bins, NDArray):
        return _call("_histogram", a, bins)
    if range is None:
        warnings.warn("range is not specified, using numpy's result to ensure consistency with numpy")
        counts, edges = np.histogram(a.asnumpy(), bins=bins)
        return array(counts), array(edges)
    return _call("_histogram", a, bin_cnt=int(bins), range=tuple(range))


@register("batch_take", inputs=("a", "indices"))
def _batch_take(a, indices):
    """``a[i, indices[i]]`` for each row of ``a`` (N, K), the indices clipped to [0, K);
    MXNet's deprecated predecessor of ``pick``."""
    if a.ndim != 2 or indices.shape != a.shape[:1]:
        raise MXNetError(f"batch_take: a must be (N, K) and indices (N,), got {a.shape} and {indices.shape}")
    index = jnp.clip(lax.stop_gradient(indices).astype(jnp.int32), 0, a.shape[1] - 1)
    return jnp.take_along_axis(a, index[:, None], axis=1)[:, 0]
