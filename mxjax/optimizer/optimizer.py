"""Optimizers.  Each built-in one states its update as a pure function
``_step(weight, grad, state, lr, wd, t)`` on jax arrays, so ``gluon.Trainer``
updates every parameter of a step in ONE compiled call (``fused_update``).
``update(index, weight, grad, state)`` is MXNet's per-parameter API, also
used for user-defined optimizers that implement only that method.

The gradient seen by a rule is ``clip(rescale_grad * grad, clip_gradient)``;
weight decay is added as MXNet's kernels add it (per rule, see each class).
"""
import jax
import jax.numpy as jnp
import numpy as np

from ..base import MXNetError
from .. import ndarray as nd
from .._engine.graph import constant

__all__ = ["Optimizer", "register", "create", "SGD", "Adam", "Updater", "get_updater"]

_REGISTRY = {}


def register(klass):
    """Register an Optimizer subclass under its lower-case name (``mx.optimizer.register``)."""
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def create(name, **kwargs):
    if isinstance(name, Optimizer):
        return name
    key = name.lower()
    if key not in _REGISTRY:
        raise MXNetError(f"Cannot find optimizer {name}; registered: {sorted(_REGISTRY)}")
    return _REGISTRY[key](**kwargs)


class Optimizer:
    """Base class.  MXNet's defaults: learning_rate 0.01, wd 0, rescale_grad 1, no clipping."""
    opt_registry = _REGISTRY

    def __init__(self, rescale_grad=1.0, param_idx2name=None, wd=0.0, clip_gradient=None, learning_rate=None,
                 lr_scheduler=None, sym=None, begin_num_update=0, multi_precision=False, param_dict=None,
                 aggregate_num=None, use_fused_step=None, **kwargs):
        if kwargs:
            raise MXNetError(f"{type(self).__name__} got unexpected arguments {sorted(kwargs)}")
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if learning_rate is None:
            learning_rate = 0.01
        if lr_scheduler is not None:
            lr_scheduler.base_lr = learning_rate
        self.lr = learning_rate
        self.wd = wd
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._index_update_count = {}
        self.idx2name = dict(param_idx2name or {})
        self.param_dict = param_dict or {}
        self.lr_mult = {}
        self.wd_mult = {}

    create_optimizer = staticmethod(create)

    @property
    def learning_rate(self):
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr):
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. Note that "
                              "set_learning_rate can mutate the value of the learning rate of the optimizer "
                              "only when the LRScheduler of the optimizer is undefined.")
        self.lr = lr

    def set_lr_mult(self, args_lr_mult):
        self.lr_mult = dict(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        self.wd_mult = dict(args_wd_mult)

    def _update_count(self, index):
        count = self._index_update_count.get(index, self.begin_num_update) + 1
        self._index_update_count[index] = count
        self.num_update = max(count, self.num_update)
        return count

    def _get_lr(self, index):
        lr = self.learning_rate
        param = self.param_dict.get(index)
        if param is not None:
            return lr * param.lr_mult
        return lr * self.lr_mult.get(index, self.lr_mult.get(self.idx2name.get(index), 1.0))

    def _get_wd(self, index):
        param = self.param_dict.get(index)
        if param is not None:
            return self.wd * param.wd_mult
        return self.wd * self.wd_mult.get(index, self.wd_mult.get(self.idx2name.get(index), 1.0))

    # ---- the rule -------------------------------------------------------------------------------
    def create_state(self, index, weight):
        return None

    def create_state_multi_precision(self, index, weight):
        return self.create_state(index, weight)

    def _hyper(self):
        """Static hyper-parameters of ``_step`` (part of the compiled update's cache key)."""
        return ()

    _step = None  # built-in rules: (weight, grad, state, lr, wd, t, rescale, clip) -> (weight, state)

    def update(self, index, weight, grad, state):
        """Update one parameter in place (MXNet's per-parameter API)."""
        if self._step is None:
            raise NotImplementedError(f"{type(self).__name__} must implement update()")
        fused_update(self, [index], [weight], [grad], [state])

    def update_multi_precision(self, index, weight, grad, state):
        self.update(index, weight, grad, state)

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "param_dict"}


