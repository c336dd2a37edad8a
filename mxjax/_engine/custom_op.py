"""MXNet's CustomOp: a registered ``CustomOpProp`` run by the engine.

``PROPS`` maps each ``mx.operator.register`` name to its CustomOpProp class.  An operator
call is described by its attributes: ``op_type`` and the other keyword arguments, which
reach the Prop's constructor as strings, as MXNet passes them.

``CustomRunner`` is one use of such an operator (one imperative op instance, or one trace of
a symbol graph or hybridized block): its Prop, and the CustomOp that ``create_operator``
gives on first use, so forward and backward see the same object.  Its pure function takes
(arguments..., auxiliary states...) and returns (outputs..., new auxiliary states...):

* on concrete arrays (the cold tier, ``CustomInstance``) the user's ``forward``/``backward``
  run directly on NDArrays;
* inside compiled code (the hot tier, an Executor, a hybridized block) the same host code is
  reached through ``jax.pure_callback``, with ``jax.custom_vjp`` wiring the user's backward
  as the gradient (the design of ``autograd.Function``, function.py).

User code runs with recording off and the training flag set to ``is_train``; its errors
surface as MXNetError at the sync point that needs the values, as MXNet's asynchronous
engine reports them.  Where mxjax differs: an imperative call's CustomOp is shared by the
calls with the same attributes and input shapes (so a training loop compiles once), where
MXNet creates one per call; a backward receives every array (MXNet passes empty arrays for
what ``declare_backward_dependency`` leaves out), and ``req`` is 'write' or 'null' (a
grad_req 'add' is applied by the caller after the backward).
"""
import itertools
import traceback
import weakref

import jax
import jax.numpy as jnp
import numpy as np

from ..base import MXNetError
from .graph import OpInstance, constant
from .state import state

#: reg_name -> CustomOpProp subclass (``mx.operator.register``)
PROPS = {}

_REQ_NULL, _REQ_WRITE = "null", "write"
#: an imperative call's token (its last input): a replay of the call reuses its forward
_tokens = itertools.count()
#: call token -> the results of that call's forward, while the call's trace lives
_forward_results = {}


def call_token(ctx):
    """A new call token: a constant Value holding a 0-d int64 array; the results kept for
    the call go when the Value does."""
    token = next(_tokens)
    value = constant(np.asarray(token, np.int64), ctx)
    weakref.finalize(value, _forward_results.pop, token, None)
    return value


def make_prop(attrs):
    """A new Prop for the attribute dict ``attrs`` (``op_type`` plus the Prop's keyword
    arguments, strings)."""
    attrs = dict(attrs)
    op_type = attrs.pop("op_type", None)
    if not op_type:
        raise MXNetError("Required argument `op_type` is missing.")
    prop_cls = PROPS.get(op_type)
    if prop_cls is None:
        raise MXNetError(f"Cannot find custom operator {op_type}")
    try:
        return prop_cls(**{k: str(v) for k, v in attrs.items()})
    except Exception as exc:
        raise MXNetError(f"Error in {op_type}.__init__: {exc}") from exc


class Signature:
    """A Prop's argument, output and auxiliary-state names, and whether it needs head gradients."""
    __slots__ = ("arguments", "outputs", "aux", "need_top_grad")

    def __init__(self, prop):
        self.arguments = list(prop.list_arguments())
        self.outputs = list(prop.list_outputs())
        self.aux = list(prop.list_auxiliary_states())
        self.need_top_grad = bool(getattr(prop, "need_top_grad_", True))


_signatures = {}


def signature(attrs):
    """The Signature of the operator with attributes ``attrs`` (cached by its attributes)."""
    key = tuple(sorted((k, str(v)) for k, v in dict(attrs).items() if k != "_training"))
    sig = _signatures.get(key)
    if sig is None:
        sig = _signatures[key] = Signature(make_prop(dict(key)))
    return sig


