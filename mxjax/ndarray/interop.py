"""Exchanging arrays with other libraries: JAX arrays, DLPack capsules and numpy arrays.

``NDArray.to_jax()`` / ``from_jax`` (mxjax's own, MXNet has no JAX) share the buffer with JAX code
in the same process: an NDArray's value is a ``jax.Array``, so neither direction copies.
``to_dlpack_for_read`` / ``to_dlpack_for_write`` (functions and methods) give a DLPack PyCapsule
of the array's current buffer and ``from_dlpack`` makes an NDArray of a capsule (or of any object
with ``__dlpack__``: a torch, numpy or JAX array), zero-copy where JAX can alias the buffer.
``from_numpy`` makes an NDArray of a numpy array.

Where mxjax differs: JAX buffers are immutable, so a consumer writing through the capsule of
``to_dlpack_for_write`` is not guaranteed to be seen by mxjax (MXNet shares the memory both
ways).  ``from_numpy(zero_copy=True)`` keeps MXNet's contract: the numpy array must be
C-contiguous (ValueError otherwise), it becomes read-only, and writes to the NDArray show in it
(mxjax copies each new value of the NDArray into the numpy buffer).
"""
import ctypes

import jax
import numpy as np

from .._engine.graph import constant
from ..context import context_of_device
from .ndarray import NDArray, array, from_value

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


def to_jax(data):
    """``data``'s values as a ``jax.Array`` (computed first, as ``asnumpy`` does), without a copy.
    The NDArray and the result share the buffer; both are immutable to JAX, and a later write
    to the NDArray gives it a new buffer, so the returned array keeps the values it had."""
    value = data._data()
    if not isinstance(value, jax.Array):   # computed on the host: keep the device copy made here
        value = data._value.data = jax.device_put(value, data.context.jax_device)
    return value


def from_jax(value, ctx=None):
    """An NDArray of the ``jax.Array`` ``value`` with its dtype and shape, without a copy; its
    context is the device ``value`` lives on, or ``ctx`` when given (copied there if elsewhere).
    A value that is not a ``jax.Array`` raises TypeError (use ``nd.array`` for numpy data)."""
    if not isinstance(value, jax.Array):
        raise TypeError(f"from_jax takes a jax.Array, got {type(value).__name__}; "
                        "use mx.nd.array for numpy arrays and lists")
    devices = value.devices()
    if len(devices) != 1:
        raise ValueError(f"from_jax takes an array on one device; this one is sharded over "
                         f"{len(devices)} devices (gather it with jax.device_get first)")
    if ctx is None:
        ctx = context_of_device(next(iter(devices)))
    elif next(iter(devices)) != ctx.jax_device:
        value = jax.device_put(value, ctx.jax_device)
    return from_value(constant(value, ctx))


def from_dlpack(dlpack):
    """An NDArray of a DLPack capsule (consumed: a capsule can be used once) or of any object
    with ``__dlpack__`` (a JAX, numpy or torch array).  JAX aliases the buffer where it can
    (host memory with its alignment); the producer must not write into it afterwards, since
    mxjax's values are immutable."""
    source = dlpack if hasattr(dlpack, "__dlpack__") else _Capsule(dlpack)
    return from_jax(jax.dlpack.from_dlpack(source))


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
