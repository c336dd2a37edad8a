"""``gluon.Trainer``: applies an optimizer to a set of Parameters.

``step(batch_size)`` rescales gradients by ``1 / batch_size`` (MXNet's
``rescale_grad``), sums them over contexts, and updates every parameter in one
compiled call.  A parameter whose gradient was not written by a backward since
the last step raises UserWarning (MXNet raises it, not warns) unless
``ignore_stale_grad=True``, in which case it is skipped.
"""
from collections import OrderedDict

from ..base import MXNetError
from .. import optimizer as opt
from .parameter import Parameter, ParameterDict

__all__ = ["Trainer"]


class Trainer:
    def __init__(self, params, optimizer, optimizer_params=None, kvstore="device", compression_params=None,
                 update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = list(params.values())
        if not isinstance(params, (list, tuple)):
            raise MXNetError("First argument must be a list or dict of Parameters, got "
                             f"{type(params).__name__}.")
        self._params = []
        self._param2idx = {}
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise MXNetError(f"First argument must be a list or dict of Parameters, got list of "
                                 f"{type(param).__name__}.")
            self._param2idx[param.name] = i
            self._params.append(param)
        self._scale = (optimizer_params or {}).get("rescale_grad", 1.0)
        self._init_optimizer(optimizer, optimizer_params or {})
        self._states = OrderedDict()
        self._kvstore = kvstore

    def _init_optimizer(self, optimizer, optimizer_params):
        param_dict = {i: param for i, param in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise MXNetError("optimizer_params must be None if optimizer is an instance of Optimizer "
                                 "instead of str")
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)

    @property
    def optimizer(self):
        return self._optimizer

    @property
    def learning_rate(self):
        return self._optimizer.learning_rate

    def set_learning_rate(self, lr):
        self._optimizer.set_learning_rate(lr)

    def step(self, batch_size, ignore_stale_grad=False):
        """One optimization step with gradients normalized by ``1 / batch_size``."""
        self._optimizer.rescale_grad = self._scale / batch_size
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self):
        self._allreduce_grads()

    def update(self, batch_size, ignore_stale_grad=False):
        self._optimizer.rescale_grad = self._scale / batch_size
        self._update(ignore_stale_grad)

    def _allreduce_grads(self):
        for param in self._params:
            if param.grad_req == "null" or param._data is None or len(param._data) < 2:
                continue
            grads = param.list_grad()
            total = grads[0]
            for g in grads[1:]:
                total = total + g.as_in_context(total.context)
            for g in grads:
                g[:] = total.as_in_context(g.context)

    def _update(self, ignore_stale_grad=False):
        indices, weights, grads, states = [], [], [], []
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            datas = param.list_data()
            fresh = [d._var is not None and d._var.fresh for d in datas]
            if not all(fresh):
                if not ignore_stale_grad:
                    raise UserWarning(
                        f"Gradient of Parameter `{param.name}` on context {datas[fresh.index(False)].context} "
                        "has not been updated by backward since last `step`. This could mean a bug in your "
                        "model that made it only use a subset of the Parameters (Blocks) for this iteration. "
                        "If you are intentionally only using a subset, call step with ignore_stale_grad=True "
                        "to suppress this warning and skip updating of Parameters with stale gradient")
                continue
            for k, data in enumerate(datas):
                key = (i, k)
                if key not in self._states:
                    self._states[key] = self._optimizer.create_state_multi_precision(i, data)
                indices.append(i)
                weights.append(data)
                grads.append(data.grad)
                states.append(self._states[key])
        if not indices:
            return
        if self._optimizer._step is not None:
            opt.optimizer.fused_update(self._optimizer, indices, weights, grads, states)
        else:
            for i, w, g, s in zip(indices, weights, grads, states):
                self._optimizer.update_multi_precision(i, w, g, s)
        for w in weights:
            w._var.fresh = False

    def save_states(self, fname):
        """Optimizer states in MXNet's parameter file format (no pickle)."""
        from .. import ndarray as nd
        arrays = {}
        for (i, k), state in self._states.items():
            for j, arr in enumerate(_flatten_state(state)):
                arrays[f"{i}:{k}:{j}"] = arr
        arrays["__num_update__"] = nd.array([self._optimizer.num_update], dtype="int64")
        nd.save(fname, arrays)

    def load_states(self, fname):
        from .. import ndarray as nd
        loaded = nd.load(fname)
        self._optimizer.num_update = int(loaded.pop("__num_update__").asscalar())
        for (i, k), state in list(self._states.items()):
            flat = _flatten_state(state)
            for j, arr in enumerate(flat):
                name = f"{i}:{k}:{j}"
                if name in loaded:
                    arr[:] = loaded[name]


def _flatten_state(state):
    if state is None:
        return []
    if isinstance(state, (list, tuple)):
        return [a for s in state for a in _flatten_state(s)]
    return [state]
