"""``mx.image.ImageIter``: MXNet 1.9.1's Python image iterator over a RecordIO file
(``path_imgrec``, with ``path_imgidx`` for shuffling and partitions), an image list file
(``path_imglist``: ``index\\tlabel(s)\\tpath`` lines) or a Python ``imglist``
(``[label(s), path]`` items) with ``path_root``.

Each image is decoded (RGB), sent through the augmenter list (``aug_list``, or
``CreateAugmenter(data_shape, **kwargs)``), transposed to CHW and batched into a float32
``(batch_size,) + data_shape`` array; labels go into a float32 ``(batch_size,)`` array, or
``(batch_size, label_width)``.  ``last_batch_handle`` is MXNet's: 'pad' fills the last
batch with images from the start (``DataBatch.pad`` counts them), 'discard' drops it, and
'roll_over' keeps it and completes it at the start of the next epoch (that batch reports
the number of images it took from the new epoch as ``pad``, as MXNet does).  Shuffling uses
Python's ``random.shuffle``, as MXNet.
"""
import logging
import os
import random

import numpy as np

from .. import io, recordio
from .. import ndarray as nd
from ..base import numeric_types
from .augmenters import CreateAugmenter
from .image import imdecode

__all__ = ["ImageIter"]

_LABEL_DTYPES = ("int32", "float32", "int64", "float64")


