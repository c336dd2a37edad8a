"""The Python-level functions of MXNet 1.9.1's ``mx.nd.contrib`` over registered operators:
``adamw_update``, ``mp_adamw_update``, ``multi_adamw_update``, ``multi_mp_adamw_update``,
``multi_lamb_update``, ``multi_mp_lamb_update`` (argument lists in MXNet's order, then the
``_adamw_update`` / ``_multi_*`` operators) and ``rand_zipfian``.
"""
import math

__all__ = ["adamw_update", "mp_adamw_update", "multi_adamw_update", "multi_mp_adamw_update",
           "multi_lamb_update", "multi_mp_lamb_update", "rand_zipfian"]


def _internal():
    from . import _internal as ops
    return ops


def _rescale_grad(rescale_grad, ctx):
    """MXNet passes ``rescale_grad`` to the AdamW operators as a (1,) array."""
    from . import NDArray, full
    if isinstance(rescale_grad, NDArray):
        return rescale_grad.as_in_context(ctx)
    return full((1,), rescale_grad, ctx=ctx)


def adamw_update(weight, grad, mean, var, rescale_grad, lr, eta, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0,
                 clip_gradient=-1, out=None, name=None, **kwargs):
    """AdamW update of ``weight`` (``mean`` and ``var`` in place); ``rescale_grad`` is a number or
    an array, and when it is NaN, infinite or 0 the update is skipped."""
    return _internal()._adamw_update(weight, grad, mean, var, _rescale_grad(rescale_grad, weight.context), lr=lr,
                                     eta=eta, beta1=beta1, beta2=beta2, epsilon=epsilon, wd=wd,
                                     clip_gradient=clip_gradient, out=out, name=name, **kwargs)


def mp_adamw_update(weight, grad, mean, var, weight32, rescale_grad, lr, eta, beta1=0.9, beta2=0.999,
                    epsilon=1e-8, wd=0, clip_gradient=-1, out=None, name=None, **kwargs):
    """adamw_update on the float32 master weight ``weight32`` (updated in place)."""
    return _internal()._mp_adamw_update(weight, grad, mean, var, weight32,
                                        _rescale_grad(rescale_grad, weight.context), lr=lr, eta=eta,
                                        beta1=beta1, beta2=beta2, epsilon=epsilon, wd=wd,
                                        clip_gradient=clip_gradient, out=out, name=name, **kwargs)


def _interleave(*lists):
    return [a for group in zip(*lists) for a in group]


def multi_adamw_update(weights, grads, mean, var, rescale_grad, lrs, wds, etas, out=None, name=None, size=0,
                       **kwargs):
    """AdamW on lists of weights at once (``size`` of them, all by default)."""
    size = size or len(weights)
    data = _interleave(weights, grads, mean, var) + [_rescale_grad(rescale_grad, weights[0].context)]
    return _internal()._multi_adamw_update(*data, out=out, num_weights=size, lrs=lrs, wds=wds, etas=etas,
                                           name=name, **kwargs)


def multi_mp_adamw_update(weights, grads, mean, var, weights32, rescale_grad, lrs, wds, etas, out=None, name=None,
                          size=0, **kwargs):
    """multi_adamw_update on float32 master weights ``weights32``."""
    size = size or len(weights)
    data = _interleave(weights, grads, mean, var, weights32) + [_rescale_grad(rescale_grad, weights[0].context)]
    return _internal()._multi_mp_adamw_update(*data, out=out, num_weights=size, lrs=lrs, wds=wds, etas=etas,
                                              name=name, **kwargs)


def multi_lamb_update(weights, grads, mean, var, step_count, lrs, wds, out=None, num_tensors=0, **kwargs):
    """LAMB on lists of tensors at once; ``step_count`` holds each tensor's update count."""
    num_tensors = num_tensors or len(weights)
    return _internal()._multi_lamb_update(*_interleave(weights, grads, mean, var), out=out,
                                          num_tensors=num_tensors, step_count=step_count, learning_rates=lrs,
                                          wds=wds, **kwargs)


def multi_mp_lamb_update(weights, grads, mean, var, weights32, step_count, lrs, wds, out=None, num_tensors=0,
                         **kwargs):
    """multi_lamb_update on float32 master weights ``weights32``."""
    num_tensors = num_tensors or len(weights)
    return _internal()._multi_mp_lamb_update(*_interleave(weights, grads, mean, var, weights32), out=out,
                                             num_tensors=num_tensors, step_count=step_count, learning_rates=lrs,
                                             wds=wds, **kwargs)


def rand_zipfian(true_classes, num_sampled, range_max, ctx=None):
    """Draw ``num_sampled`` classes in [0, range_max) from the approximately log-uniform (Zipfian)
    distribution P(c) = (log(c + 2) - log(c + 1)) / log(range_max + 1), with replacement, as
    MXNet does: floor(exp(u) - 1) % range_max for u uniform in [0, log(range_max + 1)).

    Returns (samples as int64, the expected counts of ``true_classes`` and of the samples as
    float64).  The samples come from mxjax's random stream, not MXNet's."""
    from . import random
    from ..context import current_context
    ctx = ctx or current_context()
    log_range = math.log(range_max + 1)
    u = random.uniform(0, log_range, shape=(num_sampled,), dtype="float64", ctx=ctx)
    sampled = (u.exp() - 1).astype("int64") % range_max
    true_cls = true_classes.as_in_context(ctx).astype("float64")
    expected_true = ((true_cls + 2.0) / (true_cls + 1.0)).log() / log_range * num_sampled
    sampled64 = sampled.astype("float64")
    expected_sampled = ((sampled64 + 2.0) / (sampled64 + 1.0)).log() / log_range * num_sampled
    return sampled, expected_true, expected_sampled


def install(contrib):
    for name in __all__:
        setattr(contrib, name, globals()[name])
