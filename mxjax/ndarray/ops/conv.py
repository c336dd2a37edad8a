"""Convolution, deconvolution, pooling, upsampling and ROI pooling (MXNet 1.9.1 semantics).

Layouts are MXNet's: NCW / NCHW / NCDHW by default; channel-last NHWC / NDHWC (Pooling also
NWC) put the weight's input channels last as well (OHWI, ODHWI), as MXNet does on GPU (its CPU
kernels reject channel-last convolution; mxjax computes it everywhere).  All of it is
``lax.conv_general_dilated`` and ``lax.reduce_window``, so every operator here is
differentiable to any order; on a CPU a float32/float64 Convolution goes through ``conv_cpu``
(XLA's forward, gradients by formulations tuned per shape; the same results).
"""
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..registry import REQUIRED, register
from . import conv_cpu
from .nn import _as_tuple, _check_bias, _error

_CHANNEL_FIRST = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
_CHANNEL_LAST = {1: "NWC", 2: "NHWC", 3: "NDHWC"}
_CONV_CHANNEL_LAST = {2: "NHWC", 3: "NDHWC"}   # MXNet's Convolution/Deconvolution have no NWC


def _spatial_arg(op, name, value, n, default):
    v = _as_tuple(value)
    if not v:
        return (default,) * n
    if len(v) != n:
        raise _error(op, f"{name} must have the same number of dimensions as kernel ({n}), got {name}={v}")
    return v


def _layout(op, layout, n, ndim, channel_last=_CHANNEL_LAST):
    """True for a channel-last layout; checks the layout names the data's rank."""
    if layout is not None and layout not in set(_CHANNEL_FIRST.values()) | set(channel_last.values()):
        valid = sorted(set(_CHANNEL_FIRST.values()) | set(channel_last.values()))
        raise _error(op, f"invalid layout {layout!r}; valid values are None, {', '.join(valid)}")
    if ndim != n + 2:
        raise _error(op, f"a {n}-d kernel needs {n + 2}-d data ({_CHANNEL_FIRST[n]}), got {ndim}-d data")
    if layout is None or layout == _CHANNEL_FIRST[n]:
        return False
    if layout == channel_last.get(n):
        return True
    raise _error(op, f"layout {layout!r} does not fit {n}-d spatial data (use {_CHANNEL_FIRST[n]}"
                     + (f" or {channel_last[n]})" if n in channel_last else ")"))


def _to_channel_first(x):
    return jnp.moveaxis(x, -1, 1)


def _to_channel_last(x):
    return jnp.moveaxis(x, 1, -1)


def _kernel(op, kernel):
    k = _as_tuple(kernel)
    if len(k) not in (1, 2, 3):
        raise _error(op, f"kernel must have 1, 2 or 3 dimensions, got kernel={k}")
    return k


def _conv_dims(n):
    spec = _CHANNEL_FIRST[n]
    return lax.conv_dimension_numbers((1,) * (n + 2), (1,) * (n + 2), (spec, "OI" + spec[2:], spec))


def _add_bias(out, bias, num_filter, op):
    if bias is None:
        return out
    if bias.shape != (num_filter,):
        raise _error(op, f"bias has shape {bias.shape}, expected ({num_filter},)")
    return out + bias.reshape((1, -1) + (1,) * (out.ndim - 2)).astype(out.dtype)


_CONV_ATTRS = dict(kernel=REQUIRED, stride=(), dilate=(), pad=(), num_filter=REQUIRED, num_group=1,
                   workspace=1024, no_bias=False, cudnn_tune=None, cudnn_off=False, layout=None)


