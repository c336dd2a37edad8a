"""``nd.contrib.RROIAlign``: ROIAlign over rotated boxes, with MXNet 1.9.1's CPU kernel's
sampling.

ROI r = (batch, cx, cy, w, h, angle in degrees) (centre and size scaled by ``spatial_scale``,
size at least 1) is split into pooled_size bins; each bin averages bilinear samples on a grid of
``sampling_ratio`` (-1: ceil(roi size / pooled size)) points per side, placed in the box's own
frame and rotated by the angle about the centre.  A sample with y < -1, y > H, x < -1 or x > W
reads 0; others are clamped into the map.  MXNet has no backward for it ("RROIAlign: Backward
is not supported"); mxjax differentiates it with respect to ``data`` (not ``rois``).

mxjax differs: with sampling_ratio=-1 the grid has at most ceil(2 max(H, W) / pooled) points per
side (XLA needs a static size); only a box more than twice the map's size samples more in MXNet.
"""
import math

import jax.numpy as jnp
from jax import lax

from ..registry import REQUIRED, register
from .nn import _as_tuple, _error


def _bilinear(image, y, x, height, width):
    """MXNet's RROIAlign sample of image (R, C, H*W) at float (y, x) of shape (R, P)."""
    outside = (y < -1.0) | (y > height) | (x < -1.0) | (x > width)
    y, x = jnp.maximum(y, 0), jnp.maximum(x, 0)
    y_low, x_low = jnp.floor(y).astype(jnp.int32), jnp.floor(x).astype(jnp.int32)
    y_top, x_top = y_low >= height - 1, x_low >= width - 1
    y_low, x_low = jnp.where(y_top, height - 1, y_low), jnp.where(x_top, width - 1, x_low)
    y, x = jnp.where(y_top, y_low.astype(y.dtype), y), jnp.where(x_top, x_low.astype(x.dtype), x)
    y_high, x_high = jnp.where(y_top, y_low, y_low + 1), jnp.where(x_top, x_low, x_low + 1)
    ly, lx = y - y_low, x - x_low
    hy, hx = 1 - ly, 1 - lx

    def read(yi, xi):
        return jnp.take_along_axis(image, (yi * width + xi)[:, None, :], axis=2)
    out = (read(y_low, x_low) * (hy * hx)[:, None] + read(y_low, x_high) * (hy * lx)[:, None]
           + read(y_high, x_low) * (ly * hx)[:, None] + read(y_high, x_high) * (ly * lx)[:, None])
    return jnp.where(outside[:, None], 0, out)


@register("_contrib_RROIAlign", inputs=("data", "rois"),
          attrs=dict(pooled_size=REQUIRED, spatial_scale=REQUIRED, sampling_ratio=-1))
def _rroi_align(data, rois, *, pooled_size, spatial_scale, sampling_ratio):
    """Rotated-region features (R, C, ph, pw) of ``data`` (N, C, H, W) for ``rois`` (R, 6)
    rows [batch, cx, cy, w, h, angle]."""
    size = _as_tuple(pooled_size)
    ph, pw = (size * 2 if len(size) == 1 else size)[:2]
    n, channels, height, width = data.shape
    if rois.ndim != 2 or rois.shape[1] != 6:
        raise _error("RROIAlign", f"rois must be (R, 6) rows [batch, cx, cy, w, h, angle], got shape {rois.shape}")
    dt = data.dtype
    rois = lax.stop_gradient(rois).astype(dt)
    scale = jnp.asarray(spatial_scale, dt)
    batch = rois[:, 0].astype(jnp.int32)
    cx, cy = rois[:, 1] * scale, rois[:, 2] * scale
    roi_w, roi_h = jnp.maximum(rois[:, 3] * scale, 1), jnp.maximum(rois[:, 4] * scale, 1)
    theta = rois[:, 5] * math.pi / 180.0
    bin_h, bin_w = roi_h / ph, roi_w / pw
    if sampling_ratio > 0:
        grid_h = grid_w = jnp.full(rois.shape[0], sampling_ratio, dt)
        s_h = s_w = int(sampling_ratio)
    else:
        grid_h, grid_w = jnp.ceil(roi_h / ph), jnp.ceil(roi_w / pw)
        bound = 2 * max(height, width)
        s_h, s_w = max(1, -(-bound // ph)), max(1, -(-bound // pw))
    iy, ix = jnp.arange(s_h, dtype=dt), jnp.arange(s_w, dtype=dt)
    # in-box coordinates (R, ph, pw, s_h, s_w), then rotated about the centre
    yy = (-roi_h / 2)[:, None, None, None, None] + jnp.arange(ph, dtype=dt)[None, :, None, None, None] * \
        bin_h[:, None, None, None, None] + (iy + 0.5)[None, None, None, :, None] * \
        (bin_h / grid_h)[:, None, None, None, None]
    xx = (-roi_w / 2)[:, None, None, None, None] + jnp.arange(pw, dtype=dt)[None, None, :, None, None] * \
        bin_w[:, None, None, None, None] + (ix + 0.5)[None, None, None, None, :] * \
        (bin_w / grid_w)[:, None, None, None, None]
    cos, sin = jnp.cos(theta)[:, None, None, None, None], jnp.sin(theta)[:, None, None, None, None]
    x = xx * cos + yy * sin + cx[:, None, None, None, None]
    y = yy * cos - xx * sin + cy[:, None, None, None, None]
    shape = y.shape
    y, x = jnp.broadcast_to(y, shape).reshape(shape[0], -1), jnp.broadcast_to(x, shape).reshape(shape[0], -1)
    images = data[jnp.clip(batch, 0, n - 1)].reshape(-1, channels, height * width)
    samples = _bilinear(images, y, x, height, width).reshape((-1, channels) + shape[1:])
    use = ((iy[None, :, None] < grid_h[:, None, None]) & (ix[None, None, :] < grid_w[:, None, None]))
    total = jnp.sum(samples * use[:, None, None, None].astype(dt), axis=(4, 5))
    return (total / (grid_h * grid_w)[:, None, None, None]).astype(dt)
