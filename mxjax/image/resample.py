"""Resizing and border padding of HWC images with OpenCV's semantics (MXNet's
``_cvimresize`` and ``_cvcopyMakeBorder`` are ``cv::resize`` and ``cv::copyMakeBorder``).

``resize`` calls ``cv2.resize`` when OpenCV is importable.  Otherwise it resamples in
numpy with OpenCV's geometry: pixel centres at ``(d + 0.5) * src/dst - 0.5``, edge pixels
replicated, and OpenCV's kernels (0 nearest: ``floor(d * src/dst)``; 1 bilinear, which
OpenCV turns into 3 area for an exact halving; 2 bicubic with a = -0.75; 3 area averaging
when shrinking and OpenCV's area-weighted linear kernel otherwise; 4 Lanczos over 8x8).
uint8 images are resized with OpenCV 3's arithmetic (11-bit fixed-point weights, float32
sums where OpenCV's SIMD code uses them), which gives MXNet 1.9.1's pixels bit for bit in
every recorded case; other dtypes are resampled in float64 (OpenCV: float32), within 1e-4.
``copy_make_border`` is exact (numpy's pad modes are OpenCV's border types).
"""
import numpy as np

from ..base import MXNetError
from .codec import opencv

__all__ = ["resize", "copy_make_border"]

_CUBIC_A = -0.75


def _clamped(index, length):
    return np.clip(index, 0, length - 1)


# Each kernel gives, for an axis of ``src_len`` pixels resampled to ``dst_len``, the source
# taps of every output pixel: ``index`` and ``coef``, both (dst_len, taps).

def _scale(dst_len, src_len):
    """Source pixels per output pixel, rounded as OpenCV computes it (the inverse of dst/src):
    where a tap falls exactly on a pixel boundary, this rounding picks the pixel."""
    return 1.0 / (dst_len / src_len)


def _centre(dst_len, src_len):
    """Source position of each output pixel's centre, in float32 as OpenCV's."""
    pos = ((np.arange(dst_len) + 0.5) * _scale(dst_len, src_len) - 0.5).astype(np.float32).astype(np.float64)
    base = np.floor(pos)
    return base.astype(np.int64), pos - base


def _nearest(dst_len, src_len):
    index = np.minimum(np.floor(np.arange(dst_len) * _scale(dst_len, src_len)).astype(np.int64), src_len - 1)
    return index[:, None], np.ones((dst_len, 1))


def _linear_taps(base, frac, src_len):
    """OpenCV's two-tap rows: a pixel left of the first or right of the last source pixel
    takes that edge pixel alone."""
    frac = np.where((base < 0) | (base >= src_len - 1), 0.0, frac)
    base = _clamped(base, src_len)
    return np.stack([base, _clamped(base + 1, src_len)], axis=1), np.stack([1 - frac, frac], axis=1)


def _linear(dst_len, src_len):
    return _linear_taps(*_centre(dst_len, src_len), src_len)


def _area_linear(dst_len, src_len):
    """OpenCV's INTER_AREA kernel when the image is not shrunk in both directions."""
    scale = _scale(dst_len, src_len)
    dst = np.arange(dst_len)
    base = np.floor(dst * scale).astype(np.int64)
    frac = (dst + 1) - (base + 1) / scale
    return _linear_taps(base, np.where(frac <= 0, 0.0, frac - np.floor(frac)), src_len)


def _area(dst_len, src_len):
    """Each output pixel averages the source pixels its footprint covers, weighted by overlap."""
    scale = _scale(dst_len, src_len)
    start = np.arange(dst_len) * scale
    stop = np.minimum(start + scale, src_len)
    cells = np.floor(start).astype(np.int64)[:, None] + np.arange(int(np.ceil(scale)) + 1)
    overlap = np.clip(np.minimum(stop[:, None], cells + 1) - np.maximum(start[:, None], cells), 0, None)
    return _clamped(cells, src_len), overlap / overlap.sum(axis=1, keepdims=True)


