"""Optimizer update operators: ``nd.sgd_update``, ``nd.adam_update``, ``nd.ftrl_update`` ...

Each follows the element-wise arithmetic of MXNet 1.9.1's kernel (src/operator/optimizer_op-inl.h)
in the weight's dtype, with every hyper-parameter first read as a C float (MXNet's parameter
structs hold ``float``) and then cast to that dtype, as the kernels do.  The operator returns the
new weight (MXNet programs pass ``out=weight`` to update it in place) and writes its state inputs
(momentum, Adam's mean and var, ...) in place, outside the autograd graph, as MXNet's
``FMutateInputs`` does.  The ``mp_*`` variants keep a master copy ``weight32`` (float32 in
MXNet) of a float16 weight, compute in weight32's dtype and update it in place too.

``clip_gradient`` (``clip_grad`` for FTML) < 0 means no clipping; ``lazy_update`` concerns
row-sparse gradients only and changes nothing for dense ones.  MXNet registers no gradient
for these operators; mxjax differentiates them like any other.  The fused, variadic ``multi_*``
updates are in multi_update.py.
"""
import jax.numpy as jnp
import numpy as np

from ..registry import REQUIRED, register

_SGD = dict(lr=REQUIRED, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True)
_SGD_MOM = dict(lr=REQUIRED, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, lazy_update=True)
_NAG_MOM = dict(lr=REQUIRED, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0)


def _c(value, dtype):
    """A hyper-parameter as MXNet's kernels see it: a C float cast to the data's dtype."""
    return np.asarray(np.float32(value), dtype=dtype)


def _clip(x, bound, dtype):
    """mshadow's clip: into [-bound, bound] when bound >= 0 (the caller checks)."""
    b = _c(bound, dtype)
    return jnp.clip(x, -b, b)


def _rescaled(grad, rescale_grad, clip_gradient, dtype):
    g = _c(rescale_grad, dtype) * grad
    return _clip(g, clip_gradient, dtype) if clip_gradient >= 0 else g


def _sign(x):
    return (x > 0).astype(x.dtype) - (x < 0).astype(x.dtype)


@register("sgd_update", inputs=("weight", "grad"), attrs=_SGD)
def _sgd_update(weight, grad, *, lr, wd, rescale_grad, clip_gradient, lazy_update):
    """weight = (1 - lr*wd) * weight - lr * clip(rescale_grad * grad)."""
    dt = weight.dtype
    lr_ = _c(lr, dt)
    if clip_gradient >= 0:
        step = lr_ * _rescaled(grad, rescale_grad, clip_gradient, dt)
    else:
        step = (lr_ * _c(rescale_grad, dt)) * grad
    return (_c(1.0, dt) - lr_ * _c(wd, dt)) * weight - step


def _sgd_mom_step(weight, grad, mom, lr, momentum, wd, rescale_grad, clip_gradient, dt):
    lr_ = _c(lr, dt)
    if clip_gradient >= 0:
        g = lr_ * _rescaled(grad, rescale_grad, clip_gradient, dt)
    else:
        g = lr_ * _c(rescale_grad, dt) * grad
    new_mom = _c(momentum, dt) * mom - lr_ * _c(wd, dt) * weight - g
    return weight + new_mom, new_mom


@register("sgd_mom_update", inputs=("weight", "grad", "mom"), attrs=_SGD_MOM, mutates=("mom",))
def _sgd_mom_update(weight, grad, mom, *, lr, momentum, wd, rescale_grad, clip_gradient, lazy_update):
    """mom = momentum * mom - lr*wd*weight - lr * clip(rescale_grad * grad); weight = weight + mom."""
    return _sgd_mom_step(weight, grad, mom, lr, momentum, wd, rescale_grad, clip_gradient, weight.dtype)


@register("mp_sgd_update", inputs=("weight", "grad", "weight32"), attrs=_SGD, mutates=("weight32",))
def _mp_sgd_update(weight, grad, weight32, *, lr, wd, rescale_grad, clip_gradient, lazy_update):
    """sgd_update on the float32 master weight ``weight32``; the result is cast to weight's dtype."""
    w = _sgd_update(weight32, grad.astype(weight32.dtype), lr=lr, wd=wd, rescale_grad=rescale_grad,
                    clip_gradient=clip_gradient, lazy_update=lazy_update)
    return w.astype(weight.dtype), w


