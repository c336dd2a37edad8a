"""``mx.io.CSVIter``: MXNet 1.9.1's C++ CSV iterator, behaviour for behaviour.

Each row of ``data_csv`` (a file, or a directory whose files are read in name order) is one
example of shape ``data_shape``; each row of ``label_csv`` one label of ``label_shape``
(without ``label_csv`` every label is 0).  Values are parsed as ``dtype``: float32 (the
default), int32 or int64.  Batches stack ``batch_size`` examples.  The last incomplete batch:

* ``round_batch=True`` (default): completed with the first examples of the file, ``pad``
  says how many; the next epoch (after ``reset()``) then starts after them, as MXNet's
  batch loader continues where the wrap-around stopped;
* ``round_batch=False``: the rows past the end keep what the previous batch held there
  (MXNet reuses its batch buffer), ``pad`` says how many.

As MXNet's ``MXDataIter``: making the iterator reads the first batch (errors in the first
rows raise there), ``index`` is the examples' uint64 numbers in the epoch, and a label batch
of shape ``(batch_size, 1, ...)`` comes flattened to ``(batch_size,)`` (MXNet's "make label
1D" reshape).  Other keyword arguments (prefetcher settings...) are accepted and ignored.
"""
import os

import numpy as np

from . import ndarray as nd
from .base import MXNetError
from .io import DataBatch, DataDesc, DataIter

_DTYPES = {"float32": np.float32, "int32": np.int32, "int64": np.int64}
_MISSING = object()


def _csv_rows(path):
    """The rows of a CSV file (or of every file of a directory, in name order) as 1-D arrays."""
    if not os.path.exists(path):
        raise MXNetError(f"LocalFileSystem.GetPathInfo: {path} error: No such file or directory")
    files = sorted(os.path.join(path, f) for f in os.listdir(path)) if os.path.isdir(path) else [path]
    rows = []
    for name in files:
        with open(name) as fh:
            for line in fh:
                line = line.strip()
                if line:
                    rows.append(line.split(","))
    return rows


def _shape(name, value):
    shape = (int(value),) if isinstance(value, (int, np.integer)) else tuple(int(s) for s in value)
    if not shape or any(s <= 0 for s in shape):
        raise MXNetError(f"Invalid Parameter format for {name}: expect a shape of positive sizes, got {value}")
    return shape


class _Rows:
    """One CSV source read example by example (MXNet's parser plus ``AsTBlob``'s size check)."""

    def __init__(self, path, shape, dtype):
        self.rows, self.dtype = _csv_rows(path), dtype
        self.shape = shape
        self.size = int(np.prod(shape))
        self.pos = 0

    def next(self):
        if self.pos >= len(self.rows):
            return None
        row = self.rows[self.pos]
        self.pos += 1
        if len(row) != self.size:
            raise MXNetError(f"Check failed: row.length == shape.Size() ({len(row)} vs. {self.size}) : The data "
                             f"size in CSV do not match size of shape: specified shape=[{','.join(map(str, self.shape))}]"
                             f", the csv row-length={len(row)}")
        try:
            if self.dtype == np.float32:
                return np.array(row).astype(np.float32)
            return np.array([int(v) for v in row], dtype=self.dtype)
        except (ValueError, OverflowError) as exc:
            raise MXNetError(f"CSVIter: cannot parse row {self.pos} as {np.dtype(self.dtype).name}: {exc}") from None


