"""``nd.IdentityAttachKLSparseReg``: the identity, whose gradient adds a KL sparseness penalty
on the mean activation (a sparse autoencoder's regularizer), as MXNet 1.9.1.

With avg = momentum * moving_avg + (1 - momentum) * mean of data over the batch (per column of
data flattened to 2-D), the gradient is grad + penalty * (-sparseness_target / avg +
(1 - sparseness_target) / (1 - avg)), and moving_avg becomes avg.  MXNet updates moving_avg
when the backward pass runs; mxjax updates it when the forward pass runs in training mode
(``record()``/``train_mode``), which is the same for the recorded forward-backward step MXNet
programs run.  MXNet's generated ``nd`` function cannot pass moving_avg (an auxiliary state)
and fails; mxjax takes it as the second input.
"""
import jax
import jax.numpy as jnp

from ..registry import register


def _running_avg(data, moving_avg, momentum):
    mean = jnp.mean(data.reshape(data.shape[0], -1), axis=0)
    m = jnp.asarray(momentum, data.dtype)
    return m * moving_avg.astype(data.dtype) + (1 - m) * mean


def _kl_identity(penalty, target):
    @jax.custom_vjp
    def identity(data, avg):
        return data

    def fwd(data, avg):
        return data, avg

    def bwd(avg, g):
        reg = penalty * (-target / avg + (1 - target) / (1 - avg))
        flat = g.reshape(g.shape[0], -1) + reg.astype(g.dtype)
        return flat.reshape(g.shape), jnp.zeros_like(avg)
    identity.defvjp(fwd, bwd)
    return identity


@register("IdentityAttachKLSparseReg", inputs=("data", "moving_avg"),
          attrs=dict(sparseness_target=0.1, penalty=0.001, momentum=0.9), mutates=("moving_avg",),
          uses_training=True)
def _identity_attach_kl_sparse_reg(data, moving_avg, *, sparseness_target, penalty, momentum, _training):
    """The identity; its gradient adds the KL sparseness penalty (see the module docstring)."""
    avg = jax.lax.stop_gradient(_running_avg(data, moving_avg, momentum))
    out = _kl_identity(float(penalty), float(sparseness_target))(data, avg)
    return out, (avg.astype(moving_avg.dtype) if _training else moving_avg)
