"""``mx.nd.sparse``: CSRNDArray and RowSparseNDArray, MXNet 1.9.1's sparse storage types.

Storage (see docs/sparse.md for the measurements behind the choice): a sparse
array is an NDArray subclass whose Value holds the DENSE array, plus MXNet's
metadata on the host: ``indices`` for row_sparse, ``(indptr, indices)`` for
csr, int64 as in MXNet.  Every operator, autograd and the compiled tiers see
an ordinary dense value, so dense code pays nothing and XLA computes sparse
results at dense speed (which on CPU/GPU beats gathers and scatters at the
sizes MXNet programs use).  What users observe is MXNet's: ``stype``,
``data`` (the stored values, explicit zeros included), sorted unique
``indices``, ``indptr``, repr, the errors of unsupported operations.

Metadata is exact where MXNet fixes it (constructors from (data, indices),
slicing, zero-preserving unary ops, ``retain``, rsp + rsp) and is otherwise
computed when first read from the dense value's non-zero rows / entries,
which is what MXNet's ``cast_storage`` keeps.  Where mxjax differs: a
gradient written by ``backward`` into a row_sparse buffer lists its non-zero
rows (MXNet's Embedding lists every looked-up row, even one whose gradient is
exactly zero).
"""
import sys
import warnings

import jax
import numpy as np

from ..base import MXNetError, NotSupportedForSparseNDArray, as_dtype, numeric_types
from ..context import Context, current_context
from .._engine.graph import constant
from .ndarray import NDArray, _call, array as _dense_array, from_value, unrecorded



def _scipy_sparse():
    """``scipy.sparse``, imported on first use (it costs ~0.3 s), or None: scipy is optional,
    as in MXNet."""
    try:
        import scipy.sparse
    except ImportError:
        return None
    return scipy.sparse


def _is_scipy(obj, fmt=None):
    """A scipy sparse matrix (of format ``fmt``)?  One can only exist once scipy is imported."""
    module = sys.modules.get("scipy.sparse")
    return module is not None and module.issparse(obj) and (fmt is None or obj.format == fmt)

__all__ = ["BaseSparseNDArray", "CSRNDArray", "RowSparseNDArray", "csr_matrix", "row_sparse_array",
           "zeros", "empty", "array", "cast_storage", "retain"]

#: MXNet's aux array types per storage type (``_STORAGE_AUX_TYPES``)
STORAGE_AUX_TYPES = {"row_sparse": [np.int64], "csr": [np.int64, np.int64]}
_INDEX = np.int64
#: ``mx.nd.sparse`` also holds every operator (``slice``, ``abs``, ``sum``...), as MXNet's does,
#: so the builtins used here are bound before those names shadow them
_SLICE, _ALL = slice, all


