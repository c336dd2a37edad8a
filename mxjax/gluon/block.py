"""``Block`` and ``HybridBlock``: MXNet's Gluon containers, names and hybridization.

Naming follows MXNet 1.9.1 exactly: a block without a prefix takes the next
``<classname><n>_`` from the current name scope (``dense0_``); inside a parent's
``name_scope()`` children are named from the parent's own counters
(``hybridsequential0_dense1_``), and parameters are ``prefix + name``.

``hybridize()`` compiles a HybridBlock's whole forward (its children included)
into one op of the trace whose implementation is the block traced with JAX:
one node per call, one XLA executable per input signature and mode.  Random
operators inside draw from a key that is an input of that op; auxiliary
states (BatchNorm's running statistics) come out as extra outputs and are
written back after the call.  Unhybridized blocks run op by op (and the
engine still compiles a repeated trace as a whole).

Called with Symbols, a HybridBlock builds MXNet's graph (``hybrid_forward`` with F = ``mx.sym``
and the parameters' ``var()``s); ``export`` writes that graph and the parameters as MXNet's
``-symbol.json`` / ``-%04d.params`` pair, and ``SymbolBlock`` (symbol_block.py) runs such graphs.
"""
import re
import threading
import warnings
from collections import OrderedDict

import jax
import numpy as np

from .. import autograd
from .. import ndarray as nd
from .. import random as mx_random
from .. import symbol
from ..base import MXNetError
from ..context import current_context
from ..name import Prefix
from .._engine import deferral
from .._engine.graph import OpInstance, constant, gradient_replay, replay_constant
from .._engine.state import state
from ..ndarray.ndarray import NDArray, _apply, from_value
from ..util import is_np_array
from . import op_hook
from .parameter import DeferredInitializationError, Parameter, ParameterDict, _brief

__all__ = ["Block", "HybridBlock", "SymbolBlock"]


class _BlockScope:
    """The name scope of a block (``with block.name_scope():``)."""
    _current = threading.local()

    def __init__(self, block):
        self._block = block
        self._counter = {}
        self._old_scope = None
        self._name_scope = None

    @staticmethod
    def create(prefix, params, hint):
        current = getattr(_BlockScope._current, "value", None)
        if current is None:
            if prefix is None:
                from ..name import current as current_names
                prefix = current_names().get(None, hint) + "_"
            params = ParameterDict(prefix) if params is None else ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = f"{hint}{count}_"
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, "value", None)
        _BlockScope._current.value = self
        self._name_scope = Prefix(self._block.prefix)
        self._name_scope.__enter__()
        return self

    def __exit__(self, *exc):
        if self._block._empty_prefix:
            return
        self._name_scope.__exit__(*exc)
        self._name_scope = None
        _BlockScope._current.value = self._old_scope


def _indent(text, spaces):
    lines = text.split("\n")
    return "\n".join([lines[0]] + [" " * spaces + line for line in lines[1:]])


