"""``mx.io.ImageRecordIter`` and ``ImageRecordUInt8Iter``: batches of images read from a
RecordIO file of ``pack_img`` records, as MXNet 1.9.1's C++ iterators of those names.

Each image goes through MXNet's default augmenter, in its order:

1. decode (RGB, or grayscale when ``data_shape[0]`` is 1);
2. ``resize`` > 0: the shorter edge becomes ``resize`` (the longer one
   ``resize * long // short``), bilinear unless ``inter_method`` says otherwise;
   ``pad`` > 0: a border of ``pad`` pixels of ``fill_value`` on every side (CIFAR's
   ``pad=4`` with ``rand_crop``);
3. crop to ``data_shape``: centred, or at a random place with ``rand_crop``; an image smaller
   than ``data_shape`` is first scaled up to cover it;
4. mirror (``mirror`` always, ``rand_mirror`` with probability 0.5);
5. ``(pixel - mean_c) * scale / std_c`` per channel (``ImageRecordIter`` only; the UInt8
   iterator gives the cropped pixels as uint8).

Batches are ``(batch_size,) + data_shape`` (float32 unless ``dtype``), labels ``(batch_size,)``
or ``(batch_size, label_width)``; every record must hold ``label_width`` labels (MXNetError
otherwise).  With ``round_batch`` (the default) the last batch of an
epoch is completed with the first records and ``pad`` counts them; the next epoch starts
after them, as MXNet's does (the records wrapped into the last batch are not repeated).  With
``round_batch=False`` the filler records are the same, and ``pad`` counts them (MXNet leaves
uninitialised rows and reports ``pad`` 0).

mxjax reads and decodes on the calling thread: ``preprocess_threads``, ``prefetch_buffer``
and ``verbose`` are accepted and do nothing.  ``shuffle`` draws a new order every epoch from
``seed`` (not MXNet's random stream), as do ``rand_crop`` and ``rand_mirror`` from
``seed_aug``.  The affine augmentations (rotation, shear, random scale and aspect ratio,
``random_resized_crop``), colour jitter, PCA noise and ``mean_img`` are not provided; asking
for them raises NotImplementedError.
"""
import numpy as np

from . import ndarray as nd
from . import recordio
from .base import MXNetError
from .io import DataBatch, DataDesc, DataIter

__all__ = ["ImageRecordIter", "ImageRecordUInt8Iter"]

_IGNORED = {"preprocess_threads", "prefetch_buffer", "verbose", "device_id", "ctx",
            "shuffle_chunk_size", "shuffle_chunk_seed", "aug_seq"}
_AFFINE = {"max_rotate_angle": 0, "rotate": -1, "max_shear_ratio": 0.0, "max_random_scale": 1.0,
           "min_random_scale": 1.0, "max_aspect_ratio": 0.0, "min_aspect_ratio": None,
           "random_resized_crop": False, "max_img_size": 1e10, "min_img_size": 0.0,
           "brightness": 0.0, "contrast": 0.0, "saturation": 0.0, "hue": 0.0, "pca_noise": 0.0,
           "random_h": 0, "random_s": 0, "random_l": 0, "max_random_contrast": 0.0,
           "max_random_illumination": 0.0, "mean_img": "", "max_crop_size": -1, "min_crop_size": -1}


def _shape3(data_shape):
    shape = tuple(int(d) for d in data_shape)
    if len(shape) != 3 or min(shape) <= 0 or shape[0] not in (1, 3, 4):
        raise MXNetError(f"ImageRecordIter: data_shape must be (channels, height, width) with 1, 3 or 4 "
                         f"channels and positive sizes, got {data_shape}")
    return shape


