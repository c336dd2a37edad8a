"""Adaptive optimizers: Adam, AdaGrad, AdaDelta, RMSProp, Ftrl, Adamax, Nadam, FTML, LAMB.

Each ``_step`` follows MXNet 1.9.1: the C++ kernel's arithmetic for Adam, RMSProp, Ftrl,
FTML and LAMB (float32 scalars; ``rescale_grad``/``clip_gradient`` where the kernel
applies them), the Python NDArray code for AdaGrad, AdaDelta, Adamax and Nadam (which
clip whenever ``clip_gradient`` is not None).
"""
import jax.numpy as jnp
import numpy as np

from .. import ndarray as nd
from .optimizer import Optimizer, clip_grad, register, zeros_like_weight

__all__ = ["Adam", "AdaGrad", "AdaDelta", "RMSProp", "Ftrl", "Adamax", "Nadam", "FTML", "LAMB"]


def _float32_zeros(weight):
    return nd.zeros(weight.shape, weight.context)


@register
class Adam(Optimizer):
    """Adam.  The bias corrections scale the learning rate (in float64, as MXNet's Python
    does), weight decay joins the gradient before clipping::

        lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)
        g = clip(rescale_grad * grad + wd * weight)
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
        weight = weight - lr_t * m / (sqrt(v) + epsilon)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return (zeros_like_weight(weight), zeros_like_weight(weight))

    def _hyper(self):
        return (self.beta1, self.beta2, self.epsilon)

    def _step(self, weight, grad, state, p):
        mean, var = state
        lr = p.c(p.lr64 * (jnp.sqrt(1. - self.beta2 ** p.t) / (1. - self.beta1 ** p.t)))
        g = clip_grad(grad * p.rescale + weight * p.wd, p)
        b1, b2 = p.c(self.beta1), p.c(self.beta2)
        mean = b1 * mean + (p.c(1.0) - b1) * g
        var = b2 * var + (p.c(1.0) - b2) * g * g
        return weight - lr * mean / (jnp.sqrt(var) + p.c(self.epsilon)), (mean, var)


@register
class AdaGrad(Optimizer):
    """AdaGrad (``eps`` is MXNet's name)::

        g = clip(rescale_grad * grad);  history += g * g
        weight += (g / sqrt(history + eps) + weight * wd) * -lr

    The history is float32 whatever the weight's dtype."""
    _ndarray_rule = True

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        return _float32_zeros(weight)

    def _hyper(self):
        return (self.float_stable_eps,)

    def _step(self, weight, grad, history, p):
        g = clip_grad(grad * p.rescale, p)
        history = history.astype(p.dtype) + jnp.square(g)
        div = g / jnp.sqrt(history + p.c(self.float_stable_eps))
        return weight + (div + weight * p.wd) * -p.lr, history


@register
class AdaDelta(Optimizer):
    """AdaDelta (no learning rate, as in MXNet)::

        grad *= rescale_grad          # in place: MXNet rescales the gradient array itself
        g = clip(grad)
        acc_g = rho * acc_g + (1 - rho) * g * g
        delta = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta * delta
        weight -= delta + wd * weight
    """
    _ndarray_rule = True

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return (_float32_zeros(weight), _float32_zeros(weight))

    def _hyper(self):
        return (self.rho, self.epsilon)

    def _step(self, weight, grad, state, p):
        acc_g, acc_delta = (s.astype(p.dtype) for s in state)
        scaled = grad * p.rescale
        g = clip_grad(scaled, p)
        rho, one_minus, eps = p.c(self.rho), p.c(1. - self.rho), p.c(self.epsilon)
        acc_g = acc_g * rho + one_minus * g * g
        delta = jnp.sqrt(acc_delta + eps) / jnp.sqrt(acc_g + eps) * g
        acc_delta = acc_delta * rho + one_minus * delta * delta
        return weight - (delta + p.wd * weight), (acc_g, acc_delta), scaled


@register
class RMSProp(Optimizer):
    """RMSProp: Tieleman & Hinton (``centered=False``) or Graves (``centered=True``)::

        g = clip(rescale_grad * grad + wd * weight)
        n = (1 - gamma1) * g * g + gamma1 * n
        centered=False:  weight = weight - lr * g / sqrt(n + epsilon)
        centered=True:   m = (1 - gamma1) * g + gamma1 * m
                         delta = gamma2 * delta - lr * g / sqrt(n - m * m + epsilon)
                         weight = weight + delta
        then clip the weight to [-clip_weights, clip_weights] if clip_weights is set.

    The states are float32 whatever the weight's dtype."""

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8, centered=False,
                 clip_weights=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        if self.centered:
            return (_float32_zeros(weight), _float32_zeros(weight), _float32_zeros(weight))
        return (_float32_zeros(weight),)

    def _hyper(self):
        return (self.gamma1, self.gamma2, self.epsilon, bool(self.centered), self.clip_weights)

    def _step(self, weight, grad, state, p):
        g = clip_grad(p.rescale * grad + p.wd * weight, p)
        g1 = p.c(self.gamma1)
        one = p.c(1.0)
        eps = p.c(self.epsilon)
        if self.centered:
            n, m, delta = (s.astype(p.dtype) for s in state)
            n = (one - g1) * g * g + g1 * n
            m = (one - g1) * g + g1 * m
            delta = p.c(self.gamma2) * delta - p.lr * g / jnp.sqrt(n - m * m + eps)
            new_w, new_state = weight + delta, (n, m, delta)
        else:
            n = state[0].astype(p.dtype)
            n = (one - g1) * (g * g) + g1 * n
            new_w, new_state = weight - p.lr * (g / jnp.sqrt(n + eps)), (n,)
        if self.clip_weights and self.clip_weights >= 0:
            cw = p.c(self.clip_weights)
            new_w = jnp.clip(new_w, -cw, cw)
        return new_w, new_state


@register
class Ftrl(Optimizer):
    """FTRL-proximal (MXNet's ``ftrl_update``); the default learning rate is 0.1::

        g = clip(rescale_grad * grad)
        z += g - (sqrt(n + g * g) - sqrt(n)) * weight / lr
        n += g * g
        weight = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (|z| > lamda1)

    The states ``(z, n)`` are float32 whatever the weight's dtype."""

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index, weight):
        return (_float32_zeros(weight), _float32_zeros(weight))

    def _hyper(self):
        return (self.lamda1, self.beta)

    def _lazy_rows(self, weight):
        """MXNet's sparse ``ftrl_update`` (only the gradient's rows) runs when the weight,
        and so its states, are row_sparse too."""
        return weight.stype == "row_sparse"

    def _step(self, weight, grad, state, p):
        z, n = (s.astype(p.dtype) for s in state)
        g = clip_grad(grad * p.rescale, p)
        z = z + (g - (jnp.sqrt(n + jnp.square(g)) - jnp.sqrt(n)) * weight / p.lr)
        n = n + jnp.square(g)
        lamda1 = p.c(self.lamda1)
        new_w = ((jnp.sign(z) * lamda1 - z) / ((p.c(self.beta) + jnp.sqrt(n)) / p.lr + p.wd)
                 * (jnp.abs(z) > lamda1).astype(p.dtype))
        return new_w, (z, n)