class BaseSparseNDArray(NDArray):
    """An NDArray in a sparse storage format (see CSRNDArray and RowSparseNDArray)."""
    __slots__ = ("_aux",)
    _stype = None

    @property
    def stype(self):
        return self._stype

    @property
    def size(self):
        """MXNet: the size of a sparse array is ambiguous, hence NotImplementedError."""
        raise NotImplementedError()

    @property
    def _num_aux(self):
        return len(STORAGE_AUX_TYPES[self._stype])

    @property
    def _aux_types(self):
        return [np.dtype(t).type for t in STORAGE_AUX_TYPES[self._stype]]

    def _aux_type(self, i):
        return self._aux_types[i]

    def __repr__(self):
        shape = "x".join(str(s) for s in self.shape)
        return f"\n<{type(self).__name__} {shape} @{self.context}>"

    __str__ = __repr__

    def __reduce__(self):
        return _unpickle, (self._stype, self.asnumpy(), self._structure(), str(self.context))

    # ---- metadata ---------------------------------------------------------------------------
    def _structure(self):
        """The host metadata, computed from the dense value's non-zeros if not known."""
        if self._aux is None:
            self._aux = _structure_of(self._stype, self.asnumpy())
        return self._aux

    def _rebind(self, value, aux=None):
        """Point at a new dense value; its metadata is ``aux`` (None: the non-zeros)."""
        NDArray._rebind(self, value)
        self._aux = aux

    def _make_variable(self, grad, grad_req):
        aux = self._aux
        NDArray._make_variable(self, grad, grad_req)
        self._aux = aux

    def _aux_data(self, i):
        return _dense_array(self._structure()[i], ctx=self.context, dtype=_INDEX)

    def check_format(self, full_check=True):
        """MXNetError if the metadata is not a valid ``stype`` array (MXNet accepts a
        malformed (data, indices[, indptr]) definition when creating the array, and
        ``check_format`` finds it; its values are then undefined)."""
        problem = _format_problem(self._stype, self.shape, self._structure())
        if problem:
            raise MXNetError(f"Check failed: {problem}")

    def wait_to_read(self):
        NDArray.wait_to_read(self)

    # ---- conversion -----------------------------------------------------------------------------
    def tostype(self, stype):
        return cast_storage(self, stype=stype)

    def astype(self, dtype, copy=True):
        if not copy and np.dtype(dtype) == np.dtype(self.dtype):
            return self
        return _wrap(type(self), _call("cast", _as_dense(self), dtype=as_dtype(dtype))._value, self._structure())

    def copy(self):
        return _wrap(type(self), _call("_copy", _as_dense(self))._value, self._aux)

    def copyto(self, other):
        if isinstance(other, Context):
            moved = _as_dense(self).as_in_context(other)
            return _wrap(type(self), _call("_copy", moved)._value, self._aux)
        if not isinstance(other, NDArray):
            raise TypeError("copyto does not support type " + str(type(other)))
        if other is self:
            warnings.warn("You are attempting to copy an array to itself", RuntimeWarning)
            return False
        if other.stype not in ("default", self._stype):
            raise TypeError("copyto does not support destination NDArray stype " + str(other.stype))
        if other.shape != self.shape:
            raise MXNetError(f"copyto: shape mismatch, source {self.shape} vs target {other.shape}")
        value = _as_dense(self).as_in_context(other.context).astype(other.dtype, copy=False)._value
        if isinstance(other, BaseSparseNDArray):
            other._assign(value, self._aux)
        else:
            other._assign(value)
        return other

    def as_in_context(self, context):
        if context == self.context:
            return self
        return self.copyto(context)

    def _assign(self, value, aux=None):
        NDArray._assign(self, value)
        self._aux = aux

    def detach(self):
        return _wrap(type(self), unrecorded(self._value), self._aux)

    def attach_grad(self, grad_req="write", stype=None):
        NDArray.attach_grad(self, grad_req, self._stype if stype is None else stype)

    def reshape(self, *shape, **kwargs):
        raise NotSupportedForSparseNDArray(self.reshape, None, shape)

    def _at(self, idx):
        raise NotSupportedForSparseNDArray(self._at, "[idx]", idx)

    def _slice(self, start, stop):
        raise NotSupportedForSparseNDArray(self._slice, None, start, stop)

    def _sync_copyfrom(self, source_array):
        raise NotImplementedError()

    def __setitem__(self, key, value):
        name = type(self).__name__
        if not isinstance(key, _SLICE):
            if self._stype == "csr":
                raise Exception("CSRNDArray only supports [:] for assignment")
            raise TypeError("RowSparseNDArray only supports [:] for assignment")
        if key.step is not None or key.start is not None or key.stop is not None:
            raise ValueError(f"Assignment with slice for {name} is not implemented yet.")
        if isinstance(value, NDArray):
            if value is not self:
                value.copyto(self)
        elif isinstance(value, numeric_types):
            if self._stype == "csr":
                raise ValueError("Assigning numeric types to CSRNDArray is not implemented yet.")
            full = np.full(self.shape, float(value), dtype=self.dtype)
            self._assign(_dense_array(full, ctx=self.context, dtype=self.dtype)._value)
        elif isinstance(value, (np.ndarray, np.generic)):
            warnings.warn(f"Assigning non-NDArray object to {name} is not efficient", RuntimeWarning)
            _dense_array(value, ctx=self.context).copyto(self)
        else:
            raise TypeError(f"type {type(value)} not supported")

    def __iadd__(self, other):
        (self + other).copyto(self)
        return self

    def __isub__(self, other):
        (self - other).copyto(self)
        return self

    def __imul__(self, other):
        (self * other).copyto(self)
        return self

    def __itruediv__(self, other):
        (self / other).copyto(self)
        return self

    __idiv__ = __itruediv__


