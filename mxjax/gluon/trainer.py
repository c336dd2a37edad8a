"""``gluon.Trainer``: applies an Optimizer to a set of Parameters, as MXNet 1.9.1 does.

* A dict of parameters is taken in sorted-name order; a parameter's index in that
  order is its optimizer index (``param_dict`` gives the optimizer each Parameter's
  ``lr_mult``/``wd_mult``, read at every step).
* ``step(batch_size)`` sets ``rescale_grad = optimizer's rescale_grad / batch_size``,
  reduces the gradients over contexts and updates every parameter; one compiled call
  per context updates all of them (``mx.optimizer.optimizer.fused_update``).
* A parameter whose gradient no backward has written since its last update raises
  MXNet's UserWarning (raised, not warned) unless ``ignore_stale_grad=True``, which skips
  it.  Parameters with ``grad_req='null'`` are skipped.
* KVStore: as in MXNet, one context needs none; several contexts with a kvstore type
  ('device', 'local') sum the gradients, and by default update on the "kvstore" (one
  update of the first context's weights, copied to the others; ``allreduce_grads()`` and
  ``update()`` then raise MXNet's AssertionError).  ``update_on_kvstore=False`` writes the
  summed gradient into every context and updates each with its own states.
  ``kvstore=None`` does no reduction at all.  Distributed kvstores are not available.
* ``save_states``/``load_states`` use MXNet's NDArray file format (``nd.save``) with
  mxjax's own layout: every state array, the update counts and the optimizer's and
  scheduler's numeric attributes.  MXNet writes a pickle instead; files do not cross over.
"""
import os

import numpy as np

from .._engine.graph import constant
from ..base import NotImplementedForMXJax
from .. import optimizer as opt
from .parameter import Parameter, ParameterDict

__all__ = ["Trainer"]


