"""MXNet's Executor: a symbol bound to argument, gradient and auxiliary-state arrays.

The whole graph runs as one compiled JAX function (``lowering.GraphFunction``):

* ``forward(is_train=False)``: one jitted call of the graph function;
* ``forward(is_train=True)`` with some ``grad_req`` other than 'null': one jitted call of
  ``jax.vjp`` of the graph function, which returns the outputs, the updated auxiliary states
  and the vjp's residuals; ``backward(out_grads)`` is one jitted call of that vjp.

A new graph's first ``EAGER_CALLS`` calls run these functions eagerly, op by op (no program
of its own to compile for a graph run once or twice); jax.jit caches each per shape
signature from then on; executors of the same graph (``reshape``, a second
``simple_bind``) share the graph function and so its compiled code.  Arrays are MXNet's:
``arg_arrays`` are the NDArrays given to ``bind`` (a write into one is seen by the next
forward), ``outputs`` and ``grad_arrays`` are updated in place after each call.
``grad_req='add'`` adds into the gradient arrays.  Storage types are MXNet's (``storage``):
a sparse argument makes the bind run the storage pass, whose sparse outputs are CSRNDArray /
RowSparseNDArray handles on the dense values; a gradient array keeps the storage type it was
given (``simple_bind`` allocates MXNet's); an all-dense graph runs no storage code at all.
``debug_str`` reports MXNet's
"Total N MB allocated" line as an estimate: arguments, auxiliary states, outputs, plus the
gradients and the intermediate values a backward keeps when a gradient reaches an argument.
"""
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from ..base import MXNetError
from .._engine import kernel_checks
from .._engine.deferral import defer
from .._engine.graph import AsyncOpError, Aval, OpInstance, apply, constant, failed_values
from .. import ndarray as nd
from . import monitoring, op_rules, optimize, storage
from .inference import complete_creation_shapes
from .lowering import GraphFunction
from .symbol import Symbol
from ..ndarray.sparse import _CLASSES, BaseSparseNDArray, _wrap

_graphs = weakref.WeakValueDictionary()   # tojson() -> GraphFunction shared by executors of one graph
_NO_KEY = np.zeros(2, np.uint32)


def _graph_function(sym, stored_only=()):
    key = (sym.tojson(), stored_only)
    graph = _graphs.get(key)
    if graph is None:
        graph = _graphs[key] = GraphFunction(sym, stored_only)
    return graph


@jax.jit
def _apply_vjp(vjp, cotangents):
    return vjp(cotangents)


#: calls of a graph's function run eagerly before it is compiled: a bound graph run once
#: (MXNet's tests bind thousands of small new graphs, run each once) compiles nothing; its
#: training step's engine op may be evaluated twice (once for the gradients, once more for
#: outputs read after them)
EAGER_CALLS = 2


def _warm(graph, key, fn):
    """``fn`` run eagerly (op by op) the first ``EAGER_CALLS`` times ``graph`` is asked for it
    under ``key``, then as one ``jax.jit`` of it; returns (function, whether compiled).  An
    eager call dispatches every operator through JAX's per-primitive cache, which graphs of
    the same operators and shapes share, so a new graph compiles no program of its own until
    it runs again and again, then compiles once and runs as one call.  The compiled program
    may round a last bit differently where XLA fuses operations (``a * b + c``)."""
    seen = graph.jitted.get(key, 0)
    if type(seen) is int:
        graph.jitted[key] = seen + 1 if seen + 1 < EAGER_CALLS else jax.jit(fn)
        return fn, False
    return seen, True


def _forward_fn(graph, training):
    return _warm(graph, ("forward", training), lambda args, aux, rng: graph(args, aux, rng, training))


def _train_fn(graph, mask, training=True):
    """(function, compiled) of the forward returning (outputs, new aux states, vjp)."""
    def run(diff, rest, aux, rng):
        def f(diff_args):
            it_d, it_r = iter(diff_args), iter(rest)
            args = [next(it_d) if m else next(it_r) for m in mask]
            return graph(args, aux, rng, training)
        outs, vjp, new_aux = jax.vjp(f, tuple(diff), has_aux=True)
        return outs, new_aux, vjp
    return _warm(graph, ("vjp", mask, training), run)


