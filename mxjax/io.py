"""``mx.io``: the in-memory data iterator of MXNet's Module-era scripts.

``NDArrayIter`` batches arrays along axis 0 (``last_batch_handle`` 'pad', which
fills the last batch from the start and reports ``pad``, or 'discard');
``DataBatch`` and ``DataDesc`` are MXNet's batch and description records.
File-based iterators (ImageRecordIter, CSVIter, MNISTIter...) are not provided.
"""
from collections import OrderedDict, namedtuple

import numpy as np

from . import ndarray as nd
from .base import MXNetError

__all__ = ["DataDesc", "DataBatch", "DataIter", "NDArrayIter"]


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """Name, shape, dtype and layout of one input: ``DataDesc[data,(3, 2),<class 'numpy.float32'>,NCHW]``."""

    def __new__(cls, name, shape, dtype=np.float32, layout="NCHW"):
        ret = super().__new__(cls, name, tuple(shape))
        ret.dtype, ret.layout = dtype, layout
        return ret

    def __repr__(self):
        return f"DataDesc[{self.name},{self.shape},{self.dtype},{self.layout}]"


class DataBatch:
    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None, provide_data=None,
                 provide_label=None):
        self.data, self.label, self.pad, self.index = data, label, pad, index
        self.bucket_key, self.provide_data, self.provide_label = bucket_key, provide_data, provide_label

    def __str__(self):
        shapes = [d.shape for d in self.data]
        label_shapes = [l.shape for l in self.label] if self.label else None
        return f"{type(self).__name__}: data shapes: {shapes} label shapes: {label_shapes}"


class DataIter:
    """Base class: ``reset()``, ``next()``, iteration."""

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def reset(self):
        pass

    def next(self):
        raise StopIteration


def _named(data, default_name):
    if data is None:
        return []
    if isinstance(data, (np.ndarray, nd.NDArray, list)) and not (
            isinstance(data, list) and data and isinstance(data[0], (np.ndarray, nd.NDArray))):
        data = [data]
    if isinstance(data, (list, tuple)):
        names = [default_name] if len(data) == 1 else [f"_{i}_{default_name}" for i in range(len(data))]
        data = OrderedDict(zip(names, data))
    return [(k, v.asnumpy() if isinstance(v, nd.NDArray) else np.asarray(v)) for k, v in data.items()]


class NDArrayIter(DataIter):
    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle="pad",
                 data_name="data", label_name="softmax_label"):
        super().__init__(batch_size)
        if last_batch_handle not in ("pad", "discard"):
            raise MXNetError(f"NDArrayIter: last_batch_handle={last_batch_handle!r} is not supported by mxjax; "
                             "use 'pad' or 'discard'")
        self.data = _named(data, data_name)
        self.label = _named(label, label_name)
        self.num_data = self.data[0][1].shape[0]
        for name, arr in self.data + self.label:
            if arr.shape[0] != self.num_data:
                raise MXNetError(f"NDArrayIter: '{name}' has {arr.shape[0]} samples, expected {self.num_data}")
        self.shuffle, self.last_batch_handle = shuffle, last_batch_handle
        self.idx = np.arange(self.num_data)
        self.reset()

    @property
    def provide_data(self):
        return [DataDesc(k, (self.batch_size,) + v.shape[1:], v.dtype.type) for k, v in self.data]

    @property
    def provide_label(self):
        return [DataDesc(k, (self.batch_size,) + v.shape[1:], v.dtype.type) for k, v in self.label]

    def reset(self):
        if self.shuffle:
            np.random.shuffle(self.idx)
        self.cursor = 0

    def next(self):
        start = self.cursor
        if start >= self.num_data or (self.last_batch_handle == "discard"
                                      and start + self.batch_size > self.num_data):
            raise StopIteration
        self.cursor += self.batch_size
        take = np.arange(start, start + self.batch_size) % self.num_data
        pad = max(start + self.batch_size - self.num_data, 0)
        rows = self.idx[take]
        return DataBatch([nd.array(v[rows], dtype=v.dtype) for _, v in self.data],
                         [nd.array(v[rows], dtype=v.dtype) for _, v in self.label], pad=pad, index=None)


from .base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