@register
class Adamax(Optimizer):
    """AdaMax (Adam with the infinity norm)::

        g = clip(rescale_grad * grad + wd * weight)
        m = beta1 * m + (1 - beta1) * g;  u = maximum(beta2 * u, |g|)
        weight -= lr / (1 - beta1**t) * m / u
    """
    _ndarray_rule = True

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index, weight):
        return (zeros_like_weight(weight), zeros_like_weight(weight))

    def _hyper(self):
        return (self.beta1, self.beta2)

    def _step(self, weight, grad, state, p):
        m, u = state
        lr = p.c(p.lr64 / (1. - self.beta1 ** p.t))
        g = clip_grad(grad * p.rescale + p.wd * weight, p)
        m = m * p.c(self.beta1) + p.c(1. - self.beta1) * g
        u = jnp.maximum(p.c(self.beta2) * u, jnp.abs(g))
        return weight - lr * m / u, (m, u)


@register
class Nadam(Optimizer):
    """Nesterov Adam.  ``m_schedule`` is one Python number shared by all parameters and
    multiplied at every parameter's update, exactly as MXNet does it."""
    _ndarray_rule = True

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, schedule_decay=0.004,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.

    def create_state(self, index, weight):
        return (zeros_like_weight(weight), zeros_like_weight(weight))

    def _hyper(self):
        return (self.beta1, self.beta2, self.epsilon)

    def _aux(self, indices, counts):
        rows = []
        for t in counts:
            momentum_t = self.beta1 * (1. - 0.5 * (pow(0.96, t * self.schedule_decay)))
            momentum_t_1 = self.beta1 * (1. - 0.5 * (pow(0.96, (t + 1) * self.schedule_decay)))
            self.m_schedule = self.m_schedule * momentum_t
            m_schedule_next = self.m_schedule * momentum_t_1
            rows.append((1. - momentum_t, momentum_t_1, 1. - self.m_schedule, 1. - m_schedule_next,
                         1. - pow(self.beta2, t)))
        return rows

    def _step(self, weight, grad, state, p):
        m, v = state
        one_minus_mom_t, mom_t_1, g_div, m_div, v_div = (p.c(p.aux[i]) for i in range(5))
        g = clip_grad(grad * p.rescale + p.wd * weight, p)
        m = m * p.c(self.beta1) + p.c(1. - self.beta1) * g
        v = v * p.c(self.beta2) + p.c(1. - self.beta2) * g * g
        m_bar = one_minus_mom_t * (g / g_div) + mom_t_1 * (m / m_div)
        return weight - p.lr * m_bar / (jnp.sqrt(v / v_div) + p.c(self.epsilon)), (m, v)


