"""``nd.Correlation``: FlowNet's correlation layer (Dosovitskiy et al. 2015), with MXNet 1.9.1's
CPU kernel's geometry.

Both inputs (N, C, H, W) are zero-padded by ``pad_size``; output pixel (i, j) compares the
kernel_size x kernel_size patch of data1 whose top-left corner is (i*stride1 + max_displacement,
j*stride1 + max_displacement) with the patch of data2 displaced by (p*stride2, o*stride2) for
p, o in [-r, r], r = max_displacement // stride2, giving (2r+1)^2 output channels (channel
(p+r)*(2r+1) + (o+r)).  A comparison sums a1*a2 (``is_multiply``) or |a1 - a2| over the patch
and the channels, divided by kernel_size^2 * C.  The output is
(N, (2r+1)^2, ceil((H + 2*pad - 2*border) / stride1), same for W), border = max_displacement +
(kernel_size - 1) // 2.  Gradients are JAX's.
"""
import math

import jax.numpy as jnp
import numpy as np
from jax import lax

from ..registry import register
from .nn import _error


@register("Correlation", inputs=("data1", "data2"),
          attrs=dict(kernel_size=1, max_displacement=1, stride1=1, stride2=1, pad_size=0, is_multiply=True))
def _correlation(data1, data2, *, kernel_size, max_displacement, stride1, stride2, pad_size, is_multiply):
    """Correlation of two feature maps over a neighbourhood of displacements."""
    if data1.shape != data2.shape or data1.ndim != 4:
        raise _error("Correlation", f"data1 and data2 must be 4-D (NCHW) of one shape, got {data1.shape} and "
                                    f"{data2.shape}")
    k, d, s1, s2, pad = (int(v) for v in (kernel_size, max_displacement, stride1, stride2, pad_size))
    n, c, h, w = data1.shape
    border = d + (k - 1) // 2
    top_h = math.ceil((h + 2 * pad - 2 * border) / s1)
    top_w = math.ceil((w + 2 * pad - 2 * border) / s1)
    if top_h < 1 or top_w < 1:
        raise _error("Correlation", f"the padded input ({h + 2 * pad}, {w + 2 * pad}) is smaller than the "
                                    f"border 2*{border} the displacement and kernel need")
    radius = d // s2
    grid = 2 * radius + 1
    widths = [(0, 0), (0, 0), (pad, pad), (pad, pad)]
    p1, p2 = jnp.pad(data1, widths), jnp.pad(data2, widths)
    rows, cols = (top_h - 1) * s1 + k, (top_w - 1) * s1 + k
    a = p1[:, :, d:d + rows, d:d + cols]
    outs = []
    for tc in range(grid * grid):
        dy, dx = (tc // grid - radius) * s2, (tc % grid - radius) * s2
        b = p2[:, :, d + dy:d + dy + rows, d + dx:d + dx + cols]
        e = jnp.sum(a * b if is_multiply else jnp.abs(a - b), axis=1)
        outs.append(lax.reduce_window(e, np.zeros((), e.dtype), lax.add, (1, k, k), (1, s1, s1), "VALID"))
    return (jnp.stack(outs, axis=1) / (k * k * c)).astype(data1.dtype)
