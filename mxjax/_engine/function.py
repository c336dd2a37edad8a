"""Custom differentiation: ``autograd.Function``.

The user's ``forward`` runs at call time on NDArrays with recording off (the
training flag is kept), exactly as in MXNet, so it may use numpy.  Under
``record()`` its outputs become one recorded node whose op instance belongs
to that call.  Traces containing such a node stay in the cold tier, where
the node's vjp calls the user's ``backward`` directly in Python.  Inside a
compiled ``create_graph`` gradient the same node runs through
``jax.pure_callback`` (first order only, as in MXNet).

The user's ``backward`` runs as in MXNet 1.9.1: recording off, training on or off as the
``train_mode`` of the ``backward``/``grad`` call that runs it (on by default).  A backward
that runs later than its call (inside a ``create_graph`` gradient computed at a sync point)
sees training on.
"""
import threading

import jax
import jax.numpy as jnp
import numpy as np

from .graph import Aval, OpInstance


class _BackwardMode(threading.local):
    """The ``train_mode`` of the ``autograd.backward``/``grad`` call running in this thread."""
    training = True


backward_mode = _BackwardMode()


class FunctionInstance(OpInstance):
    __slots__ = ("function", "outputs")
    cacheable = False

    def __init__(self, function, in_avals, outputs):
        self.function = function
        self.outputs = outputs  # the forward's concrete output arrays
        out_avals = tuple(Aval(tuple(o.shape), np.dtype(o.dtype)) for o in outputs)
        super().__init__(type(function).__name__, (), self._compiled_fn(in_avals, out_avals), out_avals)

    def fwd(self, *arrays):
        return self.outputs

    def vjp(self, arrays, cotangents, needed):
        cts = [jnp.zeros(o.shape, o.dtype) if c is None else c for o, c in zip(self.outputs, cotangents)]
        grads = self._call_backward(cts, [a.shape for a in arrays], [a.dtype for a in arrays])
        return [g for g, n in zip(grads, needed) if n]

    def _call_backward(self, cotangents, shapes, dtypes):
        from ..ndarray.ndarray import from_value
        from .graph import constant
        from .state import state
        ctx_value = self.function._mx_ctx
        grads_nd = [from_value(constant(jnp.asarray(c), ctx_value)) for c in cotangents]
        recording, training = state.recording, state.training
        state.recording, state.training = False, backward_mode.training
        try:
            grads = self.function.backward(*grads_nd)
        finally:
            state.recording, state.training = recording, training
        grads = [grads] if not isinstance(grads, (list, tuple)) else list(grads)
        if len(grads) != len(shapes):
            from ..base import MXNetError
            raise MXNetError(f"{type(self.function).__name__}.backward returned {len(grads)} gradient(s); "
                             f"it must return one per input of forward ({len(shapes)})")
        return tuple(jnp.asarray(g._data() if hasattr(g, "_data") else g, dtype=d).reshape(s)
                     for g, s, d in zip(grads, shapes, dtypes))

    def _compiled_fn(self, in_avals, out_avals):
        out_specs = tuple(jax.ShapeDtypeStruct(a.shape, a.dtype) for a in out_avals)
        in_specs = tuple(jax.ShapeDtypeStruct(a.shape, a.dtype) for a in in_avals)
        instance = self

        @jax.custom_vjp
        def fn(*xs):
            return jax.pure_callback(lambda *_: tuple(np.asarray(o) for o in instance.outputs), out_specs, *xs)

        def fn_fwd(*xs):
            return fn(*xs), None

        def fn_bwd(_, cts):
            def host(*cts_np):
                return tuple(np.asarray(g) for g in instance._call_backward(
                    list(cts_np), [s.shape for s in in_specs], [s.dtype for s in in_specs]))
            return jax.pure_callback(host, in_specs, *cts)
        fn.defvjp(fn_fwd, fn_bwd)
        return lambda *xs: tuple(fn(*xs))
