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
* KVStore (mx.kv): as in MXNet, one context needs none; with several, a kvstore type
  ('device', 'local') or a KVStore object sums the gradients, and by default also holds
  and updates the weights (``update_on_kvstore``; ``allreduce_grads()`` and ``update()``
  then raise MXNet's AssertionError) and every context pulls the result.
  ``update_on_kvstore=False`` (or a kvstore without optimizer support, e.g. 'teststore')
  writes the summed gradients into every context, each updated with its own states.
  ``kvstore=None`` does no reduction at all.  Contexts on distinct JAX devices sum with
  one all-reduce node per parameter and update every context alike, so the whole step
  is one SPMD program (docs/distributed.md); ``dist_*`` kvstores sum over the worker
  processes of a jax.distributed job.
* ``save_states``/``load_states`` use MXNet's NDArray file format (``nd.save``) with
  mxjax's own layout: every state array, the update counts and the optimizer's and
  scheduler's numeric attributes.  MXNet writes a pickle instead; files do not cross over.
"""
import os

import numpy as np

from .. import kvstore as kvs
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

    # ---- kvstore ---------------------------------------------------------------------------------
    def _reset_kvstore(self):
        """Forget the kvstore (a Parameter's ``set_data``/``load`` does this when the kvstore
        holds the weights): the next step creates it again from the current weights."""
        self._kv_initialized = False
        self._kvstore = None
        self._distributed = None
        self._update_on_kvstore = None
        self._replicated = False
        self._reduced = {}
        self._params_to_init = list(self._params)

    def _init_kvstore(self):
        """Choose the kvstore and where updates happen, as MXNet's Trainer does: one context
        needs no kvstore (unless one is passed as an object); several sum their gradients in
        it, and it also holds and updates the weights (``update_on_kvstore``, default from
        MXNET_UPDATE_ON_KVSTORE=1) when it supports an optimizer."""
        config = self._kvstore_params
        sparse_weight = any(p.stype != "default" for p in self._params)
        sparse_grad = any(p.grad_stype != "default" for p in self._params)
        if sparse_weight:
            kvstore = config["kvstore"]
            if isinstance(kvstore, str):
                kvstore = kvs.create(kvstore)
            elif not isinstance(kvstore, kvs.KVStore):
                raise TypeError(f"Cannot create '{kvstore}' KVStore with row_sparse parameters. The type must be "
                                "KVStore or str.")
            update_on_kvstore = True
            if config["update_on_kvstore"] is False:
                raise ValueError("Cannot set update_on_kvstore=False when sparse weights are present.")
        else:
            kvstore, update_on_kvstore = _create_kvstore(config["kvstore"], len(self._contexts or [None]),
                                                         self._params)
            if sparse_grad:
                update_on_kvstore = False
                if config["update_on_kvstore"] is not None:
                    update_on_kvstore = config["update_on_kvstore"]
                if kvstore is not None and not isinstance(kvstore, kvs.KVStore):
                    raise ValueError(f"Cannot use {type(kvstore)} for multi-device training with sparse gradients")
            else:
                if config["update_on_kvstore"] is not None:
                    update_on_kvstore = config["update_on_kvstore"]
                if update_on_kvstore and not kvstore.is_capable(kvs.KVStoreBase.OPTIMIZER):
                    if config["update_on_kvstore"]:
                        raise ValueError(f"Please set update_on_kvstore=False when training with {type(kvstore)}")
                    update_on_kvstore = False
        self._distributed = False
        if kvstore:
            if self._compression_params:
                kvstore.set_gradient_compression(self._compression_params)
            if update_on_kvstore:
                kvstore.set_optimizer(self._optimizer)
            self._kvstore = kvstore
            self._update_on_kvstore = update_on_kvstore
        else:
            self._kvstore = None
            self._update_on_kvstore = None
        self._replicated = (isinstance(self._kvstore, kvs.KVStore) and not sparse_weight and not sparse_grad
                            and len({c.jax_device for c in self._contexts}) == len(self._contexts) > 1)
        self._kv_initialized = True

    def _init_params(self):
        """Put each initialized parameter in the kvstore: its first context's weights, which
        every context then gets (MXNet's broadcast); deferred ones wait for a later step."""
        pending = []
        if self._kvstore:
            for param in self._params_to_init:
                if param._deferred_init:
                    pending.append(param)
                    continue
                arrays = param._list_arrays()
                index = self._param2idx[param.name]
                if param.stype != "default":
                    self._kvstore.init(index, arrays[0])
                else:
                    self._kvstore.broadcast(index, arrays[0], arrays)
        self._params_to_init = pending

    def _prepare(self):
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()

    def _row_sparse_pull(self, parameter, out, row_id, full_idx=False):
        """Fill ``out`` (one array or a list) with the rows ``row_id`` of ``parameter``'s value
        in the kvstore; ``full_idx``: all rows, one plain pull."""
        self._prepare()
        index = self._param2idx[parameter.name]
        if full_idx and "dist" not in self._kvstore.type:
            self._kvstore.pull(index, out=out, priority=-index, ignore_sparse=False)
        else:
            self._kvstore.row_sparse_pull(index, out=out, row_ids=row_id, priority=-index)

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
        """Sum each parameter's gradients over its contexts in the kvstore: the sums come
        back into every gradient, or, when the kvstore updates, the updated weights come
        back into every context.  mxjax's KVStore takes all parameters in one call (one
        fused update); another kvstore gets them one by one, as MXNet hands them over."""
        if not self._kvstore:
            return
        if self._replicated:
            self._allreduce_replicated()
            return
        dense = []
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            grads = param.list_grad()
            if getattr(grads[0], "stype", "default") != "default":
                self._kvstore.push(i, grads, priority=-i)
                if param.stype == "default":
                    pulled = param._list_arrays() if self._update_on_kvstore else grads
                    self._kvstore.pull(i, pulled, priority=-i, ignore_sparse=self._distributed)
                continue
            dense.append((i, grads, param._list_arrays() if self._update_on_kvstore else None))
        if not dense:
            return
        if isinstance(self._kvstore, kvs.KVStore):
            indices, grads, datas = zip(*dense)
            self._kvstore.pushpull(list(indices), list(grads), out=list(datas) if self._update_on_kvstore else None)
            return
        for i, grads, datas in dense:
            self._kvstore.pushpull(i, grads, out=datas, priority=-i)

    def _allreduce_replicated(self):
        """Contexts on distinct devices: each parameter's gradients are summed by one
        all-reduce node per parameter, so the step (every context's forward, backward and
        update) is computed as one SPMD program over the devices.  The sums replace the
        gradients (``update_on_kvstore=False``, as MXNet's pull into them) or only feed the
        update (``update_on_kvstore``: MXNet's gradients keep their per-context values);
        every context then applies the same update to its copy, which gives the numbers
        the kvstore's single update and pull give."""
        self._reduced = {}
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            grads = param.list_grad()
            if self._update_on_kvstore:
                self._reduced[i] = self._kvstore._allreduce(i, grads, store=False)
            else:
                for g, total in zip(grads, self._kvstore._allreduce(i, grads)):
                    g._assign(total._value)

    def _update(self, ignore_stale_grad=False):
        local = not (self._kvstore and self._update_on_kvstore) or self._replicated
        reduced, self._reduced = self._reduced, {}
        updates = [[] for _ in self._updaters]
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            datas = param._list_arrays()
            if not ignore_stale_grad:
                for data in datas:
                    if not _fresh(data):
                        raise UserWarning(
                            f"Gradient of Parameter `{param.name}` on context {data.context} has not been updated "
                            "by backward since last `step`. This could mean a bug in your model that made it only "
                            "use a subset of the Parameters (Blocks) for this iteration. If you are intentionally "
                            "only using a subset, call step with ignore_stale_grad=True to suppress this warning "
                            "and skip updating of Parameters with stale gradient")
            if not local:
                continue
            sums = reduced.get(i)
            for r, (upd, arr) in enumerate(zip(updates, datas)):
                if not ignore_stale_grad or _fresh(arr):
                    upd.append((i, arr.grad if sums is None else sums[r], arr))
                    arr._var.fresh = False
            if sums is not None:   # the kvstore holds the weights: the same (updated) values
                self._kvstore._store[i] = datas[0]
        if not local:
            return
        for updater, upd in zip(self._updaters, updates):
            if upd:
                indices, grads, weights = zip(*upd)
                updater(list(indices), list(grads), list(weights))

    # ---- states --------------------------------------------------------------------------------
    def _all_updaters(self):
        named = [(str(k), u) for k, u in enumerate(self._updaters)]
        if self._kvstore and self._update_on_kvstore:
            named.append(("kv", self._kvstore._updater))
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
                weight = param._list_arrays()[ctx_pos]
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


def _create_kvstore(kvstore, num_device, params):
    """(kvstore or None, update_on_kvstore) for dense parameters, as MXNet chooses them: a
    type name with one context gives no kvstore; 'local' updates locally when a parameter
    has more than 16M elements; a kvstore without optimizer support never updates."""
    update_on_kvstore = bool(int(os.getenv("MXNET_UPDATE_ON_KVSTORE", "1")))
    if kvstore is None:
        kv = None
    elif isinstance(kvstore, kvs.KVStoreBase):
        kv = kvstore
    elif isinstance(kvstore, str):
        if num_device == 1 and "dist" not in kvstore:
            kv = None
        else:
            kv = kvs.create(kvstore)
            if kvstore == "local" and max(int(np.prod(p.shape)) for p in params) > 1024 * 1024 * 16:
                update_on_kvstore = False
    else:
        raise TypeError("kvstore must be KVStore, str or None")
    if kv is None:
        return None, False
    return kv, update_on_kvstore and kv.is_capable(kvs.KVStoreBase.OPTIMIZER)