class Block:
    """Base class of all layers and models: holds child blocks and parameters."""

    def __init__(self, prefix=None, params=None):
        self._empty_prefix = prefix == ""
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = _BlockScope(self)
        self._children = OrderedDict()
        self._reg_params = OrderedDict()
        self._forward_hooks = OrderedDict()
        self._forward_pre_hooks = OrderedDict()

    def __repr__(self):
        modstr = "\n".join(f"  ({key}): {_indent(repr(block), 2)}" for key, block in self._children.items())
        return f"{type(self).__name__}(\n{modstr}\n)"

    def __setattr__(self, name, value):
        """Registers child blocks and parameters assigned as attributes."""
        if hasattr(self, name) and not name.startswith("_"):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError(f"Changing attribute type for {name} from {type(existing)} to {type(value)} "
                                "is not allowed.")
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            self._reg_params[name] = value
        super().__setattr__(name, value)

    def _alias(self):
        return type(self).__name__.lower()

    @property
    def prefix(self):
        return self._prefix

    @property
    def name(self):
        return self._name

    @property
    def params(self):
        """This block's own parameters (not its children's)."""
        return self._params

    def name_scope(self):
        return self._scope

    def collect_params(self, select=None):
        """A ParameterDict of this block's and all descendants' parameters (``select``: a regex)."""
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self.params)
        else:
            pattern = re.compile(select)
            ret.update({name: value for name, value in self.params.items() if pattern.match(name)})
        for child in self._children.values():
            ret.update(child.collect_params(select=select))
        return ret

    def _check_container_with_block(self):
        """MXNet warns when an attribute is a list, tuple or dict holding Blocks that are not
        registered children: their parameters are not collected."""
        children = set(self._children.values())

        def unregistered(data):
            if isinstance(data, (list, tuple)):
                return any(unregistered(v) for v in data)
            if isinstance(data, dict):
                return any(unregistered(v) for v in data.values())
            return isinstance(data, Block) and data not in children
        for key, value in self.__dict__.items():
            if isinstance(value, (list, tuple, dict)) and not (key.startswith("__") or key == "_children") \
                    and unregistered(value):
                warnings.warn(f'"{type(self).__name__}.{key}" is an unregistered container with Blocks. '
                              "Note that Blocks inside the list, tuple or dict will not be registered "
                              "automatically. Make sure to register them using register_child() or switching "
                              "to nn.Sequential/nn.HybridSequential instead. ", stacklevel=3)

    def _collect_params_with_prefix(self, prefix=""):
        if prefix:
            prefix += "."
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def register_child(self, block, name=None):
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook):
        key = id(hook)
        self._forward_pre_hooks[key] = hook
        return _HookHandle(self._forward_pre_hooks, key)

    def register_forward_hook(self, hook):
        key = id(hook)
        self._forward_hooks[key] = hook
        return _HookHandle(self._forward_hooks, key)

    def register_op_hook(self, callback, monitor_all=False):
        """Install ``callback`` on the hybrid blocks below this one (see ``op_hook``)."""
        for child in self._children.values():
            child.register_op_hook(callback, monitor_all)

    def apply(self, fn):
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False):
        from .. import initializer
        self.collect_params().initialize(init or initializer.Uniform(), ctx, verbose, force_reinit)

    def hybridize(self, active=True, **kwargs):
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    def cast(self, dtype):
        for child in self._children.values():
            child.cast(dtype)
        for param in self.params.values():
            param.cast(dtype)

    def zero_grad(self):
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx):
        self.collect_params().reset_ctx(ctx)

    def save_parameters(self, filename, deduplicate=False):
        """Save parameters by their structural names (``0.weight``) in MXNet's file format.

        As MXNet: each array is saved on the CPU, averaged over the parameter's contexts; with
        ``deduplicate`` a shared parameter is saved once, under the last of its names."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            last_name = {id(param): key for key, param in params.items()}
            params = {key: param for key, param in params.items() if last_name[id(param)] == key}
        arrays = {}
        for key, param in params.items():
            arrays[key] = param._reduce()
        nd.save(filename, arrays)

    def load_parameters(self, filename, ctx=None, allow_missing=False, ignore_extra=False,
                        cast_dtype=False, dtype_source="current"):
        """Load a file of ``save_parameters`` (or of ``collect_params().save``), MXNet's checks:
        a missing parameter is an AssertionError, an unknown one a ValueError."""
        loaded = nd.load(filename)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not isinstance(loaded, dict):
            raise MXNetError(f"Cannot load parameters from '{filename}': it holds a list of arrays without "
                             "names; parameter files hold named arrays")
        if not any("." in k for k in loaded):  # a file saved by ParameterDict.save (full names)
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra, self.prefix,
                                       cast_dtype=cast_dtype, dtype_source=dtype_source)
            return
        if not allow_missing:
            present = {id(params[name]) for name in loaded if name in params}  # shared: any name counts
            for name, param in params.items():
                if id(param) not in present:
                    raise AssertionError(
                        f"Parameter '{name}' is missing in file '{filename}', which contains parameters: "
                        f"{_brief(loaded)}. Set allow_missing=True to ignore missing parameters.")
        for name, value in loaded.items():
            if name not in params:
                if ignore_extra:
                    continue
                raise ValueError(
                    f"Parameter '{name}' loaded from file '{filename}' is not present in ParameterDict, which "
                    f"contains parameters {_brief(params)}. Set ignore_extra=True to ignore.")
            try:
                params[name]._load_init(value, ctx, cast_dtype=cast_dtype, dtype_source=dtype_source)
            except MXNetError as exc:  # shape or dtype mismatch
                raise AssertionError(str(exc)) from None

    def save_params(self, filename):
        """Deprecated (MXNet warns): the parameters under their full names less this block's
        prefix, as ``collect_params().save(filename, strip_prefix=self.prefix)``; unlike
        ``save_parameters``' files, a SymbolBlock of the same graph can load them."""
        warnings.warn("save_params is deprecated. Please use save_parameters. Note that if you want load from "
                      "SymbolBlock later, please use export instead. For details, see "
                      "https://mxnet.apache.org/tutorials/gluon/save_load_params.html", stacklevel=2)
        try:
            self.collect_params().save(filename, strip_prefix=self.prefix)
        except ValueError as exc:
            raise ValueError(f"{exc}\nsave_params is deprecated. Using save_parameters may resolve this error.") \
                from None

    def load_params(self, filename, ctx=None, allow_missing=False, ignore_extra=False):
        """Deprecated (MXNet warns): ``load_parameters``."""
        warnings.warn("load_params is deprecated. Please use load_parameters.", stacklevel=2)
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    def __call__(self, *args):
        for hook in self._forward_pre_hooks.values():
            hook(self, args)
        out = self._structure_outputs(self.forward(*args))
        if is_np_array():   # NumPy array semantics (npx.set_np()): blocks return mx.np.ndarray
            out = _np_outputs(self, out)
        for hook in self._forward_hooks.values():
            hook(self, args, out)
        return out

    def _structure_outputs(self, out):
        """What a call returns (and forward hooks see) from what ``forward`` returned."""
        return out

    def forward(self, *args):
        raise NotImplementedError

    def summary(self, *inputs):
        """Print MXNet's summary table: each (non-Sequential) block's output shapes and
        parameter count in the order they run, then the totals (shared parameters counted
        at each use).  The blocks must be initialized and not hybridized (AssertionError)."""
        rows = [("Input", _shape_str(inputs), 0, 0, 0)]
        seen = set()

        def hook(block, _, outputs):
            count = trainable = shared = 0
            for p in block.params.values():
                size = p.data().size
                count += size
                trainable += 0 if p.grad_req == "null" else size
                shared += size if p in seen else 0
                seen.add(p)
            rows.append((f"{type(block).__name__}-{len(rows)}", _shape_str(outputs), count, trainable, shared))

        from .nn.basic_layers import HybridSequential, Sequential
        hooks = []

        def register(block):
            assert not isinstance(block, HybridBlock) or not block._active, \
                f'"{block.name}" must not be hybridized to print summary.'
            if not isinstance(block, (Sequential, HybridSequential)):
                hooks.append(block.register_forward_hook(hook))
        try:
            self.apply(register)
            self(*inputs)
            line = "{:>20}  {:>42} {:>15}"
            print("-" * 80)
            print(line.format("Layer (type)", "Output Shape", "Param #"))
            print("=" * 80)
            for name, shape, count, _, _ in rows:
                print(line.format(name, shape, count))
            total, trainable, shared = (sum(r[i] for r in rows) for i in (2, 3, 4))
            print("=" * 80)
            print("Parameters in forward computation graph, duplicate included")
            print(f"   Total params: {total}")
            print(f"   Trainable params: {trainable}")
            print(f"   Non-trainable params: {total - trainable}")
            print(f"Shared params in forward computation graph: {shared}")
            print(f"Unique parameters in model: {total - shared}")
            print("-" * 80)
        finally:
            for h in hooks:
                h.detach()


