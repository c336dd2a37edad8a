"""Sorting and searching: sort, argsort, topk (argmax_channel is with the reductions).

As in MXNet 1.9.1: indices are float32 unless ``dtype`` says otherwise; ties keep their
original order in both directions (a stable sort); ``axis=None`` works on the flattened
array.  Sorted values carry the gradient back to the elements they came from; index and
mask outputs have a zero gradient.
"""
import jax.numpy as jnp

from ...base import MXNetError
from ..registry import register

_INDEX_DTYPES = ("float16", "float32", "float64", "int32", "int64", "uint8")


def _prepare(op, data, axis):
    """(data, axis): flattened for axis=None, else the axis checked and made non-negative."""
    if axis is None:
        return data.reshape(-1), 0
    if not -data.ndim <= axis < data.ndim:
        raise MXNetError(f"{op}: invalid axis={axis} for an input with {data.ndim} dimensions")
    return data, axis % data.ndim


def _index_dtype(op, dtype):
    if dtype not in _INDEX_DTYPES:
        raise MXNetError(f"{op}: invalid dtype={dtype!r}: valid values are {', '.join(_INDEX_DTYPES)}")
    return dtype


def _order(data, axis, is_ascend):
    return jnp.argsort(data, axis=axis, stable=True, descending=not is_ascend)


@register("sort", attrs=dict(axis=-1, is_ascend=True), method=True)
def _sort(data, axis, is_ascend):
    data, axis = _prepare("sort", data, axis)
    return jnp.take_along_axis(data, _order(data, axis, is_ascend), axis=axis, mode="promise_in_bounds")


@register("argsort", attrs=dict(axis=-1, is_ascend=True, dtype="float32"), method=True)
def _argsort(data, axis, is_ascend, dtype):
    dtype = _index_dtype("argsort", dtype)
    data, axis = _prepare("argsort", data, axis)
    return _order(data, axis, is_ascend).astype(dtype)


@register("topk", attrs=dict(axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32"), method=True)
def _topk(data, axis, k, ret_typ, is_ascend, dtype):
    """The k largest (smallest with ``is_ascend``) along ``axis``, sorted; ``k < 1`` sorts the whole
    axis.  ``ret_typ``: "value", "indices", "both" ([values, indices]) or "mask" (1 at the top k
    positions, in the data's dtype)."""
    if ret_typ not in ("both", "indices", "mask", "value"):
        raise MXNetError(f"topk: invalid ret_typ={ret_typ!r}: valid values are 'both', 'indices', 'mask', 'value'")
    dtype = _index_dtype("topk", dtype)
    shape = data.shape
    data, axis = _prepare("topk", data, axis)
    n = data.shape[axis]
    if k > n:
        raise MXNetError(f"topk: k={k} must not exceed the {n} elements along the axis")
    k = n if k < 1 else int(k)
    order = jnp.moveaxis(_order(data, axis, is_ascend), axis, -1)[..., :k]
    order = jnp.moveaxis(order, -1, axis)
    if ret_typ == "mask":
        hit = jnp.zeros(data.shape, bool)
        hit = jnp.put_along_axis(hit, order, True, axis=axis, inplace=False)
        return hit.astype(data.dtype).reshape(shape)
    indices = order.astype(dtype)
    if ret_typ == "indices":
        return indices
    values = jnp.take_along_axis(data, order, axis=axis, mode="promise_in_bounds")
    return values if ret_typ == "value" else (values, indices)
