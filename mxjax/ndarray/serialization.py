"""``nd.save``, ``nd.load``, ``nd.load_frombuffer``: MXNet 1.9.1's binary NDArray-list format.

mxjax writes the bytes MXNet 1.9.1 writes for the same arrays (a file saved
here loads in MXNet, and the other way round).  No pickle is involved.  The
layout, every integer little-endian::

    file   := u64 0x112 (list magic)  u64 0 (reserved)
              u64 n  array * n
              u64 m  name * m            m is 0 (a list) or n (a dict)
    name   := u64 length  utf-8 bytes
    array  := u32 magic                  0xF993FAC9 (V2, what MXNet writes)
              i32 storage type           0 dense, 1 row_sparse, 2 csr
              [shape storage_shape]      sparse only
              shape
              i32 dev_type  i32 dev_id   the array's context (1 cpu, 2 gpu, 3 cpu_pinned)
              i32 type flag              see ``TYPE_FLAGS``
              [(i32 aux type flag, shape aux_shape) * num_aux]   sparse only
              raw data                   C order; the stored values of a sparse array
              [raw aux data * num_aux]   sparse only
    shape  := i32 ndim  i64 dim * ndim

What MXNet also does, and mxjax with it:

- ``V3`` arrays (magic 0xF993FACA, written under ``mx.util.np_shape(True)``)
  hold NumPy-shape semantics: ndim 0 is a 0-d array, ndim -1 an unknown shape.
  Dense arrays saved under ``np_shape`` are written as V3 (a sparse one is an
  MXNetError there).  A V3 array loads only under ``np_shape``, and an older
  array only outside it (or with np_shape switched on globally,
  ``set_np_shape(2)``); otherwise MXNetError, as MXNet.
- In a V2 array ndim 0 means an empty ("none") handle, stored with no payload.
  MXNet 1.9.1 nevertheless writes the payload of a 0-d array after it, and then
  fails to load its own file; mxjax writes the same bytes and, reading, takes
  a known context and type flag after ndim 0 as the payload of a 0-d array.
  A genuine "none" array loads as an empty float32 array of shape (0,).
- Older files (magic 0xF993FAC8, and before it a magic that is the ndim with
  uint32 dims) hold dense arrays without a storage type; both still load.
- Sparse arrays (``row_sparse``, ``csr``) are written with their stored values
  and int64 index arrays and load as RowSparseNDArray / CSRNDArray with the
  file's indices (``sparse.py`` keeps the values dense in memory).
- Arrays load on the CPU, except those saved from ``gpu(i)``, which load on
  ``gpu(i)`` when that device exists (MXNet's CUDA build does the same).

A file that does not follow this layout (bad magic, cut short, sizes larger
than the file) raises ``MXNetError`` naming the file; nothing is allocated
beyond what the file's own bytes can fill.
"""
import os
import struct

import numpy as np

from ..base import MXNetError, as_dtype
from ..context import Context, cpu, num_gpus
from ..util import _NumpyShapeState, is_np_shape
from .ndarray import NDArray, array

__all__ = ["save", "load", "load_frombuffer", "TYPE_FLAGS", "array_to_bytes", "array_from_bytes"]

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA

DEFAULT_STORAGE, ROW_SPARSE_STORAGE, CSR_STORAGE = 0, 1, 2
#: number of auxiliary arrays (row indices; csr's indptr and column indices) per storage type
NUM_AUX = {DEFAULT_STORAGE: 0, ROW_SPARSE_STORAGE: 1, CSR_STORAGE: 2}
_STORAGE_OF = {"default": DEFAULT_STORAGE, "row_sparse": ROW_SPARSE_STORAGE, "csr": CSR_STORAGE}

#: mshadow's type flags.  MXNet 1.9.1's Python API uses 0-7 and 12 (bfloat16); 8-11 exist in
#: its C++ core and load here too.
TYPE_FLAGS = {
    0: np.dtype(np.float32), 1: np.dtype(np.float64), 2: np.dtype(np.float16), 3: np.dtype(np.uint8),
    4: np.dtype(np.int32), 5: np.dtype(np.int8), 6: np.dtype(np.int64), 7: np.dtype(np.bool_),
    8: np.dtype(np.int16), 9: np.dtype(np.uint16), 10: np.dtype(np.uint32), 11: np.dtype(np.uint64),
    12: as_dtype("bfloat16"),
}
_FLAG_OF_DTYPE = {dtype: flag for flag, dtype in TYPE_FLAGS.items()}