def _tree_data(state):
    if state is None:
        return None
    if isinstance(state, (list, tuple)):
        return tuple(_tree_data(s) for s in state)
    return state._data()


def _tree_write(state, new):
    if state is None:
        return
    if isinstance(state, (list, tuple)):
        for s, n in zip(state, new):
            _tree_write(s, n)
        return
    state._rebind(constant(new, state.context))


_fused = {}


def fused_update(optimizer, indices, weights, grads, states):
    """Apply ``optimizer``'s rule to every (weight, grad, state) in one compiled call."""
    counts = [optimizer._update_count(i) for i in indices]
    lrs = np.array([optimizer._get_lr(i) for i in indices], dtype=np.float64)
    wds = np.array([optimizer._get_wd(i) for i in indices], dtype=np.float64)
    ts = np.array(counts, dtype=np.float64)
    rescale = np.float64(optimizer.rescale_grad)
    clip = optimizer.clip_gradient
    has_clip = clip is not None and clip >= 0
    key = (type(optimizer), optimizer._hyper(), has_clip,
           tuple((w._value.aval, g._value.aval) for w, g in zip(weights, grads)))
    fn = _fused.get(key)
    if fn is None:
        step = optimizer._step

        def run(ws, gs, ss, lrs, wds, ts, rescale, clip):
            new_w, new_s = [], []
            for k, (w, g, s) in enumerate(zip(ws, gs, ss)):
                g = g.astype(w.dtype) * rescale.astype(w.dtype)
                if has_clip:
                    g = jnp.clip(g, -clip, clip).astype(w.dtype)
                nw, ns = step(w, g, s, lrs[k].astype(w.dtype), wds[k].astype(w.dtype), ts[k])
                new_w.append(nw.astype(w.dtype))
                new_s.append(ns)
            return new_w, new_s
        fn = _fused[key] = jax.jit(run)
    new_w, new_s = fn([w._data() for w in weights], [g._data() for g in grads], [_tree_data(s) for s in states],
                      lrs, wds, ts, rescale, np.float64(clip if has_clip else 0.0))
    for w, nw in zip(weights, new_w):
        w._set_variable_data(nw)
    for s, ns in zip(states, new_s):
        _tree_write(s, ns)


@register
class SGD(Optimizer):
    """SGD with momentum: ``mom = momentum*mom - lr*(grad + wd*weight); weight += mom``
    (without momentum: ``weight -= lr*(grad + wd*weight)``)."""

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        if self.momentum == 0.0:
            return None
        return nd.zeros(weight.shape, weight.context, dtype=weight.dtype)

    def _hyper(self):
        return (self.momentum,)

    def _step(self, weight, grad, mom, lr, wd, t):
        if mom is None:
            return weight - lr * (grad + wd * weight), None
        mom = self.momentum * mom - lr * (grad + wd * weight)
        return weight + mom, mom


@register
class Adam(Optimizer):
    """Adam (MXNet's rule: the bias corrections scale lr; wd is added to the gradient)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return (nd.zeros(weight.shape, weight.context, dtype=weight.dtype),
                nd.zeros(weight.shape, weight.context, dtype=weight.dtype))

    def _hyper(self):
        return (self.beta1, self.beta2, self.epsilon)

    def _step(self, weight, grad, state, lr, wd, t):
        mean, var = state
        lr = lr * jnp.sqrt(1.0 - self.beta2 ** t).astype(weight.dtype) / (1.0 - self.beta1 ** t).astype(weight.dtype)
        grad = grad + wd * weight
        mean = self.beta1 * mean + (1.0 - self.beta1) * grad
        var = self.beta2 * var + (1.0 - self.beta2) * jnp.square(grad)
        return weight - lr * mean / (jnp.sqrt(var) + self.epsilon), (mean, var)


class Updater:
    """MXNet's updater object: ``updater(index, grad, weight)`` creates states lazily."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}

    def __call__(self, index, grad, weight):
        if index not in self.states:
            self.states[index] = self.optimizer.create_state(index, weight)
        self.optimizer.update(index, weight, grad, self.states[index])


def get_updater(optimizer):
    return Updater(optimizer)