def _shape_str(args):
    """MXNet's summary cell: the shapes of (nested lists of) arrays, outer brackets dropped."""
    def shapes(x):
        if isinstance(x, (list, tuple)):
            return [shapes(i) for i in x]
        return x.shape if isinstance(x, NDArray) else x
    out = shapes(args)
    return str(out)[1:-1] if isinstance(out, list) else str(out)



class _HookHandle:
    def __init__(self, hooks, key):
        self._hooks, self._key = hooks, key

    def detach(self):
        self._hooks.pop(self._key, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.detach()


_tracing = threading.local()


class HybridBlock(Block):
    """A block written with ``hybrid_forward(self, F, x, *args, **params)``; F is ``mx.nd``."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._active = False
        self._hybrid_op = None
        self._callback = None      # register_op_hook's
        self._monitor_all = False
        self._clear_cached_graph()

    def _clear_cached_graph(self):
        """Forget the symbolic graph of ``export`` and the input format it is traced for (MXNet
        clears them with its cached op: on hybridize, a new child, cast)."""
        self._graph_inputs = None   # (which flat inputs are arrays, format) of the first hybridized call
        self._cached_graph = ()     # (input variables, output symbol), traced when export needs it

    def register_child(self, block, name=None):
        """As MXNet: children of a HybridBlock are HybridBlocks (ValueError otherwise); a new child
        drops the compiled forward, so the next call traces the changed block."""
        if not isinstance(block, HybridBlock):
            raise ValueError(f"Children of HybridBlock must also be HybridBlock, but {block} has type "
                             f"{type(block)}. If you are using Sequential, please try HybridSequential instead.")
        super().register_child(block, name)
        self._hybrid_op = None
        self._clear_cached_graph()

    def hybridize(self, active=True, static_alloc=False, static_shape=False, **kwargs):
        self._active = active
        self._hybrid_op = None
        self._clear_cached_graph()
        super().hybridize(active, static_alloc=static_alloc, static_shape=static_shape, **kwargs)

    def register_op_hook(self, callback, monitor_all=False):
        """As MXNet: ``callback(node_name, op_name, array)`` sees the operators of this block's
        graph at each hybridized call (``op_hook`` says what it reports); it is installed on this
        block and its direct children."""
        for block in [self] + list(self._children.values()):
            block._callback, block._monitor_all = callback, monitor_all

    def cast(self, dtype):
        self._hybrid_op = None
        self._clear_cached_graph()
        super().cast(dtype)

    def infer_shape(self, *args):
        """Complete deferred parameter shapes from the inputs, as MXNet: shape inference over
        this block's symbolic graph, traced for these inputs (``x.dot(w)`` of a (64, 1000)
        input makes a (-1, 100) parameter (1000, 100)).  Layers with a rule of their own
        (Dense, Conv...) override it.  A parameter whose shape stays unknown raises
        DeferredInitializationError when it is initialized."""
        flat, fmt = _flatten(list(args), "input")
        arrays = [a for a in flat if a is not None]
        inputs, out = self._trace_graph([a is not None for a in flat], fmt)
        arg_shapes, _, aux_shapes = out.infer_shape_partial(**{i.name: a.shape for i, a in zip(inputs, arrays)})
        found = dict(zip(out.list_arguments(), arg_shapes))
        found.update(zip(out.list_auxiliary_states(), aux_shapes))
        for param in self.collect_params().values():
            shape = found.get(param.name)
            if param._data is None and shape is not None:
                param.shape = tuple(max(int(d), 0) for d in shape)

    def _deferred_params(self):
        return [p for p in self._reg_params.values() if p._data is None and p._deferred_init]

    def _ensure_initialized(self, *args):
        deferred = self._deferred_params()
        if deferred:
            self.infer_shape(*args)
            for p in deferred:
                p._finish_deferred_init()

    def forward(self, x, *args):
        """Inputs are NDArrays, nested lists of them, None, and (not hybridized) Python values;
        the context is that of the first NDArray, as in MXNet.  Symbol inputs (MXNet's symbolic
        forward) call ``hybrid_forward`` with F = ``mx.sym`` and the parameters as their
        ``var()``s, inside this block's name scope, and return what it returns.  mxjax differs:
        a hybridized block called with nested lists runs its forward imperatively (same values,
        not compiled)."""
        first = x if isinstance(x, NDArray) and not args else _input_kind([x] + list(args))
        if first is _SYMBOLIC:
            return self._symbolic_forward(x, *args)
        if first is None:
            raise ValueError("In HybridBlock, there must be one NDArray or one Symbol in the input. "
                             "Please check the type of the args.\n")
        if self._active and not getattr(_tracing, "active", False):
            if self._graph_inputs is None:   # MXNet traces its graph now: the parameters' variables
                flat, fmt = _flatten([x] + list(args), "input")
                self._graph_inputs = [a is not None for a in flat], fmt   # not the arrays: they may be large
                for param in self.collect_params().values():
                    param.var()
            if all(a is None or isinstance(a, NDArray) for a in (x,) + args):
                return self._call_hybridized(x, *args)
            _check_hybrid_inputs([x] + list(args))   # nested lists of NDArrays run imperatively
        if first is x:
            self._ensure_initialized(x, *args)
        ctx = first.context
        params = {name: p.data(ctx) for name, p in self._reg_params.items()}
        F = _np_namespace() if is_np_array() else nd   # F.np / F.npx under npx.set_np()
        if ctx is current_context():
            return self.hybrid_forward(F, x, *args, **params)
        with ctx:   # as MXNet: arrays the forward creates go to the input's context
            return self.hybrid_forward(F, x, *args, **params)

    def _symbolic_forward(self, *args):
        params = {name: p.var() for name, p in self._reg_params.items()}
        with self.name_scope():
            return self.hybrid_forward(symbol, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError

    # ---- export: the block as MXNet's symbol and parameter files --------------------------------
    def _get_graph(self):
        """(input variables, output symbol) of this block, traced symbolically with the input
        format of its first hybridized call: one input is the variable ``data``, several are
        ``data0``, ``data1``... (None inputs stay None), as MXNet names them.  The graph is traced
        when first needed; the parameters' variables were made at that first call, so those of
        deferred parameters show unknown dimensions as 0, as in MXNet's files."""
        if not self._cached_graph:
            self._cached_graph = self._trace_graph(*self._graph_inputs)
        return self._cached_graph

    def _trace_graph(self, present, fmt):
        """(input variables, output symbol) of this block for flat inputs ``present`` (which
        are arrays, the others None) in format ``fmt``."""
        real = sum(present)
        inputs, names = [], iter(["data"] if real == 1 else [f"data{i}" for i in range(real)])
        for is_array in present:
            inputs.append(symbol.var(next(names)) if is_array else None)
        if is_np_array():   # NumPy semantics: the inputs are mx.sym.np symbols, as MXNet's
            inputs = [None if a is None else a.as_np_ndarray() for a in inputs]
        out = self._symbolic_forward(*_regroup(inputs, fmt))
        outs, _ = _flatten(out, "output")
        return [i for i in inputs if i is not None], symbol.Group(outs)

    def export(self, path, epoch=0, remove_amp_cast=True):
        """Write ``path-symbol.json`` (the graph, MXNet's JSON) and ``path-%04d.params`` (the
        parameters as ``arg:name`` and ``aux:name``), which MXNet's ``SymbolBlock.imports``,
        ``mx.mod.Module.load`` and ``mx.model.load_checkpoint`` read.  As MXNet, the block must
        have been hybridized and run once (RuntimeError otherwise); a parameter the graph does not
        use is left out with a warning."""
        if self._graph_inputs is None and not self._cached_graph:
            raise RuntimeError("Please first call block.hybridize() and then run forward with this block at "
                               "least once before calling export.")
        sym = self._get_graph()[1]
        sym.save(f"{path}-symbol.json", remove_amp_cast=remove_amp_cast)
        arg_names = set(sym.list_arguments())
        aux_names = set(sym.list_auxiliary_states())
        params = self.collect_params()
        arrays = {}
        for name in sym.list_inputs():
            if name in params:
                arrays[f"{'arg' if name in arg_names else 'aux'}:{name}"] = params[name]._reduce()
        for name in params.keys():
            if name not in arg_names and name not in aux_names:
                warnings.warn(f'Parameter "{name}" is not found in the graph. ', stacklevel=2)
        nd.save(f"{path}-{epoch:04d}.params", arrays)

    # ---- hybridization --------------------------------------------------------------------------
    def _call_hybridized(self, *args):
        if self._hybrid_op is None:   # first call since hybridize(): complete deferred shapes first
            for block in _all_blocks(self):  # with one eager pass, which must change nothing:
                if isinstance(block, HybridBlock) and block._deferred_params():  # predict mode, same keys
                    counter = mx_random._state["counter"]
                    with _Tracing(), autograd.pause(train_mode=False):
                        self.forward(*args)
                    mx_random._state["counter"] = counter
                    break
            self._hybrid_op = _HybridOp(self)
        if self._callback is not None:
            op_hook.report_ops(self, args)
        return self._hybrid_op(args)