#: more dimensions than this is taken for a corrupt file
MAX_NDIM = 32
#: a sparse array is made dense on loading; a (corrupt or hostile) file declaring a dense shape
#: larger than this is refused rather than allocated
MAX_DENSIFIED_BYTES = 1 << 32
_KNOWN_DEV_TYPES = (1, 2, 3, 5)
_GPU_DEV_TYPE = 2

_SAVE_TYPE_ERROR = "save only accept dict str->NDArray or list of NDArray"
_SAVE_VALUE_ERROR = "data needs to either be a NDArray, dict of str, NDArray pairs or a list of NDarrays."


# ---- writing ----------------------------------------------------------------------------------
def save(fname, data):
    """Save an NDArray, a list of NDArrays or a dict str -> NDArray to ``fname``.

    ``nd.load`` gives back a list (for an NDArray or a list) or a dict.  Accepts a
    path-like ``fname`` as well as a str (MXNet accepts str only)."""
    arrays, names = _arrays_and_names(data)
    fname = _path(fname)
    payload = _encode(arrays, names)
    try:
        with open(fname, "wb") as stream:
            stream.write(payload)
    except OSError as exc:
        raise MXNetError(f'Check failed: allow_null: :Open "{fname}": {exc.strerror}') from exc


def _arrays_and_names(data):
    if isinstance(data, NDArray):
        return [data], []
    if isinstance(data, dict):
        if any(not isinstance(k, str) for k in data) or any(not isinstance(v, NDArray) for v in data.values()):
            raise TypeError(_SAVE_TYPE_ERROR)
        return list(data.values()), list(data.keys())
    if isinstance(data, list):
        if any(not isinstance(v, NDArray) for v in data):
            raise TypeError(_SAVE_TYPE_ERROR)
        return list(data), []
    raise ValueError(_SAVE_VALUE_ERROR)


def _encode(arrays, names):
    chunks = [struct.pack("<QQQ", LIST_MAGIC, 0, len(arrays))]
    for arr in arrays:
        _encode_array(arr, chunks)
    chunks.append(struct.pack("<Q", len(names)))
    for name in names:
        encoded = name.encode("utf-8")
        chunks.append(struct.pack("<Q", len(encoded)))
        chunks.append(encoded)
    return b"".join(chunks)


def _encode_array(arr, chunks):
    value = np.asarray(arr.asnumpy(), order="C")  # (np.ascontiguousarray would make 0-d arrays 1-d)
    flag = _FLAG_OF_DTYPE.get(value.dtype)
    if flag is None:
        raise MXNetError(f"Cannot save an array of dtype {value.dtype}: MXNet's file format has no such type")
    ctx = arr.context
    stype = _STORAGE_OF.get(arr.stype, DEFAULT_STORAGE)
    aux = ()
    if is_np_shape():
        if stype != DEFAULT_STORAGE:
            raise MXNetError("only allow serializing ndarray of default storage type in np shape semantics: "
                             f"this array is {arr.stype}; save it outside mx.util.np_shape()")
        chunks.append(struct.pack("<Ii", V3_MAGIC, stype))
        shape = value.shape
    elif stype != DEFAULT_STORAGE:
        aux = arr._structure()
        value = np.ascontiguousarray(arr.data.asnumpy())
        chunks.append(struct.pack(f"<Iii{value.ndim}q", V2_MAGIC, stype, value.ndim, *value.shape))
        shape = arr.shape
    else:
        chunks.append(struct.pack("<Ii", V2_MAGIC, stype))
        shape = value.shape
    chunks.append(struct.pack(f"<i{len(shape)}q", len(shape), *shape))
    chunks.append(struct.pack("<iii", ctx.device_typeid, ctx.device_id, flag))
    for a in aux:
        chunks.append(struct.pack(f"<iiq", _FLAG_OF_DTYPE[np.dtype(np.int64)], 1, a.shape[0]))
    if value.dtype.byteorder == ">":
        value = value.astype(value.dtype.newbyteorder("<"))
    chunks.append(value.tobytes())
    for a in aux:
        chunks.append(np.ascontiguousarray(a, dtype="<i8").tobytes())


