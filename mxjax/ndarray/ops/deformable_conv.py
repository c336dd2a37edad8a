"""Deformable convolutions: ``nd.contrib.DeformableConvolution`` (Dai et al. 2017) and
``nd.contrib.ModulatedDeformableConvolution`` (DCNv2, Zhu et al. 2018), 2-D, NCHW.

Each kernel tap (i, j) of output pixel (oh, ow) reads the input at
(oh*stride - pad + i*dilate + dh, ow*stride - pad + j*dilate + dw), with the learned offsets
``offset[n, g*2K + 2k]`` (dh) and ``offset[n, g*2K + 2k + 1]`` (dw) of deformable group g and tap
k = i*kw + j (K = kh*kw), by bilinear interpolation; the modulated form multiplies the sample
by ``mask[n, g*K + k]``.  The samples (an im2col matrix) are then contracted with the weight
per channel group, as MXNet's CPU kernels do.  Out-of-image samples follow MXNet's CPU kernels:
DeformableConvolution samples only points with 0 <= y < H and 0 <= x < W (0 elsewhere) and
clamps the last row/column; ModulatedDeformableConvolution samples points with -1 < y < H and
-1 < x < W and treats corners outside the image as 0.  Gradients (any order) are JAX's.
"""
import jax.numpy as jnp

from ..registry import REQUIRED, register
from .conv import _add_bias, _spatial_arg
from .nn import _as_tuple, _check_bias, _error


def _gather(flat, index):
    """flat (N, G, Cg, H*W), index (N, G, P) -> (N, G, Cg, P)."""
    return jnp.take_along_axis(flat, index[:, :, None, :], axis=3)


def _sample(data, ys, xs, modulated):
    """Bilinear samples of data (N, G, Cg, H, W) at float positions ys, xs (N, G, P)."""
    n, g, cg, h, w = data.shape
    flat = data.reshape(n, g, cg, h * w)
    y0, x0 = jnp.floor(ys), jnp.floor(xs)
    if modulated:
        inside = (ys > -1) & (xs > -1) & (ys < h) & (xs < w)
        ly, lx = ys - y0, xs - x0
        y0i, x0i = y0.astype(jnp.int32), x0.astype(jnp.int32)
        y1i, x1i = y0i + 1, x0i + 1
        corners = ((y0i, x0i, (1 - ly) * (1 - lx)), (y0i, x1i, (1 - ly) * lx),
                   (y1i, x0i, ly * (1 - lx)), (y1i, x1i, ly * lx))
        out = 0
        for yi, xi, wt in corners:
            ok = inside & (yi >= 0) & (yi < h) & (xi >= 0) & (xi < w)
            idx = jnp.clip(yi, 0, h - 1) * w + jnp.clip(xi, 0, w - 1)
            out = out + _gather(flat, idx) * jnp.where(ok, wt, 0)[:, :, None, :]
        return out
    inside = (ys >= 0) & (xs >= 0) & (ys < h) & (xs < w)
    y0i = jnp.clip(y0, 0, h - 1).astype(jnp.int32)
    x0i = jnp.clip(x0, 0, w - 1).astype(jnp.int32)
    # MXNet's CPU im2col: on the last row/column the high corner is the low one and the weight 0
    ly = jnp.where(y0i >= h - 1, 0, ys - y0)
    lx = jnp.where(x0i >= w - 1, 0, xs - x0)
    y1i, x1i = jnp.minimum(y0i + 1, h - 1), jnp.minimum(x0i + 1, w - 1)
    out = (_gather(flat, y0i * w + x0i) * ((1 - ly) * (1 - lx))[:, :, None, :]
           + _gather(flat, y0i * w + x1i) * ((1 - ly) * lx)[:, :, None, :]
           + _gather(flat, y1i * w + x0i) * (ly * (1 - lx))[:, :, None, :]
           + _gather(flat, y1i * w + x1i) * (ly * lx)[:, :, None, :])
    return out * inside[:, :, None, :]


