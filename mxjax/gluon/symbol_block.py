"""``SymbolBlock``: a Gluon block made from a Symbol graph (MXNet 1.9.1's semantics).

``SymbolBlock(outputs, inputs, params=None)`` creates one Parameter for every argument and
auxiliary state of ``outputs`` that is not an input, under the variable's own name (a given
``params`` dict is shared: its parameters are reused), with the dtype inferred from the
inputs' dtypes (float32 where nothing is known).  ``SymbolBlock.imports`` reads a
``-symbol.json`` and a ``.params`` file (names with or without ``arg:``/``aux:``), as written by
``HybridBlock.export``, ``Module.save_checkpoint`` or real MXNet.

Called with NDArrays the graph runs as one compiled op of the trace (MXNet always runs a
SymbolBlock through its cached op; here it is the hybridized-block op, so it is recorded by
autograd, differentiable, and its auxiliary states are updated in training mode); inside a
hybridized parent it runs inline in the parent's trace.  Called with Symbols it returns the
graph composed onto them.
"""
import copy

import numpy as np

from .. import symbol
from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from ..ndarray.storage_ids import _STORAGE_TYPE_STR_TO_ID
from ..symbol import imperative
from ..symbol.inference import complete_creation_shapes
from .block import HybridBlock, _flatten, _regroup, _tracing
from .parameter import ParameterDict

__all__ = ["SymbolBlock"]


