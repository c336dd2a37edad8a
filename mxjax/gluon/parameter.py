"""Gluon parameters: ``Parameter``, ``Constant`` and ``ParameterDict``, as MXNet 1.9.1 names them.

A Parameter holds one NDArray per context (``list_data``) and, unless its
``grad_req`` is 'null', a gradient buffer for each (``attach_grad`` on the
data).  A shape with unknown dimensions (0, or None) defers initialization
until the first forward pass tells the layer its input size; reading the data
before that raises ``DeferredInitializationError`` (an MXNetError), reading an
uninitialized parameter raises RuntimeError, both with MXNet's messages.
"""
import re
import warnings
from collections import OrderedDict

import numpy as np

from .. import initializer
from .. import ndarray as nd
from .. import symbol
from ..base import MXNetError, as_dtype
from ..context import Context, cpu, current_context
from ..util import is_np_array

__all__ = ["DeferredInitializationError", "Parameter", "Constant", "ParameterDict"]


class DeferredInitializationError(MXNetError):
    """A parameter's data was read before its deferred initialization happened."""


def _shape_known(shape):
    return shape is not None and all(d > 0 for d in shape)


class Parameter:
    def __init__(self, name, grad_req="write", shape=None, dtype=np.float32, lr_mult=1.0, wd_mult=1.0,
                 init=None, allow_deferred_init=False, differentiable=True, stype="default",
                 grad_stype="default"):
        self.name = name
        self._shape = (shape,) if isinstance(shape, int) else (tuple(shape) if shape is not None else None)
        self.dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.init = init
        self.allow_deferred_init = allow_deferred_init
        self._differentiable = differentiable
        self._grad_req = grad_req if differentiable else "null"
        if self._grad_req not in ("write", "add", "null"):
            raise AssertionError(f"grad_req must be one of 'write', 'add', or 'null', but got '{grad_req}'")
        self._data = None            # list of NDArrays, one per context of _ctx_list (as MXNet)
        self._ctx_list = None
        self._deferred_init = ()     # (init, ctx list, default_init) while waiting for a shape
        valid_stypes = ("default", "row_sparse", "csr")
        assert stype in valid_stypes, f"Invalid stype '{stype}' for Parameter '{name}': use one of {valid_stypes}"
        assert grad_stype in valid_stypes, \
            f"Invalid grad_stype '{grad_stype}' for Parameter '{name}': use one of {valid_stypes}"
        self.stype, self.grad_stype = stype, grad_stype
        self._trainer = None         # the Trainer updating this parameter (its kvstore may hold the weights)
        self._var = None             # the Symbol variable of var(), made once

    def __repr__(self):
        return f"Parameter {self.name} (shape={self.shape}, dtype={self.dtype})"

    # ---- shape and requirements ---------------------------------------------------------------
    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        new_shape = tuple(new_shape)
        if self._shape is not None:
            ok = len(self._shape) == len(new_shape) and all(
                old in (0, new) for old, new in zip(self._shape, new_shape))
            if not ok:  # MXNet asserts
                raise AssertionError(f"Expected shape {new_shape} is incompatible with given shape {self._shape}.")
        self._shape = new_shape

    @property
    def grad_req(self):
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        if req not in ("write", "add", "null"):
            raise AssertionError(f"grad_req must be one of 'write', 'add', or 'null', but got '{req}'")
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if self._data is not None:
            for arr in self._data:
                self._attach(arr)

    def _attach(self, arr):
        if self._grad_req == "null":
            arr._drop_variable()
        else:
            arr.attach_grad(self._grad_req, stype=self.grad_stype)

    def _set_trainer(self, trainer):
        """Record the Trainer that updates this parameter; a sparse parameter takes only one."""
        if self.stype != "default" and self._trainer and trainer and self._trainer is not trainer:
            raise RuntimeError(f"Failed to set the trainer for Parameter '{self.name}' because it was already set. "
                               f"More than one trainers for a {self.stype} Parameter is not supported.")
        self._trainer = trainer

    # ---- initialization ----------------------------------------------------------------------------
    def initialize(self, init=None, ctx=None, default_init=initializer.Uniform(), force_reinit=False):
        """Allocate and fill the data (deferred until the shape is known, if allowed)."""
        if self._data is not None and not force_reinit:
            warnings.warn(f"Parameter '{self.name}' is already initialized, ignoring. "
                          "Set force_reinit=True to re-initialize.", stacklevel=2)
            return
        self._data = self._ctx_list = None
        ctx = _contexts(ctx)
        if init is None:
            init = default_init if self.init is None else self.init
        if not _shape_known(self._shape):
            if self.allow_deferred_init:
                self._deferred_init = (init, ctx, default_init)
                return
            raise ValueError(f"Cannot initialize Parameter '{self.name}' because it has invalid shape: "
                                  f"{self._shape}.")
        self._deferred_init = (init, ctx, default_init)
        self._finish_deferred_init()

    def _finish_deferred_init(self):
        if not self._deferred_init:
            return
        init, ctx, default_init = self._deferred_init
        if not _shape_known(self._shape):
            raise DeferredInitializationError(
                f"Cannot initialize Parameter '{self.name}' because it has invalid shape: {self._shape}. "
                "Please specify in_units, in_channels, etc for `Block`s.")
        self._deferred_init = ()
        data = nd.zeros(self._shape, ctx=ctx[0], dtype=self.dtype)
        initializer.create(default_init)(initializer.InitDesc(self.name, {"__init__": init}), data)
        self._init_impl(data, ctx)

    def _init_impl(self, data, ctx_list):
        arrays = []
        for ctx in ctx_list:
            arr = nd.array(data, ctx=ctx, dtype=data.dtype)
            if self.stype != "default":
                arr = arr.tostype(self.stype)
            elif is_np_array():   # npx.set_np(): parameters hold mx.np.ndarray, as MXNet's
                from ..numpy.multiarray import wrap
                arr = wrap(arr)
            self._attach(arr)
            arrays.append(arr)
        self._data, self._ctx_list = arrays, list(ctx_list)

    def _load_init(self, data, ctx, cast_dtype=False, dtype_source="current"):
        """Set the data from a loaded array (``load_parameters``)."""
        if self._shape is not None:
            self.shape = data.shape  # checks compatibility
        if cast_dtype:
            if dtype_source == "saved":
                self.dtype = data.dtype
            data = data.astype(self.dtype)
        elif np.dtype(data.dtype) != as_dtype(self.dtype):
            raise MXNetError(f"Failed loading Parameter '{self.name}' from saved params: dtype incompatible "
                             f"expected {as_dtype(self.dtype)} vs saved {np.dtype(data.dtype)}. "
                             "Set cast_dtype=True to cast the dtype of saved params.")
        self._shape = tuple(data.shape)
        if self._data is None:
            ctx = self._deferred_init[1] if self._deferred_init else _contexts(ctx)
            self._deferred_init = ()
            self._init_impl(data, ctx)
        elif np.dtype(data.dtype) != np.dtype(self._data[0].dtype):
            self._init_impl(data, self._ctx_list)   # dtype taken from the file: new buffers
        else:
            self.set_data(data)

    # ---- data and gradients ------------------------------------------------------------------------
    def _check_and_get(self, ctx):
        if self._data is not None:
            if ctx is list:
                return list(self._data)
            if ctx is None:
                if len(self._data) == 1:
                    return self._data[0]
                ctx = current_context()
            ctx_list = self._ctx_list
            if ctx in ctx_list:
                return self._data[ctx_list.index(ctx)]
            if ctx.device_type in ("cpu_shared", "cpu_pinned") and Context("cpu", ctx.device_id) in ctx_list:
                # MXNet: the CPU copy serves these
                return self._data[ctx_list.index(Context("cpu", ctx.device_id))]
            raise RuntimeError(f"Parameter '{self.name}' was not initialized on context {ctx}. It was only "
                               f"initialized on {ctx_list}.")
        if self._deferred_init:
            raise DeferredInitializationError(
                f"Parameter '{self.name}' has not been initialized yet because initialization was deferred. "
                "Actual initialization happens during the first forward pass. Please pass one batch of data "
                "through the network before accessing Parameters. You can also avoid deferred initialization "
                "by specifying in_units, num_features, etc., for network layers.")
        raise RuntimeError(f"Parameter '{self.name}' has not been initialized. Note that you should initialize "
                           "parameters and create Trainer with Block.collect_params() instead of Block.params "
                           "because the later does not include Parameters of nested child Blocks")

    def data(self, ctx=None):
        self._check_dense_access("data")
        return self._check_and_get(ctx)

    def list_data(self):
        self._check_dense_access("list_data")
        return self._list_arrays()

    def _list_arrays(self):
        """The data arrays on every context, whatever the storage type (for Trainer)."""
        return self._check_and_get(list)

    def _check_dense_access(self, what):
        if self.stype != "default":
            raise RuntimeError(f"Cannot return a copy of Parameter '{self.name}' via {what}() because its storage "
                               f"type is {self.stype}. Please use row_sparse_data() instead.")

    @property
    def _grad(self):
        """The gradient arrays, one per context; None without data or with grad_req 'null'
        (MXNet's attribute of that name)."""
        if self._data is None or self._grad_req == "null":
            return None
        return [arr.grad for arr in self._data]

    def grad(self, ctx=None):
        data = self._check_and_get(ctx)
        if self._grad_req == "null":
            raise RuntimeError(f"Cannot get gradient array for Parameter '{self.name}' because grad_req='null'")
        return data.grad

    def list_grad(self):
        if self._grad_req == "null":
            raise RuntimeError(f"Cannot get gradient array for Parameter '{self.name}' because grad_req='null'")
        return [d.grad for d in self._list_arrays()]

    def list_ctx(self):
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise RuntimeError(f"Parameter '{self.name}' has not been initialized")
        return list(self._ctx_list)

    def set_data(self, data):
        """Overwrite the data on every context (keeps the gradient buffers)."""
        self.shape = data.shape
        if self._data is None:
            if not self._deferred_init:
                raise RuntimeError(f"Parameter '{self.name}' has not been initialized")
            init, ctx, default = self._deferred_init
            self._deferred_init = ()
            self._init_impl(data if isinstance(data, nd.NDArray) else nd.array(data), ctx)
            return
        trainer = self._trainer
        if trainer and trainer._kv_initialized and trainer._update_on_kvstore:
            if self not in trainer._params_to_init:
                trainer._reset_kvstore()   # the kvstore's copy of the weights is out of date
        for ctx, arr in zip(self._ctx_list, self._data):
            src = data if isinstance(data, nd.NDArray) else nd.array(data, ctx=ctx, dtype=arr.dtype)
            arr._set_variable_data(src.as_in_context(ctx).astype(arr.dtype, copy=False)._data())

    def zero_grad(self):
        if self._data is None or self._grad_req == "null":
            return
        for arr in self._data:
            grad = arr.grad
            nd.zeros_like(grad, out=grad)

    def _reduce(self):
        """The data on cpu(0): the mean over the contexts, as MXNet saves a parameter; a
        row_sparse parameter's rows all come from its Trainer's kvstore."""
        if self.stype == "row_sparse" and self._trainer is not None:
            data = nd.zeros(self.shape, ctx=cpu(), dtype=self.dtype, stype="row_sparse")
            self._trainer._row_sparse_pull(self, data, nd.arange(0, self.shape[0], ctx=cpu(), dtype="int64"),
                                           full_idx=True)
            return data
        arrays = [d.copyto(cpu()) for d in self._list_arrays()]
        if len(arrays) == 1:
            return arrays[0]
        return nd.add_n(*arrays) / len(arrays)

    def reset_ctx(self, ctx):
        """Move the parameter to the contexts ``ctx``: each gets the mean over the old ones."""
        ctx = _contexts(ctx)
        if self._data is not None:
            self._init_impl(self._reduce(), ctx)
        elif self._deferred_init:
            init, _, default = self._deferred_init
            self._deferred_init = (init, ctx, default)
        else:
            raise ValueError(f"Cannot reset context for Parameter '{self.name}' because it has not been "
                             "initialized.")

    def cast(self, dtype):
        self.dtype = dtype
        if self._data is None:
            return
        for i, arr in enumerate(self._data):
            new = arr.astype(dtype)
            self._attach(new)
            self._data[i] = new

    def var(self):
        """The Symbol variable of this parameter (made on the first call, then the same one, as
        MXNet): its name, and its shape, dtype, lr_mult, wd_mult, init and stype as attributes."""
        if self._var is None:
            self._var = symbol.var(self.name, shape=self.shape, dtype=self.dtype, lr_mult=self.lr_mult,
                                   wd_mult=self.wd_mult, init=self.init, stype=self.stype)
        if is_np_array():   # under npx.set_np(): an mx.sym.np symbol, as MXNet's
            return self._var.as_np_ndarray()
        return self._var

    def row_sparse_data(self, row_id):
        """The parameter's array on ``row_id``'s context, refilled with the rows ``row_id``
        from its Trainer's kvstore (the other rows are dropped from this copy; the kvstore
        keeps them), as MXNet does; needs a Trainer created with this parameter."""
        self._check_row_sparse_access("row_sparse_data")
        arr = self._check_and_get(row_id.context)
        self._trainer._row_sparse_pull(self, arr, row_id)
        return arr

    def list_row_sparse_data(self, row_id):
        """``row_sparse_data`` on every context of the parameter."""
        self._check_row_sparse_access("list_row_sparse_data")
        arrays = self._list_arrays()
        self._trainer._row_sparse_pull(self, arrays, row_id)
        return arrays

    def _check_row_sparse_access(self, what):
        if self.stype != "row_sparse":
            raise RuntimeError(f"Cannot return copies of Parameter '{self.name}' via {what}() because its "
                               f"storage type is {self.stype}. Please use data() instead.")
        if self._trainer is None:
            raise RuntimeError(f"Cannot get row_sparse data for Parameter '{self.name}' when no Trainer is "
                               "created with it.")