def array_to_bytes(arr):
    """One array's bytes in the layout above (MXNet's ``MXNDArraySaveRawBytes``: what an
    NDArray pickles to, so pickles cross over between MXNet and mxjax)."""
    chunks = []
    _encode_array(arr, chunks)
    return b"".join(chunks)


def array_from_bytes(buf):
    """The array ``array_to_bytes`` (or MXNet) wrote; MXNetError if the bytes are not one."""
    reader = _Reader(bytes(buf))
    try:
        arr = reader.array(0)
        if reader.left():
            raise _Invalid(f"{reader.left()} bytes follow the array")
    except _Invalid as exc:
        raise MXNetError(f"The pickled state is not an MXNet NDArray: {exc}") from None
    return arr


# ---- reading ----------------------------------------------------------------------------------
def load(fname):
    """Load a file written by ``nd.save`` (mxjax's or MXNet's): a list, or a dict str -> NDArray."""
    if not isinstance(fname, (str, os.PathLike)):
        raise TypeError("fname required to be a string")
    fname = _path(fname)
    try:
        with open(fname, "rb") as stream:
            buf = stream.read()
    except OSError as exc:
        raise MXNetError(f'Check failed: allow_null: :Open "{fname}": {exc.strerror}') from exc
    return _decode(buf, f"File '{fname}'")


def load_frombuffer(buf):
    """Load arrays from the bytes of a file written by ``nd.save``.

    Accepts any bytes-like object (MXNet accepts ``bytes`` only)."""
    if isinstance(buf, str):
        buf = buf.encode("latin-1")
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise TypeError("buf required to be a string or bytes")
    return _decode(bytes(buf), "The buffer given to load_frombuffer")


def _path(fname):
    return os.fspath(fname)


class _Invalid(Exception):
    """The bytes do not follow the format; ``_decode`` turns this into an MXNetError."""


def _decode(buf, source):
    try:
        arrays, names = _Reader(buf).read_file()
    except _Invalid as exc:
        raise MXNetError(f"{source} is not a valid MXNet parameter file (Invalid NDArray file format): "
                         f"{exc}") from None
    if not names:
        return arrays
    return dict(zip(names, arrays))


def _check_shape_semantics(magic):
    """MXNet loads a V3 array only under np_shape, and any other only outside it (unless
    np_shape is on globally)."""
    if magic == V3_MAGIC:
        if not is_np_shape():
            raise MXNetError("ndarray was saved in np shape semantics, must be loaded in the same semantics. "
                             "Please turn on np shape semantics in Python using `with np_shape(True)` or "
                             "decorator `use_np_shape` to scope the code of loading the ndarray.")
    elif is_np_shape() and not _NumpyShapeState.global_on:
        raise MXNetError("ndarray was not saved in np shape semantics, but being loaded in np shape semantics. "
                         "Please turn off np shape semantics in Python using `with np_shape(False)` to scope "
                         "the code of loading the ndarray.")