def _split(ret, what, n_in, n_out, n_aux):
    """MXNet's checks of what ``infer_shape``/``infer_type`` return: 2 or 3 lists of the
    right lengths."""
    if len(ret) == 2:
        ins, outs, auxs = ret[0], ret[1], []
    elif len(ret) == 3:
        ins, outs, auxs = ret
    else:
        raise AssertionError(f"{what} must return 2 or 3 lists")
    label = "InferShape" if what == "infer_shape" else "InferType"
    kind = "shapes" if what == "infer_shape" else "types"
    for values, n, name in ((outs, n_out, "output"), (ins, n_in, "input"), (auxs, n_aux, "aux state")):
        if len(values) != n:
            raise AssertionError(f"{label} Error: expecting {n} entries in returned {name} {kind}, got {len(values)}.")
    return list(ins), list(outs), list(auxs)


def infer_shapes(prop, sig, in_shapes):
    """(argument, output, aux) shapes from the Prop's ``infer_shape``; ``in_shapes`` lists
    the arguments' shapes (lists, [] when unknown)."""
    ret = prop.infer_shape([list(s) for s in in_shapes])
    ins, outs, auxs = _split(ret, "infer_shape", len(sig.arguments), len(sig.outputs), len(sig.aux))
    as_tuple = lambda s: tuple(int(d) for d in s)   # noqa: E731
    return [as_tuple(s) for s in ins], [as_tuple(s) for s in outs], [as_tuple(s) for s in auxs]


def infer_types(prop, sig, in_types):
    """(argument, output, aux) dtypes (np.dtype, None when unknown) from ``infer_type``;
    ``in_types`` are numpy scalar types or None."""
    ret = prop.infer_type(list(in_types))
    ins, outs, auxs = _split(ret, "infer_type", len(sig.arguments), len(sig.outputs), len(sig.aux))
    as_dtype = lambda t: None if t is None else np.dtype(t)   # noqa: E731
    return [as_dtype(t) for t in ins], [as_dtype(t) for t in outs], [as_dtype(t) for t in auxs]


