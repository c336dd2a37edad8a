"""Image layers outside the core nn family: LRN, im2col / col2im, and nd.contrib's
AdaptiveAvgPooling2D and BilinearResize2D.  Layout NCHW, as MXNet's."""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError
from ..registry import REQUIRED, register


@register("LRN", attrs=dict(alpha=1e-4, beta=0.75, knorm=2.0, nsize=REQUIRED))
def _lrn(data, alpha, beta, knorm, nsize):
    """Local response normalisation across channels:
    ``data / (knorm + alpha / nsize * sum of data^2 over nsize neighbouring channels)^beta``
    (the window is centred, zero-padded at the ends)."""
    if data.ndim != 4:
        raise MXNetError(f"LRN: data must be (N, C, H, W), got shape {data.shape}")
    half = nsize // 2
    squares = jnp.pad(jnp.square(data), ((0, 0), (half, nsize - 1 - half), (0, 0), (0, 0)))
    channels = data.shape[1]
    window = sum(squares[:, i:i + channels] for i in range(nsize))
    return data * jnp.power(knorm + (alpha / nsize) * window, -beta)


def _geometry(op, kernel, stride, dilate, pad):
    k = tuple(kernel)
    if len(k) != 2:
        raise MXNetError(f"{op}: only 2-D kernels are supported (as MXNet 1.9.1), got kernel {k}")
    return k, tuple(stride) or (1, 1), tuple(dilate) or (1, 1), tuple(pad) or (0, 0)


def _patches(data, k, s, d, p):
    return lax.conv_general_dilated_patches(data, k, s, [(q, q) for q in p], rhs_dilation=d,
                                            dimension_numbers=("NCHW", "OIHW", "NCHW"))


@register("im2col", attrs=dict(kernel=REQUIRED, stride=(), dilate=(), pad=()))
def _im2col(data, kernel, stride, dilate, pad):
    """The sliding blocks of ``data`` (N, C, H, W) as columns: (N, C * kh * kw, L) with the
    block's (channel, row, column) along axis 1 and the L block positions row by row."""
    k, s, d, p = _geometry("im2col", kernel, stride, dilate, pad)
    if data.ndim != 4:
        raise MXNetError(f"im2col: data must be (N, C, H, W), got shape {data.shape}")
    cols = _patches(data, k, s, d, p)
    return cols.reshape(cols.shape[:2] + (-1,))