@register("mp_sgd_mom_update", inputs=("weight", "grad", "mom", "weight32"), attrs=_SGD_MOM,
          mutates=("mom", "weight32"))
def _mp_sgd_mom_update(weight, grad, mom, weight32, *, lr, momentum, wd, rescale_grad, clip_gradient,
                       lazy_update):
    """sgd_mom_update in float32 on the master weight ``weight32`` (``mom`` is float32)."""
    w, new_mom = _sgd_mom_step(weight32, grad.astype(weight32.dtype), mom, lr, momentum, wd, rescale_grad,
                               clip_gradient, weight32.dtype)
    return w.astype(weight.dtype), new_mom, w


def _nag_step(weight, grad, mom, lr, momentum, wd, rescale_grad, clip_gradient, dt):
    lr_, m, wd_ = _c(lr, dt), _c(momentum, dt), _c(wd, dt)
    g = _rescaled(grad, rescale_grad, clip_gradient, dt)
    decayed = m * mom
    new_weight = weight - decayed + (m + _c(1.0, dt)) * (decayed - lr_ * (g + wd_ * weight))
    return new_weight, decayed - lr_ * (g + wd_ * new_weight)


@register("nag_mom_update", inputs=("weight", "grad", "mom"), attrs=_NAG_MOM, mutates=("mom",))
def _nag_mom_update(weight, grad, mom, *, lr, momentum, wd, rescale_grad, clip_gradient):
    """Nesterov momentum: g = clip(rescale_grad * grad); mom = momentum * mom;
    new_weight = weight - mom + (momentum + 1) * (mom - lr * (g + wd * weight));
    mom = mom - lr * (g + wd * new_weight).

    The momentum's weight-decay term reads the NEW weight: MXNet's kernel writes its output
    before it updates mom, and its optimizers call it with ``out=weight`` (mp_nag_mom_update
    always reads the new master weight).  mxjax differs only for a call whose ``out`` is not
    the weight (or absent) with wd != 0, where MXNet's mom reads the old weight."""
    return _nag_step(weight, grad, mom, lr, momentum, wd, rescale_grad, clip_gradient, weight.dtype)


@register("mp_nag_mom_update", inputs=("weight", "grad", "mom", "weight32"), attrs=_NAG_MOM,
          mutates=("mom", "weight32"))
def _mp_nag_mom_update(weight, grad, mom, weight32, *, lr, momentum, wd, rescale_grad, clip_gradient):
    """nag_mom_update in float32 on the master weight ``weight32``."""
    w, new_mom = _nag_step(weight32, grad.astype(weight32.dtype), mom, lr, momentum, wd, rescale_grad,
                           clip_gradient, weight32.dtype)
    return w.astype(weight.dtype), new_mom, w


@register("signsgd_update", inputs=("weight", "grad"),
          attrs=dict(lr=REQUIRED, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0))
def _signsgd_update(weight, grad, *, lr, wd, rescale_grad, clip_gradient):
    """weight = (1 - lr*wd) * weight - lr * sign(grad).  MXNet's kernel ignores rescale_grad and
    clip_gradient (the sign does not depend on them)."""
    dt = weight.dtype
    lr_ = _c(lr, dt)
    return (_c(1.0, dt) - lr_ * _c(wd, dt)) * weight - lr_ * _sign(grad)


@register("signum_update", inputs=("weight", "grad", "mom"),
          attrs=dict(lr=REQUIRED, momentum=0.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0, wd_lh=0.0),
          mutates=("mom",))
def _signum_update(weight, grad, mom, *, lr, momentum, wd, rescale_grad, clip_gradient, wd_lh):
    """mom = momentum * mom - (1 - momentum) * (wd * weight + clip(rescale_grad * grad));
    weight = (1 - lr*wd_lh) * weight + lr * sign(mom)."""
    dt = weight.dtype
    m, lr_ = _c(momentum, dt), _c(lr, dt)
    one_m = _c(1.0, dt) - m
    new_mom = m * mom - one_m * _c(wd, dt) * weight - one_m * _rescaled(grad, rescale_grad, clip_gradient, dt)
    return (_c(1.0, dt) - lr_ * _c(wd_lh, dt)) * weight + lr_ * _sign(new_mom), new_mom


