"""``mx.image``'s functions: decoding (``imread``, ``imdecode``), resizing and cropping
(``imresize``, ``resize_short``, ``fixed_crop``, ``center_crop``, ``random_crop``,
``random_size_crop``), ``copyMakeBorder``, ``color_normalize`` and rotation (``imrotate``,
``random_rotate``), with MXNet 1.9.1's signatures, defaults, randomness and errors.

Images are HWC NDArrays (uint8 from the decoders, float32 after ``CastAug``) except for
``imrotate``, which takes float32 CHW images or NCHW batches as MXNet's.  Random choices use
Python's ``random`` (crops, ``interp=10``) and ``numpy.random`` (``random_rotate``) exactly
as MXNet does, so a seeded MXNet script picks the same crops under mxjax.  Decoding and
resampling run on the host (OpenCV when importable, else Pillow and numpy; see
``codec.py``/``resample.py``) and give NDArrays on the source's context.

MXNet's module ``mxnet.image.image`` also holds the augmenters and ``ImageIter``; they are
re-exported at the end of this module under the same names.
"""
import random
import warnings
from numbers import Number

import numpy as np

from .. import ndarray as nd
from ..base import MXNetError, numeric_types
from . import codec, resample

__all__ = ["imread", "imdecode", "imresize", "scale_down", "copyMakeBorder", "resize_short",
           "fixed_crop", "random_crop", "center_crop", "color_normalize", "random_size_crop",
           "imrotate", "random_rotate"]


def _host(src):
    return src.asnumpy() if isinstance(src, nd.NDArray) else np.asarray(src)


def _result(value, like, out):
    """``value`` (numpy) as an NDArray on ``like``'s context, or written into ``out``."""
    ctx = like.context if isinstance(like, nd.NDArray) else None
    if out is not None:
        if tuple(out.shape) != value.shape:
            raise MXNetError(f"The output array has shape {tuple(out.shape)}, the result has shape {value.shape}")
        out[:] = value.astype(np.dtype(out.dtype), copy=False)
        return out
    return nd.array(value, ctx=ctx, dtype=value.dtype)


def imread(filename, flag=1, to_rgb=True, out=None):
    """Reads and decodes the image file ``filename`` (see ``imdecode``); MXNetError when the
    file cannot be opened."""
    try:
        with open(filename, "rb") as fin:
            buf = fin.read()
    except OSError as exc:
        raise MXNetError(f"Imread: Check failed: file.is_open(): '{filename}' couldn't open file: "
                         f"{exc.strerror}") from None
    return _result(codec.decode(buf, flag, to_rgb), None, out)


def imdecode(buf, flag=1, to_rgb=True, out=None):
    """Decodes an encoded image (bytes, bytearray, numpy uint8 array or uint8 NDArray) to a
    uint8 HWC NDArray: 3 channels, RGB (``to_rgb=True``) or BGR, for ``flag=1``; one gray
    channel for ``flag=0``.  MXNetError for an empty buffer or invalid image data."""
    if isinstance(buf, nd.NDArray):
        if buf.dtype != np.uint8:
            raise MXNetError("Check failed: inputs[0].dtype() == mshadow::kUint8: Input needs to be uint8 buffer")
        buf = buf.asnumpy().tobytes()
    elif isinstance(buf, np.ndarray):
        buf = buf.tobytes()
    elif not isinstance(buf, (bytes, bytearray)):
        raise ValueError("buf must be of type bytes, bytearray or numpy.ndarray,"
                         "if you would like to input type str, please convert to bytes")
    return _result(codec.decode(bytes(buf), flag, to_rgb), None, out)


def imresize(src, w, h, interp=1, out=None):
    """``src`` (HWC NDArray) resized to ``h`` x ``w`` with OpenCV's interpolation ``interp``:
    0 nearest, 1 bilinear (default), 2 bicubic, 3 area, 4 Lanczos."""
    return _result(resample.resize(_host(src), int(w), int(h), int(interp)), src, out)


