"""Neural-network operators (the core set; the full family comes with the operator issue)."""
import jax
import jax.numpy as jnp


from ...base import MXNetError
from ..registry import register

_ACTIVATIONS = {
    "relu": jax.nn.relu, "sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh,
    "softrelu": jax.nn.softplus, "softsign": jax.nn.soft_sign,
}


@register("Activation", attrs=dict(act_type="relu"))
def _activation(data, act_type):
    if act_type not in _ACTIVATIONS:
        raise MXNetError(f"Activation: act_type must be one of {sorted(_ACTIVATIONS)}, got {act_type!r}")
    return _ACTIVATIONS[act_type](data)


def _softmax_axis(fn):
    def impl(data, axis, temperature, dtype, use_length):
        if use_length:
            raise MXNetError("softmax: use_length=True is not supported yet")
        x = data / temperature if temperature not in (None, 1.0) else data
        return fn(x, axis=axis).astype(dtype or data.dtype)
    return impl


register("softmax", attrs=dict(axis=-1, temperature=None, dtype=None, use_length=False),
         method=True)(_softmax_axis(jax.nn.softmax))
register("log_softmax", attrs=dict(axis=-1, temperature=None, dtype=None, use_length=False),
         method=True)(_softmax_axis(jax.nn.log_softmax))


@register("FullyConnected", inputs=("data", "weight", "bias?"), attrs=dict(num_hidden=0, no_bias=False, flatten=True))
def _fully_connected(data, weight, bias=None, *, num_hidden, no_bias, flatten):
    x = data.reshape((data.shape[0], -1)) if flatten else data
    out = jnp.matmul(x, weight.T)
    return out if no_bias or bias is None else out + bias


@register("Dropout", attrs=dict(p=0.5, mode="training", axes=(), cudnn_off=False), uses_training=True, random=True)
def _dropout(key, data, p, mode, axes, cudnn_off, _training):
    """Zeroes each element with probability p and scales the rest by 1/(1-p), in training mode
    (``autograd.train_mode`` / ``record()``) or always with ``mode='always'``; else the identity.
    ``axes`` shares one mask along those axes (variational dropout)."""
    if not (_training or mode == "always") or p == 0:
        return data
    mask_shape = tuple(1 if i in axes else d for i, d in enumerate(data.shape))
    keep = jax.random.bernoulli(key, 1.0 - p, mask_shape)
    return jnp.where(keep, data / (1.0 - p), 0).astype(data.dtype)


@register("LeakyReLU", attrs=dict(act_type="leaky", slope=0.25))
def _leaky_relu(data, act_type, slope):
    if act_type == "leaky":
        return jnp.where(data > 0, data, data * slope)
    if act_type == "elu":
        return jnp.where(data > 0, data, slope * jnp.expm1(data))
    if act_type == "selu":
        return jax.nn.selu(data)
    if act_type == "gelu":
        return jax.nn.gelu(data, approximate=False)
    raise MXNetError(f"LeakyReLU: act_type {act_type!r} is not supported here; use leaky, elu, selu or gelu")


@register("smooth_l1", attrs=dict(scalar=1.0))
def _smooth_l1(data, scalar):
    s2 = scalar * scalar
    return jnp.where(jnp.abs(data) < 1.0 / s2, 0.5 * s2 * data * data, jnp.abs(data) - 0.5 / s2)