def _label(values, dtype):
    """A label NDArray of ``dtype`` from numbers or their strings, as MXNet's ``nd.array(labels,
    dtype=dtype)`` (a string like '0.5' is no int32: TypeError)."""
    try:
        values = np.array(values, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError("source_array must be array like object") from None
    return nd.array(values, dtype=dtype)


def _read_list_file(path, dtype):
    imglist, keys = {}, []
    with open(path) as fin:
        for line in iter(fin.readline, ""):
            fields = line.strip().split("\t")
            key = int(fields[0])
            imglist[key] = (_label(fields[1:-1], dtype), fields[-1])
            keys.append(key)
    return imglist, keys


def _read_list(items, dtype):
    """MXNet's keys for a Python image list: the strings '1', '2', ..."""
    imglist, keys = {}, []
    for number, item in enumerate(items, 1):
        if len(item) > 2:
            label = _label(item[:-1], dtype)
        elif isinstance(item[0], numeric_types):
            label = _label([item[0]], dtype)
        else:
            label = _label(item[0], dtype)
        imglist[str(number)] = (label, item[-1])
        keys.append(str(number))
    return imglist, keys


class ImageIter(io.DataIter):
    """Image data iterator with augmentation (see the module docstring).  ``dtype`` is the
    dtype the labels are read as ('int32', 'float32', 'int64' or 'float64'); batches always
    hold float32 labels, as in MXNet."""

    def __init__(self, batch_size, data_shape, label_width=1,
                 path_imgrec=None, path_imglist=None, path_root=None, path_imgidx=None,
                 shuffle=False, part_index=0, num_parts=1, aug_list=None, imglist=None,
                 data_name="data", label_name="softmax_label", dtype="float32",
                 last_batch_handle="pad", **kwargs):
        super().__init__()
        assert path_imgrec or path_imglist or (isinstance(imglist, list))
        assert dtype in _LABEL_DTYPES, dtype + " label not supported"
        name = type(self).__name__
        self.imgidx = None
        if path_imgrec:
            logging.info("%s: loading recordio %s...", name, path_imgrec)
            if path_imgidx:
                self.imgrec = recordio.MXIndexedRecordIO(path_imgidx, path_imgrec, "r")
                self.imgidx = list(self.imgrec.keys)
            else:
                self.imgrec = recordio.MXRecordIO(path_imgrec, "r")
        else:
            self.imgrec = None
        keys = None
        if path_imglist:
            logging.info("%s: loading image list %s...", name, path_imglist)
            self.imglist, keys = _read_list_file(path_imglist, dtype)
        elif isinstance(imglist, list):
            logging.info("%s: loading image list...", name)
            self.imglist, keys = _read_list(imglist, dtype)
        else:
            self.imglist = None
        self.path_root = path_root
        self.check_data_shape(data_shape)
        self.provide_data = [(data_name, (batch_size,) + tuple(data_shape))]
        label_shape = (batch_size, label_width) if label_width > 1 else (batch_size,)
        self.provide_label = [(label_name, label_shape)]
        self.batch_size = batch_size
        self.data_shape = data_shape
        self.label_width = label_width
        self.shuffle = shuffle
        if self.imgrec is None:
            self.seq = keys
        elif shuffle or num_parts > 1 or path_imgidx:
            assert self.imgidx is not None
            self.seq = self.imgidx
        else:
            self.seq = None
        if num_parts > 1:
            assert part_index < num_parts
            per_part = len(self.seq) // num_parts
            self.seq = self.seq[part_index * per_part:(part_index + 1) * per_part]
        self.auglist = CreateAugmenter(data_shape, **kwargs) if aug_list is None else aug_list
        self.cur = 0
        self._allow_read = True
        self.last_batch_handle = last_batch_handle
        self.num_image = len(self.seq) if self.seq is not None else None
        self._cache = None
        self.reset()

    def reset(self):
        """Back to the first image (reshuffled when ``shuffle``); with 'roll_over' and a kept
        partial batch, the next epoch starts by completing that batch."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.last_batch_handle != "roll_over" or self._cache is None:
            if self.imgrec is not None:
                self.imgrec.reset()
            self.cur = 0
            self._allow_read = True

    def hard_reset(self):
        """Back to the first image, dropping any rolled-over partial batch."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.imgrec is not None:
            self.imgrec.reset()
        self.cur = 0
        self._allow_read = True
        self._cache = None

    def next_sample(self):
        """(label, encoded image bytes) of the next image; StopIteration at the end of the
        epoch (the position goes back to the start unless ``last_batch_handle='discard'``)."""
        if not self._allow_read:
            raise StopIteration
        if self.seq is None:
            record = self.imgrec.read()
            if record is None:
                if self.last_batch_handle != "discard":
                    self.imgrec.reset()
                raise StopIteration
            header, img = recordio.unpack(record)
            return header.label, img
        if self.cur >= self.num_image:
            if self.last_batch_handle != "discard":
                self.cur = 0
            raise StopIteration
        idx = self.seq[self.cur]
        self.cur += 1
        if self.imgrec is not None:
            header, img = recordio.unpack(self.imgrec.read_idx(idx))
            return (header.label if self.imglist is None else self.imglist[idx][0]), img
        label, fname = self.imglist[idx]
        return label, self.read_image(fname)

    def _batchify(self, batch, start=0):
        """Fills ``batch`` ([images], label buffer) from position ``start``; returns how many
        images it holds (StopIteration when the epoch ended before the first)."""
        images, labels = batch
        i = start
        try:
            while i < self.batch_size:
                label, raw = self.next_sample()
                data = self.imdecode(raw)
                try:
                    self.check_valid_image(data)
                except RuntimeError as exc:
                    logging.debug("Invalid image, skipping:  %s", str(exc))
                    continue
                data = self.augmentation_transform(data)
                assert i < self.batch_size, "Batch size must be multiples of augmenter output length"
                images.append(self.postprocess_data(data))
                label = label.asnumpy() if isinstance(label, nd.NDArray) else np.asarray(label)
                labels[i] = label.reshape(labels.shape[1:])
                i += 1
        except StopIteration:
            if not i:
                raise
        return i

    def _data_batch(self, batch, pad):
        images, labels = batch
        data = nd.stack(*images).astype(np.float32)
        missing = self.batch_size - len(images)
        if missing:
            data = nd.concat(data, nd.zeros((missing,) + data.shape[1:]), dim=0)
        return io.DataBatch([data], [nd.array(labels)], pad=pad)

    def next(self):
        """The next DataBatch (``pad`` as described in the module docstring)."""
        if self._cache is not None:
            batch, i = self._cache
        else:
            batch = ([], np.zeros(self.provide_label[0][1], dtype=np.float32))
            i = self._batchify(batch)
        pad = self.batch_size - i
        if pad:
            if self.last_batch_handle == "discard":
                raise StopIteration
            if self.last_batch_handle == "roll_over" and self._cache is None:
                self._cache = (batch, i)
                raise StopIteration
            self._batchify(batch, i)
            if self.last_batch_handle == "pad":
                self._allow_read = False
            else:
                self._cache = None
        return self._data_batch(batch, pad)

    def check_data_shape(self, data_shape):
        """ValueError unless ``data_shape`` is (3, H, W)."""
        if not len(data_shape) == 3:
            raise ValueError("data_shape should have length 3, with dimensions CxHxW")
        if not data_shape[0] == 3:
            raise ValueError("This iterator expects inputs to have 3 channels.")

    def check_valid_image(self, data):
        """RuntimeError for a decoded image without pixels (the image is skipped)."""
        if len(data[0].shape) == 0:
            raise RuntimeError("Data shape is wrong")

    def imdecode(self, s):
        """``mx.image.imdecode(s)``; RuntimeError naming the broken image's file or index."""
        try:
            return imdecode(s)
        except Exception as exc:
            raise RuntimeError(f"{self._locate()}, {exc}") from None

    def _locate(self):
        if self.seq is not None:
            idx = self.seq[(self.cur % self.num_image) - 1]
        else:
            idx = (self.cur % self.num_image) - 1 if self.num_image else self.cur - 1
        if self.imglist is not None:
            return "Broken image filename: {}".format(self.imglist[idx][1])
        return "Broken image index: {}".format(idx)

    def read_image(self, fname):
        """The bytes of the image file ``fname`` under ``path_root``."""
        with open(os.path.join(self.path_root, fname), "rb") as fin:
            return fin.read()

    def augmentation_transform(self, data):
        """``data`` through every augmenter of ``auglist``."""
        for aug in self.auglist:
            data = aug(data)
        return data

    def postprocess_data(self, datum):
        """HWC to CHW, the layout of a batch."""
        return nd.transpose(datum, axes=(2, 0, 1))
