"""SGD-family optimizers: SGD (and its deprecated alias ccSGD), NAG, Signum, DCASGD, SGLD, LARS,
LBSGD, Test.

Each ``_step`` follows the arithmetic of MXNet 1.9.1's kernel (``multi_sgd_mom_update``,
``nag_mom_update``, ``signum_update``...) with MXNet's float32 scalars; ``rescale_grad``
and ``clip_gradient`` enter where the kernel applies them.
"""
import math
import warnings

import jax.numpy as jnp
import numpy as np

from .. import ndarray as nd
from .optimizer import Optimizer, clip_grad, register, zeros_like_weight

__all__ = ["SGD", "ccSGD", "NAG", "Signum", "DCASGD", "SGLD", "LARS", "LBSGD", "Test"]


class _MasterSecond:
    """SGD and NAG keep a multi-precision state as ``(momentum or None, float32 master)``."""

    def create_state_multi_precision(self, index, weight):
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            return (self.create_state(index, master), master)
        if weight.dtype == np.float16 and not self.multi_precision:
            warnings.warn(self._fp16_warning())
        return self.create_state(index, weight)

    def _fp16_warning(self):
        return ("Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. "
                f"Consider using multi_precision=True option of the {type(self).__name__} optimizer")

    def _split_master(self, state):
        return state[1], state[0]

    def _join_master(self, master, inner):
        return (inner, master)


@register
class SGD(_MasterSecond, Optimizer):
    """SGD with momentum and weight decay::

        mom = momentum * mom - lr * wd * weight - lr * clip(rescale_grad * grad)
        weight = weight + mom

    (``mom`` is 0 before the step without momentum).  ``lazy_update`` concerns sparse
    gradients only, which mxjax stores densely, so it changes nothing."""

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.aggregate_num = 4

    def create_state(self, index, weight):
        if self.momentum == 0.0:
            return None
        return zeros_like_weight(weight)

    def _fp16_warning(self):
        return ("Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. "
                "Consider using multi_precision=True option of the SGD optimizer")

    def _hyper(self):
        return (self.momentum > 0, self.momentum)

    def _step(self, weight, grad, mom, p):
        g = clip_grad(p.rescale * grad, p)
        if self.momentum > 0 and mom is not None:
            new_mom = p.c(self.momentum) * mom - p.lr * p.wd * weight - p.lr * g
            return weight + new_mom, new_mom
        delta = -p.lr * p.wd * weight - p.lr * g
        return weight + delta, mom


@register
class ccSGD(SGD):  # noqa: N801 - MXNet's name
    """[DEPRECATED] in MXNet too: the same as ``SGD``."""


@register
class NAG(_MasterSecond, Optimizer):
    """Nesterov accelerated gradient (MXNet's ``nag_mom_update``)::

        g = clip(rescale_grad * grad) + wd * weight
        mom = momentum * mom
        weight = weight - mom + (momentum + 1) * (mom - lr * g)
        mom = mom - lr * g

    Without momentum it is plain SGD (``sgd_update``)."""

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state(self, index, weight):
        if self.momentum == 0.0:
            return None
        return zeros_like_weight(weight)

    def _use_multi_precision(self, weight, state):
        return self.multi_precision and weight.dtype == np.float16 and isinstance(state, (tuple, list))

    def _hyper(self):
        return (self.momentum > 0, self.momentum)

    def _step(self, weight, grad, mom, p):
        g = clip_grad(p.rescale * grad, p)
        if mom is None:
            return (p.c(1.0) - p.lr * p.wd) * weight - p.lr * g, None
        m = p.c(self.momentum)
        if self.momentum <= 0:
            m = p.c(0.0)
        decayed = m * mom
        new_w = weight - decayed + (m + p.c(1.0)) * (decayed - p.lr * (g + p.wd * weight))
        # MXNet's kernel writes the weight in place first, so the momentum's decay term
        # reads the NEW weight
        return new_w, decayed - p.lr * (g + p.wd * new_w)


