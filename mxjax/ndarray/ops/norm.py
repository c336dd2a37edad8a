"""Normalisation layers: BatchNorm, LayerNorm, InstanceNorm, GroupNorm, L2Normalization.

Variances are the biased ones (divided by the number of elements), as in MXNet.  float16
data is normalised in float32 and the result cast back.
"""
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..registry import REQUIRED, register
from .nn import _error

# MXNet declares these defaults as C floats (1e-3f, 0.9f ...), seen widened to double
_EPS_1E3 = float(np.float32(1e-3))
_EPS_1E5 = float(np.float32(1e-5))
_EPS_1E10 = float(np.float32(1e-10))
_MOMENTUM = float(np.float32(0.9))


def _compute_dtype(data):
    return jnp.promote_types(data.dtype, jnp.float32)


def _channel_param(op, name, value, size, data):
    if value.shape != (size,):
        raise _error(op, f"{name} has shape {value.shape}, expected ({size},) for data of shape {data.shape}")
    return value


@register("BatchNorm", inputs=("data", "gamma", "beta", "moving_mean", "moving_var"),
          attrs=dict(eps=_EPS_1E3, momentum=_MOMENTUM, fix_gamma=True, use_global_stats=False, output_mean_var=False,
                     axis=1, cudnn_off=False, min_calib_range=None, max_calib_range=None),
          uses_training=True, mutates=("moving_mean", "moving_var"))
