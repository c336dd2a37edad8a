"""``mx.io``: the in-memory data iterator of MXNet's Module-era scripts.

``NDArrayIter`` batches arrays along the batch axis (MXNet's ``last_batch_handle``
'pad', 'discard' and 'roll_over');
``DataBatch`` and ``DataDesc`` are MXNet's batch and description records.
``MNISTIter`` reads MNIST's idx files, ``CSVIter`` (in ``_csv_iter``) CSV files and
``ImageRecordIter``/``ImageRecordUInt8Iter`` (in ``_image_record_iter``) RecordIO files of
images, as MXNet's C++ iterators of those names do.  Other file-based iterators
(LibSVMIter, ImageDetRecordIter...) are not provided.
"""
import sys
import time
from collections import OrderedDict, namedtuple

import numpy as np

from . import ndarray as nd
from ._idx import read_idx
from .base import MXNetError

__all__ = ["DataDesc", "DataBatch", "DataIter", "NDArrayIter", "MNISTIter", "CSVIter", "ImageRecordIter",
           "ImageRecordUInt8Iter"]


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """Name, shape, dtype and layout of one input: ``DataDesc[data,(3, 2),<class 'numpy.float32'>,NCHW]``."""

    def __new__(cls, name, shape, dtype=np.float32, layout="NCHW"):
        ret = super().__new__(cls, name, tuple(shape))
        ret.dtype, ret.layout = dtype, layout
        return ret

    def __repr__(self):
        return f"DataDesc[{self.name},{self.shape},{self.dtype},{self.layout}]"

    @staticmethod
    def get_batch_axis(layout):
        """The batch axis of ``layout`` (the position of 'N'; 0 for None, -1 when there is none)."""
        if layout is None:
            return 0
        return layout.find("N")

    @staticmethod
    def get_list(shapes, types):
        """DataDescs from (name, shape) pairs and, optionally, (name, dtype) pairs."""
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


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
    """Base class, as MXNet's: ``next()`` is ``iter_next()`` then a DataBatch of ``getdata()``,
    ``getlabel()``, ``getpad()`` and ``getindex()``; ``reset()`` starts over."""

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def reset(self):
        pass

    def next(self):
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(), index=self.getindex())
        raise StopIteration

    def iter_next(self):
        return False

    def getdata(self):
        pass

    def getlabel(self):
        pass

    def getindex(self):
        return None

    def getpad(self):
        pass


class _CSRSource:
    """A CSRNDArray input of NDArrayIter: its rows are taken on the host and handed out as
    CSRNDArray batches, as MXNet's NDArrayIter slices a CSRNDArray."""

    def __init__(self, csr):
        self.dense = csr.asnumpy()
        self.shape, self.dtype = self.dense.shape, self.dense.dtype

    def take(self, samples):
        return nd.array(self.dense[samples], dtype=self.dtype).tostype("csr")


def _init_data(data, allow_empty, default_name):
    """MXNet's normalisation of iterator inputs: a sorted list of (name, numpy array or
    _CSRSource); one array is named ``default_name``, a list of them ``_0_<default_name>``...
    Other inputs are converted as ``nd.array`` converts them (float32; a scipy csr matrix
    becomes a CSRNDArray)."""
    assert data is not None or allow_empty
    if data is None:
        data = []
    if isinstance(data, (np.ndarray, nd.NDArray)):
        data = [data]
    if isinstance(data, list):
        if not allow_empty:
            assert len(data) > 0
        names = [default_name] if len(data) == 1 else [f"_{i}_{default_name}" for i in range(len(data))]
        data = OrderedDict(zip(names, data))
    if not isinstance(data, dict):
        raise TypeError("Input must be NDArray, numpy.ndarray, h5py.Dataset a list of them or dict with them as "
                        "values")
    arrays = []
    for name, value in data.items():
        if not isinstance(value, nd.NDArray):
            try:
                value = nd.array(value)
            except Exception:
                raise TypeError(f"Invalid type '{type(value)}' for {name}, should be NDArray, numpy.ndarray or "
                                "h5py.Dataset") from None
        arrays.append((name, _CSRSource(value) if value.stype == "csr" else value.asnumpy()))
    return sorted(arrays, key=lambda item: item[0])