class Trainer:
    def __init__(self, params, optimizer, optimizer_params=None, kvstore="device", compression_params=None,
                 update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(list(params.keys()))]
        if not isinstance(params, (list, tuple)):
            raise ValueError(f"First argument must be a list or dict of Parameters, got {type(params)}.")
        self._params = []
        self._param2idx = {}
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise ValueError(f"First argument must be a list or dict of Parameters, got list of {type(param)}.")
            self._param2idx[param.name] = i
            self._params.append(param)
            param._set_trainer(self)
        self._compression_params = compression_params
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params if optimizer_params else {})
        self._scale = self._optimizer.rescale_grad
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._reset_kvstore()

    def _check_contexts(self):
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            assert contexts is None or contexts == ctx, (
                f"All Parameters must be initialized on the same set of contexts, but Parameter {param.name} is "
                f"initialized on {ctx} while previous Parameters are initialized on {contexts}.")
            contexts = ctx
        return contexts

    def _init_optimizer(self, optimizer, optimizer_params):
        param_dict = {i: param for i, param in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            assert not optimizer_params, ("optimizer_params must be None if optimizer is an instance of Optimizer "
                                          "instead of str")
            self._optimizer = optimizer
            # not copied: a later change of a Parameter's lr_mult/wd_mult takes effect
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updaters = [opt.get_updater(self._optimizer) for _ in (self._contexts or [None])]

    # ---- kvstore emulation ---------------------------------------------------------------------
    def _reset_kvstore(self):
        self._kv_initialized = False
        self._kvstore = None
        self._distributed = None
        self._update_on_kvstore = None
        self._kv_updater = None
        self._params_to_init = list(self._params)

    def _init_kvstore(self):
        kvstore = self._kvstore_params["kvstore"]
        num_device = len(self._contexts or [None])
        if kvstore is None:
            kv = None
        elif isinstance(kvstore, str):
            if "dist" in kvstore:
                raise NotImplementedForMXJax(f"kvstore '{kvstore}': mxjax has no distributed kvstore; use one "
                                             "process with several contexts, or kvstore='device'")
            kv = None if num_device == 1 else kvstore
        else:
            raise TypeError("kvstore must be KVStore, str or None")
        update_on_kvstore = bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
        if kv is None:
            update_on_kvstore = False
        elif kv == "local":
            largest = max(int(np.prod(p.shape)) for p in self._params) if self._params else 0
            if largest > 1024 * 1024 * 16:
                update_on_kvstore = False
        if self._kvstore_params["update_on_kvstore"] is not None and kv is not None:
            update_on_kvstore = self._kvstore_params["update_on_kvstore"]
        self._distributed = False
        if kv is not None:
            self._kvstore = kv
            self._update_on_kvstore = update_on_kvstore
            if update_on_kvstore:
                self._kv_updater = opt.get_updater(self._optimizer)
        else:
            self._kvstore = None
            self._update_on_kvstore = None
        self._kv_initialized = True

    def _init_params(self):
        """Copy the first context's weights to the others (MXNet's kvstore broadcast)."""
        pending = []
        if self._kvstore:
            for param in self._params_to_init:
                if param._deferred_init:
                    pending.append(param)
                    continue
                arrays = param.list_data()
                for arr in arrays[1:]:
                    arr._set_variable_data(arrays[0].as_in_context(arr.context)._data())
        self._params_to_init = pending

    def _prepare(self):
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()

    # ---- public API ----------------------------------------------------------------------------
    @property
    def learning_rate(self):
        if not isinstance(self._optimizer, opt.Optimizer):
            raise UserWarning("Optimizer has to be defined before its learning rate can be accessed.")
        return self._optimizer.learning_rate

    @property
    def optimizer(self):
        if isinstance(self._optimizer, opt.Optimizer):
            return self._optimizer
        raise UserWarning("Optimizer has not been initialized yet")

    def set_learning_rate(self, lr):
        if not isinstance(self._optimizer, opt.Optimizer):
            raise UserWarning("Optimizer has to be defined before its learning rate is mutated.")
        self._optimizer.set_learning_rate(lr)

    def _check_and_rescale_grad(self, scale):
        self._optimizer.rescale_grad = scale

    def step(self, batch_size, ignore_stale_grad=False):
        """One update with gradients normalized by ``1 / batch_size`` (after a backward, outside
        ``record()``): ``allreduce_grads()`` then ``update()``."""
        self._check_and_rescale_grad(self._scale / batch_size)
        self._prepare()
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self):
        """Sum the gradients over contexts (for a transformation between reduce and update)."""
        self._prepare()
        assert not (self._kvstore and self._update_on_kvstore), (
            "allreduce_grads() when parameters are updated on kvstore is not supported. Try setting "
            "`update_on_kvstore` to False when creating trainer.")
        self._allreduce_grads()

    def update(self, batch_size, ignore_stale_grad=False):
        """The update half of ``step`` (after ``allreduce_grads()``)."""
        self._prepare()
        assert not (self._kvstore and self._update_on_kvstore), (
            "update() when parameters are updated on kvstore is not supported. Try setting "
            "`update_on_kvstore` to False when creating trainer.")
        self._check_and_rescale_grad(self._scale / batch_size)
        self._update(ignore_stale_grad)

    def _allreduce_grads(self):
        if not self._kvstore:
            return
        kv_indices, kv_weights, kv_grads = [], [], []
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            grads = param.list_grad()
            total = grads[0].copy()
            for g in grads[1:]:
                total += g.as_in_context(total.context)
            if self._update_on_kvstore:
                kv_indices.append(i)
                kv_weights.append(param.list_data()[0])
                kv_grads.append(total)
            else:
                for g in grads:
                    g._rebind(constant(total.as_in_context(g.context)._data(), g.context))
        if kv_indices:
            # the "kvstore" updates the first context's copy once, then every context pulls it
            self._kv_updater(kv_indices, kv_grads, kv_weights)
            for i in kv_indices:
                arrays = self._params[i].list_data()
                for arr in arrays[1:]:
                    arr._set_variable_data(arrays[0].as_in_context(arr.context)._data())

    def _update(self, ignore_stale_grad=False):
        updates = [[] for _ in self._updaters]
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            datas = param.list_data()
            if not ignore_stale_grad:
                for data in datas:
                    if not _fresh(data):
                        raise UserWarning(
                            f"Gradient of Parameter `{param.name}` on context {data.context} has not been updated "
                            "by backward since last `step`. This could mean a bug in your model that made it only "
                            "use a subset of the Parameters (Blocks) for this iteration. If you are intentionally "
                            "only using a subset, call step with ignore_stale_grad=True to suppress this warning "
                            "and skip updating of Parameters with stale gradient")
            if self._kvstore and self._update_on_kvstore:
                continue
            for upd, arr in zip(updates, datas):
                if not ignore_stale_grad or _fresh(arr):
                    upd.append((i, arr.grad, arr))
                    arr._var.fresh = False
        if self._kvstore and self._update_on_kvstore:
            return
        for updater, upd in zip(self._updaters, updates):
            if upd:
                indices, grads, weights = zip(*upd)
                updater(list(indices), list(grads), list(weights))

    # ---- states --------------------------------------------------------------------------------
    def _all_updaters(self):
        named = [(str(k), u) for k, u in enumerate(self._updaters)]
        if self._kv_updater is not None:
            named.append(("kv", self._kv_updater))
        return named

    def save_states(self, fname):
        """Save the optimizer states, update counts and the optimizer's numeric settings."""
        from .. import ndarray as nd
        assert self._optimizer is not None
        self._prepare()
        arrays = {}
        for slot, updater in self._all_updaters():
            for index, state in updater.states.items():
                for path, arr in _flatten_state(state):
                    arrays[f"state/{slot}/{index}{path}"] = arr
        optimizer = self._optimizer
        for device, counts in optimizer._all_index_update_counts.items():
            for index, count in counts.items():
                arrays[f"count/{device}/{index}"] = nd.array([count], dtype="int64")
        for prefix, obj in (("optimizer", optimizer), ("lr_scheduler", optimizer.lr_scheduler)):
            for name, value in _numeric_attrs(obj):
                arrays[f"{prefix}/{name}"] = nd.array([value], dtype=_ATTR_DTYPES[type(value)])
        nd.save(fname, arrays)

    def load_states(self, fname):
        """Load what ``save_states`` wrote: states (created now for initialized parameters),
        update counts and the optimizer's and scheduler's numeric settings."""
        from .. import ndarray as nd
        self._prepare()
        loaded = nd.load(fname)
        optimizer = self._optimizer
        for prefix, obj in (("optimizer", optimizer), ("lr_scheduler", optimizer.lr_scheduler)):
            for name, value in _numeric_attrs(obj):
                key = f"{prefix}/{name}"
                if key in loaded:
                    setattr(obj, name, type(value)(loaded[key].asnumpy()[0]))
        counts = {}
        for key, arr in loaded.items():
            if key.startswith("count/"):
                _, device, index = key.split("/")
                counts.setdefault(int(device), {})[_index_key(index)] = int(arr.asnumpy()[0])
        optimizer._all_index_update_counts = counts or {0: {}}
        optimizer._all_index_update_counts.setdefault(0, {})
        optimizer._index_update_count = optimizer._all_index_update_counts[0]
        by_slot = {}
        for key, arr in loaded.items():
            if key.startswith("state/"):
                _, slot, rest = key.split("/", 2)
                index, _, path = rest.partition("/")
                by_slot.setdefault(slot, {}).setdefault(_index_key(index), {})[path] = arr
        for slot, updater in self._all_updaters():
            updater.states, updater.states_synced = {}, {}
            ctx_pos = 0 if slot == "kv" else int(slot)
            for index, leaves in by_slot.get(slot, {}).items():
                param = self._params[index] if isinstance(index, int) and index < len(self._params) else None
                if param is None or param._data is None:
                    continue
                weight = param.list_data()[ctx_pos]
                state = optimizer.create_state_multi_precision(index, weight)
                for path, arr in _flatten_state(state):
                    if path.lstrip("/") in leaves:
                        arr[:] = leaves[path.lstrip("/")].as_in_context(arr.context)
                updater.states[index] = state
                updater.states_synced[index] = True
        optimizer.param_dict = {i: param for i, param in enumerate(self._params)}


def _fresh(data):
    return data._var is not None and data._var.fresh


_ATTR_DTYPES = {bool: "int8", int: "int64", float: "float64"}


def _numeric_attrs(obj):
    """The public bool/int/float attributes of an optimizer or scheduler (its settings and
    counters: lr, wd, rescale_grad, num_update, base_lr, count...)."""
    if obj is None:
        return []
    return sorted((k, v) for k, v in vars(obj).items()
                  if not k.startswith("_") and type(v) in _ATTR_DTYPES)


def _index_key(text):
    return int(text) if text.lstrip("-").isdigit() else text


def _flatten_state(state, path=""):
    """(path, NDArray) for every array of a (nested) state; None entries are skipped."""
    if state is None:
        return []
    if isinstance(state, (list, tuple)):
        out = []
        for k, s in enumerate(state):
            out.extend(_flatten_state(s, f"{path}/{k}"))
        return out
    return [(path, state)]
