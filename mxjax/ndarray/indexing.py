"""``NDArray.__getitem__`` / ``__setitem__`` with MXNet 1.x semantics.

Keys are turned into a hashable spec (ints, slices, None, Ellipsis) plus
index arrays, which are dynamic inputs of the ``_getitem`` / ``_setitem``
ops; the positions of ints and slices are dynamic too (``_window``), so a
loop over ``x[i]`` compiles once.  As in MXNet: a result with no dimensions has shape (1,)
(``x[1, 2]``), integer indices are bounds-checked, index arrays may be float
(they are cast to integers), and a first-axis int or step-1 slice is a view.
"""
import numpy as np
import jax.numpy as jnp

from ..base import MXNetError
from .ndarray import NDArray, _call, array, check_inplace_recording, scalar_value
from .registry import register
from .view import View, make_view
from .windows import split_positions, take_window, put_window, window_key, windows


def _normalize(arr, key):
    """(static spec, list of index NDArrays) for ``key``."""
    items = key if isinstance(key, tuple) else (key,)
    spec, arrays = [], []
    axis = 0
    for item in items:
        if isinstance(item, (bool, np.bool_)):
            raise MXNetError("boolean scalar indices are not supported by MXNet NDArray indexing")
        if isinstance(item, (int, np.integer)):
            size = arr.shape[axis] if axis < arr.ndim else 0
            if not -size <= int(item) < size:
                raise IndexError(f"index {int(item)} is out of bounds for axis {axis} with size {size}")
            spec.append(("i", int(item) % size))
            axis += 1
        elif isinstance(item, slice):
            spec.append(("s", item.start, item.stop, item.step))
            axis += 1
        elif item is None:
            spec.append(("n",))
        elif item is Ellipsis:
            spec.append(("e",))
            axis = arr.ndim - sum(1 for it in items[len(spec):] if it is not None and it is not Ellipsis)
        elif isinstance(item, (NDArray, np.ndarray, list, range, tuple)):   # a nested tuple: an index array
            if not isinstance(item, NDArray):
                item = array(np.asarray(item), ctx=arr.context, dtype=np.int64)
            spec.append(("a", len(arrays)))
            arrays.append(item)
            axis += 1
        else:
            raise MXNetError(f"NDArray does not support indexing with {type(item).__name__}: "
                             "use int, slice, None, Ellipsis or an integer array")
    return tuple(spec), arrays


@register("_getitem", inputs=(), variadic=True, attrs=dict(key=()), offsets=windows)
def _getitem(data, *arrays, key, window):
    index_arrays, starts = split_positions(arrays, window)
    out = take_window(data, window, starts)[window_key(key, index_arrays)]
    return out.reshape((1,)) if out.ndim == 0 else out


@register("_setitem", inputs=(), variadic=True, attrs=dict(key=()), offsets=windows)
def _setitem(data, value, *arrays, key, window):
    index_arrays, starts = split_positions(arrays, window)
    region = take_window(data, window, starts)
    k = window_key(key, index_arrays)
    target_shape = region[k].shape
    value = value.astype(data.dtype)
    extra = value.ndim - len(target_shape)
    if extra > 0:   # MXNet trims leading size-1 axes first: zeros((3, 3))[0] = ones((1, 1, 1, 3))
        lead = next((i for i in range(extra) if value.shape[i] != 1), extra)
        value = value.reshape(value.shape[lead:])
    if value.shape != target_shape:
        try:
            value = jnp.broadcast_to(value, target_shape)
        except ValueError:
            if value.size != int(np.prod(target_shape)):
                raise ValueError(f"cannot assign a value of shape {value.shape} to a selection of shape "
                                 f"{target_shape}") from None
            value = value.reshape(target_shape)
    return put_window(data, region.at[k].set(value), window, starts)


def basic_indexing_slice_is_contiguous(slc_key, shape):
    """MXNet's ``NDArray._basic_indexing_slice_is_contiguous``: whether slicing ``shape`` with
    ``slc_key`` (one slice per axis) selects a contiguous block of the row-major buffer.  From
    the last axis to the first: a slice taking more than one element must have step 1, and once
    an axis is cut to a proper subset every earlier axis may take at most one element; a
    selection of 0 or 1 elements is always contiguous."""
    assert len(slc_key) == len(shape)
    bounds = [slc.indices(n) for slc, n in zip(slc_key, shape)]
    counts = [max(0, (stop - start + (step - (1 if step > 0 else -1))) // step) for start, stop, step in bounds]
    total = 1
    for c in counts:
        total *= c
    if total in (0, 1):
        return True
    is_subset = False
    for (_, _, step), count, n in zip(reversed(bounds), reversed(counts), reversed(shape)):
        if count == 0:
            return True
        if count > 1 and step != 1:
            return False
        if is_subset:
            if count > 1:
                return False
        elif count < n:
            is_subset = True
    return True


def _is_view_key(arr, key):
    """MXNet returns a view for a basic index (ints, slices, None) that selects a contiguous
    block of the row-major buffer: ``x[1]``, ``x[1:3]``, ``x[1, 2:4]``, ``x[1:3, :]``."""
    items = key if isinstance(key, tuple) else (key,)
    slices = []
    for item in items:
        if item is None:
            continue
        if len(slices) >= arr.ndim:
            return False
        if isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
            i = int(item) % arr.shape[len(slices)] if arr.shape[len(slices)] else int(item)
            slices.append(slice(i, i + 1))
        elif isinstance(item, slice):
            slices.append(item)
        else:
            return False
    slices += [slice(None)] * (arr.ndim - len(slices))
    return basic_indexing_slice_is_contiguous(slices, arr.shape)


def getitem(arr, key):
    spec, arrays = _normalize(arr, key)
    if arr.ndim > 0 and _is_view_key(arr, key):
        return make_view(arr, ("index", spec))
    return _call("_getitem", arr, *arrays, key=spec)


def _value_for(arr, value):
    if isinstance(value, NDArray):
        return value
    if isinstance(value, (int, float, np.generic, bool)):
        from .ndarray import from_value
        return from_value(scalar_value(value, arr._value.dtype, arr.context))
    return array(np.asarray(value), ctx=arr.context, dtype=arr.dtype)


def setitem(arr, key, value):
    value = _value_for(arr, value)
    if isinstance(key, slice) and key == slice(None):
        if value.shape != arr.shape:
            _check_broadcastable(value.shape, arr.shape)
            value = _setitem_spec(arr, value, (("s", None, None, None),))
        arr._assign(value._value)
        return
    spec, arrays = _normalize(arr, key)
    if not arrays and type(value) is View and value.mirrors(arr, ("index", spec)):
        return   # ``x[k] = x[k]``, the write-back of ``x[k] += v``: nothing changes
    new = _setitem_spec(arr, value, spec, arrays)._value
    check_inplace_recording(arr._value, new)
    arr._assign(new)


def _check_broadcastable(src, dst):
    try:
        np.broadcast_shapes(src, dst)
    except ValueError:
        raise ValueError(f"cannot assign an array of shape {src} to an array of shape {dst}: "
                              "operands could not be broadcast together") from None


def _setitem_spec(arr, value, spec, arrays=()):
    """``arr`` with the selection ``spec`` replaced by ``value`` (a new array)."""
    return _call("_setitem", arr, value, *arrays, key=spec)