@register("col2im", attrs=dict(output_size=REQUIRED, kernel=REQUIRED, stride=(), dilate=(), pad=()))
def _col2im(data, output_size, kernel, stride, dilate, pad):
    """The adjoint of im2col: columns (N, C * kh * kw, L) summed back into an image (N, C,
    *output_size), overlapping blocks added."""
    k, s, d, p = _geometry("col2im", kernel, stride, dilate, pad)
    size = tuple(output_size)
    blocks = [(size[i] + 2 * p[i] - (d[i] * (k[i] - 1) + 1)) // s[i] + 1 for i in range(2)]
    if data.ndim != 3 or data.shape[1] % (k[0] * k[1]) or data.shape[2] != blocks[0] * blocks[1]:
        raise MXNetError(f"col2im: columns of shape {data.shape} do not match output_size {size} with kernel {k}, "
                         f"stride {s}, dilate {d} and pad {p}: expected (N, C * {k[0] * k[1]}, "
                         f"{blocks[0] * blocks[1]})")
    image = jax.ShapeDtypeStruct((data.shape[0], data.shape[1] // (k[0] * k[1])) + size, data.dtype)
    transpose = jax.linear_transpose(lambda x: _patches(x, k, s, d, p), image)
    return transpose(data.reshape(data.shape[:2] + tuple(blocks)))[0]


def _adaptive_weights(n_in, n_out):
    """(n_out, n_in) averaging matrix of MXNet's adaptive pooling bins
    [floor(i * n_in / n_out), ceil((i + 1) * n_in / n_out))."""
    w = np.zeros((n_out, n_in))
    for i in range(n_out):
        start, end = (i * n_in) // n_out, -((-(i + 1) * n_in) // n_out)
        w[i, start:end] = 1.0 / (end - start)
    return w


@register("_contrib_AdaptiveAvgPooling2D", attrs=dict(output_size=()))
def _adaptive_avg_pool(data, output_size):
    """Average pooling of (N, C, H, W) to ``output_size`` ((): 1 x 1; an int: square) with
    MXNet's bins: output row i averages input rows floor(i*H/oh) .. ceil((i+1)*H/oh) - 1."""
    size = (output_size,) * 2 if isinstance(output_size, int) else tuple(output_size) or (1, 1)
    if len(size) == 1:
        size = size * 2
    if data.ndim != 4:
        raise MXNetError(f"AdaptiveAvgPooling2D: data must be (N, C, H, W), got shape {data.shape}")
    wh, ww = (jnp.asarray(_adaptive_weights(n, m), data.dtype) for n, m in zip(data.shape[2:], size))
    return jnp.einsum("ih,nchw,jw->ncij", wh, data, ww)


_RESIZE_MODES = ("size", "like", "odd_scale", "to_even_down", "to_even_up", "to_odd_down", "to_odd_up")


def _resize_shape(shape, like, height, width, scale_height, scale_width, mode):
    h, w = shape[2:]
    if mode == "size":
        return (int(h * scale_height) if scale_height is not None else height,
                int(w * scale_width) if scale_width is not None else width)
    if mode == "like":
        if like is None:
            raise MXNetError("BilinearResize2D: mode 'like' needs the 'like' input")
        return like.shape[2:]
    if mode == "odd_scale":
        return tuple(int((d - 1) * sc + 1) if d % 2 else int(d * sc)
                     for d, sc in ((h, scale_height or 1.0), (w, scale_width or 1.0)))
    parity = 0 if "even" in mode else 1
    step = -1 if mode.endswith("down") else 1
    return tuple(d if d % 2 == parity else d + step for d in (h, w))


def _resize_weights(n_in, n_out, align_corners):
    """(n_out, n_in) bilinear interpolation matrix."""
    if align_corners:
        src = np.arange(n_out) * ((n_in - 1) / (n_out - 1) if n_out > 1 else 0.0)
    else:
        src = np.maximum((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0.0)
    low = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    high = np.minimum(low + 1, n_in - 1)
    frac = src - low
    w = np.zeros((n_out, n_in))
    np.add.at(w, (np.arange(n_out), low), 1 - frac)
    np.add.at(w, (np.arange(n_out), high), frac)
    return w


@register("_contrib_BilinearResize2D", inputs=("data", "like?"),
          attrs=dict(height=1, width=1, scale_height=None, scale_width=None, mode="size", align_corners=True))
def _bilinear_resize(data, like=None, height=1, width=1, scale_height=None, scale_width=None, mode="size",
                     align_corners=True):
    """Bilinear resize of (N, C, H, W).  The output size: ``mode`` 'size' (height/width, or the
    input's times scale_height/scale_width), 'like' (the spatial shape of ``like``),
    'odd_scale' (odd sides (d - 1) * scale + 1, even ones d * scale), 'to_even_down' /
    'to_even_up' / 'to_odd_down' / 'to_odd_up' (the nearest side of that parity).
    ``align_corners`` maps corner pixels onto corner pixels; otherwise pixel centres are
    aligned (source coordinates below 0 are clamped to 0)."""
    if mode not in _RESIZE_MODES:
        raise MXNetError(f"BilinearResize2D: invalid mode {mode!r}, expected one of {_RESIZE_MODES}")
    if data.ndim != 4:
        raise MXNetError(f"BilinearResize2D: data must be (N, C, H, W), got shape {data.shape}")
    size = _resize_shape(data.shape, like, height, width, scale_height, scale_width, mode)
    wh, ww = (jnp.asarray(_resize_weights(n, m, align_corners), data.dtype) for n, m in zip(data.shape[2:], size))
    return jnp.einsum("ih,nchw,jw->ncij", wh, data, ww)