@register("ftml_update", inputs=("weight", "grad", "d", "v", "z"),
          attrs=dict(lr=REQUIRED, beta1=0.6, beta2=0.999, epsilon=1e-8, t=REQUIRED, wd=0.0, rescale_grad=1.0,
                     clip_grad=-1.0),
          mutates=("d", "v", "z"))
def _ftml_update(weight, grad, d, v, z, *, lr, beta1, beta2, epsilon, t, wd, rescale_grad, clip_grad):
    """FTML (Zheng & Kwok 2017): g = clip(rescale_grad * grad + wd * weight, clip_grad);
    v = beta2 * v + (1 - beta2) * g^2; d_t = (1 - beta1^t) / lr * (sqrt(v / (1 - beta2^t)) + epsilon);
    z = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * weight; d = d_t; weight = -z / d_t."""
    dt = weight.dtype
    b1, b2, t_, one = _c(beta1, dt), _c(beta2, dt), _c(t, dt), _c(1.0, dt)
    g = _c(rescale_grad, dt) * grad + _c(wd, dt) * weight
    if clip_grad >= 0:
        g = _clip(g, clip_grad, dt)
    new_v = b2 * v + (one - b2) * jnp.square(g)
    d_t = (one - b1 ** t_) / _c(lr, dt) * (jnp.sqrt(new_v / (one - b2 ** t_)) + _c(epsilon, dt))
    new_z = b1 * z + (one - b1) * g - (d_t - b1 * d) * weight
    return -new_z / d_t, d_t, new_v, new_z


@register("adam_update", inputs=("weight", "grad", "mean", "var"),
          attrs=dict(lr=REQUIRED, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                     clip_gradient=-1.0, lazy_update=True),
          mutates=("mean", "var"))
def _adam_update(weight, grad, mean, var, *, lr, beta1, beta2, epsilon, wd, rescale_grad, clip_gradient,
                 lazy_update):
    """g = clip(rescale_grad * grad + wd * weight); mean = beta1 * mean + (1 - beta1) * g;
    var = beta2 * var + (1 - beta2) * g^2; weight = weight - lr * mean / (sqrt(var) + epsilon).
    There is no bias correction here: MXNet's Adam optimizer folds it into ``lr``."""
    dt = weight.dtype
    b1, b2, one = _c(beta1, dt), _c(beta2, dt), _c(1.0, dt)
    g = grad * _c(rescale_grad, dt) + weight * _c(wd, dt)
    if clip_gradient >= 0:
        g = _clip(g, clip_gradient, dt)
    new_mean = b1 * mean + (one - b1) * g
    new_var = b2 * var + (one - b2) * g * g
    return weight - _c(lr, dt) * new_mean / (jnp.sqrt(new_var) + _c(epsilon, dt)), new_mean, new_var


def _rms_grad(weight, grad, wd, rescale_grad, clip_gradient, dt):
    g = _c(rescale_grad, dt) * grad + _c(wd, dt) * weight
    return _clip(g, clip_gradient, dt) if clip_gradient >= 0 else g


@register("rmsprop_update", inputs=("weight", "grad", "n"),
          attrs=dict(lr=REQUIRED, gamma1=0.95, epsilon=1e-8, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                     clip_weights=-1.0),
          mutates=("n",))
def _rmsprop_update(weight, grad, n, *, lr, gamma1, epsilon, wd, rescale_grad, clip_gradient, clip_weights):
    """Tieleman & Hinton's RMSProp: g = clip(rescale_grad * grad + wd * weight);
    n = (1 - gamma1) * g^2 + gamma1 * n; weight = weight - lr * g / sqrt(n + epsilon), clipped
    into [-clip_weights, clip_weights] when clip_weights >= 0."""
    dt = weight.dtype
    g = _rms_grad(weight, grad, wd, rescale_grad, clip_gradient, dt)
    g1 = _c(gamma1, dt)
    new_n = (_c(1.0, dt) - g1) * (g * g) + g1 * n
    w = weight - _c(lr, dt) * (g / jnp.sqrt(new_n + _c(epsilon, dt)))
    return (_clip(w, clip_weights, dt) if clip_weights >= 0 else w), new_n