def copyMakeBorder(src, top, bot, left, right, type=0, value=0.0, values=(), out=None):  # noqa: A002 (MXNet's name)
    """``src`` (HWC NDArray) with ``top``/``bot``/``left``/``right`` border pixels, OpenCV's
    border ``type``: 0 constant (``values``, one per channel, else ``value``), 1 replicate,
    2 reflect, 3 wrap, 4 reflect-101 (OpenCV's constants, which MXNet's operator uses)."""
    padded = resample.copy_make_border(_host(src), int(top), int(bot), int(left), int(right), int(type),
                                       float(value), tuple(values))
    return _result(padded, src, out)


def scale_down(src_size, size):
    """The crop ``size`` (w, h) shrunk, keeping its aspect ratio, to fit in ``src_size`` (w, h):
    ``scale_down((640, 480), (720, 120)) == (640, 106)``."""
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


def _get_interp_method(interp, sizes=()):
    """The OpenCV code (0-4) for MXNet's ``interp``: 9 picks bicubic (2) to enlarge, area (3) to
    shrink, bilinear (1) otherwise, and bicubic without ``sizes`` (old_h, old_w, new_h, new_w);
    10 picks one of 0-4 with ``random.randint``.  MXNet's docstrings call code 2 "area" in
    places; OpenCV's 2 is bicubic and 3 area, and those are what MXNet's resize runs."""
    if interp == 9:
        if not sizes:
            return 2
        assert len(sizes) == 4
        old_h, old_w, new_h, new_w = sizes
        if new_h > old_h and new_w > old_w:
            return 2
        if new_h < old_h and new_w < old_w:
            return 3
        return 1
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise ValueError('Unknown interp method %d' % interp)
    return interp


def resize_short(src, size, interp=2):
    """``src`` resized so that its shorter edge is ``size`` (the longer one scaled with integer
    division, as MXNet)."""
    h, w, _ = src.shape
    if h > w:
        new_h, new_w = size * h // w, size
    else:
        new_h, new_w = size, size * w // h
    return imresize(src, new_w, new_h, interp=_get_interp_method(interp, (h, w, new_h, new_w)))


def fixed_crop(src, x0, y0, w, h, size=None, interp=2):
    """The ``w`` x ``h`` region of ``src`` at column ``x0``, row ``y0`` (a copy, as MXNet's
    two-axis slice), resized to ``size`` (w, h) when that is given and differs.

    The crop is taken on the host: every image of a data set has its own shape, and a device
    slice would compile an XLA program per shape."""
    out = _host(src)[y0:y0 + h, x0:x0 + w]
    if size is not None and (w, h) != size:
        out = resample.resize(out, int(size[0]), int(size[1]),
                              _get_interp_method(interp, (h, w, size[1], size[0])))
    return _result(out, src, None)


def random_crop(src, size, interp=2):
    """A crop of ``size`` (w, h), scaled down to fit, at a random place, resized to ``size``;
    returns (image, (x0, y0, w, h))."""
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = random.randint(0, w - new_w)
    y0 = random.randint(0, h - new_h)
    return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def center_crop(src, size, interp=2):
    """The central crop of ``size`` (w, h), scaled down to fit, resized to ``size``; returns
    (image, (x0, y0, w, h))."""
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = int((w - new_w) / 2)
    y0 = int((h - new_h) / 2)
    return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def color_normalize(src, mean, std=None):
    """``(src - mean) / std``, computed IN PLACE in ``src`` as MXNet does (``src`` is returned)."""
    if mean is not None:
        src -= mean
    if std is not None:
        src /= std
    return src


def random_size_crop(src, size, area, ratio, interp=2, **kwargs):
    """A random crop whose area is a uniform fraction in ``area`` ((min, max), or min with max
    1) of the image and whose aspect ratio is log-uniform in ``ratio``, resized to ``size``
    (w, h); after 10 tries that do not fit, ``center_crop``.  Returns (image, (x0, y0, w, h)).
    ``min_area`` is MXNet's deprecated name of ``area``."""
    h, w, _ = src.shape
    if "min_area" in kwargs:
        warnings.warn("`min_area` is deprecated. Please use `area` instead.", DeprecationWarning)
        area = kwargs.pop("min_area")
    assert not kwargs, "unexpected keyword arguments for `random_size_crop`."
    if isinstance(area, numeric_types):
        area = (area, 1.0)
    log_ratio = (np.log(ratio[0]), np.log(ratio[1]))
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * h * w
        aspect = np.exp(random.uniform(*log_ratio))
        new_w = int(round(np.sqrt(target_area * aspect)))
        new_h = int(round(np.sqrt(target_area / aspect)))
        if new_w <= w and new_h <= h:
            x0 = random.randint(0, w - new_w)
            y0 = random.randint(0, h - new_h)
            return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)
    return center_crop(src, size, interp)