class _Reader:
    def __init__(self, buf):
        self.buf = memoryview(buf)  # slices without copying
        self.pos = 0

    # primitives
    def left(self):
        return len(self.buf) - self.pos

    def take(self, nbytes, what):
        if nbytes > self.left():
            raise _Invalid(f"truncated: {what} needs {nbytes} bytes at offset {self.pos}, "
                           f"only {self.left()} left")
        start = self.pos
        self.pos += nbytes
        return self.buf[start:self.pos]

    def unpack(self, fmt, what):
        fmt = "<" + fmt
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))

    def peek(self, fmt):
        fmt = "<" + fmt
        if struct.calcsize(fmt) > self.left():
            return None
        return struct.unpack_from(fmt, self.buf, self.pos)

    def shape(self, what, dim_format="q", unknown_allowed=False):
        """``(ndim, dims)``; dims is None for an unknown shape (ndim -1 or a dim -1, V3 only)."""
        (ndim,) = self.unpack("i", f"the ndim of {what}")
        if unknown_allowed and ndim == -1:
            return ndim, None
        if not 0 <= ndim <= MAX_NDIM:
            raise _Invalid(f"{what} has ndim {ndim}")
        dims = self.unpack(f"{ndim}{dim_format}", f"the dims of {what}")
        if unknown_allowed and -1 in dims:
            return ndim, None
        if any(d < 0 for d in dims):
            raise _Invalid(f"{what} has a negative dimension: {dims}")
        return ndim, tuple(dims)

    # structure
    def read_file(self):
        magic, _reserved = self.unpack("QQ", "the file header")
        if magic != LIST_MAGIC:
            raise _Invalid(f"bad file magic {magic:#x} (expected {LIST_MAGIC:#x})")
        (count,) = self.unpack("Q", "the number of arrays")
        if count * 4 > self.left():  # every array takes at least its 4-byte magic
            raise _Invalid(f"it declares {count} arrays in {self.left()} bytes")
        arrays = [self.array(i) for i in range(count)]
        (num_names,) = self.unpack("Q", "the number of names")
        if num_names not in (0, count):
            raise _Invalid(f"it holds {count} arrays but {num_names} names")
        names = []
        for i in range(num_names):
            (length,) = self.unpack("Q", f"the length of name {i}")
            raw = self.take(length, f"name {i}")
            try:
                names.append(str(raw, "utf-8"))
            except UnicodeDecodeError:
                raise _Invalid(f"name {i} is not utf-8: {bytes(raw[:40])!r}") from None
        return arrays, names

    def array(self, index):
        what = f"array {index}"
        (magic,) = self.unpack("I", f"the magic of {what}")
        _check_shape_semantics(magic)
        if magic in (V2_MAGIC, V3_MAGIC):
            return self.array_v2(what, np_shape=magic == V3_MAGIC)
        if magic == V1_MAGIC:
            _ndim, shape = self.shape(what)
            return self.dense_payload(what, shape, zero_dims_mean_none=True)
        if magic <= MAX_NDIM:  # the oldest format: the magic is the ndim, dims are uint32
            shape = self.unpack(f"{magic}I", f"the dims of {what}")
            return self.dense_payload(what, shape, zero_dims_mean_none=True)
        raise _Invalid(f"{what} has a bad magic number {magic:#x}")

    def array_v2(self, what, np_shape):
        (stype,) = self.unpack("i", f"the storage type of {what}")
        if stype not in NUM_AUX or (np_shape and stype != DEFAULT_STORAGE):
            raise _Invalid(f"{what} has an unknown storage type {stype}")
        num_aux = NUM_AUX[stype]
        if num_aux:
            self.shape(f"the storage shape of {what}")
        ndim, shape = self.shape(what, unknown_allowed=np_shape)
        if shape is None:
            return _none_array()
        if num_aux == 0:
            return self.dense_payload(what, shape, zero_dims_mean_none=not np_shape)
        if ndim == 0:
            return _none_array()
        ctx, dtype = self.context_and_dtype(what)
        aux = []
        for i in range(num_aux):
            (flag,) = self.unpack("i", f"the type of aux array {i} of {what}")
            aux.append((self.dtype_of(flag, what), self.shape(f"aux array {i} of {what}")[1]))
        # the stored storage shape can be stale (MXNet reads it before the array is computed);
        # like MXNet, take the number of stored rows / values from the index array's shape
        index_shape = aux[0][1] if stype == ROW_SPARSE_STORAGE else aux[1][1]
        if len(index_shape) != 1:
            raise _Invalid(f"{what} has index arrays of shape {index_shape}")
        storage_shape = (index_shape[0],) + (tuple(shape[1:]) if stype == ROW_SPARSE_STORAGE else ())
        values = self.data(dtype, storage_shape, what)
        aux_values = [self.data(aux_dtype, aux_shape, f"aux array {i} of {what}")
                      for i, (aux_dtype, aux_shape) in enumerate(aux)]
        dense = _densify(stype, shape, values, aux_values, what)
        from .sparse import _from_numpy
        structure = tuple(a.astype(np.int64) for a in aux_values)
        return _from_numpy("row_sparse" if stype == ROW_SPARSE_STORAGE else "csr", dense, structure,
                           _context(ctx))

    def dense_payload(self, what, shape, zero_dims_mean_none):
        if zero_dims_mean_none and len(shape) == 0 and not self.payload_follows():
            return _none_array()
        ctx, dtype = self.context_and_dtype(what)
        return _to_ndarray(self.data(dtype, shape, what), ctx)

    def payload_follows(self):
        """After ndim 0 in a V2 array: a known context and type flag mean MXNet wrote a 0-d
        array's payload; anything else (the next array's magic, the names) a "none" array."""
        peeked = self.peek("iii")
        return (peeked is not None and peeked[0] in _KNOWN_DEV_TYPES and peeked[1] >= 0
                and peeked[2] in TYPE_FLAGS)

    def context_and_dtype(self, what):
        dev_type, dev_id, flag = self.unpack("iii", f"the context and dtype of {what}")
        if dev_type not in _KNOWN_DEV_TYPES:
            raise _Invalid(f"{what} has an unknown device type {dev_type}")
        return (dev_type, dev_id), self.dtype_of(flag, what)

    @staticmethod
    def dtype_of(flag, what):
        dtype = TYPE_FLAGS.get(flag)
        if dtype is None:
            raise _Invalid(f"{what} has an unknown type flag {flag}")
        return dtype

    def data(self, dtype, shape, what):
        size, extent = 1, dtype.itemsize
        for d in shape:
            size *= d
            extent *= max(d, 1)
        if extent >= 2 ** 63:  # numpy refuses such a shape even when a zero dim makes it empty
            raise _Invalid(f"{what} has an impossibly large shape {shape}")
        raw = self.take(size * dtype.itemsize, f"the data of {what} (shape {shape}, {dtype})")
        # astype copies, so the arrays do not keep the whole file's buffer alive
        return np.frombuffer(raw, dtype=dtype.newbyteorder("<")).astype(dtype).reshape(shape)


