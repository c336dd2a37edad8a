"""``NDArray.__getitem__`` / ``__setitem__`` with MXNet 1.x semantics.

Keys are turned into a static, hashable spec (ints, slices, None, Ellipsis)
plus index arrays, which are dynamic inputs of the ``_getitem`` /
``_setitem`` ops.  As in MXNet: a result with no dimensions has shape (1,)
(``x[1, 2]``), integer indices are bounds-checked, index arrays may be float
(they are cast to integers), and a first-axis int or step-1 slice is a view.
"""
import numpy as np
import jax.numpy as jnp

from ..base import MXNetError
from .ndarray import NDArray, _call, array, scalar_value
from .registry import register


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
        elif isinstance(item, (NDArray, np.ndarray, list, range)):
            if not isinstance(item, NDArray):
                item = array(np.asarray(item), ctx=arr.context, dtype=np.int64)
            spec.append(("a", len(arrays)))
            arrays.append(item)
            axis += 1
        else:
            raise MXNetError(f"NDArray does not support indexing with {type(item).__name__}: "
                             "use int, slice, None, Ellipsis or an integer array")
    return tuple(spec), arrays


def _build_key(spec, index_arrays):
    key = []
    for item in spec:
        kind = item[0]
        if kind == "i":
            key.append(item[1])
        elif kind == "s":
            key.append(slice(*item[1:]))
        elif kind == "n":
            key.append(None)
        elif kind == "e":
            key.append(Ellipsis)
        else:
            idx = index_arrays[item[1]]
            key.append(idx if jnp.issubdtype(idx.dtype, jnp.integer) else idx.astype(jnp.int32))
    return tuple(key)


@register("_getitem", inputs=(), variadic=True, attrs=dict(key=()))
def _getitem(data, *index_arrays, key):
    out = data[_build_key(key, index_arrays)]
    return out.reshape((1,)) if out.ndim == 0 else out


@register("_setitem", inputs=(), variadic=True, attrs=dict(key=()))
def _setitem(data, value, *index_arrays, key):
    k = _build_key(key, index_arrays)
    target_shape = data[k].shape
    value = value.astype(data.dtype)
    if value.shape != target_shape:
        try:
            value = jnp.broadcast_to(value, target_shape)
        except ValueError:
            if value.size != int(np.prod(target_shape)):
                raise ValueError(f"cannot assign a value of shape {value.shape} to a selection of shape "
                                 f"{target_shape}") from None
            value = value.reshape(target_shape)
    return data.at[k].set(value)


def _is_view_key(arr, key):
    """MXNet returns a view for a basic index (ints, step-1 slices, None) that selects a
    contiguous block of the row-major buffer: ``x[1]``, ``x[1:3]``, ``x[1, 2:4]``, ``x[1:3, :]``."""
    items = key if isinstance(key, tuple) else (key,)
    lengths = []
    axis = 0
    for item in items:
        if item is None:
            continue
        if axis >= arr.ndim:
            return False
        if isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
            lengths.append(1)
        elif isinstance(item, slice):
            start, stop, step = item.indices(arr.shape[axis])
            if step != 1 or stop <= start:
                return False
            lengths.append(stop - start)
        else:
            return False
        axis += 1
    lengths += arr.shape[axis:]
    partial = [i for i, n in enumerate(lengths) if n != 1]
    return not partial or all(lengths[i] == arr.shape[i] for i in range(partial[0] + 1, arr.ndim))


def getitem(arr, key):
    spec, arrays = _normalize(arr, key)
    if arr.ndim > 0 and _is_view_key(arr, key):
        from .view import make_view
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
    arr._assign(_setitem_spec(arr, value, spec, arrays)._value)


def _check_broadcastable(src, dst):
    try:
        np.broadcast_shapes(src, dst)
    except ValueError:
        raise ValueError(f"cannot assign an array of shape {src} to an array of shape {dst}: "
                              "operands could not be broadcast together") from None


def _setitem_spec(arr, value, spec, arrays=()):
    """``arr`` with the selection ``spec`` replaced by ``value`` (a new array)."""
    return _call("_setitem", arr, value, *arrays, key=spec)
