"""``nd.contrib.PSROIPooling``: position-sensitive ROI pooling (R-FCN, Dai et al. 2016), with
MXNet 1.9.1's CPU kernel's bin geometry.

ROI r = (batch, x1, y1, x2, y2) (coordinates rounded half away from zero, the end made
inclusive, scaled by ``spatial_scale``) is split into pooled_size x pooled_size bins; bin (ph, pw)
of output channel k averages input channel (k*group_size + gh)*group_size + gw over the integer
pixels [floor(start), ceil(end)) of the bin (clipped to the map; an empty bin gives 0), with
(gh, gw) the bin's cell in a group_size x group_size grid (group_size 0 means pooled_size).
The box sums come from an integral image, so gradients (JAX's) reach every pixel of a bin.
mxjax differs where a bin edge is an integer in MXNet's float arithmetic: XLA divides by
pooled_size as a multiplication by its reciprocal, which can round the edge across the
integer, and the bin then spans one pixel more or less.
"""
import jax.numpy as jnp

from ..registry import REQUIRED, register
from .nn import _error


def _round_half_away(x):
    return jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)


@register("_contrib_PSROIPooling", inputs=("data", "rois"),
          attrs=dict(spatial_scale=REQUIRED, output_dim=REQUIRED, pooled_size=REQUIRED, group_size=0))
def _psroi_pooling(data, rois, *, spatial_scale, output_dim, pooled_size, group_size):
    """Position-sensitive average pooling of ``data`` (N, output_dim*group_size^2, H, W) over
    ``rois`` (R, 5); the output is (R, output_dim, pooled_size, pooled_size)."""
    gs = int(group_size) or int(pooled_size)
    ps, od = int(pooled_size), int(output_dim)
    n, c, h, w = data.shape
    if c != od * gs * gs:
        raise _error("PSROIPooling", f"data has {c} channels, expected output_dim * group_size^2 = {od * gs * gs}")
    dt = data.dtype
    rois = rois.astype(dt)
    scale = jnp.asarray(spatial_scale, dt)
    batch = rois[:, 0].astype(jnp.int32)
    start_w = _round_half_away(rois[:, 1]) * scale
    start_h = _round_half_away(rois[:, 2]) * scale
    end_w = (_round_half_away(rois[:, 3]) + 1) * scale
    end_h = (_round_half_away(rois[:, 4]) + 1) * scale
    bin_h = jnp.maximum(end_h - start_h, jnp.asarray(0.1, dt)) / ps
    bin_w = jnp.maximum(end_w - start_w, jnp.asarray(0.1, dt)) / ps
    p = jnp.arange(ps, dtype=dt)
    hs = jnp.clip(jnp.floor(p[None] * bin_h[:, None] + start_h[:, None]), 0, h).astype(jnp.int32)   # (R, ps)
    he = jnp.clip(jnp.ceil((p[None] + 1) * bin_h[:, None] + start_h[:, None]), 0, h).astype(jnp.int32)
    ws = jnp.clip(jnp.floor(p[None] * bin_w[:, None] + start_w[:, None]), 0, w).astype(jnp.int32)
    we = jnp.clip(jnp.ceil((p[None] + 1) * bin_w[:, None] + start_w[:, None]), 0, w).astype(jnp.int32)
    cell = jnp.clip(jnp.floor(jnp.arange(ps) * gs / ps), 0, gs - 1).astype(jnp.int32)
    channel = (jnp.arange(od)[:, None, None] * gs + cell[None, :, None]) * gs + cell[None, None, :]   # (od, ps, ps)
    integral = jnp.pad(jnp.cumsum(jnp.cumsum(data, axis=2), axis=3), [(0, 0), (0, 0), (1, 0), (1, 0)])
    b = batch[:, None, None, None]
    ch = channel[None]

    def corner(ys, xs):
        return integral[b, ch, ys[:, None, :, None], xs[:, None, None, :]]
    total = corner(he, we) - corner(hs, we) - corner(he, ws) + corner(hs, ws)
    area = ((he - hs)[:, None, :, None] * (we - ws)[:, None, None, :]).astype(dt)
    return jnp.where(area > 0, total / jnp.where(area > 0, area, 1), jnp.zeros((), dt))