@register
class FTML(Optimizer):
    """Follow the Moving Leader (MXNet's ``ftml_update``)::

        g = clip(rescale_grad * grad + wd * weight)
        v = beta2 * v + (1 - beta2) * g * g
        d_t = (1 - beta1**t) / lr * (sqrt(v / (1 - beta2**t)) + epsilon)
        z = beta1 * z + (1 - beta1) * g - (d_t - beta1 * d) * weight;  d = d_t
        weight = -z / d_t
    """

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return (zeros_like_weight(weight), zeros_like_weight(weight), zeros_like_weight(weight))

    def _hyper(self):
        return (self.beta1, self.beta2, self.epsilon)

    def _step(self, weight, grad, state, p):
        d, v, z = state
        g = clip_grad(p.rescale * grad + p.wd * weight, p)
        b1, b2, one = p.c(self.beta1), p.c(self.beta2), p.c(1.0)
        t = p.t.astype(p.dtype)
        v = b2 * v + (one - b2) * jnp.square(g)
        d_t = (one - jnp.power(b1, t)) / p.lr * (jnp.sqrt(v / (one - jnp.power(b2, t))) + p.c(self.epsilon))
        z = b1 * z + (one - b1) * g - (d_t - b1 * d) * weight
        return -z / d_t, (d_t, v, z)


@register
class LAMB(Optimizer):
    """LAMB (layer-wise adaptive moments)::

        g = clip(rescale_grad * grad)
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
        r = m_hat / (sqrt(v_hat) + epsilon) + wd * weight   (m_hat, v_hat bias-corrected
                                                           when bias_correction is True)
        r1 = ||weight|| bounded by lower_bound/upper_bound;  r2 = ||r||
        weight -= lr * (r1 / r2 if both are nonzero else 1) * r
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6, lower_bound=None,
                 upper_bound=None, bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction
        self.aggregate_num = 45

    def create_state(self, index, weight):
        return (zeros_like_weight(weight), zeros_like_weight(weight))

    def _hyper(self):
        return (self.beta1, self.beta2, self.epsilon, self.lower_bound, self.upper_bound,
                bool(self.bias_correction))

    def _step(self, weight, grad, state, p):
        mean, var = state
        g = clip_grad(grad * p.rescale, p)
        b1, b2, one = p.c(self.beta1), p.c(self.beta2), p.c(1.0)
        mean = b1 * mean + (one - b1) * g
        var = b2 * var + (one - b2) * g * g
        eps = p.c(self.epsilon)
        if self.bias_correction:
            t = p.t.astype(np.float32)
            m_hat = mean / (one - jnp.power(np.float32(self.beta1), t).astype(p.dtype))
            v_hat = var / (one - jnp.power(np.float32(self.beta2), t).astype(p.dtype))
            r = m_hat / (jnp.sqrt(v_hat) + eps) + p.wd * weight
        else:
            r = mean / (jnp.sqrt(var) + eps) + p.wd * weight
        r1 = jnp.sqrt(jnp.sum(jnp.square(weight.astype(np.float32))))
        r2 = jnp.sqrt(jnp.sum(jnp.square(r.astype(np.float32))))
        if self.lower_bound:
            r1 = jnp.maximum(r1, np.float32(self.lower_bound))
        if self.upper_bound:
            r1 = jnp.minimum(r1, np.float32(self.upper_bound))
        ratio = jnp.where((r1 == 0) | (r2 == 0), np.float32(1.0), r1 / r2)
        return weight - (p.lr * ratio.astype(p.dtype)) * r, (mean, var)
