"""Neural-network operators: activations, softmax family, FullyConnected, Dropout, Embedding.

Convolution and pooling live in ``conv.py``, normalisation layers in ``norm.py``, output and
loss operators in ``loss.py``.  Names, argument names and order, defaults, output shapes and
argument checks are MXNet 1.9.1's (observed on the real thing); a bad argument raises
MXNetError naming the operator at the call.
"""
import jax
import jax.numpy as jnp
import numpy as np

from ..._engine import random_bits
from ..._engine.graph import AsyncOpError
from ...base import MXNetError
from ..registry import REQUIRED, register


def _error(op, message):
    return MXNetError(f"{op}: {message}")


def _as_tuple(value):
    """MXNet's Shape(tuple) argument: an int n is (n,), None or [] is ()."""
    if value is None:
        return ()
    if isinstance(value, (int, np.integer)):
        return (int(value),)
    return tuple(int(v) for v in value)


def _check_bias(op, bias, no_bias):
    """MXNet counts the inputs from ``no_bias``: a bias with no_bias=True (or none without it)
    is an error, not silently ignored."""
    if no_bias and bias is not None:
        raise _error(op, "no_bias=True, so it takes 2 inputs (data, weight), but got 3 (a bias too)")
    if not no_bias and bias is None:
        raise _error(op, "no_bias=False, so it expects 3 inputs (data, weight, bias), but got 2; "
                         "pass a bias or no_bias=True")


def _require_float(op, data):
    if not jnp.issubdtype(data.dtype, jnp.floating):
        raise _error(op, f"this operation only supports floating point types, not {data.dtype}")


# ---- activations ----------------------------------------------------------------------------------

_ACTIVATIONS = {
    "relu": jax.nn.relu, "sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh,
    "softrelu": jax.nn.softplus, "softsign": jax.nn.soft_sign,
}


@register("Activation", attrs=dict(act_type=REQUIRED))
def _activation(data, act_type):
    """Elementwise activation: relu, sigmoid, tanh, softrelu (log(1 + exp(x))) or softsign."""
    if act_type not in _ACTIVATIONS:
        raise _error("Activation", f"act_type must be one of {sorted(_ACTIVATIONS)}, got {act_type!r}")
    return _ACTIVATIONS[act_type](data)


_LEAKY_TYPES = ("elu", "gelu", "leaky", "prelu", "rrelu", "selu")


def _channel_broadcast(gamma, data):
    """PReLU's gamma laid over the data's first two axes as MXNet does: gamma's dimensions,
    from its last, match data axes 1 then 0 (equal sizes, or 1); every other axis is 1.  So a
    (C,) gamma is one slope per channel, a (N, C) gamma one per sample and channel, (1,) one
    slope; anything else raises MXNetError."""
    if gamma.size == 1:
        return gamma.reshape(())
    shape = [1] * data.ndim
    s = gamma.ndim - 1
    for i in range(data.ndim - 1, -1, -1):
        if s >= 0 and i <= 1 and gamma.shape[s] in (data.shape[i], 1):
            shape[i] = gamma.shape[s]
            s -= 1
    if s != -1:
        raise _error("LeakyReLU", f"Cannot broadcast gamma to data. gamma: {gamma.shape}, data: {data.shape}")
    return gamma.reshape(shape)


@register("LeakyReLU", inputs=("data", "gamma?"),
          attrs=dict(act_type="leaky", slope=0.25, lower_bound=0.125, upper_bound=0.334),
          uses_training=True)
def _leaky_relu(data, gamma=None, *, act_type, slope, lower_bound, upper_bound, _training):
    """Leaky family: leaky (x or slope*x), prelu (x or gamma*x, gamma an input: one slope or one
    per channel), rrelu, elu (slope*(exp(x)-1) below 0), selu, gelu (erf form).

    rrelu returns ``[out, mask]`` as MXNet does; when predicting the slope is
    (lower_bound + upper_bound) / 2 and the mask is zeros.  mxjax differs: rrelu in training
    mode (random slopes) raises MXNetError (MXNet 1.9.1 crashes there on CPU).  selu's gradient
    below 0 is its derivative lambda*alpha*exp(x); MXNet 1.9.1 computes lambda*(y + alpha)."""
    if act_type not in _LEAKY_TYPES:
        raise _error("LeakyReLU", f"act_type must be one of {list(_LEAKY_TYPES)}, got {act_type!r}")
    if act_type == "prelu":
        if gamma is None:
            raise _error("LeakyReLU", "act_type='prelu' expects 2 inputs (data, gamma), but got 1")
        g = _channel_broadcast(gamma, data).astype(data.dtype)
        return jnp.where(data > 0, data, g * data)
    if gamma is not None:
        raise _error("LeakyReLU", f"act_type={act_type!r} expects 1 input (data), but got 2 (gamma is for prelu)")
    if act_type == "leaky":
        return jnp.where(data > 0, data, data * slope)
    if act_type == "elu":
        return jnp.where(data > 0, data, slope * jnp.expm1(data))
    if act_type == "selu":  # lambda*x above 0, (lambda*alpha)*expm1(x) below: one rounding, as MXNet
        lam, alpha = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
        below = jnp.asarray(lam * alpha, data.dtype) * jnp.expm1(jnp.where(data > 0, 0, data))
        return jnp.where(data > 0, jnp.asarray(lam, data.dtype) * data, below)
    if act_type == "gelu":
        return jax.nn.gelu(data, approximate=False)
    if _training:
        raise _error("LeakyReLU", "act_type='rrelu' in training mode (random slopes) is not supported")
    mid = (lower_bound + upper_bound) / 2.0
    return jnp.where(data > 0, data, data * mid), jnp.zeros_like(data)