@register("Convolution", inputs=("data", "weight", "bias?"), attrs=_CONV_ATTRS, aliases=("Convolution_v1",))
def _convolution(data, weight, bias=None, *, kernel, stride, dilate, pad, num_filter, num_group,
                 workspace, no_bias, cudnn_tune, cudnn_off, layout):
    """N-d convolution (1-D, 2-D, 3-D): weight (num_filter, C/num_group, *kernel), stride and
    dilate default to 1, pad to 0; out = floor((x + 2p - d(k-1) - 1)/s) + 1 per spatial dim."""
    op = "Convolution"
    k = _kernel(op, kernel)
    n = len(k)
    last = _layout(op, layout, n, data.ndim, _CONV_CHANNEL_LAST)
    s, d, p = (_spatial_arg(op, name, v, n, dflt) for name, v, dflt in
               (("stride", stride, 1), ("dilate", dilate, 1), ("pad", pad, 0)))
    _check_bias(op, bias, no_bias)
    x = _to_channel_first(data) if last else data
    w = _to_channel_first(weight) if last else weight
    c, f, g = x.shape[1], int(num_filter), int(num_group)
    if g < 1 or c % g or f % g:
        raise _error(op, f"num_group={g} must divide both the input channels ({c}) and num_filter ({f})")
    want = (f, c // g) + k
    if w.shape != want:
        shown = (f,) + k + (c // g,) if last else want
        raise _error(op, f"weight has shape {weight.shape}, expected {shown} for data of shape {data.shape}")
    for i in range(n):
        span = d[i] * (k[i] - 1) + 1
        if x.shape[2 + i] + 2 * p[i] < span:
            raise _error(op, f"kernel size {span} (dilated) exceeds the padded input {x.shape[2 + i] + 2 * p[i]} "
                             f"in spatial dimension {i}")
    w = w.astype(x.dtype)
    if conv_cpu.applies(x, w):
        out = conv_cpu.conv(x, w, s, [(q, q) for q in p], d, g)
    else:
        out = lax.conv_general_dilated(x, w, window_strides=s, padding=[(q, q) for q in p],
                                       rhs_dilation=d, dimension_numbers=_conv_dims(n), feature_group_count=g)
    out = _add_bias(out, bias, f, op)
    return _to_channel_last(out) if last else out


_DECONV_ATTRS = dict(kernel=REQUIRED, stride=(), dilate=(), pad=(), adj=(), target_shape=(), num_filter=REQUIRED,
                     num_group=1, workspace=512, no_bias=True, cudnn_tune=None, cudnn_off=False, layout=None)


def _deconvolution_impl(op, data, weight, bias, kernel, stride, dilate, pad, adj, target_shape, num_filter,
                        num_group, no_bias, layout):
    k = _kernel(op, kernel)
    n = len(k)
    last = _layout(op, layout, n, data.ndim, _CONV_CHANNEL_LAST)
    s, d, p, a = (_spatial_arg(op, name, v, n, dflt) for name, v, dflt in
                  (("stride", stride, 1), ("dilate", dilate, 1), ("pad", pad, 0), ("adj", adj, 0)))
    _check_bias(op, bias, no_bias)
    x = _to_channel_first(data) if last else data
    w = _to_channel_first(weight) if last else weight
    c, f, g = x.shape[1], int(num_filter), int(num_group)
    if g < 1 or c % g or f % g:
        raise _error(op, f"num_group={g} must divide both the input channels ({c}) and num_filter ({f})")
    want = (c, f // g) + k
    if w.shape != want:
        shown = (c,) + k + (f // g,) if last else want
        raise _error(op, f"weight has shape {weight.shape}, expected {shown} for data of shape {data.shape}")
    target = _as_tuple(target_shape)
    if target and any(t > 0 for t in target):
        target = _spatial_arg(op, "target_shape", target, n, 0)
        p, a = list(p), list(a)
        for i in range(n):
            full = s[i] * (x.shape[2 + i] - 1) + d[i] * (k[i] - 1) + 1
            if full < target[i]:
                raise _error(op, f"target_shape {tuple(target)} is too big: at most {full} in spatial dimension {i}")
            total = full - target[i]
            a[i], p[i] = total % 2, (total + 1) // 2
    for i in range(n):
        if a[i] >= s[i] and a[i] > 0:
            raise _error(op, f"adj={tuple(a)} must be smaller than stride={s} in each dimension")
    # the transpose of the convolution: dilate the input by the stride, convolve with the flipped
    # kernel, its in/out channels swapped within each group
    wk = w.reshape((g, c // g, f // g) + k)
    wk = jnp.swapaxes(wk, 1, 2).reshape((f, c // g) + k)
    wk = jnp.flip(wk, axis=tuple(range(2, 2 + n)))
    lo = [d[i] * (k[i] - 1) - p[i] for i in range(n)]
    hi = [lo[i] + a[i] for i in range(n)]
    out = lax.conv_general_dilated(x, wk.astype(x.dtype), window_strides=(1,) * n,
                                   padding=[(max(q, 0), max(r, 0)) for q, r in zip(lo, hi)],
                                   lhs_dilation=s, rhs_dilation=d, dimension_numbers=_conv_dims(n),
                                   feature_group_count=g)
    crop = tuple(slice(max(-q, 0), out.shape[2 + i] - max(-r, 0)) for i, (q, r) in enumerate(zip(lo, hi)))
    out = out[(slice(None), slice(None)) + crop]
    out = _add_bias(out, bias, f, op)
    return _to_channel_last(out) if last else out


@register("Deconvolution", inputs=("data", "weight", "bias?"), attrs=_DECONV_ATTRS)
def _deconvolution(data, weight, bias=None, *, kernel, stride, dilate, pad, adj, target_shape, num_filter,
                   num_group, workspace, no_bias, cudnn_tune, cudnn_off, layout):
    """Transposed convolution: weight (C, num_filter/num_group, *kernel); out =
    s(x-1) + d(k-1) + 1 - 2p + adj per spatial dim.  With target_shape, pad and adj are
    computed to reach it (MXNet's rule).  no_bias defaults to True."""
    return _deconvolution_impl("Deconvolution", data, weight, bias, kernel, stride, dilate, pad, adj,
                               target_shape, num_filter, num_group, no_bias, layout)


# ---- pooling --------------------------------------------------------------------------------------

def _pool_geometry(op, shape, k, s, p, convention):
    """Per spatial dim: (out size, low pad, high pad) for MXNet's pooling conventions."""
    geo = []
    for i, x in enumerate(shape):
        if convention == "same":
            out = -(-x // s[i])
            total = max((out - 1) * s[i] + k[i] - x, 0)
            geo.append((out, total // 2, total - total // 2))
            continue
        if k[i] > x + 2 * p[i]:
            raise _error(op, f"kernel size ({k[i]}) exceeds input ({x} padded to {x + 2 * p[i]})")
        span = x + 2 * p[i] - k[i]
        out = span // s[i] + 1 if convention == "valid" else -(-span // s[i]) + 1
        geo.append((out, p[i], (out - 1) * s[i] + k[i] - x - p[i]))
    return geo


def _window_counts(shape, k, s, geo, include_pad):
    """Number of elements averaged per output position (numpy; the windows are static)."""
    counts = np.ones((), np.float64)
    for i, x in enumerate(shape):
        out, lo, hi = geo[i]
        start = np.arange(out) * s[i] - lo
        end = start + k[i]
        if include_pad:
            # MXNet counts the explicit padding but not the extra cells of the 'full' convention
            cnt = np.minimum(end, x + lo) - start
        else:
            cnt = np.minimum(end, x) - np.maximum(start, 0)
        counts = np.multiply.outer(counts, np.maximum(cnt, 0))
    return counts


_POOL_TYPES = ("avg", "lp", "max", "sum")


@register("Pooling", attrs=dict(kernel=(), pool_type="max", global_pool=False, cudnn_off=False,
                                pooling_convention="valid", stride=(), pad=(), p_value=None,
                                count_include_pad=None, layout=None), aliases=("Pooling_v1",))
def _pooling(data, kernel, pool_type, global_pool, cudnn_off, pooling_convention, stride, pad, p_value,
             count_include_pad, layout):
    """Max, average, sum or Lp pooling over 1-3 spatial dims (stride 1 and pad 0 by default).

    Conventions: 'valid' floor((x+2p-k)/s)+1, 'full' ceil(...)+1 (windows may run past the
    padding), 'same' ceil(x/s).  avg divides by the window size including the explicit padding
    (count_include_pad, default True) or by the valid elements only.  lp with p_value 1, 2 or 3:
    (sum x^p)^(1/p) (signed roots, as MXNet).  A max window over padding only gives the
    dtype's lowest value, as MXNet.  global_pool pools the whole spatial extent (kernel, stride
    and pad are ignored).

    mxjax differs: MXNet 1.9.1 on CPU rejects pooling_convention='same'; mxjax implements it
    (padding split evenly, the extra cell at the end)."""
    op = "Pooling"
    if pool_type not in _POOL_TYPES:
        raise _error(op, f"pool_type must be one of {list(_POOL_TYPES)}, got {pool_type!r}")
    if pooling_convention not in ("valid", "full", "same"):
        raise _error(op, f"pooling_convention must be 'valid', 'full' or 'same', got {pooling_convention!r}")
    n = data.ndim - 2
    if n not in (1, 2, 3):
        raise _error(op, f"data must be 3-d, 4-d or 5-d (batch, channel, spatial...), got shape {data.shape}")
    if global_pool:
        last = _layout(op, layout, n, data.ndim)
        x = _to_channel_first(data) if last else data
        k, s, p = x.shape[2:], (1,) * n, (0,) * n
    else:
        k = _as_tuple(kernel)
        if len(k) != n:
            raise _error(op, f"kernel {k} must have {n} dimensions for data of shape {data.shape}"
                         if k else "kernel is required (or global_pool=True)")
        last = _layout(op, layout, n, data.ndim)
        x = _to_channel_first(data) if last else data
        s = _spatial_arg(op, "stride", stride, n, 1)
        if pooling_convention == "same":   # MXNet checks only that every pad given is 0
            if any(_as_tuple(pad)):
                raise _error(op, "the 'same' pooling convention does not take a pad argument")
            p = (0,) * n
        else:
            p = _spatial_arg(op, "pad", pad, n, 0)
    spatial = x.shape[2:]
    geo = _pool_geometry(op, spatial, k, s, p, pooling_convention)
    # a 'valid' window grid may stop short of the input's end: crop that tail instead of padding
    x = x[(slice(None), slice(None)) + tuple(slice(0, n + min(hi, 0)) for n, (_, _, hi) in zip(spatial, geo))]
    window, strides = (1, 1) + tuple(k), (1, 1) + tuple(s)
    padding = ((0, 0), (0, 0)) + tuple((lo, max(hi, 0)) for _, lo, hi in geo)
    if pool_type == "max":
        # pad with the dtype's lowest value (what MXNet shows for a window of padding only), then
        # reduce with max's identity, which JAX differentiates (reduce_window_max)
        floating = jnp.issubdtype(x.dtype, jnp.floating)
        low = jnp.finfo(x.dtype).min if floating else jnp.iinfo(x.dtype).min
        x = jnp.pad(x, padding, constant_values=jnp.asarray(low, x.dtype))
        out = lax.reduce_window(x, -jnp.inf if floating else np.array(low, x.dtype), lax.max, window, strides, "VALID")
    elif pool_type == "lp":
        if p_value not in (1, 2, 3):
            raise _error(op, f"lp pooling needs p_value 1, 2 or 3, got {p_value}")
        total = lax.reduce_window(x ** p_value, np.array(0, x.dtype), lax.add, window, strides, padding)
        out = {1: lambda t: t, 2: jnp.sqrt, 3: jnp.cbrt}[p_value](total)
    else:
        out = lax.reduce_window(x, np.array(0, x.dtype), lax.add, window, strides, padding)
        if pool_type == "avg":
            include = True if count_include_pad is None else bool(count_include_pad)
            counts = _window_counts(spatial, k, s, geo, include)
            out = out / jnp.asarray(np.maximum(counts, 1), x.dtype)
    return _to_channel_last(out) if last else out


# ---- upsampling and ROI pooling -------------------------------------------------------------------

@register("UpSampling", variadic=True, attrs=dict(scale=REQUIRED, num_filter=0, sample_type=REQUIRED,
                                                  multi_input_mode="concat", workspace=512))
def _upsampling(*data, scale, num_filter, sample_type, multi_input_mode, workspace):
    """nearest: each NCHW input is repeated up to (H*scale, W*scale) of the first input (the
    others by the factor that reaches that size), then concatenated along channels or summed
    (multi_input_mode).  bilinear: 2 inputs (data, weight of shape (num_filter, 1, k, k),
    k = 2*scale - scale%2): a per-channel Deconvolution with stride scale, pad ceil((scale-1)/2)."""
    op = "UpSampling"
    scale = int(scale)
    if sample_type == "bilinear":
        if len(data) != 2:
            raise _error(op, f"sample_type='bilinear' expects 2 inputs (data, weight), but got {len(data)}")
        x, weight = data
        if x.ndim != 4:
            raise _error(op, f"data must be 4-d (batch, channel, y, x), got shape {x.shape}")
        c = x.shape[1]
        if int(num_filter) != c:
            raise _error(op, f"bilinear upsampling needs num_filter equal to the channels ({c}), got {num_filter}")
        k = 2 * scale - scale % 2
        pad = -(-(scale - 1) // 2)
        return _deconvolution_impl(op, x, weight, None, (k, k), (scale, scale), (), (pad, pad), (), (), c, c,
                                   True, None)
    if sample_type != "nearest":
        raise _error(op, f"sample_type must be 'nearest' or 'bilinear', got {sample_type!r}")
    if multi_input_mode not in ("concat", "sum"):
        raise _error(op, f"multi_input_mode must be 'concat' or 'sum', got {multi_input_mode!r}")
    for x in data:
        if x.ndim != 4:
            raise _error(op, f"input data should be 4-d (batch, channel, y, x), got shape {x.shape}")
    oh, ow = data[0].shape[2] * scale, data[0].shape[3] * scale
    outs = []
    for x in data:
        h, w = x.shape[2:]
        if oh % h or ow % w:
            raise _error(op, f"input of size {h}x{w} does not divide the output size {oh}x{ow}")
        outs.append(jnp.repeat(jnp.repeat(x, oh // h, axis=2), ow // w, axis=3))
    if len(outs) == 1:
        return outs[0]
    if multi_input_mode == "sum":
        if any(o.shape != outs[0].shape for o in outs):
            raise _error(op, "multi_input_mode='sum' needs inputs with the same number of channels")
        total = outs[0]
        for o in outs[1:]:
            total = total + o
        return total
    return jnp.concatenate(outs, axis=1)


def _round_half_away(x):
    return jnp.sign(x) * jnp.floor(jnp.abs(x) + 0.5)


@register("ROIPooling", inputs=("data", "rois"), attrs=dict(pooled_size=REQUIRED, spatial_scale=REQUIRED))
def _roi_pooling(data, rois, pooled_size, spatial_scale):
    """Max pooling of regions of interest: rois (R, 5) rows [batch_index, x1, y1, x2, y2] in input
    coordinates (scaled by spatial_scale, rounded half away from zero, corners inclusive); each
    region is split into pooled_size (h, w) bins; an empty bin gives 0.  Out (R, C, h, w).  The
    gradient goes to the maximum of each bin; the rois get none.

    mxjax differs: where a bin holds several equal maxima, the gradient is shared among them
    (MXNet gives it to the first)."""
    op = "ROIPooling"
    size = _as_tuple(pooled_size)
    if len(size) != 2 or min(size) < 1:
        raise _error(op, f"pooled_size must be (h, w) of positive sizes, got {pooled_size}")
    ph, pw = size
    if data.ndim != 4:
        raise _error(op, f"data must be 4-d (batch, channel, height, width), got shape {data.shape}")
    if rois.ndim != 2 or rois.shape[1] != 5:
        raise _error(op, f"rois must have shape (num_rois, 5), got {rois.shape}")
    dt = data.dtype
    r = lax.stop_gradient(rois).astype(dt)
    height, width = data.shape[2:]
    batch = jnp.clip(r[:, 0].astype(jnp.int32), 0, data.shape[0] - 1)
    scale = jnp.asarray(spatial_scale, dt)
    x1, y1, x2, y2 = (_round_half_away(r[:, i] * scale).astype(jnp.int32) for i in (1, 2, 3, 4))
    roi_h = jnp.maximum(y2 - y1 + 1, 1).astype(dt)
    roi_w = jnp.maximum(x2 - x1 + 1, 1).astype(dt)

    def bins(start, size, count, limit):
        b = size / jnp.asarray(count, dt)
        idx = jnp.arange(count, dtype=dt)
        lo = jnp.floor(idx[None, :] * b[:, None]).astype(jnp.int32) + start[:, None]
        hi = jnp.ceil((idx[None, :] + 1) * b[:, None]).astype(jnp.int32) + start[:, None]
        lo, hi = jnp.clip(lo, 0, limit), jnp.clip(hi, 0, limit)
        pos = jnp.arange(limit)
        return (pos >= lo[..., None]) & (pos < hi[..., None]), hi <= lo   # (R, bins, limit), (R, bins)

    mask_h, empty_h = bins(y1, roi_h, ph, height)
    mask_w, empty_w = bins(x1, roi_w, pw, width)
    low = jnp.asarray(jnp.finfo(dt).min, dt)
    feats = data[batch]                                                       # (R, C, H, W)
    cols = jnp.where(mask_w[:, None, None, :, :], feats[:, :, :, None, :], low).max(axis=-1)   # (R, C, H, pw)
    cols = jnp.swapaxes(cols, 2, 3)                                           # (R, C, pw, H)
    out = jnp.where(mask_h[:, None, :, None, :], cols[:, :, None, :, :], low).max(axis=-1)     # (R, C, ph, pw)
    empty = empty_h[:, :, None] | empty_w[:, None, :]
    return jnp.where(empty[:, None], jnp.zeros((), dt), out)