class SymbolBlock(HybridBlock):
    """A block running ``outputs`` (a Symbol or list of Symbols) of the variables ``inputs``."""

    @staticmethod
    def imports(symbol_file, input_names, param_file=None, ctx=None, allow_missing=False, ignore_extra=False):
        """A SymbolBlock from a symbol file with the inputs ``input_names`` (a name or a list),
        its parameters loaded from ``param_file`` (on ``ctx``) in the dtypes the file holds."""
        sym = symbol.load(symbol_file)
        if isinstance(input_names, str):
            input_names = [input_names]
        if param_file is None:   # float32 inputs give the parameters a dtype to infer
            inputs = [symbol.var(name, dtype=np.float32) for name in input_names]
        else:                    # the file's dtypes decide
            inputs = [symbol.var(name) for name in input_names]
        block = SymbolBlock(sym, inputs)
        if param_file is not None:
            block.collect_params().load(param_file, ctx, allow_missing, ignore_extra, cast_dtype=True,
                                        dtype_source="saved")
        return block

    def __init__(self, outputs, inputs, params=None):
        super().__init__(prefix=None, params=None)
        self._prefix = ""
        self._params = ParameterDict("", params)
        if isinstance(inputs, symbol.Symbol) and len(inputs.list_outputs()) == 1:
            inputs = [inputs]
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        syms, self._in_format = _flatten(inputs, "input")
        outs, self._out_format = _flatten(outputs, "output")
        input_names = set()
        for sym in syms:
            if len(sym.get_internals().list_outputs()) != 1:
                raise AssertionError(f"Input symbols must be variable, but {sym} is an output of operators")
            input_names.add(sym.name)
        row_sparse = str(_STORAGE_TYPE_STR_TO_ID["row_sparse"])
        for out in outs:
            for node in out.get_internals():
                if node.attr("__storage_type__") == row_sparse:
                    raise AssertionError(f"SymbolBlock doesn't support Parameter '{node.name}' because its "
                                         "storage type is 'row_sparse'.")
        out = symbol.Group(outs) if len(outs) > 1 else outs[0]
        arg_names, aux_names = out.list_arguments(), out.list_auxiliary_states()
        arg_types, aux_types = _infer_param_types(syms, out, len(arg_names), len(aux_names))
        for name, dtype in zip(arg_names, arg_types):
            if name not in input_names:
                self.params.get(name, allow_deferred_init=True, dtype=dtype)
        for name, dtype in zip(aux_names, aux_types):
            if name not in input_names:
                self.params.get(name, grad_req="null", allow_deferred_init=True, dtype=dtype)
        self._cached_graph = syms, out
        self._runnable = {}   # input shapes -> the graph with its created arrays' shapes complete
        skip = len(_common_prefix(list(self._params.keys())))
        self._reg_params = {key[skip:]: param for key, param in self._params.items()}

    def __repr__(self):
        inputs, out = self._cached_graph
        return f"{type(self).__name__}(\n{out} : {len(inputs)} -> {len(out.list_outputs())}\n)"

    def _clear_cached_graph(self):
        graph = getattr(self, "_cached_graph", ())   # the graph is the block: it is never cleared
        super()._clear_cached_graph()
        self._cached_graph = graph

    def forward(self, x, *args):
        if isinstance(x, NDArray):
            flat, _ = _flatten([x] + list(args), "input")
            if getattr(_tracing, "active", False):
                return self._evaluate(*flat)
            with x.context:
                return self._call_hybridized(*flat)
        if not isinstance(x, symbol.Symbol):
            raise AssertionError("HybridBlock requires the first argument to forward be either Symbol or NDArray, "
                                 f"but got {type(x)}")
        flat, fmt = _flatten([x] + list(args), "input")
        if fmt != self._in_format:
            raise AssertionError("Invalid input format")
        inputs, out = self._cached_graph
        composed = copy.copy(out)
        composed._compose(**{var.name: value for var, value in zip(inputs, flat)})
        return _regroup(list(composed), self._out_format)

    def _evaluate(self, *flat):
        """The graph's outputs for the inputs ``flat``, op by op on NDArrays (inside the trace of
        the compiled op, or of a hybridized parent)."""
        self._ensure_initialized(*flat)
        inputs, out = self._cached_graph
        values = {var.name: value for var, value in zip(inputs, flat) if value is not None}
        ctx = next(v for v in flat if v is not None).context
        for name, param in self.params.items():
            values.setdefault(name, param.data(ctx))
        shapes = tuple((var.name, value.shape) for var, value in zip(inputs, flat) if value is not None)
        if shapes not in self._runnable:
            self._runnable[shapes] = complete_creation_shapes(out, dict(shapes))
        return _regroup(imperative.evaluate(self._runnable[shapes], values), self._out_format)

    def infer_shape(self, *args):
        """Parameter shapes from the inputs' shapes (the graph's shape inference)."""
        inputs, out = self._cached_graph
        shapes = {var.name: value.shape for var, value in zip(inputs, args) if value is not None}
        try:
            arg_shapes, _, aux_shapes = out.infer_shape(**shapes)
        except MXNetError as exc:
            raise ValueError(f"Deferred initialization failed because shape cannot be inferred. {exc}") from None
        known = dict(zip(out.list_arguments(), arg_shapes or []))
        known.update(zip(out.list_auxiliary_states(), aux_shapes or []))
        for name, param in self.params.items():
            if name in known:
                param.shape = known[name]

    def cast(self, dtype):
        """Cast every parameter; for float16, BatchNorm's gamma, beta and running statistics
        stay float32 (MXNet's rule, by the names ``*_gamma``... beside ``*_moving_var`` or
        ``*_running_var``)."""
        super().cast(dtype)
        if np.dtype(dtype).name != "float16":
            return
        names = self._cached_graph[1].get_internals().list_inputs()
        for name in names:
            for var_suffix, mean in (("running_var", "running_mean"), ("moving_var", "moving_mean")):
                if name.endswith(var_suffix):
                    prefix = name[:-len(var_suffix)]
                    group = [name] + [prefix + t for t in (mean, "gamma", "beta")]
                    if all(n in names for n in group[1:]):
                        for n in group:
                            self.params.get(n).cast("float32")

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError


def _common_prefix(names):
    if not names:
        return ""
    prefix = names[0]
    for name in names:
        i = 0
        while i < len(prefix) and i < len(name) and prefix[i] == name[i]:
            i += 1
        prefix = prefix[:i]
    return prefix


def _infer_param_types(inputs, out, n_args, n_aux, default=np.float32):
    """The dtypes of the arguments and auxiliary states of ``out`` inferred from the dtypes the
    input variables declare (``default`` for all when an input declares none, or where
    inference fails)."""
    known = {}
    for var in inputs:
        types = var.infer_type()[0]
        if not types or types[0] is None:
            return [default] * n_args, [default] * n_aux
        known[var.name] = types[0]
    try:
        arg_types, _, aux_types = out.infer_type(**known)
    except MXNetError:
        arg_types = aux_types = None
    if arg_types is None or len(arg_types) != n_args:
        arg_types = [default] * n_args
    if aux_types is None or len(aux_types) != n_aux:
        aux_types = [default] * n_aux
    return [t or default for t in arg_types], [t or default for t in aux_types]
