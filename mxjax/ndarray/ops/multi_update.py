"""The fused (variadic) optimizer updates: ``nd.multi_sgd_update``, ``nd.multi_sgd_mom_update``,
their ``mp_`` and ``preloaded_`` forms, ``nd.multi_lars`` and the ``_multi_(mp_)adamw_update`` /
``_multi_(mp_)lamb_update`` operators behind ``nd.contrib.multi_adamw_update`` and
``nd.contrib.multi_lamb_update``.

Each takes its arrays interleaved per weight (``weight_0, grad_0, [mom_0,] [weight32_0,]
weight_1, ...``; the ``preloaded_`` forms then take the ``lrs`` and ``wds`` arrays last) and
returns one new weight per weight (MXNet programs pass ``out=weights``); momenta, Adam/LAMB
moments and float32 master weights are written in place, outside the autograd graph.  The
arithmetic per element is MXNet 1.9.1's fused kernels' (src/operator/optimizer_op-inl.h,
contrib/adamw-inl.h, contrib/multi_lamb.cc), which differs in its order of operations from the
single-weight updates (``multi_sgd_update`` forms ``w + (0 - lr*wd*w - lr*g)``), and the kernels'
type: the master weight's (float32) in the ``mp_`` forms, the weight's dtype otherwise.
"""
import jax.numpy as jnp
import numpy as np

from ..registry import REQUIRED, Op, register
from .optimizer_update import _c, _clip


class MultiUpdateOp(Op):
    """A fused update: ``stride`` arrays per weight, of which those at ``state_offsets`` (within
    one weight's group) are written in place."""
    stride = 2
    state_offsets = ()

    def aux_positions(self, attrs, n_inputs):
        attrs = dict(attrs)
        n = attrs.get("num_weights", attrs.get("num_tensors", 1))
        return [k * self.stride + off for off in self.state_offsets for k in range(n)]


def _multi_class(stride, state_offsets):
    return type("MultiUpdateOp", (MultiUpdateOp,), dict(stride=stride, state_offsets=tuple(state_offsets)))


def _groups(data, num, stride, name):
    if len(data) < num * stride:
        raise ValueError(f"{name}: expected {num * stride} arrays for num_weights={num}, got {len(data)}")
    return [data[k * stride:(k + 1) * stride] for k in range(num)]


def _master(weight, master):
    """The array a fused kernel reads and updates: the float32 master copy where the weight's
    dtype differs from it (float16), else the weight itself.  So, as in MXNet, an ``mp_`` update
    of float32 weights ignores and keeps its ``weights32``."""
    return master if master is not None and master.dtype != weight.dtype else weight


def _hyper(value, dt):
    """A per-weight hyper-parameter: a C float from a tuple attribute, or (``preloaded_``) an
    element of a float32 array, in the kernel's type."""
    return value.astype(dt) if hasattr(value, "astype") else _c(value, dt)


def _sgd_step(w, grad, mom, lr, wd, momentum, rescale_grad, clip_gradient, dt):
    """MultiSGDKernel on one weight: mom = momentum*mom - lr*wd*w - lr*clip(rescale*g); w + mom."""
    lr_ = _hyper(lr, dt)
    g = grad.astype(dt)
    if clip_gradient >= 0:
        step = lr_ * _clip(_c(rescale_grad, dt) * g, clip_gradient, dt)
    else:
        step = lr_ * _c(rescale_grad, dt) * g
    decay = lr_ * _hyper(wd, dt) * w
    new_mom = (-decay if mom is None else _c(momentum, dt) * mom - decay) - step
    return w + new_mom, new_mom


def _multi_sgd(data, lrs, wds, momentum, rescale_grad, clip_gradient, num, has_mom, mixed):
    stride = 2 + has_mom + mixed
    outs, moms, masters = [], [], []
    for k, group in enumerate(_groups(data, num, stride, "multi_sgd_update")):
        weight, grad = group[0], group[1]
        mom = group[2] if has_mom else None
        master = group[-1] if mixed else None
        base = _master(weight, master)
        dt = base.dtype
        w, new_mom = _sgd_step(base, grad, mom, lrs[k], wds[k], momentum, rescale_grad, clip_gradient, dt)
        outs.append(w.astype(weight.dtype))
        moms.append(new_mom)
        masters.append(w if base is master else master)
    return tuple(outs) + (tuple(moms) if has_mom else ()) + (tuple(masters) if mixed else ())


def _preloaded(data, num, fn, **kw):
    """The ``preloaded_`` forms: ``lrs`` and ``wds`` are the last two arrays (float32 in MXNet).
    Their values are data, so they enter the arithmetic as traced arrays."""
    lrs, wds = data[-2], data[-1]
    return fn(data[:-2], [lrs[k] for k in range(num)], [wds[k] for k in range(num)], num=num, **kw)