def _densify(stype, shape, values, aux, what):
    size = 1
    for d in shape:
        size *= d
    if size * values.dtype.itemsize > MAX_DENSIFIED_BYTES:
        raise _Invalid(f"{what} is sparse with dense shape {shape}; mxjax stores arrays dense and refuses "
                       f"to allocate more than {MAX_DENSIFIED_BYTES} bytes for it")
    dense = np.zeros(shape, dtype=values.dtype)
    if stype == ROW_SPARSE_STORAGE:
        (rows,) = aux
        if (values.ndim != len(shape) or rows.shape != values.shape[:1] or values.shape[1:] != tuple(shape[1:])
                or (rows.size and (rows.min() < 0 or rows.max() >= shape[0]))):
            raise _Invalid(f"{what} is a malformed row_sparse array")
        dense[rows.astype(np.int64)] = values
        return dense
    indptr, indices = aux
    rows, cols = shape if len(shape) == 2 else (-1, -1)
    nnz = values.size
    if (rows < 0 or values.ndim != 1 or indptr.shape != (rows + 1,) or indices.shape != (nnz,)
            or (indptr.size and (indptr[0] != 0 or indptr[-1] != nnz or np.any(np.diff(indptr) < 0)))
            or (nnz and (indices.min() < 0 or indices.max() >= cols))):
        raise _Invalid(f"{what} is a malformed csr array")
    row_of_value = np.repeat(np.arange(rows), np.diff(indptr).astype(np.int64))
    dense[row_of_value, indices.astype(np.int64)] = values
    return dense


def _none_array():
    return array(np.zeros((0,), np.float32), ctx=cpu(0), dtype=np.float32)


def _context(ctx):
    dev_type, dev_id = ctx
    if dev_type == _GPU_DEV_TYPE and 0 <= dev_id < num_gpus():
        return Context("gpu", dev_id)
    return cpu(0)


def _to_ndarray(value, ctx):
    return array(value, ctx=_context(ctx), dtype=value.dtype)