class _GraphInstance(OpInstance):
    """The engine op of a bound graph's training step: its first ``EAGER_CALLS`` cold-tier
    calls run eagerly (see ``_warm``), later ones through the per-op ``jax.jit``."""
    __slots__ = ("_calls",)

    def __init__(self, name, fn, out_avals):
        super().__init__(name, (), fn, out_avals)
        self._calls = 0

    def fwd(self, *arrays):
        if self._calls < EAGER_CALLS:
            self._calls += 1
            return self.fn(*arrays)
        return super().fwd(*arrays)


def _step_instance(exe, kind, args, aux, heads=()):
    """The engine op (OpInstance) of a deferred training forward (``kind`` ('forward',)) or
    forward+backward (``('step', head kinds, add flags)``) of ``exe``'s graph, cached on the
    graph by kind, mask and input avals so that every step reuses the same op."""
    graph, mask = exe._graph, exe._mask
    key = (kind, mask, tuple(v.aval for v in args), tuple(v.aval for v in aux), tuple(v.aval for v in heads),
           tuple(g.dtype for g, m in zip(exe._grad_list, mask) if m))
    inst = graph.instances.get(key)
    if inst is not None:
        return inst
    n_args, n_aux = len(args), len(aux)
    out_avals = list(exe._out_avals) + [v.aval for v in aux]
    if kind[0] == "forward":
        def fn(*arrays):
            outs, new_aux = graph(list(arrays[:n_args]), list(arrays[n_args:n_args + n_aux]),
                                  arrays[n_args + n_aux], True)
            return tuple(outs) + tuple(new_aux)
        inst = graph.instances[key] = _GraphInstance("_symbolic_forward", fn, tuple(out_avals))
        return inst
    _, head_kinds, adds = kind
    grad_dtypes = [np.dtype(g.dtype) for g, m in zip(exe._grad_list, mask) if m]
    n_heads = len(heads)

    def fn(*arrays):
        arg_vals = list(arrays[:n_args])
        aux_vals = list(arrays[n_args:n_args + n_aux])
        rng = arrays[n_args + n_aux]
        given = iter(arrays[n_args + n_aux + 1:n_args + n_aux + 1 + n_heads])
        old = iter(arrays[n_args + n_aux + 1 + n_heads:])
        diff = [a for a, m in zip(arg_vals, mask) if m]

        def f(diff_args):
            it = iter(diff_args)
            return graph([next(it) if m else a for a, m in zip(arg_vals, mask)], aux_vals, rng, True)
        outs, vjp, new_aux = jax.vjp(f, tuple(diff), has_aux=True)
        cts = []
        for o, k in zip(outs, head_kinds):
            if k == "float0":
                cts.append(np.zeros(o.shape, jax.dtypes.float0))
            elif k == "ones":
                cts.append(jnp.ones(o.shape, o.dtype))
            elif k == "zeros":
                cts.append(jnp.zeros(o.shape, o.dtype))
            else:
                cts.append(next(given).astype(o.dtype))
        (grads,) = vjp(tuple(cts))
        grads = [g.astype(d) for g, d in zip(grads, grad_dtypes)]
        grads = [g + next(old).astype(d) if a else g for g, a, d in zip(grads, adds, grad_dtypes)]
        return tuple(outs) + tuple(new_aux) + tuple(grads)
    out_avals += [Aval(tuple(a.aval.shape), d) for a, d in zip([a for a, m in zip(args, mask) if m], grad_dtypes)]
    inst = graph.instances[key] = _GraphInstance("_symbolic_step", fn, tuple(out_avals))
    return inst


def _as_list(value, names, what, allow_missing):
    """``value`` (list in ``names`` order, or dict by name) as a list aligned with ``names``."""
    if value is None:
        return [None] * len(names)
    if isinstance(value, dict):
        missing = [n for n in names if n not in value]
        if missing and not allow_missing:
            raise ValueError(f"key `{missing[0]}` is missing in `{what}`")
        return [value.get(n) for n in names]
    value = list(value)
    if len(value) != len(names) and not allow_missing:
        raise ValueError(f"Length of {what} does not match the number of arguments")
    return value + [None] * (len(names) - len(value))


