"""The Optimizer base class, its registry, ``Updater`` and the fused update engine.

MXNet runs one kernel per parameter (or per group of four for SGD).  mxjax states each
built-in rule as a pure function ``_step(weight, grad, state, p)`` on jax arrays and
applies it to every parameter of a step as ONE node of the trace (``fused_update``), which
runs in the same compiled call as the backward pass: the learning rates, weight decays,
update counts, ``rescale_grad`` and ``clip_gradient`` are inputs of that node, so a
changing learning rate or batch size never recompiles.
Bookkeeping stays MXNet's: ``_update_count`` then ``_get_lrs``/``_get_wds`` per index,
``num_update`` the largest count, per-device counts (``_set_current_context``), and
``param_dict`` > ``lr_mult``/``wd_mult`` by index > by name for the multipliers.

A user optimizer that overrides ``update`` (or ``update_multi_precision``) runs its own
Python code per parameter, as in MXNet.
"""
import pickle
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from .. import ndarray as nd
from .._engine import deferral
from .._engine.graph import Aval, OpInstance, apply, constant
from ..ndarray.ndarray import scalar_value
from ..ndarray import NDArray

__all__ = ["Optimizer", "register", "create", "Updater", "get_updater"]


class Optimizer:
    """Base class of all optimizers (MXNet 1.9.1's constructor and attributes).

    ``learning_rate`` defaults to 0.01 when there is no ``lr_scheduler``; a
    ``learning_rate`` given together with a scheduler overwrites the scheduler's
    ``base_lr`` (with the message MXNet prints)."""

    opt_registry = {}

    def __init__(self, rescale_grad=1., param_idx2name=None, wd=0., clip_gradient=None, learning_rate=None,
                 lr_scheduler=None, sym=None, begin_num_update=0, multi_precision=False, param_dict=None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if self.lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if self.lr_scheduler is not None and learning_rate is not None:
            if self.lr_scheduler.base_lr != learning_rate:
                print(UserWarning("learning rate from ``lr_scheduler`` has been overwritten by "
                                  "``learning_rate`` in optimizer."))
                self.lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        assert isinstance(param_idx2name, dict), "param_idx2name should be a dict of param indexes to names."
        self.idx2name = param_idx2name.copy()
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = False
        self.set_lr_mult({})
        self.set_wd_mult({})

    # ---- registry ------------------------------------------------------------------------------
    @staticmethod
    def register(klass):
        """Register ``klass`` under its lower-case class name (``@mx.optimizer.register``)."""
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            old = Optimizer.opt_registry[name]
            warnings.warn(f"WARNING: New optimizer {klass.__module__}.{klass.__name__} is overriding existing "
                          f"optimizer {old.__module__}.{old.__name__}")
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """An instance of the optimizer registered as ``name`` (case-insensitive)."""
        if name.lower() in Optimizer.opt_registry:
            return Optimizer.opt_registry[name.lower()](**kwargs)
        raise ValueError(f"Cannot find optimizer {name}")

    # ---- learning rate and multipliers ---------------------------------------------------------
    @property
    def learning_rate(self):
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr):
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. Note that set_learning_rate "
                              "can mutate the value of the learning rate of the optimizer only when the "
                              "LRScheduler of the optimizer is undefined.")
        self.lr = lr

    def set_lr_scale(self, args_lrscale):
        """[DEPRECATED] in MXNet too; use ``set_lr_mult``."""
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult):
        """Learning-rate multipliers by parameter index or name (names need ``param_idx2name``)."""
        self.lr_mult = {}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__lr_mult__" in attr[name]:
                    self.lr_mult[name] = float(attr[name]["__lr_mult__"])
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Weight-decay multipliers by index or name.  Named parameters not ending in ``_weight``
        or ``_gamma`` get 0 (no decay of biases and betas), as in MXNet."""
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith("_weight") or n.endswith("_gamma")):
                self.wd_mult[n] = 0.0
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and "__wd_mult__" in attr[name]:
                    self.wd_mult[name] = float(attr[name]["__wd_mult__"])
        self.wd_mult.update(args_wd_mult)

    def _set_current_context(self, device_id):
        """Keep separate update counts per device (one updater per context in gluon)."""
        if device_id not in self._all_index_update_counts:
            self._all_index_update_counts[device_id] = {}
        self._index_update_count = self._all_index_update_counts[device_id]

    def _update_count(self, index):
        if not isinstance(index, (list, tuple)):
            index = [index]
        counts = self._index_update_count
        for idx in index:
            if idx not in counts:
                counts[idx] = self.begin_num_update
            counts[idx] += 1
            self.num_update = max(counts[idx], self.num_update)

    def _get_lrs(self, indices):
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        lrs = [lr for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                lrs[i] *= self.param_dict[index].lr_mult
            elif index in self.lr_mult:
                lrs[i] *= self.lr_mult[index]
            elif index in self.idx2name:
                lrs[i] *= self.lr_mult.get(self.idx2name[index], 1.0)
        return lrs

    def _get_lr(self, index):
        return self._get_lrs([index])[0]

    def _get_wds(self, indices):
        wds = [self.wd for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                wds[i] *= self.param_dict[index].wd_mult
            elif index in self.wd_mult:
                wds[i] *= self.wd_mult[index]
            elif index in self.idx2name:
                wds[i] *= self.wd_mult.get(self.idx2name[index], 1.0)
        return wds

    def _get_wd(self, index):
        return self._get_wds([index])[0]

    # ---- states --------------------------------------------------------------------------------
    def create_state(self, index, weight):
        """The auxiliary state of one weight (None, an NDArray or a tuple of them)."""
        return None

    def create_state_multi_precision(self, index, weight):
        """With ``multi_precision`` and a float16 weight: ``(float32 master copy, state of the copy)``."""
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            return (master, self.create_state(index, master))
        if weight.dtype == np.float16 and not self.multi_precision:
            warnings.warn(self._fp16_warning())
        return self.create_state(index, weight)

    def _fp16_warning(self):
        return ("Accumulating with float16 in optimizer can lead to poor accuracy or slow convergence. "
                "Consider using multi_precision=True option of the optimizer")

    # ---- the update ----------------------------------------------------------------------------
    _step = None        # built-in rules: (weight, grad, state, p: StepScalars) -> (weight, state[, grad])
    #: False: the rule is one of MXNet's C++ kernels (float32 attributes; clipping only when
    #: clip_gradient is truthy and >= 0).  True: MXNet writes it with NDArray operations
    #: (scalars in the array's dtype; clipping whenever clip_gradient is not None).
    _ndarray_rule = False
    #: False for a rule that, like MXNet's Test optimizer, does not count its updates
    _counts_updates = True

    def _hyper(self):
        """Static hyper-parameters of ``_step`` (part of the compiled update's cache key)."""
        return ()

    def _aux(self, indices, counts):
        """Per-parameter extra scalars computed in Python, in index order (float64 rows)."""
        return None

    def _split_master(self, state):
        """``(float32 master weight, state of the master)`` of a multi-precision state."""
        return state[0], state[1]

    def _join_master(self, master, inner):
        return (master, inner)

    def _lazy_rows(self, weight):
        """With a row_sparse gradient, whether the update leaves the rows it does not store
        alone (MXNet's sparse kernels): SGD and Adam with ``lazy_update`` (their default)."""
        return getattr(self, "lazy_update", False)

    def _use_multi_precision(self, weight, state):
        return self.multi_precision and weight.dtype == np.float16

    def update(self, index, weight, grad, state):
        """Update ``weight`` (or the lists of weights) in place, in working precision."""
        if self._step is None:
            raise NotImplementedError()
        fused_update(self, index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        """``update`` on the float32 master copy for float16 weights with ``multi_precision``."""
        if type(self).update is not Optimizer.update or self._step is None:
            if self.multi_precision and weight.dtype == np.float16:
                master, inner = state[0], state[1]
                self.update(index, master, grad.astype(np.float32), inner)
                master.astype(weight.dtype).copyto(weight)
            else:
                self.update(index, weight, grad, state)
            return
        fused_update(self, index, weight, grad, state, multi_precision=True)

    def _is_fused(self):
        """True when this optimizer's update is the fused ``_step`` (not a Python ``update``)."""
        cls = type(self)
        return (self._step is not None and cls.update is Optimizer.update
                and cls.update_multi_precision is Optimizer.update_multi_precision)

    def __getstate__(self):
        ret = self.__dict__.copy()
        del ret["param_dict"]
        return ret

    def __setstate__(self, state):
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register
create = Optimizer.create_optimizer


# ---- the fused engine ----------------------------------------------------------------------------
class StepScalars:
    """The traced scalars one parameter's ``_step`` sees.

    ``lr``, ``wd``, ``rescale`` and ``clip`` are in the compute dtype.  For a rule that is a
    C++ kernel in MXNet they went through float32 first (kernel attributes are float32, cast
    to the weight's dtype); for a rule MXNet writes with NDArray operations they are cast
    straight to the array's dtype.  ``c(x)`` converts a constant (or a float64 value such as
    a bias-corrected learning rate) the same way.  ``lr64``/``wd64``/``t`` and ``aux`` are
    float64, what MXNet's Python code computes with; ``clip`` is None when clipping is off."""
    __slots__ = ("lr", "wd", "rescale", "clip", "lr64", "wd64", "t", "aux", "dtype", "kernel")

    def c(self, x):
        if self.kernel:
            return jnp.asarray(x, np.float32).astype(self.dtype)
        return jnp.asarray(x, self.dtype)


#: compiled fused updates by (rule, static hyper-parameters, clipping, multi-precision flags,
#: structure and avals of the arrays); a training loop reuses one entry step after step
_fused = {}
#: how many times a fused update was traced (compiled) and called
fused_stats = {"traces": 0, "calls": 0}


def _value_tree(state):
    if state is None:
        return None
    if isinstance(state, (list, tuple)):
        return tuple(_value_tree(s) for s in state)
    return state._value


def _write(arr, value):
    """Write ``value`` (a Value) into ``arr`` in place (keeping an autograd variable a variable)."""
    if arr._var is not None:
        arr._set_variable_value(value)
    else:
        arr._assign(value)


def _write_tree(state, new):
    if state is None:
        return
    if isinstance(state, (list, tuple)):
        for s, n in zip(state, new):
            _write_tree(s, n)
        return
    _write(state, new)


def _clip_value(opt):
    clip = opt.clip_gradient
    if opt._ndarray_rule:
        return clip
    return clip if clip and clip >= 0 else None


def fused_update(opt, indices, weights, grads, states, multi_precision=False):
    """Apply ``opt``'s rule to every (weight, grad, state) as ONE node of the trace.

    The node is deferred (``deferral.defer``): the next sync point computes it in the same
    compiled call as the backward pass that produced the gradients and the loss the program
    reads.  Scalars or lists are accepted, like MXNet's ``update``.  With
    ``multi_precision``, a float16 weight with a multi-precision state is updated through
    its float32 master copy."""
    if not isinstance(indices, (list, tuple)):
        indices, weights, grads, states = [indices], [weights], [grads], [states]
    indices, weights, grads, states = list(indices), list(weights), list(grads), list(states)
    if opt._counts_updates:
        opt._update_count(indices)
    counts = [opt._index_update_count.get(i, opt.begin_num_update) for i in indices]
    lrs = opt._get_lrs(indices)
    wds = opt._get_wds(indices)
    aux = opt._aux(indices, counts)   # after the learning rates: LARS reads the current one
    # one float64 row per parameter: learning rate, weight decay, update count, extra scalars
    table = np.column_stack([lrs, wds, counts] + ([] if aux is None else [np.asarray(aux, dtype=np.float64)]))
    ctx = weights[0].context
    clip = _clip_value(opt)
    scalars = [constant(table.astype(np.float64, copy=False), ctx)] + [
        scalar_value(float(x), np.dtype(np.float64), ctx) for x in (opt.rescale_grad, clip or 0.0)]
    mps = tuple(bool(multi_precision and opt._use_multi_precision(w, s)) for w, s in zip(weights, states))
    lazy = _lazy_flags(opt, weights, grads)
    values, in_tree = jax.tree_util.tree_flatten(
        ([w._value for w in weights], [g._value for g in grads], [_value_tree(s) for s in states]))
    inputs = tuple(values + scalars)
    avals = tuple(v.aval for v in inputs)
    key = (type(opt), opt._hyper(), clip is not None, mps, lazy, in_tree, avals)
    entry = _fused.get(key)
    if entry is None:
        entry = _fused[key] = _fused_instance(opt, mps, clip is not None, in_tree, avals, lazy)
    inst, out_tree = entry
    fused_stats["calls"] += 1
    outs = apply(inst, inputs, False, ctx)
    new_w, new_s, new_g = jax.tree_util.tree_unflatten(out_tree, outs)
    for w, nw in zip(weights, new_w):
        _write(w, nw)
    for s, ns in zip(states, new_s):
        _write_tree(s, ns)
    for g, ng in zip(grads, new_g):
        if ng is not None:
            _write(g, ng)
    deferral.update_follows()
    deferral.defer(outs)


def _lazy_flags(opt, weights, grads):
    """Per parameter: whether only the rows a row_sparse gradient stores are updated
    (``Optimizer._lazy_rows``); None when none is."""
    flags = tuple(g.stype == "row_sparse" and opt._lazy_rows(w) for w, g in zip(weights, grads))
    return flags if any(flags) else None


def _fused_instance(opt, mps, has_clip, in_tree, avals, lazy=None):
    """(op instance, output tree) of the fused update for one structure of arguments."""
    run = _make_fused(opt, mps, has_clip, lazy)
    n = len(avals) - 3

    def structured(*arrays):
        table, rescale, clip = arrays[n:]
        return run(*jax.tree_util.tree_unflatten(in_tree, arrays[:n]),
                   table[:, 0], table[:, 1], table[:, 2], table[:, 3:], rescale, clip)

    def flat(*arrays):
        return tuple(jax.tree_util.tree_leaves(structured(*arrays)))
    shapes = jax.eval_shape(structured, *[jax.ShapeDtypeStruct(a.shape, a.dtype) for a in avals])
    out_avals = tuple(Aval(tuple(o.shape), np.dtype(o.dtype)) for o in jax.tree_util.tree_leaves(shapes))
    return OpInstance("_fused_update", (), flat, out_avals), jax.tree_util.tree_structure(shapes)


def _make_fused(opt, mps, has_clip, lazy=None):
    step = opt._step

    def run(ws, gs, ss, lrs, wds, ts, aux, rescale, clip):
        fused_stats["traces"] += 1
        new_w, new_s, new_g = [], [], []
        for k, (w, g, s) in enumerate(zip(ws, gs, ss)):
            if mps[k]:
                work, inner = opt._split_master(s)
                g_in = g.astype(work.dtype)
            else:
                work, inner, g_in = w, s, g
            p = StepScalars()
            p.dtype, p.kernel = work.dtype, not opt._ndarray_rule
            p.lr, p.wd, p.rescale = p.c(lrs[k]), p.c(wds[k]), p.c(rescale)
            p.lr64, p.wd64, p.t, p.aux = lrs[k], wds[k], ts[k], aux[k]
            p.clip = p.c(clip) if has_clip else None
            out = step(work, g_in, inner, p)
            nw, ns = out[0].astype(work.dtype), out[1]
            if lazy is not None and lazy[k]:
                nw, ns = _rows_of(g, (nw, ns), (work, inner))
            if mps[k]:
                new_s.append(opt._join_master(nw, ns))
                new_w.append(nw.astype(w.dtype))
            else:
                new_s.append(ns)
                new_w.append(nw)
            # a rule that rescales the gradient in place (AdaDelta) does so on the float32
            # copy in multi-precision mode, as MXNet does
            new_g.append(out[2].astype(g.dtype) if len(out) > 2 and not mps[k] else None)
        return new_w, _cast_like(new_s, ss), new_g
    return run


def _rows_of(grad, new, old):
    """``new`` on the rows where the row_sparse ``grad`` stores values (its non-zero rows),
    ``old`` elsewhere: weights and states of the other rows stay untouched."""
    stored = jnp.any(grad.reshape(grad.shape[0], -1) != 0, axis=1)

    def pick(n, o):
        if n is None or o is None or getattr(n, "ndim", 0) == 0 or n.shape[:1] != grad.shape[:1]:
            return n
        return jnp.where(stored.reshape((-1,) + (1,) * (n.ndim - 1)), n, o)
    return jax.tree_util.tree_map(pick, new, old, is_leaf=lambda x: x is None)


def _cast_like(new, old):
    """Keep each state array in its own dtype (states of float32 kept for float64 weights, say)."""
    if old is None or new is None:
        return None
    if isinstance(old, (list, tuple)):
        return tuple(_cast_like(n, o) for n, o in zip(new, old))
    return new.astype(old.dtype)


def clip_grad(g, p):
    """MXNet's ``clip(g, -c, c)`` when clipping is on."""
    return g if p.clip is None else jnp.clip(g, -p.clip, p.clip)


# ---- Updater ---------------------------------------------------------------------------------------
class Updater:
    """MXNet's updater: ``updater(index, grad, weight)`` (or lists of each) creates each
    index's state on first use and applies the optimizer; ``get_states``/``set_states``
    pickle the states (and optionally the optimizer), as MXNet does."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self.aggregate_updates = optimizer.aggregate_num > 0

    def __call__(self, index, grad, weight):
        if not isinstance(index, (list, tuple)):
            indices, grads, weights = [index], [grad], [weight]
        else:
            indices, grads, weights = list(index), list(grad), list(weight)
        if weights:
            self.optimizer._set_current_context(weights[0].context.device_id)
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                indices[i] = idx = idx.decode()
            if idx not in self.states:
                self.states[idx] = self.optimizer.create_state_multi_precision(idx, weights[i])
                self.states_synced[idx] = True
            elif not self.states_synced[idx]:
                self.states[idx] = self.sync_state_context(self.states[idx], weights[i].context)
                self.states_synced[idx] = True
        if self.optimizer._is_fused():
            fused_update(self.optimizer, indices, weights, grads, [self.states[i] for i in indices],
                         multi_precision=True)
        elif self.aggregate_updates:
            by_dtype = {}
            for i, w, g in zip(indices, weights, grads):
                by_dtype.setdefault(w.dtype, []).append((i, w, g))
            size = self.optimizer.aggregate_num
            for group in by_dtype.values():
                for start in range(0, len(group), size):
                    idx, ws, gs = zip(*group[start:start + size])
                    self.optimizer.update_multi_precision(list(idx), list(ws), list(gs),
                                                          [self.states[i] for i in idx])
        else:
            for i, w, g in zip(indices, weights, grads):
                self.optimizer.update_multi_precision(i, w, g, self.states[i])

    def sync_state_context(self, state, context):
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states):
        """Set the states from ``get_states``' bytes (a pickle, as in MXNet)."""
        states = pickle.loads(states)
        if isinstance(states, tuple) and len(states) == 2:
            self.states, self.optimizer = states
        else:
            self.states = states
        self.states_synced = dict.fromkeys(self.states.keys(), False)

    def get_states(self, dump_optimizer=False):
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer):
    """The ``Updater`` of ``optimizer``."""
    return Updater(optimizer)


def zeros_like_weight(weight, dtype=None):
    """A zero state array shaped and placed like ``weight`` (``weight``'s dtype by default)."""
    return nd.zeros(weight.shape, weight.context, dtype=weight.dtype if dtype is None else dtype)


from .sgd import *  # noqa: E402,F401,F403  (the built-in rules register themselves on import)
from .adaptive import *  # noqa: E402,F401,F403
from . import sgd as _sgd, adaptive as _adaptive  # noqa: E402

__all__ += _sgd.__all__ + _adaptive.__all__
