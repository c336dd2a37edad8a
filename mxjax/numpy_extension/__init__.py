"""``mx.npx``: MXNet 1.9.1's NumPy extensions.

* the NumPy semantics switches (``set_np``, ``reset_np``, ``is_np_array``, ``is_np_shape``,
  ``use_np``...) and the context helpers (``cpu``, ``gpu``, ``num_gpus``, ``waitall``...);
* the neural-network operators of MXNet's ``numpy_extension`` (``relu``, ``softmax``,
  ``fully_connected``, ``convolution``, ``batch_norm``...): each is the registry operator that
  ``mx.nd`` exposes under its legacy name (``FullyConnected``...), called with MXNet's
  arguments, its results ``mx.np.ndarray``s;
* ``reshape`` with the NumPy-extension codes (-1 infer, -2 copy, -3 drop a size-1 dim, -4
  copy the rest, -5 merge two, -6 split one), ``nonzero``, ``save``/``load``, ``npx.random``.
"""
import numpy as _onp

from .. import ndarray as _nd
from ..base import MXNetError as _MXNetError
from ..context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus  # noqa: F401
from ..ndarray import waitall  # noqa: F401
from ..numpy import _functions
from ..numpy.multiarray import wrap as _wrap
from ..util import (get_cuda_compute_capability, is_np_array, is_np_shape, np_array, np_shape,  # noqa: F401
                    reset_np, set_np, use_np, use_np_array, use_np_shape)
from . import random  # noqa: F401

#: npx name -> the mx.nd operator it calls
_OPERATORS = {
    "activation": "Activation", "relu": "relu", "sigmoid": "sigmoid", "softmax": "softmax",
    "log_softmax": "log_softmax", "batch_norm": "BatchNorm", "layer_norm": "LayerNorm",
    "convolution": "Convolution", "deconvolution": "Deconvolution", "pooling": "Pooling",
    "fully_connected": "FullyConnected", "dropout": "Dropout", "embedding": "Embedding", "one_hot": "one_hot",
    "pick": "pick", "topk": "topk", "sequence_mask": "SequenceMask", "batch_dot": "batch_dot",
    "gather_nd": "gather_nd", "leaky_relu": "LeakyReLU", "batch_flatten": "flatten", "cast": "cast",
    "erf": "erf", "erfinv": "erfinv", "gamma": "gamma", "gammaln": "gammaln", "reshape_like": "reshape_like",
    "slice": "slice", "smooth_l1": "smooth_l1", "rnn": "RNN", "roi_pooling": "ROIPooling",
    "shape_array": "shape_array", "arange_like": "_contrib_arange_like",
    "multibox_prior": "_contrib_MultiBoxPrior", "multibox_target": "_contrib_MultiBoxTarget",
    "multibox_detection": "_contrib_MultiBoxDetection",
}


def _operator(npx_name, nd_name):
    nd_function = getattr(_nd.op, nd_name)

    def function(*args, **kwargs):
        return _wrap(nd_function(*args, **kwargs))
    function.__name__ = function.__qualname__ = npx_name
    function.__doc__ = f"``npx.{npx_name}``: MXNet's ``{nd_name}`` operator on mx.np.ndarray.\n\n" \
                       f"{nd_function.__doc__ or ''}"
    return function


for _name, _nd_name in _OPERATORS.items():
    globals()[_name] = _operator(_name, _nd_name)

__all__ = sorted(_OPERATORS) + ["reshape", "nonzero", "save", "load", "random", "set_np", "reset_np",
                                "is_np_array", "is_np_shape", "use_np", "cpu", "gpu", "num_gpus", "waitall",
                                "current_context", "Context", "cpu_pinned", "get_cuda_compute_capability"]