class NDArrayIter(DataIter):
    """Batches of arrays along the batch axis (``layout``'s 'N'), MXNet's ``last_batch_handle``:

    * 'pad': the last batch is filled from the start (repeatedly if needed); ``pad`` says how
      many samples are filler;
    * 'discard': the last incomplete batch is dropped;
    * 'roll_over': the last incomplete batch is dropped this epoch and completed, after
      ``reset()``, by the first samples of the next one (its ``pad`` is the number carried over).

    ``shuffle`` permutes the samples at every reset: as in MXNet, ``idx`` is shuffled in place
    and the data reordered by it, so the permutations compose from epoch to epoch (the
    sample order after k resets is ``idx_1[idx_2]...[idx_k]``)."""

    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle="pad",
                 data_name="data", label_name="softmax_label", layout="NCHW"):
        super().__init__(batch_size)
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        if last_batch_handle != "discard" and any(isinstance(v, _CSRSource) for _, v in self.data + self.label):
            raise NotImplementedError("`NDArrayIter` only supports ``CSRNDArray`` with `last_batch_handle` set to "
                                      "`discard`.")
        self.layout = layout
        self._axis = layout.find("N")
        self.idx = np.arange(self.data[0][1].shape[self._axis])
        self._order = self.idx.copy()   # original sample number at each position
        self.num_data = self.idx.shape[0]
        for name, arr in self.data + self.label:   # more samples than the first array's: MXNet reads
            if arr.shape[self._axis] < self.num_data:   # those the first array has and ignores the rest
                raise MXNetError(f"NDArrayIter: '{name}' has {arr.shape[self._axis]} samples, fewer than the "
                                 f"{self.num_data} of '{self.data[0][0]}': give every array one entry per sample")
        self.shuffle, self.last_batch_handle = shuffle, last_batch_handle
        self.cursor = -batch_size
        self._carried = None   # sample numbers of the incomplete last batch, for 'roll_over'
        self.reset()

    def _descs(self, source):
        return [DataDesc(k, v.shape[:self._axis] + (self.batch_size,) + v.shape[self._axis + 1:], v.dtype.type,
                         self.layout) for k, v in source]

    @property
    def provide_data(self):
        return self._descs(self.data)

    @property
    def provide_label(self):
        return self._descs(self.label)

    def _shuffle(self):
        np.random.shuffle(self.idx)
        self._order = self._order[self.idx]

    def hard_reset(self):
        """Start over, dropping samples carried over by 'roll_over'."""
        if self.shuffle:
            self._shuffle()
        self.cursor = -self.batch_size
        self._carried = None

    def reset(self):
        if self.shuffle:
            self._shuffle()
        if self.last_batch_handle == "roll_over" and self.num_data - self.batch_size < self.cursor < self.num_data:
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self):
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def _rolling(self):
        return self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0

    def _samples(self):
        """Sample numbers of the current batch."""
        assert self.cursor < self.num_data, "DataIter needs reset."
        start, end = self.cursor, self.cursor + self.batch_size
        if self._rolling():
            assert self._carried is not None, "next epoch should have cached data"
            return np.concatenate([self._carried, self._order[:end]])
        if self.last_batch_handle == "pad" and end > self.num_data:
            return self._order[np.arange(start, end) % self.num_data]
        return self._order[start:min(end, self.num_data)]

    def _batch(self, source, samples):
        return [v.take(samples) if isinstance(v, _CSRSource) else
                nd.array(np.take(v, samples, axis=self._axis), dtype=v.dtype) for _, v in source]

    def getdata(self):
        return self._batch(self.data, self._samples())

    def getlabel(self):
        return self._batch(self.label, self._samples())

    def getpad(self):
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self._rolling():
            return -self.cursor
        return 0

    def next(self):
        if not self.iter_next():
            raise StopIteration
        samples = self._samples()
        if len(samples) != self.batch_size:   # incomplete: kept for 'roll_over', dropped otherwise
            self._carried = samples
            raise StopIteration
        pad = self.getpad()
        if self._rolling():
            self._carried = None
        return DataBatch(self._batch(self.data, samples), self._batch(self.label, samples), pad=pad, index=None)


def _cpp_shuffle_order(n, seed):
    """The order in which MXNet's C++ iterators shuffle ``n`` records: ``std::shuffle`` over
    0..n-1 with ``std::mt19937(seed)``, as libstdc++ (which MXNet's builds use) implements
    it (swap ``i`` with a uniform draw from [0, i], i = 1..n-1, each draw the generator's
    32-bit output divided down, rejecting the top remainder).  Same seed, same order as MXNet."""
    key, pos = np.random.RandomState(seed % 2 ** 32).get_state()[1:3]   # std::mt19937's seeding
    generator = np.random.MT19937()
    generator.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
    order = list(range(n))
    raw, used = [], 0
    for i in range(1, n):
        scaling = 0xFFFFFFFF // (i + 1)
        past = (i + 1) * scaling
        while True:
            if used == len(raw):
                raw, used = generator.random_raw(n).tolist(), 0
            draw = raw[used]
            used += 1
            if draw < past:
                break
        j = draw // scaling
        order[i], order[j] = order[j], order[i]
    return np.array(order, dtype=np.int64)


def _bool_param(name, value):
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise MXNetError(f"Invalid Parameter format for {name} expect boolean but value='{value}'")
    return bool(value)


def _part(count, num_parts, part_index):
    """MXNet's split of ``count`` records into ``num_parts``: part ``part_index``'s [start, end)."""
    return int(count / num_parts * part_index), int(count / num_parts * (part_index + 1))