def _cubic_coef(x):
    """OpenCV's bicubic weights (a = -0.75) of the 4 taps around fractional positions ``x``."""
    a = _CUBIC_A
    c0 = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a
    c1 = ((a + 2) * x - (a + 3)) * x * x + 1
    c2 = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1
    return np.stack([c0, c1, c2, 1 - c0 - c1 - c2], axis=1)


def _lanczos4_coef(x):
    """OpenCV's Lanczos weights of the 8 taps around fractional positions ``x``, summing to 1."""
    dist = x[:, None].astype(np.float64) + 3 - np.arange(8)
    with np.errstate(divide="ignore", invalid="ignore"):
        coef = np.sin(np.pi * dist / 4) * np.sin(np.pi * dist) / (np.pi ** 2 * dist ** 2 / 4)
    coef[np.abs(x) < np.finfo(np.float32).eps] = np.eye(8)[3]
    coef = coef.astype(x.dtype)
    return coef / coef.sum(axis=1, keepdims=True, dtype=x.dtype)


_KERNELS = {2: (_cubic_coef, -1), 4: (_lanczos4_coef, -3)}


def _kernel_taps(interp, dst_len, src_len):
    coef_fn, first = _KERNELS[interp]
    base, x = _centre(dst_len, src_len)
    coef = coef_fn(x)
    return _clamped(base[:, None] + np.arange(first, first + coef.shape[1]), src_len), coef


def _taps(interp, dst_len, src_len, shrink_both):
    if interp == 0:
        return _nearest(dst_len, src_len)
    if interp == 1:
        return _linear(dst_len, src_len)
    if interp == 3:
        return _area(dst_len, src_len) if shrink_both else _area_linear(dst_len, src_len)
    return _kernel_taps(interp, dst_len, src_len)


def _resample_axis(img, axis, index, coef):
    """``img`` resampled along ``axis`` (0 rows, 1 columns): a weighted sum of gathered taps,
    one tap at a time (an area kernel shrinking a photo has tens of taps)."""
    shape = (-1, 1, 1) if axis == 0 else (1, -1, 1)
    out = np.take(img, index[:, 0], axis=axis) * coef[:, 0].reshape(shape)
    for k in range(1, index.shape[1]):
        out += np.take(img, index[:, k], axis=axis) * coef[:, k].reshape(shape)
    return out


_COEF_BITS = 11


def _fixed_linear_taps(dst_len, src_len, clamp, area):
    """OpenCV's two-tap weights in 11-bit fixed point, from float32 positions: bilinear, or
    (``area``) INTER_AREA's kernel for an image not shrunk both ways.  Columns outside the
    image take the edge pixel alone (``clamp``); rows keep their weights on the replicated
    edge row, as OpenCV's."""
    dst = np.arange(dst_len)
    if area:
        base = np.floor(dst * _scale(dst_len, src_len)).astype(np.int64)
        frac = ((dst + 1) - (base + 1) * (dst_len / src_len)).astype(np.float32)
        frac = np.where(frac <= 0, np.float32(0), frac - np.floor(frac)).astype(np.float32)
    else:
        pos = ((dst + 0.5) * _scale(dst_len, src_len) - 0.5).astype(np.float32)
        base = np.floor(pos).astype(np.int64)
        frac = (pos - base).astype(np.float32)
    if clamp:
        frac = np.where((base < 0) | (base >= src_len - 1), np.float32(0), frac)
        base = _clamped(base, src_len)
    one = np.float32(1 << _COEF_BITS)
    weights = np.rint(np.stack([(np.float32(1) - frac) * one, frac * one], axis=1)).astype(np.int64)
    return np.stack([_clamped(base, src_len), _clamped(base + 1, src_len)], axis=1), weights