_MULTI = dict(lrs=REQUIRED, wds=REQUIRED, rescale_grad=1.0, clip_gradient=-1.0, num_weights=1)
_MULTI_MOM = dict(lrs=REQUIRED, wds=REQUIRED, momentum=0.0, rescale_grad=1.0, clip_gradient=-1.0, num_weights=1)
_PRELOADED = dict(rescale_grad=1.0, clip_gradient=-1.0, num_weights=1)
_PRELOADED_MOM = dict(momentum=0.0, rescale_grad=1.0, clip_gradient=-1.0, num_weights=1)


@register("multi_sgd_update", inputs=(), variadic=True, attrs=_MULTI)
def _multi_sgd_update(*data, lrs, wds, rescale_grad, clip_gradient, num_weights):
    """SGD on ``num_weights`` weights at once: data = weight_0, grad_0, weight_1, grad_1, ...;
    weight = weight - lr*wd*weight - lr*clip(rescale_grad*grad) with the i-th of ``lrs``/``wds``."""
    return _multi_sgd(data, lrs, wds, 0.0, rescale_grad, clip_gradient, num_weights, False, False)


@register("multi_sgd_mom_update", inputs=(), variadic=True, attrs=_MULTI_MOM, mutates=("data",),
          op_class=_multi_class(3, (2,)))
def _multi_sgd_mom_update(*data, lrs, wds, momentum, rescale_grad, clip_gradient, num_weights):
    """Momentum SGD on ``num_weights`` weights: data = weight_i, grad_i, mom_i per weight;
    mom = momentum*mom - lr*wd*weight - lr*clip(rescale_grad*grad) (in place); weight + mom."""
    return _multi_sgd(data, lrs, wds, momentum, rescale_grad, clip_gradient, num_weights, True, False)


@register("multi_mp_sgd_update", inputs=(), variadic=True, attrs=_MULTI, mutates=("data",),
          op_class=_multi_class(3, (2,)))
def _multi_mp_sgd_update(*data, lrs, wds, rescale_grad, clip_gradient, num_weights):
    """multi_sgd_update on float32 master weights: data = weight_i, grad_i, weight32_i per weight;
    weight32 is updated in place and the result cast to weight's dtype."""
    return _multi_sgd(data, lrs, wds, 0.0, rescale_grad, clip_gradient, num_weights, False, True)


@register("multi_mp_sgd_mom_update", inputs=(), variadic=True, attrs=_MULTI_MOM, mutates=("data",),
          op_class=_multi_class(4, (2, 3)))
def _multi_mp_sgd_mom_update(*data, lrs, wds, momentum, rescale_grad, clip_gradient, num_weights):
    """multi_sgd_mom_update on float32 master weights: data = weight_i, grad_i, mom_i, weight32_i."""
    return _multi_sgd(data, lrs, wds, momentum, rescale_grad, clip_gradient, num_weights, True, True)


@register("preloaded_multi_sgd_update", inputs=(), variadic=True, attrs=_PRELOADED)
def _preloaded_multi_sgd_update(*data, rescale_grad, clip_gradient, num_weights):
    """multi_sgd_update with the learning rates and weight decays as the last two arrays."""
    return _preloaded(data, num_weights, _multi_sgd, momentum=0.0, rescale_grad=rescale_grad,
                      clip_gradient=clip_gradient, has_mom=False, mixed=False)


@register("preloaded_multi_sgd_mom_update", inputs=(), variadic=True, attrs=_PRELOADED_MOM, mutates=("data",),
          op_class=_multi_class(3, (2,)))
def _preloaded_multi_sgd_mom_update(*data, momentum, rescale_grad, clip_gradient, num_weights):
    """multi_sgd_mom_update with the learning rates and weight decays as the last two arrays."""
    return _preloaded(data, num_weights, _multi_sgd, momentum=momentum, rescale_grad=rescale_grad,
                      clip_gradient=clip_gradient, has_mom=True, mixed=False)


@register("preloaded_multi_mp_sgd_update", inputs=(), variadic=True, attrs=_PRELOADED, mutates=("data",),
          op_class=_multi_class(3, (2,)))
def _preloaded_multi_mp_sgd_update(*data, rescale_grad, clip_gradient, num_weights):
    """multi_mp_sgd_update with the learning rates and weight decays as the last two arrays."""
    return _preloaded(data, num_weights, _multi_sgd, momentum=0.0, rescale_grad=rescale_grad,
                      clip_gradient=clip_gradient, has_mom=False, mixed=True)