class CustomRunner:
    """One use of a custom operator (see module docstring)."""

    def __init__(self, attrs):
        attrs = dict(attrs)
        self.is_train = int(bool(attrs.pop("_training", False)))
        self.op_type = attrs.get("op_type")
        self.prop = make_prop(attrs)
        self.sig = Signature(self.prop)
        self._check_dense()
        self.op = None
        self.functions = {}   # input avals -> the custom_vjp function
        self.specs = {}       # input shapes and dtypes -> (output specs, aux specs)

    def _check_dense(self):
        """The Prop's storage types for dense inputs must be dense: mxjax runs dense arrays only."""
        infer = getattr(self.prop, "infer_storage_type", None)
        if infer is None:
            return
        for stypes in infer(["default"] * len(self.sig.arguments)):
            for stype in stypes:
                if stype != "default":
                    raise MXNetError(f"Custom operator {self.op_type}: storage type '{stype}' is not supported "
                                     "by mxjax (dense 'default' arrays only)")

    @property
    def n_args(self):
        return len(self.sig.arguments)

    def split_token(self, arrays):
        """(the data arrays, the call token or None): imperative calls end with a token."""
        if len(arrays) == len(self.sig.arguments) + len(self.sig.aux) + 1:
            token = arrays[-1]
            return arrays[:-1], None if isinstance(token, jax.core.Tracer) else int(np.asarray(token))
        return arrays, None

    def _check_inputs(self, n):
        expected = len(self.sig.arguments) + len(self.sig.aux)
        if n != expected:
            raise MXNetError(f"Custom operator {self.op_type} takes {expected} inputs "
                             f"({', '.join(self.sig.arguments + self.sig.aux) or 'none'}), got {n}")

    def out_specs(self, shapes, dtypes):
        """(output specs, aux specs) for inputs of ``shapes`` and ``dtypes`` (inferred once)."""
        key = (tuple(tuple(s) for s in shapes), tuple(np.dtype(d) for d in dtypes))
        specs = self.specs.get(key)
        if specs is None:
            specs = self.specs[key] = self._infer_specs(shapes, dtypes)
        return specs

    def _infer_specs(self, shapes, dtypes):
        self._check_inputs(len(shapes))
        n = self.n_args
        try:
            _, out_shapes, _ = infer_shapes(self.prop, self.sig, shapes[:n])
            _, out_types, _ = infer_types(self.prop, self.sig, [np.dtype(d).type for d in dtypes[:n]])
        except MXNetError:
            raise
        except Exception as exc:
            raise MXNetError(f"Error in {self.op_type}.infer_shape/infer_type: {exc}") from exc
        outs = [jax.ShapeDtypeStruct(s, t if t is not None else np.float32) for s, t in zip(out_shapes, out_types)]
        auxs = [jax.ShapeDtypeStruct(tuple(s), d) for s, d in zip(shapes[n:], dtypes[n:])]
        return outs, auxs

    # ---- host code ----------------------------------------------------------------------
    def _operator(self, shapes, dtypes):
        if self.op is None:
            from ..context import current_context
            from ..ndarray.storage_ids import _DTYPE_NP_TO_MX
            codes = [_DTYPE_NP_TO_MX.get(np.dtype(d).type, -1) for d in dtypes]
            self.op = self.prop.create_operator(current_context(), [list(s) for s in shapes], codes)
        return self.op

    def _run_user(self, what, call):
        from .deferral import deferred_apart
        recording, training = state.recording, state.training
        state.recording, state.training = False, bool(self.is_train)
        try:
            with deferred_apart():
                return call()
        except MXNetError:
            raise
        except Exception as exc:
            raise MXNetError(f"Error in CustomOp.{what}: {traceback.format_exc()}") from exc
        finally:
            state.recording, state.training = recording, training

    def host_forward(self, arrays, out_specs):
        """The user's forward on concrete ``arrays``: its outputs then the new aux states."""
        from ..ndarray import zeros
        from ..ndarray.ndarray import from_value
        from .graph import constant
        from ..context import current_context
        ctx = current_context()
        n = self.n_args
        handles = [from_value(constant(jnp.asarray(a), ctx)) for a in arrays]
        outs = [zeros(s.shape, ctx=ctx, dtype=s.dtype) for s in out_specs]

        def call():
            op = self._operator([a.shape for a in arrays], [a.dtype for a in arrays])
            op.forward(is_train=self.is_train, req=[_REQ_WRITE] * len(outs), in_data=handles[:n],
                       out_data=outs, aux=handles[n:])
            return tuple(o._data() for o in outs) + tuple(h._data() for h in handles[n:])
        return self._run_user("forward", call)

    def host_backward(self, arrays, outputs, cotangents, reqs):
        """The user's backward: one gradient per argument (zeros where ``reqs`` is 'null')."""
        from ..ndarray import zeros
        from ..ndarray.ndarray import from_value
        from .graph import constant
        from ..context import current_context
        ctx = current_context()
        n = self.n_args

        def wrap(a):
            return from_value(constant(jnp.asarray(a), ctx))
        in_data = [wrap(a) for a in arrays[:n]]
        aux = [wrap(a) for a in arrays[n:]]
        in_grad = [zeros(a.shape, ctx=ctx, dtype=a.dtype) for a in arrays[:n]]

        def call():
            op = self._operator([a.shape for a in arrays], [a.dtype for a in arrays])
            op.backward(req=list(reqs), out_grad=[wrap(c) for c in cotangents], in_data=in_data,
                        out_data=[wrap(o) for o in outputs], in_grad=in_grad, aux=aux)
            return tuple(g._data() for g in in_grad)
        return self._run_user("backward", call)

    # ---- the pure function --------------------------------------------------------------
    def __call__(self, *arrays):
        arrays, _ = self.split_token(arrays)   # compiled code runs each call's forward once
        key = tuple((tuple(a.shape), np.dtype(a.dtype)) for a in arrays)
        fn = self.functions.get(key)
        if fn is None:
            fn = self.functions[key] = self._function([s for s, _ in key], [d for _, d in key])
        return fn(*arrays)

    def _function(self, shapes, dtypes):
        outs, auxs = self.out_specs(shapes, dtypes)
        n, n_out = self.n_args, len(outs)
        in_specs = [jax.ShapeDtypeStruct(tuple(s), d) for s, d in zip(shapes, dtypes)]
        runner = self

        def forward_host(*xs):
            return tuple(np.asarray(r, s.dtype) for r, s in zip(runner.host_forward(xs, outs), outs + auxs))

        def backward_host(*xs):
            cts, ins, results = xs[:n_out], xs[n_out:n_out + len(in_specs)], xs[n_out + len(in_specs):]
            grads = runner.host_backward(ins, results, cts, [_REQ_WRITE] * n)
            return tuple(np.asarray(g, s.dtype) for g, s in zip(grads, in_specs[:n]))

        @jax.custom_vjp
        def fn(*xs):
            return tuple(jax.pure_callback(forward_host, tuple(outs + auxs), *xs))

        def fn_fwd(*xs):
            results = fn(*xs)
            return results, (xs, results)

        def fn_bwd(residuals, cts):
            xs, results = residuals   # backward sees the aux states as forward left them
            grads = jax.pure_callback(backward_host, tuple(in_specs[:n]), *cts[:n_out], *xs[:n],
                                      *results[n_out:], *results[:n_out])
            return tuple(_cotangent(g, s) for g, s in zip(list(grads) + [None] * (len(xs) - n), in_specs))
        fn.defvjp(fn_fwd, fn_bwd)
        return lambda *xs: tuple(fn(*[x.astype(s.dtype) for x, s in zip(xs, in_specs)]))