class Constant(Parameter):
    """A parameter that is never updated (grad_req 'null'), initialized to ``value``."""

    def __init__(self, name, value):
        if not isinstance(value, nd.NDArray):
            value = nd.array(value)
        self.value = value
        super().__init__(name, grad_req="null", shape=value.shape, dtype=value.dtype,
                         init=initializer.Constant(value.asnumpy()), differentiable=False)

    def __repr__(self):
        return f"Constant {self.name} (shape={self.shape}, dtype={self.dtype})"


def _contexts(ctx):
    if ctx is None:
        return [current_context()]
    if isinstance(ctx, Context):
        return [ctx]
    return list(ctx)


class ParameterDict:
    """An ordered dict of Parameters sharing a name prefix."""

    def __init__(self, prefix="", shared=None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared

    def __repr__(self):
        body = "\n".join(f"  {p!r}" for p in self._params.values())
        return f"{self._prefix} (\n{body}\n)" if body else f"{self._prefix} (\n)"

    def __getitem__(self, key):
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __len__(self):
        return len(self._params)

    def __contains__(self, key):
        return key in self._params

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self):
        return self._prefix

    def _get_impl(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._params[name]
        return None

    def get(self, name, **kwargs):
        """The parameter ``prefix + name``, created with ``kwargs`` if it does not exist."""
        name = self._prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for key, value in kwargs.items():
            if key == "shape" and value is not None and param.shape is not None:
                param.shape = _merge_shapes(param.shape, value, name)
            elif hasattr(param, key) and getattr(param, key) is None:
                setattr(param, key, value)
        return param

    def get_constant(self, name, value=None):
        name = self._prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError(f"No constant named '{name}'. Please specify value if you want to create a new "
                               "constant.")
            param = Constant(name, value)
            self._params[name] = param
        return param

    def update(self, other):
        for k, v in other.items():
            if k in self._params and self._params[k] is not v:
                raise MXNetError(f"Cannot update self with other because they have different Parameters with "
                                 f"the same name '{k}'")
        for k, v in other.items():
            self._params[k] = v

    def initialize(self, init=initializer.Uniform(), ctx=None, verbose=False, force_reinit=False):
        for param in self.values():
            param.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self):
        """Set every gradient to zero: the dense ones with one ``reset_arrays`` per context,
        as MXNet does, the row_sparse ones one by one."""
        per_ctx = OrderedDict()
        for param in self.values():
            if param._data is None or param.grad_req == "null":
                continue
            for grad in param.list_grad():
                if grad.stype == "default":
                    per_ctx.setdefault(grad.context, []).append(grad)
                else:
                    nd.zeros_like(grad, out=grad)
        for grads in per_ctx.values():
            nd.reset_arrays(*grads, num_arrays=len(grads))

    def reset_ctx(self, ctx):
        for param in self.values():
            param.reset_ctx(ctx)

    def list_ctx(self):
        out = []
        for param in self.values():
            out.extend(c for c in param.list_ctx() if c not in out)
        return out

    def setattr(self, name, value):
        """Set an attribute on every parameter (``collect_params().setattr('grad_req', 'null')``)."""
        for param in self.values():
            setattr(param, name, value)

    def select(self, select):
        pattern = re.compile(select)
        out = ParameterDict(self._prefix)
        for name, param in self.items():
            if pattern.match(name):
                out._params[name] = param
        return out

    def save(self, filename, strip_prefix=""):
        arrays = {}
        for param in self.values():
            if not param.name.startswith(strip_prefix):
                raise ValueError(f"Prefix '{strip_prefix}' is to be striped before saving, but Parameter's name "
                                 f"'{param.name}' does not start with '{strip_prefix}'. this may be due to your Block "
                                 "shares parameters from other Blocks or you forgot to use 'with name_scope()' when "
                                 "creating child blocks. For more info on naming, please see "
                                 "https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html")
            arrays[param.name[len(strip_prefix):]] = param._reduce()
        nd.save(filename, arrays)

    def load(self, filename, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix="",
             cast_dtype=False, dtype_source="current"):
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise AssertionError(
                        f"restore_prefix is '{restore_prefix}' but Parameters name '{name}' does not start with "
                        f"'{restore_prefix}'. For more info on naming, please see "
                        "https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html")
        arrays = nd.load(filename)
        if isinstance(arrays, list) and not arrays:   # a file of no parameters (nothing to name)
            arrays = {}
        if not isinstance(arrays, dict):
            raise MXNetError(f"Cannot load parameters from '{filename}': it holds a list of arrays without "
                             "names; parameter files hold named arrays")
        # files of mx.model.save_checkpoint name their arrays "arg:<name>" / "aux:<name>"
        loaded = {restore_prefix + (k[4:] if k.startswith(("arg:", "aux:")) else k): v for k, v in arrays.items()}
        naming = ("Please make sure source and target networks have the same prefix.For more info on naming, "
                  "please see https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html")
        if not allow_missing:   # MXNet asserts, with these messages
            for name in self.keys():
                if name not in loaded:
                    raise AssertionError(f"Parameter '{name[len(restore_prefix):]}' is missing in file: {filename}, "
                                         f"which contains parameters: {_brief(loaded)}. {naming}")
        for name, value in loaded.items():
            if name not in self._params:
                if ignore_extra:
                    continue
                raise AssertionError(f"Parameter '{name[len(restore_prefix):]}' loaded from file: {filename} is not "
                                     f"present in ParameterDict, choices are: {_brief(self._params)}. Set "
                                     f"ignore_extra to True to ignore. {naming}")
            self._params[name]._load_init(value, ctx, cast_dtype, dtype_source)


def _brief(names, limit=7):
    """MXNet's short list of names in messages: quoted, the middle elided past ``limit``."""
    names = list(names)
    if len(names) > limit:
        return f"{_brief(names[:limit // 2], limit)}, ..., {_brief(names[-limit // 2:], limit)}"   # 3 and 4
    return ", ".join(f"'{n}'" for n in names)


def _merge_shapes(old, new, name):
    if len(old) != len(new) or any(o and n and o != n for o, n in zip(old, new)):
        raise MXNetError(f"Cannot retrieve Parameter '{name}' because desired attribute does not match with "
                         f"stored for attribute 'shape': desired '{new}' vs stored '{old}'.")
    return tuple(o or n for o, n in zip(old, new))