@register("preloaded_multi_mp_sgd_mom_update", inputs=(), variadic=True, attrs=_PRELOADED_MOM,
          mutates=("data",), op_class=_multi_class(4, (2, 3)))
def _preloaded_multi_mp_sgd_mom_update(*data, momentum, rescale_grad, clip_gradient, num_weights):
    """multi_mp_sgd_mom_update with the learning rates and weight decays as the last two arrays."""
    return _preloaded(data, num_weights, _multi_sgd, momentum=momentum, rescale_grad=rescale_grad,
                      clip_gradient=clip_gradient, has_mom=True, mixed=True)


@register("multi_lars", inputs=("lrs", "weights_sum_sq", "grads_sum_sq", "wds"),
          attrs=dict(eta=REQUIRED, eps=REQUIRED, rescale_grad=1.0))
def _multi_lars(lrs, weights_sum_sq, grads_sum_sq, wds, *, eta, eps, rescale_grad):
    """LARS learning rates: lr * eta * ||w|| / (||g|| * rescale_grad + wd * ||w|| + eps) where
    ||w|| > 0 and ||g|| > 0, else lr.  MXNet accepts float32 arrays only ("MultiLARS only
    support float"); mxjax computes other dtypes in their own type."""
    dt = lrs.dtype
    w_norm = jnp.sqrt(weights_sum_sq)
    scaled = lrs * _c(eta, dt) * w_norm / (jnp.sqrt(grads_sum_sq) * _c(rescale_grad, dt) + wds * w_norm + _c(eps, dt))
    return jnp.where((w_norm > 0) & (grads_sum_sq > 0), scaled, lrs)


def _multi_adamw(data, lrs, wds, etas, beta1, beta2, epsilon, clip_gradient, num, mixed):
    """MultiMPAdamWKernel: mean = beta1*(mean - g) + g; var = beta2*(var - g^2) + g^2;
    w = w - eta * (lr * mean / (sqrt(var) + epsilon) + wd * w), with g = clip(rescale_grad * grad)
    and rescale_grad the last array; nothing changes when it is NaN, infinite or 0."""
    from .optimizer_update import _finite_scale
    stride = 5 if mixed else 4
    scale, ok = _finite_scale(data[-1])
    outs, means, vars_, masters = [], [], [], []
    for k, group in enumerate(_groups(data[:-1], num, stride, "multi_adamw_update")):
        weight, grad, mean, var = group[:4]
        master = group[4] if mixed else None
        base = _master(weight, master)
        dt = base.dtype
        g = scale.astype(dt) * grad.astype(dt)
        if clip_gradient >= 0:
            g = _clip(g, clip_gradient, dt)
        m = _c(beta1, dt) * (mean - g) + g
        g2 = jnp.square(g)
        v = _c(beta2, dt) * (var - g2) + g2
        w = base - _c(etas[k], dt) * (_c(lrs[k], dt) * m / (jnp.sqrt(v) + _c(epsilon, dt)) + _c(wds[k], dt) * base)
        outs.append(jnp.where(ok, w.astype(weight.dtype), weight))
        means.append(jnp.where(ok, m, mean))
        vars_.append(jnp.where(ok, v, var))
        masters.append(jnp.where(ok, w, base) if base is master else master)
    return tuple(outs) + tuple(means) + tuple(vars_) + (tuple(masters) if mixed else ())


_MULTI_ADAMW = dict(lrs=REQUIRED, beta1=0.9, beta2=0.999, epsilon=1e-8, wds=REQUIRED, etas=REQUIRED,
                    clip_gradient=-1.0, num_weights=1)


@register("_multi_adamw_update", inputs=(), variadic=True, attrs=_MULTI_ADAMW, mutates=("data",),
          op_class=_multi_class(4, (2, 3)))
def _multi_adamw_update(*data, lrs, beta1, beta2, epsilon, wds, etas, clip_gradient, num_weights):
    """AdamW on ``num_weights`` weights: data = weight_i, grad_i, mean_i, var_i per weight, then
    the ``rescale_grad`` array; ``nd.contrib.multi_adamw_update`` wraps it."""
    return _multi_adamw(data, lrs, wds, etas, beta1, beta2, epsilon, clip_gradient, num_weights, False)


@register("_multi_mp_adamw_update", inputs=(), variadic=True, attrs=_MULTI_ADAMW, mutates=("data",),
          op_class=_multi_class(5, (2, 3, 4)))