def _cotangent(grad, spec):
    if np.issubdtype(spec.dtype, np.integer) or spec.dtype == np.bool_:
        return np.zeros(spec.shape, jax.dtypes.float0)
    return jnp.zeros(spec.shape, spec.dtype) if grad is None else grad


def _is_traced(arrays):
    return any(isinstance(a, jax.core.Tracer) for a in arrays)


class CustomInstance(OpInstance):
    """The op instance of an imperative ``nd.Custom`` call: on concrete arrays (the cold
    tier) forward and vjp call the user's code directly, inside a JAX trace they go through
    the runner's custom_vjp function.  Cacheable: a training step using it compiles."""
    __slots__ = ()

    def fwd(self, *arrays):
        if _is_traced(arrays):
            return self.fn(*arrays)
        runner = self.fn.runner
        data, token = runner.split_token(arrays)
        results = _forward_results.get(token)   # this call's forward ran already (a backward's
        if results is not None:                 # replay, an aux state read later): MXNet runs it once
            return results
        outs, _ = runner.out_specs([a.shape for a in data], [a.dtype for a in data])
        results = runner.host_forward(data, outs)
        if token is not None:
            _forward_results[token] = results
        return results

    def vjp(self, arrays, cotangents, needed):
        if _is_traced(arrays) or _is_traced(cotangents):
            return super().vjp(arrays, cotangents, needed)
        runner = self.fn.runner
        data, _ = runner.split_token(arrays)
        n = runner.n_args
        outs, _ = runner.out_specs([a.shape for a in data], [a.dtype for a in data])
        results = self.fwd(*arrays)
        cts = [jnp.zeros(s.shape, s.dtype) if c is None else c for c, s in zip(cotangents[:len(outs)], outs)]
        reqs = [_REQ_WRITE if need else _REQ_NULL for need in needed[:n]]
        # backward sees the aux states as forward left them
        ins = list(data[:n]) + list(results[len(outs):])
        grads = list(runner.host_backward(ins, results[:len(outs)], cts, reqs)) + \
            [jnp.zeros(a.shape, a.dtype) for a in arrays[n:]]
        return [g for g, need in zip(grads, needed) if need]