def _linear_uint8(img, w, h, area=False):
    """Two-tap resizing of a uint8 image bit for bit as OpenCV's (SIMD) code: a horizontal
    pass in 11-bit fixed point, then a vertical pass that drops 4 bits, keeps the high 16 of
    each product and rounds the last 2."""
    cols, col_w = _fixed_linear_taps(w, img.shape[1], True, area)
    rows, row_w = _fixed_linear_taps(h, img.shape[0], False, area)
    src = img.astype(np.int64)
    horizontal = src[:, cols[:, 0]] * col_w[None, :, 0, None] + src[:, cols[:, 1]] * col_w[None, :, 1, None]
    top = ((horizontal[rows[:, 0]] >> 4) * row_w[:, 0, None, None]) >> 16
    bottom = ((horizontal[rows[:, 1]] >> 4) * row_w[:, 1, None, None]) >> 16
    return np.clip((top + bottom + 2) >> 2, 0, 255).astype(np.uint8)


def _fixed_kernel_taps(interp, dst_len, src_len):
    """Bicubic or Lanczos taps in 11-bit fixed point from float32 positions, as OpenCV's."""
    coef_fn, first = _KERNELS[interp]
    pos = ((np.arange(dst_len) + 0.5) * _scale(dst_len, src_len) - 0.5).astype(np.float32)
    base = np.floor(pos).astype(np.int64)
    coef = coef_fn((pos - base).astype(np.float32)).astype(np.float32)
    weights = np.rint(coef * np.float32(1 << _COEF_BITS)).astype(np.int64)
    return _clamped(base[:, None] + np.arange(first, first + coef.shape[1]), src_len), weights


def _kernel_uint8(img, w, h, interp):
    """Bicubic or Lanczos resizing of a uint8 image as OpenCV's: an integer horizontal pass
    with 11-bit weights, then float32 vertical sums rounded half to even."""
    cols, col_w = _fixed_kernel_taps(interp, w, img.shape[1])
    rows, row_w = _fixed_kernel_taps(interp, h, img.shape[0])
    src = img.astype(np.int64)
    horizontal = src[:, cols[:, 0]] * col_w[None, :, 0, None]
    for k in range(1, cols.shape[1]):
        horizontal += src[:, cols[:, k]] * col_w[None, :, k, None]
    horizontal = horizontal.astype(np.float32)
    row_w = row_w.astype(np.float32) * np.float32(1.0 / (1 << 2 * _COEF_BITS))
    out = horizontal[rows[:, 0]] * row_w[:, 0, None, None]
    for k in range(1, rows.shape[1]):
        out += horizontal[rows[:, k]] * row_w[:, k, None, None]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _area_uint8(img, w, h):
    """Area shrinking of a uint8 image by a fractional factor as OpenCV's: float32 sums,
    columns first, rounded half to even."""
    cols, col_w = _area(w, img.shape[1])
    rows, row_w = _area(h, img.shape[0])
    src = img.astype(np.float32)
    col_w, row_w = col_w.astype(np.float32), row_w.astype(np.float32)
    horizontal = src[:, cols[:, 0]] * col_w[None, :, 0, None]
    for k in range(1, cols.shape[1]):
        horizontal += src[:, cols[:, k]] * col_w[None, :, k, None]
    out = horizontal[rows[:, 0]] * row_w[:, 0, None, None]
    for k in range(1, rows.shape[1]):
        out += horizontal[rows[:, k]] * row_w[:, k, None, None]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _area_fast_uint8(img, w, h):
    """Area shrinking of a uint8 image by whole factors as OpenCV's: integer block sums,
    rounded up from a half for 2x2 blocks, else times the float32 inverse block size and
    rounded half to even."""
    fy, fx = img.shape[0] // h, img.shape[1] // w
    sums = img.astype(np.int64).reshape(h, fy, w, fx, img.shape[2]).sum(axis=(1, 3))
    if fx == fy == 2:
        return ((sums + 2) >> 2).astype(np.uint8)
    return np.clip(np.rint(sums.astype(np.float32) * np.float32(1.0 / (fx * fy))), 0, 255).astype(np.uint8)