class CSRNDArray(BaseSparseNDArray):
    """A 2-D array in compressed sparse row format: ``data``, ``indices`` (column of each
    value, ascending within a row) and ``indptr`` (where each row's values start)."""
    __slots__ = ()
    _stype = "csr"

    @property
    def indptr(self):
        return self._aux_data(0)

    @property
    def indices(self):
        return self._aux_data(1)

    @property
    def data(self):
        indptr, indices = self._structure()
        dense = self.asnumpy()
        rows = np.repeat(np.arange(self.shape[0]), np.diff(indptr))
        return _dense_array(dense[rows, indices], ctx=self.context, dtype=dense.dtype)

    def _data(self):
        return NDArray._data(self)

    def __getitem__(self, key):
        if isinstance(key, int):
            begin = self.shape[0] - 1 if key == -1 else key
            return _nd().slice(self, begin=(begin,), end=(begin + 1,))
        if isinstance(key, _SLICE):
            if key.step is not None:
                raise ValueError("CSRNDArray only supports continuous slicing on axis 0")
            if key.start is not None or key.stop is not None:
                begin = key.start if key.start else 0
                end = key.stop if key.stop else self.shape[0]
                return _nd().slice(self, begin=(begin,), end=(end,))
            return self
        if isinstance(key, tuple):
            raise ValueError("Multi-dimension indexing is not supported")
        raise ValueError(f"Undefined behaviour for {key}")

    def asscipy(self):
        """A ``scipy.sparse.csr_matrix`` with this array's values and metadata."""
        spsp = _scipy_sparse()
        if spsp is None:
            raise ImportError("scipy could not be imported. Please make sure that the scipy is installed.")
        indptr, indices = self._structure()
        return spsp.csr_matrix((self.data.asnumpy(), indices, indptr), shape=self.shape, dtype=self.dtype)


class RowSparseNDArray(BaseSparseNDArray):
    """An array of which only the rows listed in ``indices`` (sorted, unique) are stored."""
    __slots__ = ()
    _stype = "row_sparse"

    @property
    def indices(self):
        return self._aux_data(0)

    @property
    def data(self):
        (indices,) = self._structure()
        dense = self.asnumpy()
        return _dense_array(dense[indices], ctx=self.context, dtype=dense.dtype)

    def __getitem__(self, key):
        if isinstance(key, int):
            raise Exception("__getitem__ with int key is not implemented for RowSparseNDArray yet")
        if isinstance(key, _SLICE):
            if key.step is not None or key.start is not None or key.stop is not None:
                raise Exception("RowSparseNDArray only supports [:] for __getitem__")
            return self
        if isinstance(key, tuple):
            raise ValueError("Multi-dimension indexing is not supported")
        raise ValueError(f"Undefined behaviour for {key}")

    def retain(self, *args, **kwargs):
        return retain(self, *args, **kwargs)


_CLASSES = {"csr": CSRNDArray, "row_sparse": RowSparseNDArray}


def _nd():
    from .. import ndarray
    return ndarray


# ---- handles and metadata ------------------------------------------------------------------------
def _wrap(cls, value, aux):
    """A new ``cls`` handle on the dense ``value`` with metadata ``aux`` (None: lazily
    the non-zeros of the value)."""
    arr = object.__new__(cls)
    arr._value = value
    arr._var = None
    arr._aux = aux
    NDArray._rebind(arr, value)
    return arr


def _as_dense(arr):
    """A plain NDArray handle on a sparse array's dense value (no copy)."""
    if isinstance(arr, BaseSparseNDArray):
        return from_value(arr._value)
    return arr