def _describe(shapes):
    return "\n".join(f"{k}: {v}" for k, v in shapes.items())


def _complete(shape):
    return bool(shape) and 0 not in shape and -1 not in shape


class Executor:
    """A bound symbol (``Symbol.bind`` / ``Symbol.simple_bind``)."""

    def __init__(self, sym, ctx, arg_arrays, grad_arrays, grad_reqs, aux_arrays):
        self._symbol = sym
        self._optimized = optimize.eliminate_common_expr(sym) if optimize.enabled() else sym
        self._ctx = ctx
        shapes = {n: a.shape for n, a in zip(sym.list_arguments(), arg_arrays)}   # zeros((0, H)) made whole
        graph_sym = complete_creation_shapes(self._optimized, shapes)
        self._out_stypes = None   # the outputs' storage types when one is sparse (see ``storage``)
        stored_only = ()
        if any(isinstance(a, BaseSparseNDArray) for a in arg_arrays + aux_arrays):
            names = sym.list_arguments() + sym.list_auxiliary_states()
            stypes, stored = storage.output_stypes(graph_sym, {n: a.stype for n, a in zip(names, arg_arrays + aux_arrays)},
                                                   {n: a.shape for n, a in zip(names, arg_arrays + aux_arrays)})
            if any(s != "default" for s in stypes):
                self._out_stypes = stypes
            stored_only = tuple(sorted(stored.items()))
        self._graph = _graph_function(graph_sym, stored_only)
        self._arg_names = sym.list_arguments()
        self._aux_names = sym.list_auxiliary_states()
        self._output_names = sym.list_outputs()
        self.arg_arrays = arg_arrays
        self._grad_list = grad_arrays
        self._grads_given = True
        self.aux_arrays = aux_arrays
        self._grad_reqs = grad_reqs
        self._mask = tuple(req != "null" and g is not None and np.issubdtype(a.dtype, np.floating)
                           for req, g, a in zip(grad_reqs, grad_arrays, arg_arrays))
        self._vjp = None
        self._vjp_compiled = False   # whether _vjp came from the compiled forward (see _warm)
        self._pending = None   # (arg, aux, rng, forward Values) of a deferred training forward
        self._replica = False  # set by a DataParallelExecutorGroup on distinct devices
        self._last_forward = None   # (is_train, random key) of the last eager forward
        self._monitor = None
        self._monitor_all = False
        self._monitor_seen = None
        specs = [jax.ShapeDtypeStruct(a.shape, a.dtype) for a in arg_arrays + aux_arrays]
        try:
            outs, _ = jax.eval_shape(lambda *xs: self._graph(xs[:len(arg_arrays)], xs[len(arg_arrays):], _NO_KEY,
                                                             False), *specs)
        except AsyncOpError:   # a check MXNet makes in a kernel fails: it binds, and forward raises
            names = self._arg_names + self._aux_names
            arrays = arg_arrays + aux_arrays
            out_shapes = sym.infer_shape(**{n: a.shape for n, a in zip(names, arrays)})[1]
            out_types = sym.infer_type(**{n: a.dtype for n, a in zip(names, arrays)})[1]
            outs = [jax.ShapeDtypeStruct(shape, dtype) for shape, dtype in zip(out_shapes, out_types)]
        self._out_avals = tuple(Aval(tuple(o.shape), np.dtype(o.dtype)) for o in outs)
        if self._out_stypes is None:
            self.outputs = [nd.zeros(o.shape, ctx=ctx, dtype=o.dtype) for o in outs]
        else:
            self.outputs = [nd.zeros(o.shape, ctx=ctx, dtype=o.dtype, stype=s) for o, s in zip(outs, self._out_stypes)]

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def bind(cls, sym, ctx, args, args_grad, grad_req, aux_states):
        if not isinstance(sym, Symbol):
            raise TypeError("bind expects a Symbol")
        arg_names, aux_names = sym.list_arguments(), sym.list_auxiliary_states()
        arg_arrays = _as_list(args, arg_names, "args", False)
        grad_arrays = _as_list(args_grad, arg_names, "args_grad", True)
        aux_arrays = _as_list(aux_states, aux_names, "aux_states", False)
        for name, arr in zip(arg_names + aux_names, arg_arrays + aux_arrays):
            if arr is None:
                raise MXNetError(f"bind: no array given for '{name}'")
        if isinstance(grad_req, str):
            reqs = [grad_req if g is not None else "null" for g in grad_arrays]
        elif isinstance(grad_req, dict):
            reqs = [grad_req.get(n, "null") if g is not None else "null" for n, g in zip(arg_names, grad_arrays)]
        else:
            reqs = [r if g is not None else "null" for r, g in zip(grad_req, grad_arrays)]
        for req in reqs:
            if req not in ("null", "write", "add", "inplace"):
                raise ValueError(f"grad_req must be in 'write', 'add', 'null', got {req!r}")
        reqs = ["write" if r == "inplace" else r for r in reqs]
        exe = cls(sym, ctx, arg_arrays, grad_arrays, reqs, aux_arrays)
        exe._grads_given = args_grad is not None
        return exe

    @property
    def grad_arrays(self):
        """The gradient arrays by argument (None where grad_req is 'null'); as in MXNet, None
        altogether for an executor bound without ``args_grad``."""
        return self._grad_list if self._grads_given else None

    @classmethod
    def simple_bind(cls, sym, ctx, grad_req, type_dict, shared_exec, shapes, stype_dict=None):
        try:
            arg_shapes, _, aux_shapes = sym.infer_shape_partial(**shapes)
        except MXNetError as exc:
            raise RuntimeError(f"simple_bind error. Arguments:\n{_describe(shapes)}\n{exc}") from None
        names = sym.list_arguments() + sym.list_auxiliary_states()
        unknown = [f"{n}: {s or None}" for n, s in zip(names, arg_shapes + aux_shapes) if not _complete(s)]
        if unknown:
            raise RuntimeError(f"simple_bind error. Arguments:\n{_describe(shapes)}\nInferShape pass cannot decide "
                               "shapes for the following arguments (-1 means unknown dimensions). Please consider "
                               f"providing them as inputs:\n{', '.join(unknown)}, ")
        arg_types, _, aux_types = sym.infer_type_partial(**(type_dict or {}))
        arg_names, aux_names = sym.list_arguments(), sym.list_auxiliary_states()
        shared = {}
        if shared_exec is not None:
            shared = dict(shared_exec.arg_dict)
            shared.update(shared_exec.aux_dict)

        # storage types: stype_dict, else the Variables' stype; gradients' from MXNet's backward pass
        stypes = storage.variable_stypes(sym, stype_dict)
        grad_stypes = {}
        if storage.involves_sparse(sym, stypes):
            all_shapes = dict(zip(arg_names + aux_names, arg_shapes + aux_shapes))
            grad_stypes = storage.gradient_stypes(sym, stypes, all_shapes)

        def alloc(name, shape, dtype):
            old = shared.get(name)
            stype = stypes.get(name, "default")
            if old is not None and old.shape == tuple(shape) and old.dtype == (dtype or np.float32) \
                    and old.stype == stype:
                return old
            return nd.zeros(shape, ctx=ctx, dtype=dtype or np.float32, stype=stype)
        arg_arrays = [alloc(n, s, t) for n, s, t in zip(arg_names, arg_shapes, arg_types)]
        aux_arrays = [alloc(n, s, t) for n, s, t in zip(aux_names, aux_shapes, aux_types)]
        if isinstance(grad_req, str):
            reqs = [grad_req] * len(arg_names)
        elif isinstance(grad_req, dict):
            reqs = [grad_req.get(n, "null") for n in arg_names]
        else:
            reqs = list(grad_req)
        grads = {n: nd.zeros(a.shape, ctx=ctx, dtype=a.dtype, stype=grad_stypes.get(n, "default"))
                 for n, a, r in zip(arg_names, arg_arrays, reqs) if r != "null"}
        return cls.bind(sym, ctx, arg_arrays, grads, dict(zip(arg_names, reqs)), aux_arrays)

    # ---- running ------------------------------------------------------------------------
    def _rng(self):
        if not self._graph.random_nodes:
            return _NO_KEY
        from ..random import next_key_value
        return next_key_value(self._ctx).data

    def forward(self, is_train=False, **kwargs):
        """Run the graph; ``kwargs`` (name -> array) are copied into the arguments first."""
        if kwargs:
            arg_dict = self.arg_dict
            for name, value in kwargs.items():
                if not isinstance(value, (nd.NDArray, np.ndarray)):
                    raise ValueError("only accept keyword argument of NDArrays and numpy.ndarray")
                if name not in arg_dict:
                    raise TypeError(f"Unknown argument {name}")
                if arg_dict[name].shape != value.shape:
                    raise ValueError(f"Shape not match! Argument {name}, need: {arg_dict[name].shape}, "
                                     f"received: {value.shape}")
                arg_dict[name][:] = value
        self._pending = None
        if is_train and any(self._mask) and self._monitor is None:
            return self._forward_deferred()
        args = [a._data() for a in self.arg_arrays]
        aux = [a._data() for a in self.aux_arrays]
        rng = self._rng()
        self._last_forward = (bool(is_train), rng)
        try:
            if is_train and any(self._mask):
                diff = [a for a, m in zip(args, self._mask) if m]
                rest = [a for a, m in zip(args, self._mask) if not m]
                run, self._vjp_compiled = _train_fn(self._graph, self._mask)
                outs, new_aux, self._vjp = run(diff, rest, aux, rng)
            else:
                run, _ = _forward_fn(self._graph, bool(is_train))
                outs, new_aux = run(args, aux, rng)
                self._vjp = None
        except jax.errors.JaxRuntimeError:
            reported = kernel_checks.take_reported()
            if reported is None:
                raise
            self._fail_outputs(str(reported))
            return self.outputs
        self._set_outputs(outs)
        if is_train:
            for arr, value in zip(self.aux_arrays, new_aux):
                arr._assign(constant(value, arr.context))
        if self._monitor is not None:
            self._monitor_forward(args, aux, rng, bool(is_train))
        return self.outputs

    def _forward_deferred(self):
        """A training forward as one pending node of the engine's trace (outputs and updated
        auxiliary states); ``backward`` replaces it by one node computing outputs, auxiliary
        states and gradients together, and ``Module.update`` defers its fused update after
        it, so the next sync point (a metric reading the outputs) runs forward, backward and
        update as ONE compiled call once the step's structure repeats."""
        args = [a._value for a in self.arg_arrays]
        aux = [a._value for a in self.aux_arrays]
        rng = constant(self._rng(), self._ctx)
        inst = _step_instance(self, ("forward",), args, aux)
        values = apply(inst, args + aux + [rng], False, self._ctx)
        n = len(self._out_avals)
        if [(o.shape, np.dtype(o.dtype)) for o in self.outputs] != [(a.shape, a.dtype) for a in self._out_avals]:
            self.outputs = [self._new_output(v, k) for k, v in enumerate(values[:n])]
        for arr, v in zip(self.outputs, values[:n]):
            arr._assign(v)
        for arr, v in zip(self.aux_arrays, values[n:]):
            arr._assign(v)
        self._pending = (args, aux, rng, values)
        return self.outputs

    def _backward_deferred(self, out_grads):
        from ..ndarray.ndarray import NDArray
        args, aux, rng, fwd_values = self._pending
        kinds = self._head_kinds(out_grads)
        heads = []
        for o, (kind, g) in zip(self.outputs, kinds):
            if kind == "given":
                heads.append(g._value if isinstance(g, NDArray) else constant(jnp.asarray(g), self._ctx))
        adds = tuple(req == "add" for req, m in zip(self._grad_reqs, self._mask) if m)
        grads = [g for g, m in zip(self._grad_list, self._mask) if m]
        old = [g._value for g, a in zip(grads, adds) if a]
        inst = _step_instance(self, ("step", tuple(k for k, _ in kinds), adds), args, aux, heads)
        values = apply(inst, args + aux + [rng] + heads + old, False, self._ctx)
        n, m = len(self.outputs), len(self.aux_arrays)
        # the forward node not yet computed: its outputs and aux states come from this node
        if all(arr._value is v for arr, v in zip(self.outputs + self.aux_arrays, fwd_values)):
            for arr, v in zip(self.outputs + self.aux_arrays, values[:n + m]):
                arr._assign(v)
            self._pending = (args, aux, rng, values[:n + m])
        for arr, v in zip(grads, values[n + m:]):
            arr._assign(v)
        # one replica of a data-parallel step (Module on distinct devices): the outputs too,
        # so the step's program computes every context's outputs with it, instead of each
        # context's metric read recomputing its node
        defer(values if self._replica else values[n + m:])

    def _monitor_forward(self, args, aux, rng, training):
        """Report every operator's outputs to the monitor (see ``monitoring``)."""
        from ..ndarray.ndarray import from_value
        self._monitor_seen = (args, aux, rng, training)
        for name, _, value in monitoring.forward_values(self._graph, args, aux, rng, training, self._monitor_all):
            self._monitor(name.encode(), from_value(constant(value, self._ctx)))

    def _fail_outputs(self, message):
        """An operator's kernel check failed while the graph ran: as in MXNet the outputs are
        unusable and reading one raises MXNetError(message); arguments and aux states keep
        their values."""
        from ..ndarray.ndarray import from_value
        self._vjp = None
        avals = [Aval(o.shape, np.dtype(o.dtype)) for o in self.outputs]
        self.outputs = [from_value(v) for v in failed_values(message, avals, self._ctx)]

    def _new_output(self, value, k):
        """A new output array on the Value ``value``, of output ``k``'s storage type."""
        from ..ndarray.ndarray import from_value
        if self._out_stypes is None or self._out_stypes[k] == "default":
            return from_value(value)
        return _wrap(_CLASSES[self._out_stypes[k]], value, None)

    def _set_outputs(self, outs):
        if len(self.outputs) != len(outs) or any(o.shape != v.shape or o.dtype != v.dtype
                                                  for o, v in zip(self.outputs, outs)):
            self.outputs = [self._new_output(constant(v, self._ctx), k) for k, v in enumerate(outs)]
        else:
            for arr, value in zip(self.outputs, outs):
                arr._assign(constant(value, arr.context))

    def backward(self, out_grads=None, is_train=True):
        """Gradients of the outputs, weighted by ``out_grads`` (a list by output, an NDArray for
        one output, or a dict by output name), into ``grad_arrays``.  As in MXNet an output needs
        a head gradient unless it is a loss layer's (SoftmaxOutput...) or no gradient flows from
        it; MXNet's error otherwise."""
        if not any(self._mask):
            return
        if self._pending is not None:
            return self._backward_deferred(out_grads)
        if self._vjp is None:
            args = [a._data() for a in self.arg_arrays]
            diff = [a for a, m in zip(args, self._mask) if m]
            rest = [a for a, m in zip(args, self._mask) if not m]
            # the gradient of the last forward: its mode and its random draws (Dropout's mask)
            training, rng = self._last_forward or (True, self._rng())
            run, self._vjp_compiled = _train_fn(self._graph, self._mask, training)
            outs, _, self._vjp = run(diff, rest, [a._data() for a in self.aux_arrays], rng)
            self._set_outputs(outs)
        cotangents = self._cotangents(out_grads)
        (grads,) = _apply_vjp(self._vjp, cotangents) if self._vjp_compiled else self._vjp(cotangents)
        if self._monitor is not None and self._monitor_seen is not None:
            self._monitor_backward(cotangents)
        it = iter(grads)
        for arr, req, m in zip(self._grad_list, self._grad_reqs, self._mask):
            if not m:
                continue
            g = next(it)
            if req == "add":
                g = arr._data() + g.astype(arr.dtype)
            arr._assign(constant(g.astype(arr.dtype), arr.context))

    def _monitor_backward(self, cotangents):
        """Report every backward node's outputs (the gradients of each operator's inputs)."""
        from ..ndarray.ndarray import from_value
        args, aux, rng, training = self._monitor_seen
        for name, value in monitoring.backward_values(self._graph, args, aux, rng, cotangents, training):
            self._monitor(name.encode(), from_value(constant(value, self._ctx)))

    def _head_kinds(self, out_grads):
        """Per output, how its head gradient is made: ('float0', None) for an integer output,
        ('ones', None) for a loss layer's (it ignores its head gradient), ('zeros', None) when
        none is given and no gradient flows from it, ('given', array) otherwise; MXNet's errors."""
        from ..ndarray.ndarray import NDArray
        if out_grads is None:
            out_grads = []
        elif isinstance(out_grads, NDArray):
            out_grads = [out_grads]
        elif isinstance(out_grads, dict):
            out_grads = [out_grads.get(n) for n in self._output_names]
        out_grads = list(out_grads)[:len(self.outputs)]   # MXNet reads one per output, ignores the rest
        out_grads += [None] * (len(self.outputs) - len(out_grads))
        loss = [op_rules.ignores_head_gradient(node) for node, _ in self._graph.outputs]
        flows = self._gradient_reaches()
        kinds = []
        for k, (o, g) in enumerate(zip(self.outputs, out_grads)):
            if not np.issubdtype(o.dtype, np.inexact):
                kinds.append(("float0", None))
            elif loss[k]:
                kinds.append(("ones", None))
            elif g is None:
                if flows[k]:
                    raise MXNetError("Because the last operator is not Loss function, head_gradient is required "
                                     "when calling backward. If you are attempting to minimize the output as an "
                                     "objective, please modify your network and pass it through the make_loss "
                                     "symbol.")
                kinds.append(("zeros", None))
            else:
                if tuple(g.shape) != o.shape:
                    raise MXNetError(f"backward: output gradient of shape {tuple(g.shape)} for an output "
                                     f"of shape {o.shape}")
                kinds.append(("given", g))
        return kinds

    def _cotangents(self, out_grads):
        from ..ndarray.ndarray import NDArray
        out = []
        for o, (kind, g) in zip(self.outputs, self._head_kinds(out_grads)):
            if kind == "float0":
                out.append(np.zeros(o.shape, jax.dtypes.float0))
            elif kind == "ones":
                out.append(jnp.ones(o.shape, o.dtype))
            elif kind == "zeros":
                out.append(jnp.zeros(o.shape, o.dtype))
            else:
                out.append((g._data() if isinstance(g, NDArray) else jnp.asarray(g)).astype(o.dtype))
        return tuple(out)

    # ---- dictionaries -------------------------------------------------------------------
    @property
    def arg_dict(self):
        return dict(zip(self._arg_names, self.arg_arrays))

    @property
    def grad_dict(self):
        """Argument name -> gradient array; as in MXNet, an argument with grad_req 'null' maps to None."""
        return dict(zip(self._arg_names, self.grad_arrays))

    @property
    def aux_dict(self):
        return dict(zip(self._aux_names, self.aux_arrays))

    @property
    def output_dict(self):
        return dict(zip(self._output_names, self.outputs))

    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        """Copy ``arg_params``/``aux_params`` (name -> NDArray) into the bound arrays."""
        for params, names, arrays, what in ((arg_params, self._arg_names, self.arg_arrays, "arg_params"),
                                             (aux_params or {}, self._aux_names, self.aux_arrays, "aux_params")):
            index = dict(zip(names, arrays))
            for name, value in params.items():
                if name in index:
                    value.copyto(index[name])
                elif not allow_extra_params:
                    raise ValueError(f"Find name \"{name}\" that is not in the {what.split('_')[0]}uments"
                                     if what == "arg_params" else
                                     f"Find name {name} that is not in the auxiliary states")

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs):
        """A new executor for new input shapes, sharing the arrays whose shapes do not change
        (a smaller array is a view of the old one's storage, as in MXNet)."""
        arg_shapes, _, aux_shapes = self._symbol.infer_shape(**kwargs)
        if arg_shapes is None:
            raise MXNetError("reshape: cannot infer the new shapes")

        def share(name, old, shape):
            shape = tuple(shape)
            if old.shape == shape:
                return old
            if name not in kwargs and not partial_shaping:
                raise MXNetError(f"New shape of arg: {name} is different from the original shape; "
                                 "set partial_shaping=True to allow this")
            size = int(np.prod(shape))
            if size > old.size:
                if not allow_up_sizing:
                    raise MXNetError(f"New shape of arg: {name} larger than original. First making a big "
                                     "executor and then down sizing it is more efficient than the reverse. "
                                     "If you really want to up size, set allow_up_sizing=True to enable "
                                     "allocation of new arrays.")
                return nd.zeros(shape, ctx=old.context, dtype=old.dtype)
            if shape[1:] == old.shape[1:]:
                return old[0:shape[0]]
            return old.reshape((-1,))[0:size].reshape(shape)
        args = [share(n, a, s) for n, a, s in zip(self._arg_names, self.arg_arrays, arg_shapes)]
        grads = [None if g is None else share(n, g, s)
                 for n, g, s in zip(self._arg_names, self._grad_list, arg_shapes)]
        aux = [share(n, a, s) for n, a, s in zip(self._aux_names, self.aux_arrays, aux_shapes)]
        exe = Executor(self._symbol, self._ctx, args, grads, list(self._grad_reqs), aux)
        if self.outputs:
            out_shapes = self._symbol.infer_shape(**kwargs)[1]
            views = []
            for old, shape in zip(self.outputs, out_shapes):
                shape = tuple(shape)
                size = int(np.prod(shape))
                if old.shape == shape:
                    views.append(old)
                elif size <= old.size:
                    views.append(old[0:shape[0]] if shape[1:] == old.shape[1:]
                                 else old.reshape((-1,))[0:size].reshape(shape))
                else:
                    views = []
                    break
            exe.outputs = views
        return exe

    # ---- inspection ---------------------------------------------------------------------
    def set_monitor_callback(self, callback, monitor_all=False):
        """``callback(name, array)`` sees every operator's outputs (with ``monitor_all`` its
        inputs first) in forward and the gradients of its inputs in backward; ``name`` is bytes,
        as in MXNet (``monitoring`` says what is reported)."""
        self._monitor = callback
        self._monitor_all = bool(monitor_all)

    def get_optimized_symbol(self):
        return self._optimized

    def _gradient_reaches(self):
        """For each output: whether a gradient flows from it to an argument with grad_req
        other than 'null' (not through BlockGrad, nor a comparison: their gradient is zero)."""
        graph = self._graph
        reach = {id(n) for n, m in zip(graph.arg_nodes, self._mask) if m}
        for node in graph.order:
            if node.op is not None and node.op.name != "BlockGrad" and node.op.name not in op_rules.ZERO_GRADIENT_OPS \
                    and any(id(c) in reach for c, _ in node.inputs):
                reach.add(id(node))
        return [id(n) in reach for n, _ in graph.outputs]

    def _gradient_flows(self):
        return any(self._gradient_reaches())

    def debug_str(self):
        nbytes = sum(a.size * np.dtype(a.dtype).itemsize for a in self.arg_arrays + self.aux_arrays + self.outputs)
        if self._gradient_flows():
            from .inference import run_shapes
            given = {n: a.shape for n, a in zip(self._arg_names, self.arg_arrays)}
            _, shapes = run_shapes(self._symbol, given)
            for node in self._graph.order:
                if node.op is not None:
                    for i in range(node.counts()[1]):
                        shape = shapes.get((node, i)) or ()
                        nbytes += int(np.prod(shape)) * 4
            nbytes += sum(g.size * np.dtype(g.dtype).itemsize for g, m in zip(self._grad_list, self._mask) if m)
        return self._symbol.debug_str() + f"Total {nbytes >> 20} MB allocated\n"