class CSVIter(DataIter):
    """MXNet's ``mx.io.CSVIter`` (see the module docstring)."""

    def __init__(self, data_csv=_MISSING, data_shape=_MISSING, label_csv="NULL", label_shape=(1,),
                 batch_size=_MISSING, round_batch=True, dtype=None, data_name="data", label_name="softmax_label",
                 **kwargs):
        for name, value in (("data_csv", data_csv), ("data_shape", data_shape), ("batch_size", batch_size)):
            if value is _MISSING:
                kind = "int (non-negative)" if name == "batch_size" else "string" if name == "data_csv" else "Shape(tuple)"
                raise MXNetError(f"Required parameter {name} of {kind} is not presented")
        name = "float32" if dtype is None else np.dtype(dtype).name if not isinstance(dtype, str) else dtype
        if name not in _DTYPES:
            raise MXNetError(f"Check failed: false: {name} is not supported for CSVIter")
        self._dtype = _DTYPES[name]
        super().__init__(int(batch_size))
        self._round_batch = bool(round_batch) if not isinstance(round_batch, str) else \
            round_batch.strip().lower() in ("true", "1")
        self._data = _Rows(data_csv, _shape("data_shape", data_shape), self._dtype)
        label_shape = _shape("label_shape", label_shape)
        self._label = None if label_csv == "NULL" else _Rows(label_csv, label_shape, self._dtype)
        self._label_shape = label_shape if self._label is not None else (1,)
        self._counter = 0          # examples handed out since the last rewind (their ``index``)
        self._overflow = 0         # examples taken from the start to complete the last batch
        self._buffers = None       # the batch buffers, reused from batch to batch as MXNet does
        self._batch = None
        self.first_batch = None
        self.first_batch = self.next()
        self.provide_data = [DataDesc(data_name, self.first_batch.data[0].shape, self._dtype)]
        self.provide_label = [DataDesc(label_name, self.first_batch.label[0].shape, self._dtype)]

    def _rewind(self):
        self._data.pos = 0
        if self._label is not None:
            self._label.pos = 0
        self._counter = 0

    def _example(self):
        """The next (index, data, label) of the file, or None at its end."""
        data = self._data.next()
        if data is None:
            return None
        if self._label is None:
            label = np.zeros(1, self._dtype)
        else:
            label = self._label.next()
            if label is None:
                raise MXNetError("Check failed: label_parser_->Next() : Data CSV's row is smaller than the number "
                                 "of rows in label_csv")
        self._counter += 1
        return self._counter - 1, data, label

    def _store(self, top, example):
        index, data, label = example
        self._buffers[0][top] = index
        self._buffers[1][top] = data.reshape(self._data.shape)
        self._buffers[2][top] = label.reshape(self._label_shape)

    def _load_batch(self):
        """MXNet's batch loader: whether a batch was filled, and its pad."""
        if self._overflow:
            return False, 0
        if self._buffers is None:
            self._buffers = [np.zeros(self.batch_size, np.uint64),
                             np.zeros((self.batch_size,) + self._data.shape, self._dtype),
                             np.zeros((self.batch_size,) + self._label_shape, self._dtype)]
        top = 0
        while top < self.batch_size:
            example = self._example()
            if example is None:
                break
            self._store(top, example)
            top += 1
        if top == self.batch_size:
            return True, 0
        if top == 0:
            return False, 0
        if not self._round_batch:
            return True, self.batch_size - top
        self._rewind()
        for top in range(top, self.batch_size):
            example = self._example()
            if example is None:
                raise MXNetError("Check failed: base_->Next() : number of input must be bigger than batch size")
            self._store(top, example)
            self._overflow += 1
        return True, self._overflow

    def reset(self):
        self.first_batch = None
        if not self._round_batch or not self._overflow:
            self._rewind()
        self._overflow = 0

    def iter_next(self):
        if self.first_batch is not None:
            return True
        ok, pad = self._load_batch()
        if not ok:
            self._batch = None
            return False
        index, data, label = self._buffers
        if label.ndim > 1 and label.shape[1] == 1:
            label = label.reshape(-1)[:self.batch_size]
        self._batch = (nd.array(data, dtype=self._dtype), nd.array(label, dtype=self._dtype), pad, index.copy())
        return True

    def next(self):
        if self.first_batch is not None:
            batch, self.first_batch = self.first_batch, None
            return batch
        if not self.iter_next():
            raise StopIteration
        return DataBatch(data=[self.getdata()], label=[self.getlabel()], pad=self.getpad(), index=self.getindex())

    def _current(self, i):
        if self._batch is None:
            raise MXNetError("CSVIter: no current batch; call next() (or reset() after the end of the data)")
        return self._batch[i]

    def getdata(self):
        return self._current(0)

    def getlabel(self):
        return self._current(1)

    def getpad(self):
        return self._current(2)

    def getindex(self):
        return self._current(3)