@register
class Signum(Optimizer):
    """signSGD / Signum (MXNet's ``signsgd_update`` and ``signum_update``)::

        mom = momentum * mom - (1 - momentum) * (wd * weight + clip(rescale_grad * grad))
        weight = (1 - lr * wd_lh) * weight + lr * sign(mom)

    With ``momentum=0`` there is no state and ``weight = (1 - lr*wd) * weight - lr * sign(grad)``:
    MXNet's signsgd kernel ignores ``rescale_grad`` and ``clip_gradient``."""

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index, weight):
        if self.momentum == 0.0:
            return None
        return zeros_like_weight(weight)

    def _hyper(self):
        return (self.momentum, self.wd_lh)

    def _step(self, weight, grad, mom, p):
        if mom is None:
            return (p.c(1.0) - p.lr * p.wd) * weight - p.lr * jnp.sign(grad), None
        m = p.c(self.momentum) if self.momentum > 0 else p.c(0.0)
        one_minus = p.c(1.0) - m
        g = clip_grad(p.rescale * grad, p)
        new_mom = m * mom - one_minus * p.wd * weight - one_minus * g
        new_w = (p.c(1.0) - p.lr * p.c(self.wd_lh or 0.0)) * weight + p.lr * jnp.sign(new_mom)
        return new_w, new_mom


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD.  Runs MXNet's per-parameter Python update on
    NDArrays, including its ``if mom:`` test: with momentum it raises as MXNet 1.9.1 does
    (ValueError for weights of more than one element)."""

    def __init__(self, momentum=0.0, lamda=0.04, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous = {}
        self.lamda = lamda

    def create_state(self, index, weight):
        if self.momentum == 0.0:
            return (None, weight.copy())
        return (zeros_like_weight(weight), weight.copy())

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = nd.clip(grad, -self.clip_gradient, self.clip_gradient)
        mom, previous_weight = state
        correction = grad + wd * weight + self.lamda * grad * grad * (weight - previous_weight)
        if mom:
            mom[:] *= self.momentum
            mom[:] += -lr * correction
        else:
            assert self.momentum == 0.0
            mom = -lr * correction
        previous_weight[:] = weight
        weight[:] += mom


@register
class SGLD(Optimizer):
    """Stochastic gradient Langevin dynamics: half an SGD step plus N(0, sqrt(lr)) noise drawn
    from ``mx.random``'s global state."""

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        grad = grad * self.rescale_grad
        if self.clip_gradient is not None:
            grad = nd.clip(grad, -self.clip_gradient, self.clip_gradient)
        weight[:] += -lr / 2 * (grad + wd * weight)
        weight[:] += nd.random.normal(0, math.sqrt(lr), shape=weight.shape, dtype=weight.dtype,
                                      ctx=weight.context)


@register
class Test(Optimizer):
    """MXNet's test optimizer: ``weight += rescale_grad * grad``; the state mirrors the weight.
    It does not count updates (``num_update`` stays at ``begin_num_update``)."""
    _counts_updates = False

    def create_state(self, index, weight):
        return nd.zeros(weight.shape, weight.context)

    def _step(self, weight, grad, state, p):
        new_w = weight + grad * p.rescale
        return new_w, new_w.astype(state.dtype)


def _is_lars_exempt(name):
    return name.endswith("gamma") or name.endswith("beta") or name.endswith("bias")