@register("rmspropalex_update", inputs=("weight", "grad", "n", "g", "delta"),
          attrs=dict(lr=REQUIRED, gamma1=0.95, gamma2=0.9, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                     clip_gradient=-1.0, clip_weights=-1.0),
          mutates=("n", "g", "delta"))
def _rmspropalex_update(weight, grad, n, g, delta, *, lr, gamma1, gamma2, epsilon, wd, rescale_grad,
                        clip_gradient, clip_weights):
    """Graves' centred RMSProp: r = clip(rescale_grad * grad + wd * weight);
    n = (1 - gamma1) * r^2 + gamma1 * n; g = (1 - gamma1) * r + gamma1 * g;
    delta = gamma2 * delta - lr * r / sqrt(n - g^2 + epsilon); weight = weight + delta
    (clipped into [-clip_weights, clip_weights] when clip_weights >= 0)."""
    dt = weight.dtype
    r = _rms_grad(weight, grad, wd, rescale_grad, clip_gradient, dt)
    g1, one = _c(gamma1, dt), _c(1.0, dt)
    new_n = (one - g1) * r * r + g1 * n
    new_g = (one - g1) * r + g1 * g
    new_delta = _c(gamma2, dt) * delta - _c(lr, dt) * r / jnp.sqrt(new_n - new_g * new_g + _c(epsilon, dt))
    w = weight + new_delta
    return (_clip(w, clip_weights, dt) if clip_weights >= 0 else w), new_n, new_g, new_delta


@register("ftrl_update", inputs=("weight", "grad", "z", "n"),
          attrs=dict(lr=REQUIRED, lamda1=0.01, beta=1.0, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0),
          mutates=("z", "n"))
def _ftrl_update(weight, grad, z, n, *, lr, lamda1, beta, wd, rescale_grad, clip_gradient):
    """FTRL-proximal: g = clip(rescale_grad * grad); z += g - (sqrt(n + g^2) - sqrt(n)) * weight / lr;
    n += g^2; weight = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) where |z| > lamda1,
    else 0."""
    dt = weight.dtype
    lr_, l1 = _c(lr, dt), _c(lamda1, dt)
    g = _rescaled(grad, rescale_grad, clip_gradient, dt)
    new_z = z + (g - (jnp.sqrt(n + jnp.square(g)) - jnp.sqrt(n)) * weight / lr_)
    new_n = n + jnp.square(g)
    w = ((_sign(new_z) * l1 - new_z) / ((_c(beta, dt) + jnp.sqrt(new_n)) / lr_ + _c(wd, dt))
         * (jnp.abs(new_z) > l1).astype(dt))
    return w, new_z, new_n


_LAMB1 = dict(beta1=0.9, beta2=0.999, epsilon=1e-6, t=REQUIRED, bias_correction=True, wd=REQUIRED,
              rescale_grad=1.0, clip_gradient=-1.0)
_LAMB2 = dict(lr=REQUIRED, lower_bound=-1.0, upper_bound=-1.0)


def _lamb_phase1(weight, grad, mean, var, beta1, beta2, epsilon, t, bias_correction, wd, rescale_grad,
                 clip_gradient, dt):
    b1, b2, eps, one = _c(beta1, dt), _c(beta2, dt), _c(epsilon, dt), _c(1.0, dt)
    g = _rescaled(grad, rescale_grad, clip_gradient, dt)
    new_mean = b1 * mean + (one - b1) * g
    new_var = b2 * var + (one - b2) * g * g
    if bias_correction:
        # MXNet: beta^t = std::pow(float, int), a double, cast to the dtype; the hats divide
        # by the double (1. - beta1^t) and (1 - beta2^t) in the dtype
        b1_t = np.float64(np.asarray(np.float64(np.float32(beta1)) ** int(t), dtype=dt))
        b2_t = np.asarray(np.float64(np.float32(beta2)) ** int(t), dtype=dt)
        m = (new_mean.astype(jnp.promote_types(dt, jnp.float64)) / (1.0 - b1_t)).astype(dt)
        v = new_var / (one - b2_t)
    else:
        m, v = new_mean, new_var
    return m / (jnp.sqrt(v) + eps) + _c(wd, dt) * weight, new_mean, new_var