# ---- softmax family -------------------------------------------------------------------------------

def _softmax_dtype(op, data, dtype):
    """(compute dtype, output dtype): float16 is computed in float32, as MXNet accumulates
    half precision (forward and backward sums) in float32."""
    _require_float(op, data)
    if dtype is None:
        return jnp.promote_types(data.dtype, jnp.float32), data.dtype
    out = jnp.dtype(dtype)
    if out.name not in ("float16", "float32", "float64"):
        raise _error(op, f"dtype must be None, 'float16', 'float32' or 'float64', got {dtype!r}")
    return jnp.promote_types(jnp.promote_types(data.dtype, out), jnp.float32), out


def _softmax_impl(op, data, length, axis, temperature, dtype, use_length, log=False, negate=False):
    ax = int(axis)
    if not -data.ndim <= ax < data.ndim:
        raise _error(op, f"axis {axis} exceeds the input dimension of {data.ndim}")
    ax %= data.ndim
    compute, out_dtype = _softmax_dtype(op, data, dtype)
    x = data.astype(compute)
    if negate:
        x = -x
    if temperature is not None and temperature != 1.0:
        x = x / jnp.asarray(temperature, compute)
    if use_length and length is None:
        raise _error(op, "use_length=True expects 2 inputs (data, length), but got 1")
    if length is not None and not use_length:
        raise _error(op, "a length input needs use_length=True (it expects 1 input, got 2)")
    if length is None:
        fn = jax.nn.log_softmax if log else jax.nn.softmax
        return fn(x, axis=ax).astype(out_dtype)
    if not jnp.issubdtype(length.dtype, jnp.integer):   # MXNet checks it in the kernel: reported asynchronously
        raise AsyncOpError(f"{op}: the length input only supports integer types, not {length.dtype}",
                           [(data.shape, out_dtype)])
    want = data.shape[:ax] + data.shape[ax + 1:]
    if length.shape != want:
        raise _error(op, f"length must have shape {want} (data's shape without axis {ax}), got {length.shape}")
    pos = jnp.arange(data.shape[ax]).reshape((-1,) + (1,) * (data.ndim - ax - 1))
    mask = pos < jnp.expand_dims(length, ax)
    x = jnp.where(mask, x, jnp.finfo(compute).min)
    return jnp.where(mask, jax.nn.softmax(x, axis=ax), 0).astype(out_dtype)


_SOFTMAX_ATTRS = dict(axis=-1, temperature=None, dtype=None, use_length=False)


@register("softmax", inputs=("data", "length?"), attrs=_SOFTMAX_ATTRS, method=True)
def _softmax(data, length=None, *, axis, temperature, dtype, use_length):
    """exp(x/T) / sum(exp(x/T)) along ``axis``.  With use_length=True, the integer ``length``
    input (data's shape without ``axis``) masks positions >= length to 0.  ``dtype``: the output
    type (computed in the wider of it and the input's)."""
    return _softmax_impl("softmax", data, length, axis, temperature, dtype, use_length)


@register("log_softmax", attrs=_SOFTMAX_ATTRS, method=True)
def _log_softmax(data, axis, temperature, dtype, use_length):
    if use_length:
        raise _error("log_softmax", "use_length=True needs a length input, which log_softmax does not take")
    return _softmax_impl("log_softmax", data, None, axis, temperature, dtype, False, log=True)


@register("softmin", attrs=_SOFTMAX_ATTRS, method=True)
def _softmin(data, axis, temperature, dtype, use_length):
    """softmax(-x / T)."""
    if use_length:
        raise _error("softmin", "use_length=True needs a length input, which softmin does not take")
    return _softmax_impl("softmin", data, None, axis, temperature, dtype, False, negate=True)