def _structure_of(stype, dense):
    """MXNet's metadata of the dense numpy array ``dense`` stored as ``stype``."""
    if stype == "row_sparse":
        flat = dense.reshape(dense.shape[0], -1) if dense.shape[0] else dense.reshape(0, 0)
        return (np.flatnonzero(np.any(flat != 0, axis=1)).astype(_INDEX),)
    rows, cols = np.nonzero(dense)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=dense.shape[0]))]).astype(_INDEX)
    return (indptr, cols.astype(_INDEX))


def _from_numpy(stype, dense, aux, ctx):
    ctx = ctx or current_context()
    return _wrap(_CLASSES[stype], constant(jax.device_put(dense, ctx.jax_device), ctx), aux)


def _unpickle(stype, dense, aux, ctx):
    return _from_numpy(stype, dense, aux, None)


# ---- storage casts -------------------------------------------------------------------------------
def cast_storage(data, stype):
    """``nd.cast_storage``: the same values in storage ``stype`` ('default', 'row_sparse',
    'csr'); a sparse result keeps the non-zero rows / entries only, as MXNet does.  MXNet
    has no csr <-> row_sparse cast: ValueError, as its ``tostype``."""
    if stype not in ("default", "row_sparse", "csr"):
        raise MXNetError(f"Invalid Input: '{stype}', valid values are: {{'csr', 'default', 'row_sparse'}}")
    src = data.stype
    if {src, stype} == {"csr", "row_sparse"}:
        raise ValueError(f"cast_storage from {src} to {stype} is not supported")
    if data.ndim != 2 and stype == "csr":
        raise ValueError(f"To convert to a CSR, the NDArray should be 2 Dimensional. Current shape is {data.shape}")
    copied = _call("_copy", _as_dense(data))
    if stype == "default":
        return copied
    aux = data._aux if src == stype else None
    return _wrap(_CLASSES[stype], copied._value, aux)


# ---- constructors ------------------------------------------------------------------------------------
def _default_dtype(src, dtype):
    if dtype is not None:
        return as_dtype(dtype)
    if isinstance(src, (NDArray, np.ndarray)) or _is_scipy(src):
        return np.dtype(src.dtype)
    return np.dtype(np.float32)