def _reshape_target(src, spec):
    """The target shape of ``npx.reshape`` (MXNet's NumPy-extension codes)."""
    out, i, j, unknown = [], 0, 0, None

    def need(k):
        if i + k > len(src):
            raise _MXNetError(f"npx.reshape: the new shape {tuple(spec)} uses more dimensions than the "
                              f"source shape {tuple(src)} has")
    while j < len(spec):
        s = spec[j]
        if s == -1:
            if unknown is not None:
                raise _MXNetError("npx.reshape: one and only one dim can be inferred")
            unknown = len(out)
            out.append(-1)
            i += 1
        elif s == -2:
            need(1)
            out.append(src[i])
            i += 1
        elif s == -3:
            need(1)
            if src[i] != 1:
                raise _MXNetError("npx.reshape: -3 index should only be used to skip dimension size 1")
            i += 1
        elif s == -4:
            out.extend(src[i:])
            i = len(src)
        elif s == -5:
            need(2)
            out.append(src[i] * src[i + 1])
            i += 2
        elif s == -6:
            need(1)
            if j + 2 >= len(spec):
                raise _MXNetError("npx.reshape: -6 must be followed by the two split dimensions")
            d0, d1, d2 = src[i], spec[j + 1], spec[j + 2]
            if d1 == -1 and d2 == -1:
                raise _MXNetError("npx.reshape: split dims cannot both be -1")
            d1 = d0 // d2 if d1 == -1 else d1
            d2 = d0 // d1 if d2 == -1 else d2
            if d1 * d2 != d0:
                raise _MXNetError(f"npx.reshape: split dims {d1}, {d2} do not divide original dim {d0}")
            out += [d1, d2]
            i += 1
            j += 2
        elif s >= 0:
            out.append(s)
            i += 1
        else:
            raise _MXNetError(f"npx.reshape: dimension size must be greater than or equal to -6, received {s}")
        j += 1
    size = int(_onp.prod(src, dtype=_onp.int64))
    if unknown is not None:
        known = int(_onp.prod([d for d in out if d != -1], dtype=_onp.int64))
        if known == 0 or size % known:
            raise _MXNetError(f"npx.reshape: cannot reshape array of shape {tuple(src)} into {tuple(spec)}")
        out[unknown] = size // known
    if int(_onp.prod(out, dtype=_onp.int64)) != size:
        raise _MXNetError(f"npx.reshape: cannot reshape array of shape {tuple(src)} into {tuple(spec)}")
    return tuple(out)


def reshape_target(shape, newshape, reverse=False):
    """The shape ``npx.reshape(a, newshape, reverse)`` gives an array of ``shape``."""
    spec = (int(newshape),) if isinstance(newshape, (int, _onp.integer)) else tuple(int(s) for s in newshape)
    if not reverse:
        return _reshape_target(tuple(shape), spec)
    # MXNet reverses the input shape and the codes alike, reads them as usual, and reverses
    # the result (a -6 of the reversed codes splits into the two values after it there)
    return tuple(reversed(_reshape_target(tuple(reversed(shape)), spec[::-1])))


def reshape(a, newshape, reverse=False, order="C"):
    """Reshape ``a`` with the NumPy-extension codes (see the module docstring); ``reverse``
    reads the codes from the last dimension."""
    return a.reshape(reshape_target(a.shape, newshape, reverse))


# the same reshape as a table function, for mx.sym.npx.reshape (the shape is known when it runs)
_functions.define("_npx_reshape", lambda a, newshape, reverse: a.reshape(reshape_target(a.shape, newshape, reverse)),
                  newshape=(), reverse=False)


def nonzero(a):
    """The indices of ``a``'s nonzero elements as an (N, a.ndim) int64 array."""
    from ..numpy.multiarray import array
    return array(_onp.argwhere(a.asnumpy()).astype(_onp.int64), ctx=a.context)


def _check_np_semantics(what):
    if not (is_np_shape() and is_np_array()):
        raise ValueError(f"Cannot {what} `mxnet.numpy.ndarray` in legacy mode. Please activate numpy semantics by "
                         "calling `npx.set_np()` in the global scope before calling this function.")


def save(file, arr):
    """Save an ndarray, a list or a dict (str -> ndarray) of them in MXNet's NDArray file format
    (the bytes MXNet 1.9.1 writes; zero-dim arrays keep their shape).  As MXNet's: only under
    ``npx.set_np()`` (ValueError otherwise), only ``mx.np.ndarray`` values (TypeError)."""
    from ..numpy.multiarray import ndarray
    _check_np_semantics("save")
    if isinstance(arr, ndarray):
        arr = [arr]
    if isinstance(arr, dict):
        if any(not isinstance(k, str) for k in arr) or any(not isinstance(v, ndarray) for v in arr.values()):
            raise TypeError("Only accepts dict str->ndarray or list of ndarrays")
    elif isinstance(arr, list):
        if any(not isinstance(v, ndarray) for v in arr):
            raise TypeError("Only accepts dict str->ndarray or list of ndarrays")
    else:
        raise ValueError("data needs to either be a ndarray, dict of (str, ndarray) pairs or a list of ndarrays.")
    _nd.save(file, arr)


def load(file):
    """Load what ``save`` (or MXNet's ``npx.save``/``nd.save``) wrote: a list, or a dict when the
    file has names, of ``mx.np.ndarray``; only under ``npx.set_np()`` (ValueError otherwise)."""
    _check_np_semantics("load")
    if not isinstance(file, str):
        raise TypeError("file required to be a string")
    loaded = _nd.load(file)
    if isinstance(loaded, dict):
        return {k: _wrap(v) for k, v in loaded.items()}
    return [_wrap(v) for v in loaded]


def __getattr__(name):
    """``mx.npx.<name>`` that MXNet 1.9.1's module does not have: AttributeError, as there."""
    raise AttributeError(f"module 'mxnet.numpy_extension' has no attribute '{name}'")
