"""``gluon.data.vision.transforms``: image transforms with MXNet 1.9.1's outputs.

Images are HWC (or NHWC batches) until ``ToTensor`` makes them CHW float32 in [0, 1].
MXNet resizes with OpenCV; mxjax reproduces OpenCV 3.4's arithmetic with nd operators
(so the transforms also run hybridized): nearest neighbour (``interpolation=0``) and
bilinear (``interpolation=1``), including OpenCV's fixed-point rounding for uint8 images
and its 2x2 averaging for exact halvings.  Bicubic, area and Lanczos resizing (codes 2-4)
are not provided.  Random transforms draw from ``mx.random`` (flips) or Python's ``random``
(RandomResizedCrop, RandomApply), like MXNet, but not the same numbers as MXNet's C++
generator.
"""
import random

import numpy as np

from .... import ndarray as nd
from ....base import MXNetError, NotImplementedForMXJax, numeric_types
from ...block import Block, HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = ["Compose", "Cast", "ToTensor", "Normalize", "Resize", "CenterCrop", "CropResize", "RandomResizedCrop",
           "RandomFlipLeftRight", "RandomFlipTopBottom", "RandomApply", "RandomBrightness", "RandomContrast",
           "RandomSaturation", "RandomHue", "RandomColorJitter", "RandomLighting", "Rotate", "RandomRotation"]


class Compose(Sequential):
    """Applies ``transforms`` in order; runs of consecutive HybridBlocks are grouped into
    one hybridized HybridSequential, as MXNet does."""

    def __init__(self, transforms):
        super().__init__()
        transforms = list(transforms) + [None]
        hybrid = []
        for t in transforms:
            if isinstance(t, HybridBlock):
                hybrid.append(t)
                continue
            if len(hybrid) == 1:
                self.add(hybrid[0])
                hybrid = []
            elif len(hybrid) > 1:
                block = HybridSequential()
                for h in hybrid:
                    block.add(h)
                block.hybridize()
                self.add(block)
                hybrid = []
            if t is not None:
                self.add(t)


class Cast(HybridBlock):
    """Cast to ``dtype`` (default float32)."""

    def __init__(self, dtype="float32"):
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F, x):
        return F.cast(x, self._dtype)


def _check_image(x, op, batch_ok=True):
    if not (x.ndim == 3 or (batch_ok and x.ndim == 4)):
        raise MXNetError(f"{op}: input image must have shape (height, width, channels)"
                         f"{', or (N, height, width, channels)' if batch_ok else ''} but got {list(x.shape)}")


class ToTensor(HybridBlock):
    """HWC (or NHWC) image in [0, 255] -> CHW (NCHW) float32 in [0, 1] (``x / 255``)."""

    def hybrid_forward(self, F, x):
        _check_image(x, "ToTensor")
        axes = (2, 0, 1) if x.ndim == 3 else (0, 3, 1, 2)
        return F.transpose(F.cast(x, "float32") / 255.0, axes=axes)


def _channel_values(values, channels, name, shape):
    values = tuple(values) if isinstance(values, (list, tuple)) else (values,)
    if len(values) not in (1, channels):
        raise MXNetError(f"Normalize: invalid {name} for input with shape {list(shape)}. {name} must have either 1 "
                         f"or {channels} elements, but got {list(values)}")
    return np.broadcast_to(np.asarray(values, np.float32), (channels,))