@register("SoftmaxActivation", attrs=dict(mode="instance"))
def _softmax_activation(data, mode):
    """mode='instance': softmax over the last axis; 'channel': over axis 1 (data of >= 3 dims)."""
    if mode == "instance":
        return jax.nn.softmax(data, axis=-1)
    if mode == "channel":
        if data.ndim < 3:
            raise _error("SoftmaxActivation", f"input needs at least 3 dimensions when mode=channel, "
                                              f"got shape {data.shape}")
        return jax.nn.softmax(data, axis=1)
    raise _error("SoftmaxActivation", f"mode must be 'instance' or 'channel', got {mode!r}")


# ---- dense layers ---------------------------------------------------------------------------------

@register("FullyConnected", inputs=("data", "weight", "bias?"),
          attrs=dict(num_hidden=REQUIRED, no_bias=False, flatten=True))
def _fully_connected(data, weight, bias=None, *, num_hidden, no_bias, flatten):
    """dot(x, weight.T) + bias; ``flatten`` collapses all but the first axis of data first,
    else the last axis is the input one.  weight: (num_hidden, in_units); bias: (num_hidden,)
    or, as MXNet also accepts, (num_hidden, 1)."""
    _check_bias("FullyConnected", bias, no_bias)
    x = data.reshape((data.shape[0], -1)) if flatten else data
    want = (int(num_hidden), x.shape[-1])
    if weight.shape != want:
        raise _error("FullyConnected", f"weight has shape {weight.shape}, expected {want} "
                                       f"(num_hidden, input features) for data of shape {data.shape}")
    out = jnp.matmul(x, weight.T)
    if bias is None:
        return out
    if bias.shape not in ((want[0],), (want[0], 1)):
        raise _error("FullyConnected", f"bias has shape {bias.shape}, expected ({want[0]},) or ({want[0]}, 1)")
    return out + bias.reshape(want[0])


@register("Dropout", attrs=dict(p=0.5, mode="training", axes=(), cudnn_off=False), uses_training=True, random=True)
def _dropout(key, data, p, mode, axes, cudnn_off, _training):
    """Zeroes each element with probability p and scales the rest by 1/(1-p), in training mode
    (``autograd.train_mode`` / ``record()``) or always with ``mode='always'``; else the identity.
    ``axes`` shares one mask along those axes (variational dropout).  As in MXNet the output
    is data * mask with mask = keep * (1 / (1 - p)) in float32, so p=1 gives NaN everywhere.

    mxjax differs: the masks come from mxjax's random stream, not MXNet's."""
    if mode not in ("training", "always"):
        raise _error("Dropout", f"mode must be 'training' or 'always', got {mode!r}")
    if not (_training or mode == "always") or p == 0:
        return data
    axes = _as_tuple(axes)
    mask_shape = tuple(1 if i in axes else d for i, d in enumerate(data.shape))
    if p >= 1:   # MXNet's mask is keep * (1 / (1 - p)) = 0 * inf: NaN everywhere
        return data * jnp.full(mask_shape, jnp.nan, data.dtype)
    keep = random_bits.bernoulli(key, 1.0 - p, mask_shape)
    scale = np.float32(1.0) / np.float32(1.0 - p)
    return (data * (keep.astype(data.dtype) * jnp.asarray(scale, data.dtype))).astype(data.dtype)


@register("Embedding", inputs=("data", "weight"),
          attrs=dict(input_dim=REQUIRED, output_dim=REQUIRED, dtype="float32", sparse_grad=False))
def _embedding(data, weight, input_dim, output_dim, dtype, sparse_grad):
    """weight[data]: out has shape data.shape + (output_dim,) and weight's dtype.  Indices are
    truncated toward zero and clipped to [0, input_dim - 1] as MXNet does; their gradient is 0.

    sparse_grad=True: the weight gradient is row_sparse when the weight's gradient buffer is
    (``attach_grad(stype="row_sparse")``, gluon's ``Embedding(sparse_grad=True)``)."""
    want = (int(input_dim), int(output_dim))
    if weight.shape != want:
        raise _error("Embedding", f"weight has shape {weight.shape}, expected (input_dim, output_dim) = {want}")
    idx = data if jnp.issubdtype(data.dtype, jnp.integer) else data.astype(jnp.int32)
    idx = jnp.clip(idx, 0, want[0] - 1)
    return jnp.take(weight, idx, axis=0)


@register("_contrib_SparseEmbedding", inputs=("data", "weight"),
          attrs=dict(input_dim=REQUIRED, output_dim=REQUIRED, dtype="float32", sparse_grad=False,
                     deterministic=False))
def _sparse_embedding(data, weight, input_dim, output_dim, dtype, sparse_grad, deterministic):
    """``contrib.SparseEmbedding`` (deprecated in MXNet 1.9.1 for ``Embedding``): the same
    lookup as Embedding.  mxjax differs: the weight gradient is dense (MXNet's is row_sparse)
    unless the weight's gradient buffer is row_sparse."""
    return _embedding(data, weight, input_dim, output_dim, dtype, sparse_grad)