def _format(none_flags):
    return [-1 if none else 0 for none in none_flags]


_SYMBOLIC = object()   # _input_kind: the inputs are Symbols


def _input_kind(items):
    """The first NDArray of the (nested) inputs, ``_SYMBOLIC`` when they hold Symbols and no
    NDArray, None when neither; MXNet's ValueError for a mix of both."""
    found, symbolic = None, False
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        if isinstance(item, NDArray):
            found = found if found is not None else item
        elif isinstance(item, symbol.Symbol):
            symbolic = True
        elif isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
    if found is not None and symbolic:
        raise ValueError("In HybridBlock, we do not support mixed NDArrays and Symbols types for the input. "
                         "Please check the type of the args.\n")
    return _SYMBOLIC if symbolic else found


def _np_handle(handle):
    from ..numpy.multiarray import wrap
    return wrap(handle)


def _is_np_handle(handle):
    from ..numpy.multiarray import ndarray
    return isinstance(handle, ndarray)


def _np_namespace():
    from ..numpy.hybrid_namespace import namespace
    return namespace()


_builtin_forward = {}   # block class -> whether its forward is one of mxjax's own layers'


def _np_outputs(block, out):
    """Outputs of a block called under NumPy array semantics.  mxjax's own layers compute with
    mx.nd operators, so their NDArray outputs become ``mx.np.ndarray`` (MXNet's layers call
    ``F.npx`` operators there).  A user's block must return ``mx.np.ndarray``s: TypeError
    otherwise, as MXNet's ``Block.__call__``."""
    cls = type(block)
    builtin = _builtin_forward.get(cls)
    if builtin is None:
        name = "hybrid_forward" if isinstance(block, HybridBlock) else "forward"
        owner = next(c for c in cls.__mro__ if name in vars(c))
        builtin = _builtin_forward[cls] = owner.__module__.startswith("mxjax.")
    from ..numpy.multiarray import ndarray, wrap
    if builtin:
        return _np_map(out, lambda o: o.as_np_ndarray() if isinstance(o, symbol.Symbol) else wrap(o))

    def check(o):
        if isinstance(o, NDArray) and not isinstance(o, ndarray):
            raise TypeError(f"Block's output ndarrays/symbols must be of type `mxnet.numpy.ndarray` or "
                            f"`mxnet.symbol.numpy._Symbol`, while got output type {type(o)}")
        return o
    return _np_map(out, check)