class Normalize(HybridBlock):
    """``(x - mean[c]) / std[c]`` per channel of a CHW (or NCHW) tensor with 1 or 3 channels;
    ``mean`` and ``std`` are numbers or one value per channel.  Computed in float32 (float64
    inputs in float64) and returned in the input's dtype."""

    def __init__(self, mean=0.0, std=1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def hybrid_forward(self, F, x):
        if x.ndim not in (3, 4):
            raise MXNetError(f"Normalize: input must have shape (channels, height, width) or (N, channels, height, "
                             f"width), but got {list(x.shape)}")
        channels = x.shape[-3]
        if channels not in (1, 3):
            raise MXNetError(f"Normalize: the channel dimension of the input must have 1 or 3 elements, but got "
                             f"input with shape {list(x.shape)}")
        mean = _channel_values(self._mean, channels, "mean", x.shape)
        std = _channel_values(self._std, channels, "std", x.shape)
        dtype = np.float64 if x.dtype == np.float64 else np.float32
        bshape = (channels, 1, 1) if x.ndim == 3 else (1, channels, 1, 1)
        mean = F.array(mean.reshape(bshape), ctx=x.context, dtype=dtype)
        std = F.array(std.reshape(bshape), ctx=x.context, dtype=dtype)
        out = F.broadcast_div(F.broadcast_sub(F.cast(x, dtype), mean), std)
        return out if out.dtype == x.dtype else F.cast(out, x.dtype)


# ---- OpenCV's resize -------------------------------------------------------------------------------------------
def _linear_coords(dst, src, clamp):
    """Source indices and float32 weights of OpenCV's bilinear resize along one axis.

    Columns clamp index and weight at the borders; rows keep the weight and clamp the row
    index only (OpenCV fetches border rows twice), which matters for its fixed-point sums."""
    scale = 1.0 / (dst / src)
    f = ((np.arange(dst) + 0.5) * scale - 0.5).astype(np.float32)
    s = np.floor(f).astype(np.int64)
    f = (f - s).astype(np.float32)
    if clamp:
        low = s < 0
        f[low], s[low] = 0, 0
        high = s >= src - 1
        f[high], s[high] = 0, src - 1
    return np.clip(s, 0, src - 1), np.clip(s + 1, 0, src - 1), f


def _nearest_index(dst, src):
    return np.minimum(np.floor(np.arange(dst) * (1.0 / (dst / src))).astype(np.int64), src - 1)


def _resize(x, out_h, out_w, interp):
    """OpenCV's ``cv::resize`` of an HWC or NHWC NDArray to (out_h, out_w)."""
    h_axis, w_axis = x.ndim - 3, x.ndim - 2
    src_h, src_w = x.shape[h_axis], x.shape[w_axis]
    ctx = x.context

    def index(values):
        return nd.array(values, ctx=ctx, dtype="int32")

    def weights(values, axis, dtype):
        shape = [1] * x.ndim
        shape[axis] = len(values)
        return nd.array(np.asarray(values).reshape(shape), ctx=ctx, dtype=dtype)

    if interp == 0:
        rows = nd.take(x, index(_nearest_index(out_h, src_h)), axis=h_axis)
        return nd.take(rows, index(_nearest_index(out_w, src_w)), axis=w_axis)
    if interp != 1:
        raise NotImplementedForMXJax(f"Resize interpolation={interp}: mxjax provides 0 (nearest) and 1 (bilinear); "
                                     "OpenCV's bicubic, area and Lanczos modes are not provided")
    is_uint8 = x.dtype == np.uint8
    if src_h == 2 * out_h and src_w == 2 * out_w:        # OpenCV averages 2x2 blocks instead
        xs = nd.cast(x, "int32") if is_uint8 else x
        blocks = xs.reshape(x.shape[:h_axis] + (out_h, 2, out_w, 2, x.shape[-1]))
        total = nd.sum(blocks, axis=(h_axis + 1, h_axis + 3))
        if is_uint8:
            return nd.cast((total + 2) / 4, "uint8")
        return total * 0.25
    sx0, sx1, fx = _linear_coords(out_w, src_w, clamp=True)
    sy0, sy1, fy = _linear_coords(out_h, src_h, clamp=False)
    if is_uint8:
        # fixed point: weights scaled by 2048, rows of int sums, then OpenCV's SIMD vertical pass
        # ((S0 >> 4) * b0 >> 16) + ((S1 >> 4) * b1 >> 16) + 2 >> 2 (all values are non-negative)
        ax0, ax1 = np.round((1 - fx) * 2048), np.round(fx * 2048)
        by0, by1 = np.round((1 - fy) * 2048), np.round(fy * 2048)
        xi = nd.cast(x, "int32")
        rows = (nd.broadcast_mul(nd.take(xi, index(sx0), axis=w_axis), weights(ax0, w_axis, "int32"))
                + nd.broadcast_mul(nd.take(xi, index(sx1), axis=w_axis), weights(ax1, w_axis, "int32")))
        top = nd.broadcast_mul(nd.take(rows, index(sy0), axis=h_axis) / 16, weights(by0, h_axis, "int32")) / 65536
        bottom = nd.broadcast_mul(nd.take(rows, index(sy1), axis=h_axis) / 16, weights(by1, h_axis, "int32")) / 65536
        return nd.cast(nd.clip((top + bottom + 2) / 4, 0, 255), "uint8")
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.float32
    xf = x if x.dtype == dtype else nd.cast(x, dtype)
    rows = (nd.broadcast_mul(nd.take(xf, index(sx0), axis=w_axis), weights(1 - fx, w_axis, dtype))
            + nd.broadcast_mul(nd.take(xf, index(sx1), axis=w_axis), weights(fx, w_axis, dtype)))
    out = (nd.broadcast_mul(nd.take(rows, index(sy0), axis=h_axis), weights(1 - fy, h_axis, dtype))
           + nd.broadcast_mul(nd.take(rows, index(sy1), axis=h_axis), weights(fy, h_axis, dtype)))
    if out.dtype != x.dtype:   # integer images: OpenCV rounds to the nearest integer
        out = nd.cast(nd.round(out), x.dtype)
    return out


def _resize_shape(h, w, size, keep_ratio):
    """(height, width) of MXNet's image.resize: ``size`` is (width, height), or one number
    for a square (``keep_ratio``: the shorter side, the other scaled and truncated)."""
    size = tuple(size) if isinstance(size, (list, tuple)) else (size,)
    if len(size) == 2:
        return int(size[1]), int(size[0])
    size = int(size[0])
    if not keep_ratio:
        return size, size
    if h > w:
        return int(np.float32(h) * np.float32(size) / np.float32(w)), size
    return size, int(np.float32(w) * np.float32(size) / np.float32(h))


class Resize(HybridBlock):
    """Resize an HWC image (or NHWC batch) to ``size``: (width, height), or one number for
    a square or, with ``keep_ratio``, for the shorter side.  ``interpolation``: 0 nearest,
    1 bilinear (OpenCV's codes; others are not provided)."""

    def __init__(self, size, keep_ratio=False, interpolation=1):
        super().__init__()
        self._keep = keep_ratio
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F, x):
        if x.ndim not in (3, 4):
            raise MXNetError(f"Resize: input image dimension should be 3 or 4 but got {x.ndim}")
        out_h, out_w = _resize_shape(x.shape[-3], x.shape[-2], self._size, self._keep)
        return _resize(x, out_h, out_w, self._interpolation)