@register("lamb_update_phase1", inputs=("weight", "grad", "mean", "var"), attrs=_LAMB1, mutates=("mean", "var"))
def _lamb_update_phase1(weight, grad, mean, var, *, beta1, beta2, epsilon, t, bias_correction, wd, rescale_grad,
                        clip_gradient):
    """LAMB's first phase: Adam's moments (mean and var updated in place) and the update
    direction g = mean_hat / (sqrt(var_hat) + epsilon) + wd * weight (bias-corrected hats when
    bias_correction)."""
    return _lamb_phase1(weight, grad, mean, var, beta1, beta2, epsilon, t, bias_correction, wd, rescale_grad,
                        clip_gradient, weight.dtype)


def _lamb_phase2(weight, g, r1, r2, lr, lower_bound, upper_bound, dt):
    r1 = r1.reshape(-1)[0].astype(dt)
    r2 = r2.reshape(-1)[0].astype(dt)
    if lower_bound >= 0:
        r1 = jnp.maximum(r1, _c(lower_bound, dt))
    if upper_bound >= 0:
        r1 = jnp.minimum(r1, _c(upper_bound, dt))
    lr_ = _c(lr, dt)
    ratio_lr = jnp.where((r1 == 0) | (r2 == 0), lr_, lr_ * r1 / r2)
    return weight - ratio_lr * g


@register("lamb_update_phase2", inputs=("weight", "g", "r1", "r2"), attrs=_LAMB2)
def _lamb_update_phase2(weight, g, r1, r2, *, lr, lower_bound, upper_bound):
    """LAMB's second phase: weight - lr * r1 / r2 * g with r1 = ||weight|| clipped into
    [lower_bound, upper_bound] (a bound < 0 is off); plain lr when r1 or r2 is 0."""
    return _lamb_phase2(weight, g, r1, r2, lr, lower_bound, upper_bound, weight.dtype)


@register("mp_lamb_update_phase1", inputs=("weight", "grad", "mean", "var", "weight32"), attrs=_LAMB1,
          mutates=("mean", "var"))
def _mp_lamb_update_phase1(weight, grad, mean, var, weight32, *, beta1, beta2, epsilon, t, bias_correction, wd,
                           rescale_grad, clip_gradient):
    """lamb_update_phase1 in float32 against the master weight ``weight32``; g is float32."""
    return _lamb_phase1(weight32, grad.astype(weight32.dtype), mean, var, beta1, beta2, epsilon, t, bias_correction,
                        wd, rescale_grad, clip_gradient, weight32.dtype)


@register("mp_lamb_update_phase2", inputs=("weight", "g", "r1", "r2", "weight32"), attrs=_LAMB2,
          mutates=("weight32",))
def _mp_lamb_update_phase2(weight, g, r1, r2, weight32, *, lr, lower_bound, upper_bound):
    """lamb_update_phase2 on the master weight ``weight32`` (updated in place); the result is
    cast to weight's dtype."""
    w = _lamb_phase2(weight32, g, r1, r2, lr, lower_bound, upper_bound, weight32.dtype)
    return w.astype(weight.dtype), w


_ADAMW = dict(lr=REQUIRED, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0, eta=REQUIRED, clip_gradient=-1.0)


def _finite_scale(rescale_grad):
    """MXNet's AdamW reads ``rescale_grad`` from an array as a C float and skips the whole
    update (weight and states unchanged) when it is NaN, infinite or 0."""
    scale = rescale_grad.reshape(-1)[0].astype(np.float32)
    return scale, jnp.isfinite(scale) & (scale != 0)