def _multi_mp_adamw_update(*data, lrs, beta1, beta2, epsilon, wds, etas, clip_gradient, num_weights):
    """_multi_adamw_update on float32 master weights: data = weight_i, grad_i, mean_i, var_i,
    weight32_i per weight, then ``rescale_grad``."""
    return _multi_adamw(data, lrs, wds, etas, beta1, beta2, epsilon, clip_gradient, num_weights, True)


def _multi_lamb(data, learning_rates, wds, step_count, beta1, beta2, epsilon, rescale_grad, lower_bound,
                upper_bound, clip_gradient, bias_correction, num, mixed):
    """MultiLAMBKernelStep1/2: Adam's moments (bias-corrected with each tensor's step count),
    g = mean_hat / (sqrt(var_hat) + epsilon) + wd * w held in float32, then
    w = w - lr * r1/r2 * g with r1 = ||w|| (clipped into [lower_bound, upper_bound] where a bound
    is >= 0), r2 = ||g|| (float32 norms), and ratio 1 when either is 0."""
    stride = 5 if mixed else 4
    f32 = np.float32
    outs, means, vars_, masters = [], [], [], []
    for k, group in enumerate(_groups(data, num, stride, "multi_lamb_update")):
        weight, grad, mean, var = group[:4]
        master = group[4] if mixed else None
        base = _master(weight, master)
        dt = base.dtype
        g = grad.astype(dt) * _c(rescale_grad, dt)
        if clip_gradient >= 0:
            g = _clip(g, clip_gradient, dt)
        one, b1, b2 = _c(1.0, dt), _c(beta1, dt), _c(beta2, dt)
        m = b1 * mean + (one - b1) * g
        v = b2 * var + (one - b2) * g * g
        if bias_correction:
            t = _c(step_count[k], dt)
            m_hat, v_hat = m / (one - b1 ** t), v / (one - b2 ** t)
        else:
            m_hat, v_hat = m, v
        direction = (m_hat / (jnp.sqrt(v_hat) + _c(epsilon, dt)) + _c(wds[k], dt) * base).astype(f32)
        r1 = jnp.sqrt(jnp.sum(jnp.square(weight).astype(f32)))   # multi_sum_sq: squares in the dtype
        r2 = jnp.sqrt(jnp.sum(jnp.square(direction)))
        if lower_bound >= 0:
            r1 = jnp.maximum(r1, f32(lower_bound))
        if upper_bound >= 0:
            r1 = jnp.minimum(r1, f32(upper_bound))
        ratio = jnp.where((r1 == 0) | (r2 == 0), f32(1), r1 / r2).astype(dt)
        w = base - _c(learning_rates[k], dt) * ratio * direction.astype(dt)
        outs.append(w.astype(weight.dtype))
        means.append(m)
        vars_.append(v)
        masters.append(w if base is master else master)
    return tuple(outs) + tuple(means) + tuple(vars_) + (tuple(masters) if mixed else ())


_MULTI_LAMB = dict(learning_rates=REQUIRED, beta1=0.9, beta2=0.999, epsilon=1e-6, wds=REQUIRED, rescale_grad=1.0,
                   lower_bound=-1.0, upper_bound=-1.0, clip_gradient=-1.0, bias_correction=True,
                   step_count=REQUIRED, num_tensors=1)


@register("_multi_lamb_update", inputs=(), variadic=True, attrs=_MULTI_LAMB, mutates=("data",),
          op_class=_multi_class(4, (2, 3)))
def _multi_lamb_update(*data, learning_rates, beta1, beta2, epsilon, wds, rescale_grad, lower_bound, upper_bound,
                       clip_gradient, bias_correction, step_count, num_tensors):
    """LAMB on ``num_tensors`` tensors: data = weight_i, grad_i, mean_i, var_i per tensor;
    ``nd.contrib.multi_lamb_update`` wraps it."""
    return _multi_lamb(data, learning_rates, wds, step_count, beta1, beta2, epsilon, rescale_grad, lower_bound,
                       upper_bound, clip_gradient, bias_correction, num_tensors, False)


@register("_multi_mp_lamb_update", inputs=(), variadic=True, attrs=_MULTI_LAMB, mutates=("data",),
          op_class=_multi_class(5, (2, 3, 4)))
def _multi_mp_lamb_update(*data, learning_rates, beta1, beta2, epsilon, wds, rescale_grad, lower_bound,
                          upper_bound, clip_gradient, bias_correction, step_count, num_tensors):
    """_multi_lamb_update on float32 master weights: data = weight_i, grad_i, mean_i, var_i,
    weight32_i per tensor."""
    return _multi_lamb(data, learning_rates, wds, step_count, beta1, beta2, epsilon, rescale_grad, lower_bound,
                       upper_bound, clip_gradient, bias_correction, num_tensors, True)