def _np_map(out, fn):
    if isinstance(out, (list, tuple)):
        return type(out)(_np_map(o, fn) for o in out)
    return fn(out)


def _flatten(args, what):
    """MXNet's flattening of (nested) block inputs or outputs: (flat list, format), the format
    0 for an array, n for a Symbol of n > 1 outputs, -1 for None, a list for a list."""
    if isinstance(args, NDArray):
        return [args], 0
    if isinstance(args, symbol.Symbol):
        n = len(args.list_outputs())
        return [args], n if n > 1 else 0
    if args is None:
        return [None], -1
    if not isinstance(args, (list, tuple)):
        raise ValueError(f"When hybridized, the {what} of HybridBlock must be (nested) list of Symbol or "
                         f"NDArray, but got {args} of type {type(args)}")
    flat, fmts = [], []
    for item in args:
        sub, fmt = _flatten(item, what)
        flat.extend(sub)
        fmts.append(fmt)
    return flat, fmts


def _regroup(flat, fmt):
    """The inverse of ``_flatten``: the nested structure ``fmt`` describes, from ``flat``."""
    def merge(items, fmt):
        if isinstance(fmt, int):
            if fmt in (0, -1):
                return items[0], items[1:]
            return items[:fmt], items[fmt:]
        out = []
        for f in fmt:
            value, items = merge(items, f)
            out.append(value)
        return out, items
    return merge(list(flat), fmt)[0]