def _adamw_step(weight, grad, mean, var, scale, lr, beta1, beta2, epsilon, wd, eta, clip_gradient, dt):
    """AdamW's kernel: g = clip(rescale_grad * grad); mean = beta1*mean + (1-beta1)*g;
    var = beta2*var + (1-beta2)*g^2; w = w - eta * (lr * mean / (sqrt(var) + epsilon) + wd * w).
    The one-minus constants are formed in C float, then cast (as MXNet's scalar<DType>)."""
    g = scale.astype(dt) * grad.astype(dt)
    if clip_gradient >= 0:
        g = _clip(g, clip_gradient, dt)
    f32 = np.float32
    new_mean = _c(beta1, dt) * mean + _c(f32(1) - f32(beta1), dt) * g
    new_var = _c(beta2, dt) * var + _c(f32(1) - f32(beta2), dt) * jnp.square(g)
    w = weight - _c(eta, dt) * (_c(lr, dt) * new_mean / (jnp.sqrt(new_var) + _c(epsilon, dt)) + _c(wd, dt) * weight)
    return w, new_mean, new_var


@register("_adamw_update", inputs=("weight", "grad", "mean", "var", "rescale_grad"), attrs=_ADAMW,
          mutates=("mean", "var"))
def _adamw_update(weight, grad, mean, var, rescale_grad, *, lr, beta1, beta2, epsilon, wd, eta, clip_gradient):
    """AdamW (Loshchilov & Hutter): Adam's moments, then w = w - eta * (lr * mean / (sqrt(var) +
    epsilon) + wd * w); ``rescale_grad`` is an array, and when it is NaN, infinite or 0 nothing
    changes.  ``nd.contrib.adamw_update`` wraps it.  mxjax differs in one detail: MXNet's kernel
    also overwrites the ``grad`` input with the rescaled, clipped gradient; mxjax leaves it."""
    scale, ok = _finite_scale(rescale_grad)
    w, m, v = _adamw_step(weight, grad, mean, var, scale, lr, beta1, beta2, epsilon, wd, eta, clip_gradient,
                          weight.dtype)
    return jnp.where(ok, w, weight), jnp.where(ok, m, mean), jnp.where(ok, v, var)


@register("_mp_adamw_update", inputs=("weight", "grad", "mean", "var", "weight32", "rescale_grad"), attrs=_ADAMW,
          mutates=("mean", "var", "weight32"))
def _mp_adamw_update(weight, grad, mean, var, weight32, rescale_grad, *, lr, beta1, beta2, epsilon, wd, eta,
                     clip_gradient):
    """_adamw_update in float32 on the master weight ``weight32`` (updated in place), with the
    float32 kernel's arithmetic (one-minus constants in float32); the result has weight's dtype."""
    scale, ok = _finite_scale(rescale_grad)
    dt = weight32.dtype
    g = scale.astype(dt) * grad.astype(dt)
    if clip_gradient >= 0:
        g = _clip(g, clip_gradient, dt)
    one = _c(1.0, dt)
    b1, b2 = _c(beta1, dt), _c(beta2, dt)
    m = b1 * mean + (one - b1) * g
    v = b2 * var + (one - b2) * jnp.square(g)
    w = weight32 - _c(eta, dt) * (_c(lr, dt) * m / (jnp.sqrt(v) + _c(epsilon, dt)) + _c(wd, dt) * weight32)
    return (jnp.where(ok, w.astype(weight.dtype), weight), jnp.where(ok, m, mean), jnp.where(ok, v, var),
            jnp.where(ok, w, weight32))


@register("_contrib_group_adagrad_update", inputs=("weight", "grad", "history"),
          attrs=dict(lr=REQUIRED, rescale_grad=1.0, clip_gradient=-1.0, epsilon=1e-5), mutates=("history",))
def _group_adagrad_update(weight, grad, history, *, lr, rescale_grad, clip_gradient, epsilon):
    """Group AdaGrad (one history value per row): g = clip(rescale_grad * grad);
    history += mean(g^2 over the row); weight = weight - lr * g / sqrt(history + epsilon).
    ``history`` has shape (rows,) or (rows, 1)."""
    dt = weight.dtype
    g = _rescaled(grad, rescale_grad, clip_gradient, dt)
    rows = g.reshape(g.shape[0], -1)
    new_history = history + (jnp.sum(rows * rows, axis=1) / _c(rows.shape[1], dt)).reshape(history.shape)
    scale = jnp.sqrt(new_history.reshape(-1) + _c(epsilon, dt)).reshape((-1,) + (1,) * (g.ndim - 1))
    return weight - _c(lr, dt) * g / scale, new_history
