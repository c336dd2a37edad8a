"""The contrib FFT operators and count sketch: ``nd.contrib.fft``, ``nd.contrib.ifft``,
``nd.contrib.count_sketch``.

MXNet 1.9.1 implements all three with CUDA only (on CPU they raise "fft is only available for
GPU"); mxjax runs them on every device, with the GPU kernels' semantics: complex numbers are
interleaved (real, imaginary) along the last axis, and ``ifft`` is unnormalized (MXNet leaves
out the 1/n, "to be consistent with caffe").  ``compute_size`` and ``processing_batch_size``
only size MXNet's sub-batches and change nothing here.
"""
import jax.numpy as jnp

from ..registry import REQUIRED, register


def _interleave(z, dtype):
    return jnp.stack([z.real, z.imag], axis=-1).reshape(z.shape[:-1] + (2 * z.shape[-1],)).astype(dtype)


@register("_contrib_fft", attrs=dict(compute_size=128))
def _fft(data, *, compute_size):
    """Forward FFT along the last axis of real ``data`` (..., d); the output (..., 2d) holds the
    complex result interleaved as (real, imaginary) pairs."""
    return _interleave(jnp.fft.fft(data, axis=-1), data.dtype)


@register("_contrib_ifft", attrs=dict(compute_size=128))
def _ifft(data, *, compute_size):
    """Inverse FFT along the last axis of interleaved complex ``data`` (..., 2d), returning the
    real part (..., d), without the 1/d normalization (as MXNet's)."""
    pairs = data.reshape(data.shape[:-1] + (data.shape[-1] // 2, 2))
    z = pairs[..., 0] + 1j * pairs[..., 1]
    n = z.shape[-1]
    return (jnp.fft.ifft(z, axis=-1).real * n).astype(data.dtype)


@register("_contrib_count_sketch", inputs=("data", "h", "s"),
          attrs=dict(out_dim=REQUIRED, processing_batch_size=32))
def _count_sketch(data, h, s, *, out_dim, processing_batch_size):
    """Count sketch of the rows of ``data`` (n, in_dim): out[:, h[i]] += s[i] * data[:, i], with
    ``h`` the hash indices in [0, out_dim) and ``s`` the signs (+1/-1), both of in_dim values
    (MXNet passes them as (1, in_dim))."""
    flat = data.reshape(-1, data.shape[-1])
    idx = h.reshape(-1).astype(jnp.int32)
    contrib = flat * s.reshape(-1).astype(data.dtype)
    out = jnp.zeros((flat.shape[0], out_dim), data.dtype).at[:, idx].add(contrib)
    return out.reshape(data.shape[:-1] + (out_dim,))
