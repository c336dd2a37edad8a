"""``mx.np`` creation functions: concrete arrays on ``ctx`` (default: the current context).

As MXNet 1.9.1's: float32 unless ``dtype`` is given (also ``arange`` of integers and
``full`` of an int); ``indices`` gives int32.  ``empty`` gives zeros (MXNet leaves the
memory uninitialised).
"""
import numpy as onp

from ..base import MXNetError, as_dtype
from .multiarray import array

__all__ = ["zeros", "ones", "full", "empty", "arange", "linspace", "logspace", "eye", "identity", "indices",
           "blackman", "hamming", "hanning", "diag_indices_from"]


def _shape(shape):
    return (int(shape),) if isinstance(shape, (int, onp.integer)) else tuple(int(s) for s in shape)


def _check_order(order):
    if order != "C":
        raise NotImplementedError(f"order={order!r} is not supported: MXNet's arrays are row-major "
                                  f"(order='C')")


def _make(values, dtype, ctx):
    return array(onp.asarray(values), dtype=as_dtype(dtype), ctx=ctx)


def zeros(shape, dtype=None, order="C", ctx=None):
    _check_order(order)
    return _make(onp.zeros(_shape(shape)), dtype, ctx)


def ones(shape, dtype=None, order="C", ctx=None):
    _check_order(order)
    return _make(onp.ones(_shape(shape)), dtype, ctx)


def empty(shape, dtype=None, order="C", ctx=None):
    _check_order(order)
    return zeros(shape, dtype, order, ctx)


def full(shape, fill_value, dtype=None, order="C", ctx=None, out=None):
    """An array of ``fill_value`` (an ndarray fill value is broadcast; its dtype is kept)."""
    from ..ndarray.ndarray import NDArray
    from ._functions import call
    _check_order(order)
    if isinstance(fill_value, NDArray):   # broadcast on the device: also inside a hybridized block
        result = call("broadcast_to", (fill_value.astype(dtype or fill_value.dtype), _shape(shape)), {})
        if out is not None:
            out._assign(result._value)
            return out
        return result
    result = _make(onp.full(_shape(shape), fill_value, dtype=as_dtype(dtype)), dtype, ctx)
    if out is not None:
        out._assign(result._value)
        return out
    return result


def arange(start, stop=None, step=1, dtype=None, ctx=None):
    """``start, start + step, ...`` below ``stop``; float32 unless ``dtype`` is given (a
    ``step`` of None is 1, as MXNet's)."""
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    dtype = as_dtype(dtype)
    count = max(0, int(onp.ceil((stop - start) / step)))
    if dtype.kind == "f":   # start + i * step in the target dtype, as MXNet computes it
        values = dtype.type(start) + onp.arange(count, dtype=dtype) * dtype.type(step)
    else:
        values = onp.arange(start, stop, step).astype(dtype)
    return _make(values, dtype, ctx)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, ctx=None):
    values, step = onp.linspace(start, stop, num, endpoint, retstep=True, axis=axis)
    result = _make(values, dtype, ctx)
    return (result, step) if retstep else result


def logspace(start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0, ctx=None):
    return _make(onp.logspace(start, stop, num, endpoint, base, axis=axis), dtype, ctx)


def eye(N, M=None, k=0, dtype=None, ctx=None, **kwargs):  # noqa: N803  (NumPy's names)
    """An identity-like matrix; a negative ``N`` or ``M`` is MXNetError, as MXNet's."""
    if N < 0 or (M is not None and M < 0):
        raise MXNetError(f"eye: N and M must be non-negative (got N={N}, M={M})")
    return _make(onp.eye(N, M, k), dtype, ctx)


def diag_indices_from(arr):
    """``mx.np.diag_indices_from``: the indices of the main diagonal of the square array
    ``arr``, a tuple of ``arr.ndim`` int64 arrays (from its shape only: also inside a
    hybridized block)."""
    if arr.ndim < 2 or len(set(arr.shape)) != 1:
        raise ValueError("input array must be at least 2-d and have all dimensions of equal length")
    ctx = arr.context
    return tuple(_make(onp.arange(arr.shape[0]), onp.int64, ctx) for _ in range(arr.ndim))


def identity(n, dtype=None, ctx=None):
    return _make(onp.identity(n), dtype, ctx)


def indices(dimensions, dtype=onp.int32, ctx=None):
    return _make(onp.indices(_shape(dimensions)), dtype, ctx)


def blackman(M, dtype=None, ctx=None):  # noqa: N803
    return _make(onp.blackman(M), dtype, ctx)


def hamming(M, dtype=None, ctx=None):  # noqa: N803
    return _make(onp.hamming(M), dtype, ctx)


def hanning(M, dtype=None, ctx=None):  # noqa: N803
    return _make(onp.hanning(M), dtype, ctx)
