"""MXNet's ``_image_*`` operators (``mx.nd.image`` / ``mx.sym.image``): ``to_tensor`` and
``normalize``, the tensor conversions of Gluon's vision transforms."""
import jax.numpy as jnp

from ...base import MXNetError
from ..registry import register


@register("_image_to_tensor")
def _to_tensor(data):
    """An image (H x W x C) or batch (N x H x W x C) of values in [0, 255] as float32 in
    [0, 1], channels first (C x H x W / N x C x H x W)."""
    if data.ndim not in (3, 4):
        raise MXNetError(f"to_tensor: input must have shape (height, width, channels) or (N, height, width, "
                         f"channels), but got {_fmt(data.shape)}")
    axes = (2, 0, 1) if data.ndim == 3 else (0, 3, 1, 2)
    return jnp.transpose(data.astype(jnp.float32) / 255.0, axes)


def _fmt(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


def _per_channel(values, channels):
    values = tuple(values) if isinstance(values, (tuple, list)) else (values,)
    return jnp.asarray([values[c] if len(values) > 1 else values[0] for c in range(channels)], jnp.float32)


@register("_image_normalize", attrs=dict(mean=(0.0, 0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0, 1.0)))
def _normalize(data, mean, std):
    """``(data - mean[c]) / std[c]`` per channel of a C x H x W or N x C x H x W tensor of 1 or 3
    channels (one value of ``mean`` / ``std`` serves every channel), as MXNet; MXNet's errors
    for another rank or channel count."""
    if data.ndim not in (3, 4):
        raise MXNetError(f"Input tensor must have shape (channels, height, width), or (N, channels, height, "
                         f"width), but got {_fmt(data.shape)}")
    channels = data.shape[-3]
    if channels not in (1, 3):
        raise MXNetError(f"The first dimension of input tensor must be the channel dimension with either 1 or 3 "
                         f"elements, but got input with shape {_fmt(data.shape)}")
    shape = (channels, 1, 1)
    out = (data - _per_channel(mean, channels).reshape(shape)) / _per_channel(std, channels).reshape(shape)
    return out.astype(data.dtype)