class ImageRecordIter(DataIter):
    """Batches of decoded, augmented and normalised images from ``path_imgrec`` (see the module
    docstring for the arguments and the order of the steps)."""

    _normalize = True

    def __init__(self, path_imgrec, data_shape, batch_size, path_imgidx="", label_width=1,
                 shuffle=False, seed=0, rand_crop=False, rand_mirror=False, mirror=False,
                 resize=-1, inter_method=1, mean_r=0.0, mean_g=0.0, mean_b=0.0, mean_a=0.0,
                 std_r=1.0, std_g=1.0, std_b=1.0, std_a=1.0, scale=1.0, round_batch=True,
                 num_parts=1, part_index=0, seed_aug=None, pad=0, fill_value=255, dtype="float32",
                 data_name="data", label_name="softmax_label", path_imglist="", **kwargs):
        super().__init__(int(batch_size))
        for key, value in kwargs.items():
            if key in _IGNORED:
                continue
            if key in _AFFINE:
                if value != _AFFINE[key]:
                    raise NotImplementedError(f"{type(self).__name__}: {key}={value!r} is not provided by mxjax; "
                                              "augment the decoded images with mx.image augmenters instead")
                continue
            raise MXNetError(f"Cannot find argument '{key}' for {type(self).__name__}")
        if path_imglist:
            raise NotImplementedError(f"{type(self).__name__}: path_imglist is not provided by mxjax; "
                                      "write the labels into the .rec records (IRHeader.label)")
        if not path_imgrec:
            raise MXNetError(f"{type(self).__name__}: path_imgrec is required (the .rec file to read)")
        if self.batch_size <= 0:
            raise MXNetError(f"{type(self).__name__}: batch_size must be positive, got {batch_size}")
        if int(inter_method) not in (0, 1, 2, 3, 4):
            raise MXNetError(f"invalid inter_method: {inter_method}: valid values are 0 (nearest), 1 (bilinear), "
                             "2 (bicubic), 3 (area), 4 (Lanczos)")
        if not 0 <= int(part_index) < int(num_parts):
            raise MXNetError(f"part_index {part_index} must be in [0, num_parts={num_parts})")
        self.data_shape = _shape3(data_shape)
        self.label_width = int(label_width)
        self._records = self._read_all(path_imgrec, path_imgidx, int(num_parts), int(part_index))
        if not self._records:
            raise MXNetError(f"{type(self).__name__}: {path_imgrec} holds no records for part {part_index}")
        channels = self.data_shape[0]
        self._mean = np.array([mean_r, mean_g, mean_b, mean_a][:channels], np.float32).reshape(-1, 1, 1)
        self._std = np.array([std_r, std_g, std_b, std_a][:channels], np.float32).reshape(-1, 1, 1)
        self._scale = np.float32(scale)
        self._resize, self._interp = int(resize), int(inter_method)
        self._pad, self._fill = int(pad), int(fill_value)
        self._rand_crop, self._rand_mirror, self._mirror = bool(rand_crop), bool(rand_mirror), bool(mirror)
        self._shuffle, self._round_batch = bool(shuffle), bool(round_batch)
        self._order_rng = np.random.RandomState(int(seed))
        self._aug_rng = np.random.RandomState(int(seed if seed_aug is None else seed_aug))
        self._dtype = np.dtype("uint8" if not self._normalize else dtype)
        label_shape = (self.batch_size, self.label_width) if self.label_width > 1 else (self.batch_size,)
        self.provide_data = [DataDesc(data_name, (self.batch_size,) + self.data_shape, self._dtype)]
        self.provide_label = [DataDesc(label_name, label_shape, np.float32)]
        self._skip = 0
        self._start_epoch()

    @staticmethod
    def _read_all(path_imgrec, path_imgidx, num_parts, part_index):
        """The raw records of this part, in file order."""
        if path_imgidx:
            reader = recordio.MXIndexedRecordIO(path_imgidx, path_imgrec, "r")
            records = [reader.read_idx(key) for key in reader.keys]
        else:
            reader = recordio.MXRecordIO(path_imgrec, "r")
            records = list(iter(reader.read, None))
        reader.close()
        per_part = (len(records) + num_parts - 1) // num_parts
        return records[part_index * per_part:(part_index + 1) * per_part]

    def _start_epoch(self):
        self._order = (self._order_rng.permutation(len(self._records)) if self._shuffle
                       else np.arange(len(self._records)))
        self._cursor = self._skip
        self._batch = None

    def reset(self):
        """The next epoch (reshuffled with ``shuffle``); after a wrapped last batch it starts
        after the records that completed it."""
        self._start_epoch()

    def _label(self, header):
        label = np.atleast_1d(np.asarray(header.label, np.float32)).ravel()
        if label.size != self.label_width:
            raise MXNetError(f"Check failed: param_.label_width == rec.num_label ({self.label_width} vs. "
                             f"{label.size}) : rec file provide {label.size}-dimensional label but label_width "
                             f"is set to {self.label_width}")
        return label

    def _image(self, payload):
        from .image import codec, resample
        channels, height, width = self.data_shape
        img = codec.decode(payload, flag=0 if channels == 1 else 1, to_rgb=True)
        if channels == 4:
            img = np.concatenate([img, np.full(img.shape[:2] + (1,), 255, np.uint8)], axis=2)
        if self._resize > 0:
            rows, cols = img.shape[:2]
            size = ((self._resize, self._resize * rows // cols) if rows > cols
                    else (self._resize * cols // rows, self._resize))
            img = resample.resize(img, size[0], size[1], self._interp)
        if self._pad > 0:
            img = np.pad(img, ((self._pad, self._pad), (self._pad, self._pad), (0, 0)), constant_values=self._fill)
        rows, cols = img.shape[:2]
        if rows < height:
            img = resample.resize(img, int(height / rows * cols), height, self._interp)
        rows, cols = img.shape[:2]
        if cols < width:
            img = resample.resize(img, width, int(width / cols * rows), self._interp)
        rows, cols = img.shape[:2]
        y, x = rows - height, cols - width
        if self._rand_crop:
            y, x = self._aug_rng.randint(0, y + 1), self._aug_rng.randint(0, x + 1)
        else:
            y, x = y // 2, x // 2
        img = img[y:y + height, x:x + width].transpose(2, 0, 1)
        if self._mirror or (self._rand_mirror and self._aug_rng.rand() < 0.5):
            img = img[:, :, ::-1]
        if not self._normalize:
            return img
        return (img.astype(np.float32) - self._mean) * self._scale / self._std

    def iter_next(self):
        n = len(self._records)
        if self._cursor >= n:
            return False
        positions = np.arange(self._cursor, self._cursor + self.batch_size)
        pad = max(0, positions[-1] + 1 - n)
        self._cursor += self.batch_size
        self._skip = pad if self._round_batch else 0
        images, labels = [], []
        for pos in positions % n:
            header, payload = recordio.unpack(self._records[self._order[pos]])
            images.append(self._image(payload))
            labels.append(self._label(header))
        label = np.stack(labels)
        self._batch = (np.stack(images).astype(self._dtype),
                       label[:, 0] if self.label_width == 1 else label, int(pad))
        return True

    def next(self):
        if not self.iter_next():
            raise StopIteration
        return DataBatch(data=[self.getdata()], label=[self.getlabel()], pad=self.getpad(), index=self.getindex(),
                         provide_data=self.provide_data, provide_label=self.provide_label)

    def getdata(self):
        return nd.array(self._batch[0], dtype=self._dtype)

    def getlabel(self):
        return nd.array(self._batch[1], dtype=np.float32)

    def getpad(self):
        return self._batch[2]

    def getindex(self):
        """Zeros, as MXNet's C++ image iterators report no record indices."""
        return np.zeros(self.batch_size, dtype=np.uint64)


class ImageRecordUInt8Iter(ImageRecordIter):
    """``ImageRecordIter`` without the normalisation step: batches of uint8 pixels."""

    _normalize = False
