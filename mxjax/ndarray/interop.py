"""Exchanging arrays with other libraries: DLPack capsules and numpy arrays.

``to_dlpack_for_read`` / ``to_dlpack_for_write`` (functions and methods) give a DLPack PyCapsule
of the array's current buffer and ``from_dlpack`` makes an NDArray of a capsule (or of any object
with ``__dlpack__``).  ``from_numpy`` makes an NDArray of a numpy array.

Where mxjax differs: JAX buffers are immutable, so a consumer writing through the capsule of
``to_dlpack_for_write`` is not guaranteed to be seen by mxjax (MXNet shares the memory both
ways).  ``from_numpy(zero_copy=True)`` keeps MXNet's contract: the numpy array must be
C-contiguous (ValueError otherwise), it becomes read-only, and writes to the NDArray show in it
(mxjax copies each new value of the NDArray into the numpy buffer).
"""
import ctypes

import jax
import numpy as np

from .ndarray import NDArray, array

#: DLPack's device types (dlpack.h): what ``__dlpack_device__`` reports for a capsule
_DL_DEVICE_TYPES = {"cpu": 1, "gpu": 2}


def to_dlpack_for_read(data):
    """A DLPack PyCapsule of ``data``'s values (computed first, as MXNet waits for pending writes)."""
    data.wait_to_read()
    return data._data().__dlpack__()


def to_dlpack_for_write(data):
    """A DLPack PyCapsule of ``data``'s buffer.  mxjax differs: writes made through it are not
    guaranteed to reach ``data`` (JAX buffers are immutable)."""
    return to_dlpack_for_read(data)


class _Capsule:
    """A bare DLPack capsule dressed as the ``__dlpack__`` protocol that JAX consumes."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, stream=None, **kwargs):
        return self._capsule

    def __dlpack_device__(self):
        get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
        get_pointer.restype, get_pointer.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
        managed = get_pointer(self._capsule, b"dltensor")
        # DLManagedTensor starts with DLTensor: void* data, then DLDevice {int32 type, int32 id}
        device = (ctypes.c_int32 * 2).from_address(managed + ctypes.sizeof(ctypes.c_void_p))
        return int(device[0]), int(device[1])


def from_dlpack(dlpack):
    """An NDArray of a DLPack capsule (consumed: a capsule can be used once) or of any object
    with ``__dlpack__`` (a JAX, numpy or torch array)."""
    source = dlpack if hasattr(dlpack, "__dlpack__") else _Capsule(dlpack)
    value = jax.dlpack.from_dlpack(source)
    return array(value, dtype=value.dtype)


class _NumpyBacked(NDArray):
    """An NDArray made by ``from_numpy(zero_copy=True)``: every new value is also written into the
    (read-only) numpy array it came from, as MXNet's shared buffer would show it."""
    __slots__ = ("_numpy",)

    def _rebind(self, value):
        NDArray._rebind(self, value)
        target = self._numpy
        target.flags.writeable = True
        try:
            np.copyto(target, NDArray.asnumpy(self), casting="unsafe")
        finally:
            target.flags.writeable = False


def from_numpy(ndarray, zero_copy=True, array_cls=NDArray):
    """An NDArray of the numpy array ``ndarray`` (same dtype).  With ``zero_copy`` (the default)
    the numpy array must be C-contiguous (ValueError otherwise) and becomes read-only; writes to
    the NDArray show in it.  Without it the values are copied.  ``array_cls`` is accepted for
    MXNet's signature; the result is an NDArray."""
    if not zero_copy:
        return array(ndarray, dtype=ndarray.dtype)
    if not ndarray.flags["C_CONTIGUOUS"]:
        raise ValueError("Only c-contiguous arrays are supported for zero-copy")
    ndarray.flags["WRITEABLE"] = False
    source = array(ndarray, dtype=ndarray.dtype)
    result = _NumpyBacked.__new__(_NumpyBacked)
    result._var = None
    result._numpy = ndarray
    NDArray._rebind(result, source._value)
    return result