def _get_interp_method(interp, sizes=()):
    """MXNet's interpolation codes: 9 picks by the resize direction, 10 at random."""
    if interp == 9:
        if sizes:
            oh, ow, nh, nw = sizes
            if nh > oh and nw > ow:
                return 2
            if nh < oh and nw < ow:
                return 3
            return 1
        return 2
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise ValueError(f"Unknown interp method {interp}")
    return interp


def _fixed_crop(src, x0, y0, w, h, size=None, interp=2):
    """``mx.image.fixed_crop``: crop, then resize to ``size`` (w, h) if it differs."""
    out = src[y0:y0 + h, x0:x0 + w]
    if size is not None and (w, h) != tuple(size):
        out = _resize(out, size[1], size[0], _get_interp_method(interp, (h, w, size[1], size[0])))
    return out


def _scale_down(src_size, size):
    """Shrink ``size`` (w, h) to fit in ``src_size`` keeping its aspect ratio."""
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


def _center_crop(src, size, interp=2):
    h, w, _ = src.shape
    new_w, new_h = _scale_down((w, h), size)
    x0 = int((w - new_w) / 2)
    y0 = int((h - new_h) / 2)
    return _fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def _random_size_crop(src, size, area, ratio, interp=2):
    """``mx.image.random_size_crop``: up to 10 tries of a random area/aspect crop drawn with
    Python's ``random``, else a center crop."""
    h, w, _ = src.shape
    src_area = h * w
    if isinstance(area, numeric_types):
        area = (area, 1.0)
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * src_area
        log_ratio = (np.log(ratio[0]), np.log(ratio[1]))
        new_ratio = np.exp(random.uniform(*log_ratio))
        new_w = int(round(np.sqrt(target_area * new_ratio)))
        new_h = int(round(np.sqrt(target_area / new_ratio)))
        if new_w <= w and new_h <= h:
            x0 = random.randint(0, w - new_w)
            y0 = random.randint(0, h - new_h)
            return _fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)
    return _center_crop(src, size, interp)