def _rotation_grid(radians, h, w, zoom_in, zoom_out):
    """BilinearSampler grids (N, 2, h, w) that rotate by ``radians`` (N,) about the image
    centre; coordinates are normalised after the rotation so the aspect ratio is kept, and
    scaled so that no padding shows (``zoom_in``) or the whole image fits (``zoom_out``)."""
    half_h, half_w = (h - 1) / 2.0, (w - 1) / 2.0
    ys, xs = np.meshgrid(np.arange(h) - half_h, np.arange(w) - half_w, indexing="ij")
    cos, sin = np.cos(radians)[:, None, None], np.sin(radians)[:, None, None]
    grid = np.stack([(xs * cos - ys * sin) / half_w, (xs * sin + ys * cos) / half_h], axis=1)
    if zoom_in or zoom_out:
        # the rotated image's bounding box, over the image's size
        box_w = np.abs(w * np.cos(radians)) + np.abs(h * np.sin(radians))
        box_h = np.abs(w * np.sin(radians)) + np.abs(h * np.cos(radians))
        scale = np.maximum(box_w / w, box_h / h) if zoom_out else np.minimum(w / box_w, h / box_h)
        grid = grid * scale[:, None, None, None]
    return grid.astype(np.float32)


def imrotate(src, rotation_degrees, zoom_in=False, zoom_out=False):
    """Rotates a float32 CHW image, or an NCHW batch, counter-clockwise by
    ``rotation_degrees`` (a number, or for a batch one angle per image as an NDArray) about
    its centre with bilinear sampling and zero padding (MXNet's ``BilinearSampler``)."""
    if zoom_in and zoom_out:
        raise ValueError("`zoom_in` and `zoom_out` cannot be both True")
    if src.dtype != np.float32:
        raise TypeError("Only `float32` images are supported by this function")
    single = src.ndim == 3
    if single:
        if not isinstance(rotation_degrees, Number):
            raise TypeError("When a single image is passed the rotation angle is "
                            "required to be a scalar.")
        src = src.expand_dims(axis=0)
    elif src.ndim != 4:
        raise ValueError("Only 3D and 4D are supported by this function")
    if isinstance(rotation_degrees, Number):
        degrees = np.full(len(src), rotation_degrees, dtype=np.float32)
    else:
        degrees = _host(rotation_degrees).astype(np.float32).reshape(-1)
    if len(src) != len(degrees):
        raise ValueError("The number of images must be equal to the number of rotation angles")
    grid = _rotation_grid(np.pi * degrees.astype(np.float64) / 180, src.shape[2], src.shape[3], zoom_in, zoom_out)
    rotated = nd.BilinearSampler(src, nd.array(grid, ctx=src.context))
    return rotated[0] if single else rotated


def random_rotate(src, angle_limits, zoom_in=False, zoom_out=False):
    """``imrotate`` by angles drawn from ``numpy.random.uniform(*angle_limits)`` (one per image
    of a batch)."""
    if src.ndim == 3:
        degrees = np.random.uniform(*angle_limits)
    else:
        degrees = nd.array(np.random.uniform(*angle_limits, size=src.shape[0]))
    return imrotate(src, degrees, zoom_in=zoom_in, zoom_out=zoom_out)




# MXNet's ``mxnet.image.image`` module also holds the augmenters and ImageIter
from .augmenters import *  # noqa: E402,F401,F403
from .augmenters import __all__ as _augmenters
from .iterator import ImageIter  # noqa: E402,F401

__all__ += _augmenters + ["ImageIter"]
