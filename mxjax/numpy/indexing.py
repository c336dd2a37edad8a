"""NumPy indexing of ``mx.np.ndarray``: ``x[1, 2]`` is 0-d, boolean masks, integer arrays.

The key is normalized as for ``mx.nd`` (``mxjax/ndarray/indexing.py``: int and slice positions
are arguments of the compiled code, so a loop over ``x[i]`` compiles once); a boolean mask
becomes the integer index arrays of its nonzeros, computed on the host as MXNet's
``boolean_mask`` operator waits for its mask.  As in MXNet, a float index array is cast to
integers (``np.array([True, False])`` is float32, so it selects rows 1 and 0).  A first-axis basic index that keeps at least
one dimension is a view (writes go through), as in MXNet; other results are copies.
Assignment (``x[mask] = 0``, ``x[:, 1] = v``) writes the array in place.
"""
import numpy as onp

from ..ndarray import indexing as _nd_indexing
from ..ndarray.ndarray import NDArray, invoke
from ..ndarray.registry import OPS, register
from ..ndarray.windows import split_positions, take_window, window_key, windows
from .multiarray import _make_view, array, wrap


@register("_npi_getitem", inputs=(), variadic=True, attrs=dict(key=()), offsets=windows)
def _npi_getitem(data, *arrays, key, window):
    """``data[key]`` with NumPy's result shapes (``_getitem`` of mx.nd gives (1,) for 0-d)."""
    index_arrays, starts = split_positions(arrays, window)
    return take_window(data, window, starts)[window_key(key, index_arrays)]


def _is_mask(item):
    if isinstance(item, NDArray):
        return item._value.dtype == onp.bool_
    if isinstance(item, onp.ndarray):
        return item.dtype == onp.bool_
    if isinstance(item, list) and item:
        return all(isinstance(v, (bool, onp.bool_)) for v in onp.ravel(onp.asarray(item, dtype=object)))
    return False


class _SelectsNothing(Exception):
    """A key holding a False scalar selects no element."""


def _consumed(item):
    """How many axes of the indexed array a key item consumes."""
    if item is None or item is Ellipsis or isinstance(item, (bool, onp.bool_)):
        return 0
    if _is_mask(item):
        return item.ndim if isinstance(item, (NDArray, onp.ndarray)) else onp.asarray(item).ndim
    return 1


def _expand_masks(arr, key):
    """``key`` with every boolean mask replaced by the int64 index arrays of its nonzeros.
    A mask's shape must match the dimensions it indexes (IndexError, as NumPy's)."""
    items = key if isinstance(key, tuple) else (key,)
    if not any(_is_mask(item) or isinstance(item, (bool, onp.bool_)) for item in items):
        return key
    out, axis = [], 0
    for n, item in enumerate(items):
        if item is Ellipsis:
            axis = arr.ndim - sum(_consumed(it) for it in items[n + 1:])
        if _is_mask(item):
            mask = item.asnumpy() if isinstance(item, NDArray) else onp.asarray(item, dtype=bool)
            dims = arr.shape[axis:axis + mask.ndim]
            if dims != mask.shape:
                raise IndexError(f"boolean index did not match indexed array along dimension {axis}; "
                                 f"dimension is {dims} but corresponding boolean dimension is {mask.shape}")
            out.extend(array(i.astype(onp.int64), ctx=arr.context) for i in onp.nonzero(mask))
        elif isinstance(item, (bool, onp.bool_)):
            if not item:
                raise _SelectsNothing
            out.append(None)   # True inside a key adds an axis of length 1, as None does
        else:
            out.append(item)
        axis += _consumed(item)
    return tuple(out)


def _bool_scalar(key):
    if isinstance(key, (bool, onp.bool_)):
        return bool(key)
    if isinstance(key, NDArray) and key.ndim == 0 and key._value.dtype == onp.bool_:
        return bool(key.asnumpy())
    return None


def getitem(arr, key):
    flag = _bool_scalar(key)
    if flag is not None:   # x[True] is x[None]; x[False] selects nothing from it
        expanded = getitem(arr, None)
        return expanded if flag else getitem(expanded, array(onp.zeros((0,), onp.int64), ctx=arr.context))
    try:
        key = _expand_masks(arr, key)
    except _SelectsNothing:
        raise NotImplementedError("indexing with a False scalar inside a key tuple is not supported by "
                                  "mxjax: use x[None][:0]") from None
    if isinstance(key, (NDArray, list, onp.ndarray)):
        key = (key,)
    spec, arrays = _nd_indexing._normalize(arr, key)
    if not arrays and arr.ndim > 0 and _nd_indexing._is_view_key(arr, key):
        ints = sum(1 for s in spec if s[0] == "i")
        if arr.ndim - ints + sum(1 for s in spec if s[0] == "n") > 0:
            return _make_view(arr, ("index", spec))
    return wrap(invoke(OPS["_npi_getitem"], [arr] + arrays, (("key", spec),)))


def setitem(arr, key, value):
    try:
        key = _expand_masks(arr, key)
    except _SelectsNothing:
        return
    if isinstance(key, (NDArray, onp.ndarray)):
        key = (key,)
    _nd_indexing.setitem(arr, key, value)