def _deformable(op, data, offset, mask, weight, bias, kernel, stride, dilate, pad, num_filter, num_group,
                num_deformable_group, no_bias, layout):
    k = _as_tuple(kernel)
    if len(k) != 2:
        raise _error(op, f"only 2-D kernels are supported, got kernel={k}")
    if layout not in (None, "NCHW"):
        raise _error(op, f"only the NCHW layout is supported, got layout={layout!r}")
    if data.ndim != 4:
        raise _error(op, f"data must be 4-D (NCHW), got shape {data.shape}")
    s, d, p = (_spatial_arg(op, name, v, 2, dflt) for name, v, dflt in
               (("stride", stride, 1), ("dilate", dilate, 1), ("pad", pad, 0)))
    _check_bias(op, bias, no_bias)
    n, c, h, w = data.shape
    f, g, dg = int(num_filter), int(num_group), int(num_deformable_group)
    kh, kw = k
    taps = kh * kw
    if g < 1 or c % g or f % g:
        raise _error(op, f"num_group={g} must divide both the input channels ({c}) and num_filter ({f})")
    if dg < 1 or c % dg:
        raise _error(op, f"num_deformable_group={dg} must divide the input channels ({c})")
    if weight.shape != (f, c // g, kh, kw):
        raise _error(op, f"weight has shape {weight.shape}, expected {(f, c // g, kh, kw)}")
    oh = (h + 2 * p[0] - (d[0] * (kh - 1) + 1)) // s[0] + 1
    ow = (w + 2 * p[1] - (d[1] * (kw - 1) + 1)) // s[1] + 1
    if offset.shape != (n, dg * 2 * taps, oh, ow):
        raise _error(op, f"offset has shape {offset.shape}, expected {(n, dg * 2 * taps, oh, ow)}")
    if mask is not None and mask.shape != (n, dg * taps, oh, ow):
        raise _error(op, f"mask has shape {mask.shape}, expected {(n, dg * taps, oh, ow)}")
    dt = data.dtype
    off = offset.astype(dt).reshape(n, dg, taps, 2, oh, ow)
    ti, tj = jnp.divmod(jnp.arange(taps), kw)
    base_y = (jnp.arange(oh) * s[0] - p[0])[None, :, None] + (ti * d[0])[:, None, None]   # (K, OH, 1)
    base_x = (jnp.arange(ow) * s[1] - p[1])[None, None, :] + (tj * d[1])[:, None, None]   # (K, 1, OW)
    ys = (base_y.astype(dt) + off[:, :, :, 0]).reshape(n, dg, -1)
    xs = (base_x.astype(dt) + off[:, :, :, 1]).reshape(n, dg, -1)
    cols = _sample(data.reshape(n, dg, c // dg, h, w), ys, xs, mask is not None)   # (N, dg, C/dg, K*OH*OW)
    if mask is not None:
        cols = cols * mask.astype(dt).reshape(n, dg, 1, -1)
    cols = cols.reshape(n, g, (c // g) * taps, oh * ow)
    wmat = weight.astype(dt).reshape(g, f // g, (c // g) * taps)
    out = jnp.einsum("gfk,ngkp->ngfp", wmat, cols).reshape(n, f, oh, ow)
    return _add_bias(out, bias, f, op)


_ATTRS = dict(kernel=REQUIRED, stride=(), dilate=(), pad=(), num_filter=REQUIRED, num_group=1,
              num_deformable_group=1, workspace=1024, no_bias=False, layout=None)
_MOD_ATTRS = dict(kernel=REQUIRED, stride=(), dilate=(), pad=(), num_filter=REQUIRED, num_group=1,
                  num_deformable_group=1, workspace=1024, no_bias=False, im2col_step=64, layout=None)


@register("_contrib_DeformableConvolution", inputs=("data", "offset", "weight", "bias?"), attrs=_ATTRS)
def _deformable_convolution(data, offset, weight, bias=None, *, kernel, stride, dilate, pad, num_filter, num_group,
                            num_deformable_group, workspace, no_bias, layout):
    """Deformable convolution (2-D, NCHW): a convolution whose taps are displaced by the
    learned ``offset`` (N, 2*num_deformable_group*kh*kw, OH, OW)."""
    return _deformable("DeformableConvolution", data, offset, None, weight, bias, kernel, stride, dilate, pad,
                       num_filter, num_group, num_deformable_group, no_bias, layout)


@register("_contrib_ModulatedDeformableConvolution", inputs=("data", "offset", "mask", "weight", "bias?"),
          attrs=_MOD_ATTRS)
def _modulated_deformable_convolution(data, offset, mask, weight, bias=None, *, kernel, stride, dilate, pad,
                                      num_filter, num_group, num_deformable_group, workspace, no_bias,
                                      im2col_step, layout):
    """Modulated deformable convolution (DCNv2; 2-D, NCHW): DeformableConvolution whose samples
    are scaled by ``mask`` (N, num_deformable_group*kh*kw, OH, OW)."""
    return _deformable("ModulatedDeformableConvolution", data, offset, mask, weight, bias, kernel, stride, dilate,
                       pad, num_filter, num_group, num_deformable_group, no_bias, layout)