def _resize_numpy(img, w, h, interp):
    src_h, src_w = img.shape[:2]
    if src_w == w and src_h == h:
        return img.copy()
    shrink_both = src_w >= w and src_h >= h
    if interp == 1 and src_w == 2 * w and src_h == 2 * h:
        interp = 3
    if img.dtype == np.uint8 and (interp == 1 or interp == 3 and not shrink_both):
        return _linear_uint8(img, w, h, area=interp == 3)
    if img.dtype == np.uint8 and interp in _KERNELS:
        return _kernel_uint8(img, w, h, interp)
    if img.dtype == np.uint8 and interp == 3:
        return _area_uint8(img, w, h) if src_w % w or src_h % h else _area_fast_uint8(img, w, h)
    out = _resample_axis(img, 0, *_taps(interp, h, src_h, shrink_both))  # float64 from here
    out = _resample_axis(out, 1, *_taps(interp, w, src_w, shrink_both))
    if np.issubdtype(img.dtype, np.integer):
        info = np.iinfo(img.dtype)
        out = np.clip(np.floor(out + 0.5), info.min, info.max)
    return out.astype(img.dtype)


def resize(img, w, h, interp):
    """``img`` (numpy, HxWxC) resized to ``h`` x ``w`` with OpenCV interpolation code
    ``interp`` (0-4)."""
    if img.ndim != 3:
        raise MXNetError(f"imresize expects an HxWxC image (3 dimensions), got shape {img.shape}")
    if w < 1 or h < 1:
        raise MXNetError(f"imresize: the output size must be at least 1x1, got w={w}, h={h}")
    if interp not in (0, 1, 2, 3, 4):
        raise MXNetError(f"imresize: unknown interpolation method {interp}: use 0 (nearest), 1 (bilinear), "
                         "2 (bicubic), 3 (area) or 4 (Lanczos)")
    cv2 = opencv()
    if cv2 is not None:
        out = cv2.resize(img, (w, h), interpolation=interp)
        return out.reshape(h, w, img.shape[2])
    return _resize_numpy(img, w, h, interp)


_PAD_MODES = {1: "edge", 2: "symmetric", 3: "wrap", 4: "reflect"}


def copy_make_border(img, top, bot, left, right, border_type=0, value=0.0, values=()):
    """``img`` (numpy, HxWxC) with borders as ``cv::copyMakeBorder``: type 0 constant
    (``values`` per channel, else ``value``), 1 replicate (``aaa|abc``), 2 reflect
    (``cba|abc``), 3 wrap (``xyz|abc...xyz``), 4 reflect-101 (``dcb|abcd``): OpenCV's
    constants (MXNet's docstring lists them in another order; its operator uses these)."""
    if img.ndim != 3:
        raise MXNetError(f"copyMakeBorder expects an HxWxC image (3 dimensions), got shape {img.shape}")
    if min(top, bot, left, right) < 0:
        raise MXNetError("copyMakeBorder: margins must be non-negative")
    pad = ((top, bot), (left, right), (0, 0))
    if border_type == 0:
        channels = img.shape[2]
        fill = list(values)[:channels] if len(values) else [value] * channels
        fill += [0.0] * (channels - len(fill))
        out = np.empty((img.shape[0] + top + bot, img.shape[1] + left + right, channels), img.dtype)
        fill = np.asarray(fill, dtype=np.float64)
        if np.issubdtype(img.dtype, np.integer):  # OpenCV's saturate_cast: rounded, clipped
            info = np.iinfo(img.dtype)
            fill = np.clip(np.rint(fill), info.min, info.max)
        out[...] = fill.astype(img.dtype)
        out[top:top + img.shape[0], left:left + img.shape[1]] = img
        return out
    if border_type not in _PAD_MODES:
        raise MXNetError(f"copyMakeBorder: unknown border type {border_type}: use 0 (constant), 1 (replicate), "
                         "2 (reflect), 3 (wrap) or 4 (reflect 101)")
    return np.pad(img, pad, mode=_PAD_MODES[border_type])