class MNISTIter(DataIter):
    """MXNet's ``mx.io.MNISTIter``: batches of the MNIST idx files ``image`` and ``label``.

    Images come as float32 pixels / 256 (MXNet's scaling, so 255 reads 0.99609375), shaped
    (batch_size, 1, rows, columns), or (batch_size, rows * columns) with ``flat=True``;
    labels as float32 of shape (batch_size,).  ``shuffle`` (default True) permutes the
    records once, when the iterator is made, in the same order as MXNet for the same
    ``seed``; ``reset()`` does not reshuffle.  Only whole batches are produced: the last
    ``N % batch_size`` records are never seen and ``pad`` is 0 (MXNet's MNISTIter).
    ``num_parts``/``part_index`` read part ``part_index`` of the files split in
    ``num_parts`` (for distributed training).  Unless ``silent``, loading logs one line
    on stderr.  As in MXNet, making the iterator reads its first batch (a dataset smaller
    than one batch raises StopIteration there), and other keyword arguments (MXNet's
    prefetcher settings, ``input_shape``...) are accepted and ignored.  The files may also
    be gzip-compressed (mxjax only).  ``index`` of a batch is zeros, as MXNet gives.
    """

    def __init__(self, image="./train-images-idx3-ubyte", label="./train-labels-idx1-ubyte", batch_size=128,
                 shuffle=True, flat=False, seed=0, silent=False, num_parts=1, part_index=0, data_name="data",
                 label_name="softmax_label", **kwargs):
        batch_size, num_parts, part_index, seed = int(batch_size), int(num_parts), int(part_index), int(seed)
        shuffle, flat, silent = (_bool_param(k, v) for k, v in (("shuffle", shuffle), ("flat", flat),
                                                               ("silent", silent)))
        if batch_size < 1:
            raise MXNetError(f"value {batch_size} for Parameter batch_size should be greater equal to 1")
        if part_index < 0:
            raise MXNetError(f"Check failed: param_.part_index >= 0 ({part_index} vs. 0) : ")
        if num_parts <= 0:
            raise MXNetError(f"Check failed: param_.num_parts > 0 ({num_parts} vs. 0) : ")
        if num_parts <= part_index:
            raise MXNetError(f"Check failed: param_.num_parts > param_.part_index ({num_parts} vs. {part_index}) : ")
        images, labels = self._load(image), self._load(label)
        if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
            raise MXNetError(f"MNISTIter: {image} holds an array of shape {images.shape} and {label} one of shape "
                             f"{labels.shape}; expected (N, rows, columns) images and (N,) labels")
        start, end = _part(labels.shape[0], num_parts, part_index)
        images, labels = images[start:end], labels[start:end]
        if shuffle:
            order = _cpp_shuffle_order(len(labels), seed)
            images, labels = images[order], labels[order]
        images = images.astype(np.float32) * np.float32(1.0 / 256.0)
        labels = labels.astype(np.float32)
        self._images = images.reshape(len(images), -1) if flat else images[:, None]
        self._labels = labels
        super().__init__(batch_size)
        self.cursor = 0
        if not silent:
            shape = self._images.shape[1:]
            shape = f"({batch_size},{shape[0]})" if flat else "[" + ",".join(map(str, (batch_size,) + shape)) + "]"
            sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] MNISTIter: load {len(labels)} images, "
                             f"shuffle={int(shuffle)}, shape={shape}\n")
        self.first_batch = None
        self.first_batch = self.next()
        self.provide_data = [DataDesc(data_name, self.first_batch.data[0].shape, np.float32)]
        self.provide_label = [DataDesc(label_name, self.first_batch.label[0].shape, np.float32)]

    @staticmethod
    def _load(path):
        try:
            return read_idx(path)
        except OSError as exc:
            raise MXNetError(f"MNISTIter: cannot open {path!r}: {exc.strerror}") from exc

    def reset(self):
        self.first_batch = None
        self.cursor = 0

    def iter_next(self):
        if self.first_batch is not None:
            return True
        if self.cursor + self.batch_size > len(self._labels):
            return False
        self.cursor += self.batch_size
        return True

    def next(self):
        if self.first_batch is not None:
            batch, self.first_batch = self.first_batch, None
            return batch
        if not self.iter_next():
            raise StopIteration
        return DataBatch(data=[self.getdata()], label=[self.getlabel()], pad=self.getpad(), index=self.getindex())

    def getdata(self):
        return nd.array(self._images[self.cursor - self.batch_size:self.cursor], dtype=np.float32)

    def getlabel(self):
        return nd.array(self._labels[self.cursor - self.batch_size:self.cursor], dtype=np.float32)

    def getindex(self):
        return np.zeros(self.batch_size, dtype=np.uint64)

    def getpad(self):
        return 0


from ._csv_iter import CSVIter  # noqa: E402
from ._image_record_iter import ImageRecordIter, ImageRecordUInt8Iter  # noqa: E402

from .base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