def _check_hybrid_inputs(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            _check_hybrid_inputs(item)
        elif item is not None and not isinstance(item, NDArray):
            raise ValueError("When hybridized, the input of HybridBlock input must be (nested) list of Symbol or "
                             f"NDArray, but got {item} of type {type(item)}")


def _all_blocks(block):
    yield block
    for child in block._children.values():
        yield from _all_blocks(child)


class _Tracing:
    """Children run inline while their parent is being traced."""

    def __enter__(self):
        self._old = getattr(_tracing, "active", False)
        _tracing.active = True

    def __exit__(self, *exc):
        _tracing.active = self._old


class _HybridInstance(OpInstance):
    """A hybridized block's op instance: its function traces the block (it reads ``_tls``),
    so the cold tier never fuses it with a neighbour (``cold_tier.cold_entries``)."""
    __slots__ = ()

    @property
    def hybrid_op(self):
        """The block's ``_HybridOp`` (``autograd.get_symbol`` shows the block's graph)."""
        return self.fn.hybrid_op


class _HybridOp:
    """The whole forward of a hybridized block as one op of the trace (cf. registry.Op).

    Inputs: a PRNG key, the block's parameters, the call's arrays (``None`` arguments are
    passed through to the forward).  Outputs: the forward's outputs, then the new values of
    parameters the forward wrote (auxiliary states).  The call's context and the layout found
    by the latest trace are per thread (``_tls``)."""
    instance_class = _HybridInstance

    def __init__(self, block):
        self.block = block
        self.name = f"_hybrid_{block.name}"
        self.params = list(block.collect_params().values())
        self.layouts = {}   # (attrs, avals) -> (output tree structure, number of outputs, aux positions)
        self._tls = threading.local()
        self.__doc__ = f"hybridized {type(block).__name__}"
        self.in_format = None   # which arguments were None at the first call (MXNet's cached format)
        self.instances = {}     # this op's instances (``graph.instance``): they go with the block

    def bind(self, attrs):
        attrs = dict(attrs)
        training, none_args = attrs["_training"], attrs["_none_args"]
        n_params = len(self.params)
        op = self
        dtypes = []   # the arrays' dtypes, set by the first call (the instance's trace)

        def leaf(a, i, ctx):
            if gradient_replay.active and dtypes and a.dtype != dtypes[i]:   # an integer's float64 stand-in
                return from_value(replay_constant(a, ctx, dtypes[i]))
            return from_value(constant(a, ctx))

        def fn(key, *arrays):
            if not dtypes:
                dtypes.extend(np.dtype(a.dtype) for a in arrays)
            param_arrays, inputs = arrays[:n_params], list(arrays[n_params:])
            ctx = op._tls.ctx
            handles = []
            saved = [(p._data, p._ctx_list) for p in op.params]
            np_types = attrs.get("_np")   # under npx.set_np(): which handles are mx.np.ndarray
            try:
                for i, (p, a) in enumerate(zip(op.params, param_arrays)):
                    handle = leaf(a, i, ctx)
                    if np_types and np_types[0][i]:
                        handle = _np_handle(handle)
                    handles.append(handle)
                    p._data, p._ctx_list = [handle], [ctx]
                args = [leaf(a, n_params + i, ctx) for i, a in enumerate(inputs)]
                if np_types:
                    args = [_np_handle(a) if is_np else a for a, is_np in zip(args, np_types[1])]
                for i in none_args:
                    args.insert(i, None)
                # the program's deferred work (last step's update) must not run inside this trace
                with deferral.deferred_apart():
                    with _Tracing(), mx_random.traced_keys(key), autograd.pause(train_mode=training):
                        out = op.block.forward(*args)
                    outs, tree = jax.tree_util.tree_flatten(out)   # nested lists of NDArrays
                    aux = [i for i, (h, a) in enumerate(zip(handles, param_arrays)) if h._data() is not a]
                    np_outs = [_is_np_handle(o) for o in outs] if np_types else None
                    op._tls.layout = (tree, len(outs), aux, np_outs)
                    return tuple(o._data() for o in outs) + tuple(handles[i]._data() for i in aux)
            finally:
                for p, (d, c) in zip(op.params, saved):
                    p._data, p._ctx_list = d, c
        fn.hybrid_op = op
        return fn

    def __call__(self, args):
        fmt = [a is None for a in args]
        if self.in_format is None:
            self.in_format = fmt
        elif fmt + [True] * (len(self.in_format) - len(fmt)) != \
                self.in_format + [True] * (len(fmt) - len(self.in_format)):
            raise ValueError("The argument structure of HybridBlock does not match the cached version. Stored "
                             f"format = {_format(self.in_format)}, input format = {_format(fmt)}")
        ctx = next(a for a in args if a is not None).context
        for a in args:
            if a is not None and a.context is not ctx:
                contexts = {b.context for b in args if b is not None}
                raise ValueError("Find multiple contexts in the input, After hybridized, the HybridBlock only "
                                 "supports one input context. You can print the ele.ctx in the input arguments "
                                 f"to inspect their contexts. Find all contexts = {contexts}")
        self._tls.ctx = ctx
        params = [p.data(ctx) for p in self.params]
        values = [mx_random.next_key_value(ctx)] + [p._value for p in params] + \
                 [a._value for a in args if a is not None]
        attrs = (("_training", state.training), ("_none_args", tuple(i for i, a in enumerate(args) if a is None)))
        if is_np_array():   # which parameters and inputs are mx.np.ndarray: part of the trace's key
            attrs += (("_np", (tuple(_is_np_handle(p) for p in params),
                               tuple(_is_np_handle(a) for a in args if a is not None))),)
        self._tls.layout = None
        result = _apply(self, attrs, values, ctx)
        results = result if isinstance(result, list) else [result]
        key = (attrs, tuple(v.aval for v in values))
        if self._tls.layout is not None:  # traced just now (first call for this signature)
            self.layouts[key] = self._tls.layout
        tree, n_out, aux, np_outs = self.layouts[key]
        for i, new in zip(aux, results[n_out:]):
            params[i]._write_unrecorded(new._value)
        outs = results[:n_out]
        if np_outs:
            outs = [_np_handle(o) if is_np else o for o, is_np in zip(outs, np_outs)]
        return jax.tree_util.tree_unflatten(tree, outs)


from .symbol_block import SymbolBlock  # noqa: E402  (it builds on HybridBlock)