def _host(x, dtype):
    if isinstance(x, NDArray):
        return x.asnumpy().astype(dtype)
    try:
        return np.asarray(x, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError("values must be array like object") from None


def _check_shape(s1, s2):
    if s1 and s2 and tuple(s1) != tuple(s2):
        raise ValueError("Shape mismatch detected. " + str(s1) + " v.s. " + str(s2))


def csr_matrix(arg1, shape=None, ctx=None, dtype=None):
    """A CSRNDArray from ``(data, indices, indptr)``, ``(data, (row, col))`` (needs scipy),
    a shape ``(M, N)``, a scipy csr matrix, a CSRNDArray, or a dense 2-D array."""
    if isinstance(arg1, tuple):
        if len(arg1) == 2:
            if isinstance(arg1[1], tuple) and len(arg1[1]) == 2:
                spsp = _scipy_sparse()
                if spsp is None:
                    raise ImportError("scipy could not be imported. Please make sure that the scipy is installed.")
                data, (row, col) = arg1
                coo = spsp.coo_matrix((_host(data, None), (_host(row, None), _host(col, None))), shape=shape)
                _check_shape(coo.shape, shape)
                return array(coo.tocsr(), ctx=ctx, dtype=dtype)
            _check_shape(arg1, shape)
            return empty("csr", arg1, ctx=ctx, dtype=dtype)
        if len(arg1) == 3:
            return _csr_from_definition(*arg1, shape=shape, ctx=ctx, dtype=dtype)
        raise ValueError("Unexpected length of input tuple: " + str(len(arg1)))
    if isinstance(arg1, CSRNDArray) or _is_scipy(arg1, "csr"):
        _check_shape(arg1.shape, shape)
        return array(arg1, ctx=ctx, dtype=dtype)
    if isinstance(arg1, RowSparseNDArray):
        raise ValueError("Unexpected input type: RowSparseNDArray")
    dense = _dense_array(arg1, dtype=_default_dtype(arg1, dtype))
    if ctx is not None and dense.context != ctx:
        dense = dense.as_in_context(ctx)
    _check_shape(dense.shape, shape)
    return dense.tostype("csr")


def _csr_from_definition(data, indices, indptr, shape=None, ctx=None, dtype=None):
    dtype = _default_dtype(data, dtype)
    data, indices, indptr = _host(data, dtype), _host(indices, _INDEX), _host(indptr, _INDEX)
    if shape is None:
        if indices.shape[0] == 0:
            raise ValueError("invalid shape")
        shape = (len(indptr) - 1, int(indices.max()) + 1)
    shape = tuple(int(s) for s in shape)
    if data.ndim != 1 or indptr.ndim != 1 or indices.ndim != 1 or indptr.shape[0] == 0 or len(shape) != 2:
        raise ValueError("invalid shape")
    if data.shape[0] != indices.shape[0]:
        raise MXNetError(f"Check failed: a csr array needs one value per index, got {data.shape[0]} values "
                         f"and {indices.shape[0]} indices")
    dense = np.zeros(shape, dtype)
    if not _format_problem("csr", shape, (indptr, indices)):
        row_of = np.repeat(np.arange(shape[0]), np.diff(indptr))
        dense[row_of, indices] = data
    return _from_numpy("csr", dense, (indptr, indices), ctx)


def _format_problem(stype, shape, aux):
    """What is wrong with ``aux`` as the metadata of a ``stype`` array of ``shape`` (None: valid)."""
    if stype == "row_sparse":
        (indices,) = aux
        if indices.size and (indices.min() < 0 or indices.max() >= shape[0]):
            return f"row_sparse indices must lie in [0, {shape[0]}), got {indices.tolist()}"
        if np.any(np.diff(indices) <= 0):
            return f"row_sparse indices must be sorted in ascending order and unique, got {indices.tolist()}"
        return None
    indptr, indices = aux
    if indptr.shape[0] != shape[0] + 1 or indptr[0] != 0 or np.any(np.diff(indptr) < 0):
        return (f"csr indptr must hold {shape[0] + 1} non-decreasing offsets starting at 0, "
                f"got {indptr.tolist()}")
    if indptr[-1] != indices.shape[0]:
        return f"csr indptr must end with the number of indices {indices.shape[0]}, got {indptr[-1]}"
    if indices.size and (indices.min() < 0 or indices.max() >= shape[1]):
        return f"csr indices must lie in [0, {shape[1]}), got {indices.tolist()}"
    for r in range(shape[0]):
        if np.any(np.diff(indices[indptr[r]:indptr[r + 1]]) <= 0):
            return f"csr indices must be in ascending order within each row (row {r})"
    return None


def row_sparse_array(arg1, shape=None, ctx=None, dtype=None):
    """A RowSparseNDArray from ``(data, indices)``, a shape, a RowSparseNDArray or a dense array."""
    if isinstance(arg1, tuple):
        if len(arg1) < 2:
            raise ValueError("Unexpected length of input tuple: " + str(len(arg1)))
        if len(arg1) > 2 or _ALL(isinstance(a, (int, np.integer)) for a in arg1):
            _check_shape(arg1, shape)
            return empty("row_sparse", arg1, ctx=ctx, dtype=dtype)
        return _rsp_from_definition(arg1[0], arg1[1], shape=shape, ctx=ctx, dtype=dtype)
    if isinstance(arg1, RowSparseNDArray):
        _check_shape(arg1.shape, shape)
        return array(arg1, ctx=ctx, dtype=dtype)
    if isinstance(arg1, CSRNDArray):
        raise ValueError("Unexpected input type: CSRNDArray")
    dense = _dense_array(arg1, dtype=_default_dtype(arg1, dtype))
    if ctx is not None and dense.context != ctx:
        dense = dense.as_in_context(ctx)
    _check_shape(dense.shape, shape)
    return dense.tostype("row_sparse")


def _rsp_from_definition(data, indices, shape=None, ctx=None, dtype=None):
    dtype = _default_dtype(data, dtype)
    data, indices = _host(data, dtype), _host(indices, _INDEX)
    if shape is None:
        if indices.shape[0] == 0:
            raise ValueError("invalid shape")
        shape = (int(indices[-1]) + 1,) + data.shape[1:]
    shape = tuple(int(s) for s in shape)
    if data.ndim != len(shape) or indices.ndim != 1 or np.prod(shape[1:]) == 0:
        raise ValueError("invalid shape")
    if data.shape[0] != indices.shape[0] or data.shape[1:] != shape[1:]:
        raise MXNetError(f"Check failed: a row_sparse array needs one row of data of shape {shape[1:]} per "
                         f"index, got data of shape {data.shape} and {indices.shape[0]} indices")
    dense = np.zeros(shape, dtype)
    if not _format_problem("row_sparse", shape, (indices,)):
        dense[indices] = data
    return _from_numpy("row_sparse", dense, (indices,), ctx)


def zeros(stype, shape, ctx=None, dtype=None, **kwargs):
    """An all-zero array of storage ``stype`` (no stored rows or values)."""
    if stype == "default":
        from . import zeros as dense_zeros
        return dense_zeros(shape, ctx=ctx, dtype=dtype, **kwargs)
    if stype not in _CLASSES:
        raise ValueError("unknown storage type" + stype)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    dtype = as_dtype(dtype)
    aux = ((np.zeros(0, _INDEX),) if stype == "row_sparse"
           else (np.zeros(shape[0] + 1, _INDEX), np.zeros(0, _INDEX)))
    return _from_numpy(stype, np.zeros(shape, dtype), aux, ctx)


def empty(stype, shape, ctx=None, dtype=None):
    """MXNet's empty sparse array is an all-zero one."""
    if stype not in _CLASSES:
        raise Exception("unknown stype : " + str(stype))
    return zeros(stype, shape, ctx=ctx, dtype=dtype)


def array(source_array, ctx=None, dtype=None):
    """A sparse array from a CSRNDArray, a RowSparseNDArray or a scipy csr matrix."""
    ctx = ctx or current_context()
    if isinstance(source_array, NDArray):
        assert source_array.stype != "default", \
            "Please use `tostype` to create RowSparseNDArray or CSRNDArray from an NDArray"
        dtype = _default_dtype(source_array, dtype)
        dense = _as_dense(source_array).astype(dtype).as_in_context(ctx)
        return _wrap(type(source_array), _call("_copy", dense)._value, source_array._structure())
    if _is_scipy(source_array, "csr"):
        csr = source_array.sorted_indices()
        csr.sum_duplicates()
        return csr_matrix((csr.data, csr.indices, csr.indptr), shape=csr.shape,
                          dtype=_default_dtype(source_array, dtype), ctx=ctx)
    if isinstance(source_array, (np.ndarray, np.generic)):
        raise ValueError("Please use mx.nd.array to create an NDArray with source_array of type ",
                         type(source_array))
    raise ValueError("Unexpected source_array type: ", type(source_array))


def retain(data=None, indices=None, **kwargs):
    """``sparse.retain``: a row_sparse array of the rows ``indices`` (sorted, as MXNet
    expects) of row_sparse ``data``; its indices are ``indices``, rows ``data`` does not
    store are zero."""
    if kwargs:
        raise MXNetError(f"Operator _sparse_retain got unexpected arguments {sorted(kwargs)}; it takes data "
                         "and indices")
    if not isinstance(data, RowSparseNDArray):
        raise MXNetError("retain: data must be a RowSparseNDArray, got storage type "
                         + str(getattr(data, "stype", type(data).__name__)))
    kept = _host(indices, _INDEX).reshape(-1)
    mask = np.zeros((data.shape[0],) + (1,) * (data.ndim - 1), dtype=data.dtype)
    mask[kept] = 1
    masked = _as_dense(data) * _dense_array(mask, ctx=data.context, dtype=data.dtype)
    return _wrap(RowSparseNDArray, masked._value, (kept,))