def _batch_norm(data, gamma, beta, moving_mean, moving_var, *, eps, momentum, fix_gamma, use_global_stats,
                output_mean_var, axis, cudnn_off, min_calib_range, max_calib_range, _training):
    """(x - mean) / sqrt(var + eps) * gamma + beta per channel (``axis``, default 1).

    In training mode (``autograd.record()`` / ``train_mode``) and without use_global_stats it
    uses the batch's mean and biased variance and updates the moving statistics in place:
    moving = moving * momentum + batch * (1 - momentum); otherwise it uses the moving
    statistics.  fix_gamma=True (the default!) uses gamma = 1 (gamma gets a zero gradient).
    output_mean_var=True also returns the mean and the inverse std 1/sqrt(var + eps) used.

    mxjax differs: the moving statistics are written at the forward call; MXNet 1.9.1's CPU
    kernel writes them during backward (its cuDNN kernel at the forward), so they agree once
    backward has run.  MXNet also overwrites gamma with ones when fix_gamma=True; mxjax leaves
    gamma alone."""
    op = "BatchNorm"
    if not -data.ndim <= axis < data.ndim or data.ndim < 2:
        raise _error(op, f"channel axis {axis} is out of range for data of shape {data.shape}")
    ax = axis % data.ndim
    c = data.shape[ax]
    for name, value in (("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean),
                        ("moving_var", moving_var)):
        _channel_param(op, name, value, c, data)
    shape = [1] * data.ndim
    shape[ax] = c
    red = tuple(i for i in range(data.ndim) if i != ax)
    dt = _compute_dtype(data)
    x = data.astype(dt)
    # auxiliary states: MXNet gives them no gradient
    moving_mean, moving_var = lax.stop_gradient(moving_mean), lax.stop_gradient(moving_var)
    if _training and not use_global_stats:
        mean = x.mean(axis=red)
        var = jnp.square(x - mean.reshape(shape)).mean(axis=red)
        m, v = lax.stop_gradient(mean), lax.stop_gradient(var)
        new_mean = (moving_mean * momentum + m.astype(moving_mean.dtype) * (1 - momentum)).astype(moving_mean.dtype)
        new_var = (moving_var * momentum + v.astype(moving_var.dtype) * (1 - momentum)).astype(moving_var.dtype)
    else:
        mean, var = moving_mean.astype(dt), moving_var.astype(dt)
        new_mean, new_var = moving_mean, moving_var
    inv_std = lax.rsqrt(var + jnp.asarray(eps, dt))
    scale = inv_std if fix_gamma else inv_std * gamma.astype(dt)
    out = ((x - mean.reshape(shape)) * scale.reshape(shape) + beta.astype(dt).reshape(shape)).astype(data.dtype)
    outs = (out, mean.astype(data.dtype), inv_std.astype(data.dtype)) if output_mean_var else (out,)
    return outs + (new_mean, new_var)



@register("BatchNorm_v1", inputs=("data", "gamma", "beta", "moving_mean", "moving_var"),
          attrs=dict(eps=_EPS_1E3, momentum=_MOMENTUM, fix_gamma=True, use_global_stats=False, output_mean_var=False),
          uses_training=True, mutates=("moving_mean", "moving_var"))
def _batch_norm_v1(data, gamma, beta, moving_mean, moving_var, *, eps, momentum, fix_gamma, use_global_stats,
                   output_mean_var, _training):
    """MXNet's deprecated BatchNorm (channel axis 1): ``BatchNorm`` with ``axis=1``."""
    return _batch_norm(data, gamma, beta, moving_mean, moving_var, eps=eps, momentum=momentum, fix_gamma=fix_gamma,
                       use_global_stats=use_global_stats, output_mean_var=output_mean_var, axis=1, cudnn_off=False,
                       min_calib_range=None, max_calib_range=None, _training=_training)

@register("_contrib_BatchNormWithReLU", inputs=("data", "gamma", "beta", "moving_mean", "moving_var"),
          attrs=dict(eps=_EPS_1E3, momentum=_MOMENTUM, fix_gamma=True, use_global_stats=False, output_mean_var=False,
                     axis=1, cudnn_off=False, min_calib_range=None, max_calib_range=None),
          uses_training=True, mutates=("moving_mean", "moving_var"))
def _batch_norm_relu(data, gamma, beta, moving_mean, moving_var, **attrs):
    """``relu(BatchNorm(...))`` (MXNet's fused oneDNN operator), same arguments as BatchNorm."""
    outs = _batch_norm(data, gamma, beta, moving_mean, moving_var, **attrs)
    return (jnp.maximum(outs[0], 0),) + outs[1:]


@register("_contrib_SyncBatchNorm", inputs=("data", "gamma", "beta", "moving_mean", "moving_var"),
          attrs=dict(eps=_EPS_1E3, momentum=_MOMENTUM, fix_gamma=True, use_global_stats=False, output_mean_var=False,
                     ndev=1, key=REQUIRED),
          uses_training=True, mutates=("moving_mean", "moving_var"))
def _sync_batch_norm(data, gamma, beta, moving_mean, moving_var, *, ndev, key, **attrs):
    """BatchNorm over axis 1 whose batch statistics MXNet averages over the ``ndev`` devices
    sharing ``key``.  mxjax computes them on the batch it is given, which is what MXNet does
    with one device."""
    return _batch_norm(data, gamma, beta, moving_mean, moving_var, axis=1, cudnn_off=False, min_calib_range=None,
                       max_calib_range=None, **attrs)


@register("LayerNorm", inputs=("data", "gamma", "beta"), attrs=dict(axis=-1, eps=_EPS_1E5, output_mean_var=False))
def _layer_norm(data, gamma, beta, axis, eps, output_mean_var):
    """(x - mean) / sqrt(var + eps) * gamma + beta along ``axis`` (gamma, beta of that axis'
    size).  output_mean_var=True also returns the mean and the std sqrt(var + eps), with
    ``axis`` kept as size 1."""
    op = "LayerNorm"
    if not -data.ndim <= axis < data.ndim:
        raise _error(op, f"axis {axis} is out of range for data of shape {data.shape}")
    ax = axis % data.ndim
    c = data.shape[ax]
    _channel_param(op, "gamma", gamma, c, data)
    _channel_param(op, "beta", beta, c, data)
    shape = [1] * data.ndim
    shape[ax] = c
    dt = _compute_dtype(data)
    x = data.astype(dt)
    mean = x.mean(axis=ax, keepdims=True)
    var = jnp.square(x - mean).mean(axis=ax, keepdims=True)
    std = jnp.sqrt(var + jnp.asarray(eps, dt))
    out = ((x - mean) / std * gamma.astype(dt).reshape(shape) + beta.astype(dt).reshape(shape)).astype(data.dtype)
    if output_mean_var:
        return out, mean.astype(data.dtype), std.astype(data.dtype)
    return out


@register("InstanceNorm", inputs=("data", "gamma", "beta"), attrs=dict(eps=_EPS_1E3))
def _instance_norm(data, gamma, beta, eps):
    """Per sample and channel, normalise over the spatial axes (data of >= 3 dims:
    batch, channel, spatial...); then * gamma + beta per channel."""
    op = "InstanceNorm"
    if data.ndim < 3:
        raise _error(op, f"only supports input tensors of rank >= 3, got shape {data.shape}")
    c = data.shape[1]
    _channel_param(op, "gamma", gamma, c, data)
    _channel_param(op, "beta", beta, c, data)
    shape = (1, c) + (1,) * (data.ndim - 2)
    red = tuple(range(2, data.ndim))
    dt = _compute_dtype(data)
    x = data.astype(dt)
    mean = x.mean(axis=red, keepdims=True)
    var = jnp.square(x - mean).mean(axis=red, keepdims=True)
    out = (x - mean) * lax.rsqrt(var + jnp.asarray(eps, dt))
    return (out * gamma.astype(dt).reshape(shape) + beta.astype(dt).reshape(shape)).astype(data.dtype)


@register("GroupNorm", inputs=("data", "gamma", "beta"), attrs=dict(num_groups=1, eps=_EPS_1E5, output_mean_var=False))
def _group_norm(data, gamma, beta, num_groups, eps, output_mean_var):
    """Channels (axis 1) split into num_groups groups; each sample's group is normalised over
    its channels and spatial positions.  gamma and beta have one value per GROUP (shape
    (num_groups,)), as in MXNet 1.9.1.  output_mean_var=True also returns the mean and the std
    sqrt(var + eps), shape (batch, num_groups)."""
    op = "GroupNorm"
    if data.ndim < 3:
        raise _error(op, f"data must have at least 3 dimensions (batch, channel, spatial...), got {data.shape}")
    n, c, g = data.shape[0], data.shape[1], int(num_groups)
    if g < 1 or c % g:
        raise _error(op, f"the number of channels ({c}) must be divisible by num_groups ({g})")
    _channel_param(op, "gamma", gamma, g, data)
    _channel_param(op, "beta", beta, g, data)
    dt = _compute_dtype(data)
    x = data.astype(dt).reshape((n, g, -1))
    mean = x.mean(axis=-1, keepdims=True)
    var = jnp.square(x - mean).mean(axis=-1, keepdims=True)
    std = jnp.sqrt(var + jnp.asarray(eps, dt))
    out = (x - mean) / std * gamma.astype(dt).reshape((1, g, 1)) + beta.astype(dt).reshape((1, g, 1))
    out = out.reshape(data.shape).astype(data.dtype)
    if output_mean_var:
        return out, mean.reshape((n, g)).astype(data.dtype), std.reshape((n, g)).astype(data.dtype)
    return out


@register("L2Normalization", attrs=dict(eps=_EPS_1E10, mode="instance"))
def _l2_normalization(data, eps, mode):
    """x / sqrt(sum(x^2) + eps), the sum over all axes but the first (mode='instance'), over
    axis 1 ('channel') or over the spatial axes 2.. ('spatial'; both need >= 3 dims)."""
    op = "L2Normalization"
    if mode == "instance":
        red = tuple(range(1, data.ndim))
    elif mode in ("channel", "spatial"):
        if data.ndim < 3:
            raise _error(op, f"at least 3 dimensions are required in {mode} mode, got shape {data.shape}")
        red = (1,) if mode == "channel" else tuple(range(2, data.ndim))
    else:
        raise _error(op, f"mode must be 'instance', 'channel' or 'spatial', got {mode!r}")
    dt = _compute_dtype(data)
    x = data.astype(dt)
    norm = jnp.sqrt(jnp.square(x).sum(axis=red, keepdims=True) + jnp.asarray(eps, dt))
    return (x / norm).astype(data.dtype)