def _pair(size):
    return (size, size) if isinstance(size, numeric_types) else tuple(size)


class CenterCrop(Block):
    """Crop the center of an HWC image to ``size`` (w, h), or a square; an image smaller
    than ``size`` is cropped to its aspect ratio and resized up."""

    def __init__(self, size, interpolation=1):
        super().__init__()
        self._args = (_pair(size), interpolation)

    def forward(self, x):
        return _center_crop(x, *self._args)[0]


class CropResize(HybridBlock):
    """Crop the (``x``, ``y``, ``width``, ``height``) box of an HWC/NHWC image, then resize it
    to ``size`` if given."""

    def __init__(self, x, y, width, height, size=None, interpolation=None):
        super().__init__()
        self._x, self._y = x, y
        self._width, self._height = width, height
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F, x):
        _check_image(x, "CropResize")
        h_axis = x.ndim - 3
        out = F.slice_axis(x, axis=h_axis, begin=self._y, end=self._y + self._height)
        out = F.slice_axis(out, axis=h_axis + 1, begin=self._x, end=self._x + self._width)
        if self._size:
            out_h, out_w = _resize_shape(self._height, self._width, self._size, False)
            out = _resize(out, out_h, out_w, 1 if self._interpolation is None else self._interpolation)
        return out


class RandomResizedCrop(Block):
    """Crop a random area (fraction ``scale`` of the image) with a random aspect ``ratio``,
    then resize it to ``size``; falls back to a center crop."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation=1):
        super().__init__()
        self._args = (_pair(size), scale, ratio, interpolation)

    def forward(self, x):
        return _random_size_crop(x, *self._args)[0]


def _random_flip(F, x, axis):
    _check_image(x, "random flip", batch_ok=False)
    coin = F.random.uniform(0, 1, shape=(1,), ctx=x.context)
    flip = F.broadcast_to((coin < 0.5).reshape((1, 1, 1)), x.shape)
    return F.where(flip, F.flip(x, axis=axis), x)


class RandomFlipLeftRight(HybridBlock):
    """Flip an HWC image horizontally with probability 0.5."""

    def hybrid_forward(self, F, x):
        return _random_flip(F, x, 1)


class RandomFlipTopBottom(HybridBlock):
    """Flip an HWC image vertically with probability 0.5."""

    def hybrid_forward(self, F, x):
        return _random_flip(F, x, 0)


class RandomApply(Sequential):
    """Apply ``transforms`` with probability ``p`` (Python's ``random`` decides)."""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x):
        if self.p < random.random():
            return x
        return self.transforms(x)


def _not_provided(name, reason):
    def __init__(self, *args, **kwargs):
        raise NotImplementedForMXJax(f"gluon.data.vision.transforms.{name} is not provided by mxjax ({reason})")
    return type(name, (HybridBlock,), {"__init__": __init__, "__doc__": f"Not provided by mxjax: {reason}."})


RandomBrightness = _not_provided("RandomBrightness", "MXNet's image color operators are not implemented")
RandomContrast = _not_provided("RandomContrast", "MXNet's image color operators are not implemented")
RandomSaturation = _not_provided("RandomSaturation", "MXNet's image color operators are not implemented")
RandomHue = _not_provided("RandomHue", "MXNet's image color operators are not implemented")
RandomColorJitter = _not_provided("RandomColorJitter", "MXNet's image color operators are not implemented")
RandomLighting = _not_provided("RandomLighting", "MXNet's image color operators are not implemented")
Rotate = _not_provided("Rotate", "mx.image.imrotate is not implemented")
RandomRotation = _not_provided("RandomRotation", "mx.image.imrotate is not implemented")