@register
class LARS(_MasterSecond, Optimizer):
    """Layer-wise adaptive rate scaling on top of SGD (MXNet's aggregated path)::

        lr_layer = lr * eta * ||w|| / (||g|| * rescale_grad + wd * ||w|| + eps)
                   (just lr when ||w|| or ||g|| is 0, or the name ends in gamma/beta/bias)

    then the SGD-momentum kernel with that rate.  With ``momentum_correction`` the
    momentum is scaled by ``lr / previous lr`` of the scheduler; as in MXNet the previous
    rate is the one seen by the previous group of ``aggregate_num`` parameters, so only the
    first group of a step sees a change."""

    def __init__(self, momentum=0.0, lazy_update=True, eta=0.001, eps=0, momentum_correction=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.aggregate_num = 4
        self.eta = eta
        self.eps = eps
        self.skip = 0
        self.last_lr = None
        self.cur_lr = None

    def _fp16_warning(self):
        return ("Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. "
                "Consider using multi_precision=True option of the SGD optimizer")

    def _get_lrs(self, indices):
        if self.cur_lr is not None:
            self.last_lr = self.cur_lr
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr
        return super()._get_lrs(indices)

    def set_wd_mult(self, args_wd_mult):
        """Only names ending in ``_weight`` are decayed by default (not ``_gamma``)."""
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not n.endswith("_weight"):
                self.wd_mult[n] = 0.0
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__wd_mult__" in attr[name]:
                    self.wd_mult[name] = float(attr[name]["__wd_mult__"])
        self.wd_mult.update(args_wd_mult)

    def create_state(self, index, weight):
        if self.momentum == 0.0:
            return None
        return zeros_like_weight(weight)

    def _momentum_now(self):
        if self.momentum_correction and self.last_lr != 0:
            return self.momentum * (self.cur_lr / self.last_lr)
        return self.momentum

    def _aux(self, indices, counts):
        rows = []
        size = max(1, self.aggregate_num)
        for start in range(0, len(indices), size):
            if start > 0:
                self._get_lrs(indices[start:start + size])
            momentum = self._momentum_now()
            for index in indices[start:start + size]:
                name = self.idx2name[index] if index in self.idx2name else str(index)
                rows.append((momentum, 0.0 if _is_lars_exempt(name) else 1.0))
        return rows

    def _hyper(self):
        return (self.momentum > 0, self.eta, self.eps)

    def _step(self, weight, grad, mom, p):
        w_norm = jnp.sqrt(jnp.sum(jnp.square(weight.astype(np.float32))))
        g_sum_sq = jnp.sum(jnp.square(grad.astype(np.float32)))
        lr32 = p.lr.astype(np.float32)
        valid = (w_norm > 0) & (g_sum_sq > 0) & (p.aux[1] > 0)
        lars_lr = lr32 * np.float32(self.eta) * w_norm / (
            jnp.sqrt(g_sum_sq) * p.rescale.astype(np.float32) + p.wd.astype(np.float32) * w_norm
            + np.float32(self.eps))
        lr = jnp.where(valid, lars_lr, lr32).astype(p.dtype)
        g = clip_grad(p.rescale * grad, p)
        if self.momentum > 0 and mom is not None:
            new_mom = p.c(p.aux[0]) * mom - lr * p.wd * weight - lr * g
            return weight + new_mom, new_mom
        return weight + (-lr * p.wd * weight - lr * g), mom


@register
class LBSGD(Optimizer):
    """Large-batch SGD: gradients are accumulated over ``batch_scale`` updates and applied
    with a warm-up multiplier of the learning rate ('linear', 'power2', 'sqrt' or 'lars'),
    MXNet's per-parameter Python algorithm (the SGD kernel itself runs fused)."""

    def __init__(self, momentum=0.0, multi_precision=False, warmup_strategy="linear", warmup_epochs=5,
                 batch_scale=1, updates_per_epoch=32, begin_epoch=0, num_epochs=60, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.multi_precision = multi_precision
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index, weight):
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            mom = zeros_like_weight(weight, np.float32) if self.momentum != 0.0 else None
            return (mom, master)
        if weight.dtype == np.float16 and not self.multi_precision:
            warnings.warn("Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. "
                          "Consider using multi_precision=True option of the SGD optimizer")
        return zeros_like_weight(weight) if self.momentum != 0.0 else None

    def _get_lbmult(self, nup):
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        if self.warmup_strategy == "linear":
            return 1.0 + (maxmult - 1) * nup / nwup
        if self.warmup_strategy == "power2":
            return 1.0 + (maxmult - 1) * (nup * nup) / (nwup * nwup)
        if self.warmup_strategy == "sqrt":
            return 1.0 + (maxmult - 1) * math.sqrt(float(nup) / nwup)
        return 1.0

    def _get_lars(self, weight, g, wd):
        weight2 = self._l2norm(weight)
        grad2 = self._l2norm(g)
        lars = math.sqrt(weight2 / (grad2 + wd * weight2 + 1e-18))
        return min(max(lars, 0.01), 100)

    def _l2norm(self, v):
        return (v * v).asnumpy().sum()

    def _reset_cum_gradient(self, index):
        self.cumgrads[index]["cum_grad"] = 0

    def _get_cum_gradient(self, index):
        return self.cumgrads.get(index, {})

    def _put_cum_gradient(self, index, cgrad):
        self.cumgrads[index] = cgrad

    def _cumulate_gradient(self, grad, index):
        cgrad = self._get_cum_gradient(index)
        if cgrad and cgrad["num_cums"] > 0:
            cum_grad, num_cums = cgrad["cum_grad"] + grad, cgrad["num_cums"] + 1
        else:
            cum_grad, num_cums = grad, self.init_updates + 1
        cgrad = {"cum_grad": cum_grad, "num_cums": num_cums}
        self._put_cum_gradient(index, cgrad)
        return cgrad

    def update(self, index, weight, grad, state):
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        self._update_count(index)
        cgrad = self._cumulate_gradient(grad, index)
        if cgrad["num_cums"] % self.batch_scale != 0:
            return  # MXNet runs sgd_update with lr=0 here, which leaves the weight as it is
        grad = cgrad["cum_grad"] / self.batch_scale
        if self.warmup_strategy == "lars":
            lr = lr * self._get_lars(weight, grad, wd)
        else:
            lr = lr * self._get_lbmult(cgrad["num_cums"])
        kernel = SGD(momentum=self.momentum if self.momentum > 0 else 0.0, learning_rate=lr, wd=wd,
                     rescale_grad=self.rescale_grad, clip_gradient=self.clip_gradient,
                     multi_precision=isinstance(state, (list, tuple)))
        kernel.update_multi_precision(0, weight, grad, state)
        self._reset_cum_gradient(index)
