"""``mx.autograd``: recording scopes, backward, grad, variables, custom Functions.

MXNet 1.9.1's semantics, on ``jax.vjp`` of the recorded trace (see
``_engine/backward.py``).  Differences from MXNet: every operator is
differentiable to any order through ``grad(create_graph=True)`` (MXNet
refuses second order for most operators); ``backward``'s ``train_mode``
only sets the training flag a custom Function's ``backward`` sees, because
mode-dependent operators fix their mode when recorded.
"""
import ctypes  # noqa: F401  (public names of MXNet's module, which star-imports give)
import traceback  # noqa: F401
from array import array  # noqa: F401
from threading import Lock  # noqa: F401

from .base import MXNetError, string_types  # noqa: F401
from ._engine import backward as _engine_backward
from ._engine.function import FunctionInstance, backward_mode
from ._engine.graph import apply
from ._engine.state import state
from .ndarray.ndarray import NDArray, from_value
from .symbol import Symbol  # noqa: F401

# MXNet's module has no __all__: ``from mxnet.autograd import *`` also gives the names it imports
# (NDArray, Symbol, string_types, array, Lock, traceback, ctypes; its ctypes handle helpers excepted)
__all__ = ["record", "pause", "train_mode", "predict_mode", "is_recording", "is_training",
           "set_recording", "set_training", "backward", "grad", "mark_variables", "get_symbol", "Function",
           "NDArray", "Symbol", "string_types", "array", "Lock", "traceback", "ctypes"]


def set_recording(is_recording):
    """Set recording on or off; returns the previous state."""
    prev, state.recording = state.recording, bool(is_recording)
    return prev


def set_training(train_mode):
    """Set training (True) or predicting (False) mode; returns the previous state."""
    prev, state.training = state.training, bool(train_mode)
    return prev


def is_recording():
    return state.recording


def is_training():
    return state.training


class _RecordingStateScope:
    """Sets recording and/or training (None leaves it alone) inside a ``with`` block."""

    def __init__(self, is_record, train_mode):
        self._enter_is_record = is_record
        self._enter_train_mode = train_mode
        self._prev = []

    def __enter__(self):
        self._prev.append((state.recording, state.training))
        if self._enter_is_record is not None:
            state.recording = self._enter_is_record
        if self._enter_train_mode is not None:
            state.training = self._enter_train_mode
        return self

    def __exit__(self, *exc):
        state.recording, state.training = self._prev.pop()


def record(train_mode=True):
    """Scope in which operations are recorded for gradients (training mode by default)."""
    return _RecordingStateScope(True, train_mode)


def pause(train_mode=False):
    """Scope in which nothing is recorded (predicting mode by default)."""
    return _RecordingStateScope(False, train_mode)


def train_mode():
    """Scope in training mode, recording unchanged."""
    return _RecordingStateScope(None, True)


def predict_mode():
    """Scope in predicting mode, recording unchanged."""
    return _RecordingStateScope(None, False)


def _as_list(x, what):
    if isinstance(x, NDArray):
        return [x], True
    if isinstance(x, (list, tuple)) and all(isinstance(a, NDArray) for a in x):
        return list(x), False
    raise MXNetError(f"{what} must be an NDArray or a list of NDArrays, got {type(x).__name__}")


def _head_grads(heads, head_grads):
    if head_grads is None:
        return [None] * len(heads)
    if isinstance(head_grads, NDArray):
        head_grads = [head_grads]
    if len(head_grads) != len(heads):
        raise AssertionError(f"heads and head_grads must be lists of the same length: got "
                                  f"{len(head_grads)} head gradient(s) for {len(heads)} head(s)")
    out = []
    for h, g in zip(heads, head_grads):
        if g is not None and not isinstance(g, NDArray):
            raise MXNetError(f"head gradients must be NDArrays or None, got {type(g).__name__}")
        out.append(None if g is None else g._value)
    return out


def mark_variables(variables, gradients, grad_reqs="write"):
    """Make ``variables`` autograd variables whose gradients are written into ``gradients``."""
    variables, _ = _as_list(variables, "variables")
    gradients, _ = _as_list(gradients, "gradients")
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    if not len(variables) == len(gradients) == len(grad_reqs):
        raise MXNetError("mark_variables: variables, gradients and grad_reqs must have the same length")
    for var, g, req in zip(variables, gradients, grad_reqs):
        var._make_variable(g, req)


def _old_grad(value):
    info = value.var
    return info.grad._value if info.req == "add" else None


class _BackwardTrainMode:
    """Inside: custom Functions' ``backward`` methods run with training set to ``train_mode``."""

    def __init__(self, train_mode):
        self._mode = bool(train_mode)
        self._prev = None

    def __enter__(self):
        self._prev, backward_mode.training = backward_mode.training, self._mode

    def __exit__(self, *exc):
        backward_mode.training = self._prev


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Compute the gradients of ``heads`` w.r.t. every variable and store them in ``.grad``
    (overwriting for grad_req 'write', adding for 'add').  Non-scalar heads get ones."""
    heads, _ = _as_list(heads, "heads")
    hg = _head_grads(heads, head_grads)
    with _BackwardTrainMode(train_mode):
        targets, grads, leaves = _engine_backward.run_backward([h._value for h in heads], hg, None, retain_graph, _old_grad)
    seen = set()
    for value, g in zip(targets, grads):
        info = value.var
        buffer = info.grad
        if id(info) in seen:  # two versions of one variable in the graph: their gradients add
            g = (from_value(g) + buffer)._value
        seen.add(id(info))
        if g.dtype != buffer._value.dtype:
            g = from_value(g).astype(buffer.dtype)._value
        buffer._rebind(g)
        info.fresh = True
    for value in leaves:
        if value.var is not None and value.var.req == "null":
            value.var.grad = None


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False, train_mode=True):
    """Gradients of ``heads`` w.r.t. ``variables``, returned as new arrays (a list; an
    ``mx.np.ndarray`` variable gets ``mx.np.ndarray`` gradients, as in MXNet).

    With ``create_graph=True`` the gradient computation is itself recorded, so the
    result can be differentiated again, to any order."""
    heads, _ = _as_list(heads, "heads")
    variables, _ = _as_list(variables, "variables")
    if not variables:
        raise AssertionError("variables cannot be an empty list.")
    hg = _head_grads(heads, head_grads)
    targets = []
    for i, v in enumerate(variables):
        if v._value.var is None:
            raise MXNetError(f"Cannot differentiate with respect to the {i + 1}-th variable because it does "
                             "not require gradient: call attach_grad() on it before record()")
        targets.append(v._value)
    if retain_graph is None:
        retain_graph = create_graph
    head_values = [h._value for h in heads]
    with _BackwardTrainMode(train_mode):
        if create_graph:
            grads = _engine_backward.record_gradient(head_values, hg, targets, retain_graph)
        else:
            _, grads, _ = _engine_backward.run_backward(head_values, hg, targets, retain_graph)
    return [_gradient_handle(v, g) for v, g in zip(variables, grads)]


def _gradient_handle(variable, value):
    """A handle on gradient ``value`` of the type of its variable (mx.np.ndarray for one)."""
    from .numpy.multiarray import from_value as np_from_value, ndarray
    return np_from_value(value) if isinstance(variable, ndarray) else from_value(value)


def get_symbol(x):
    """The recorded computation that produced ``x``, as a Symbol."""
    from .symbol.graph_symbol import symbol_from_trace
    return symbol_from_trace(x._value)


class Function:
    """Customize differentiation: subclass, define ``forward`` and ``backward`` on NDArrays.

    ``forward`` runs with recording off (training mode kept) and may use numpy;
    ``backward`` gets one gradient per output (zeros for outputs nobody used) and
    returns one per input.  An instance can be called once."""

    def __init__(self):
        self._used = False
        self.saved_tensors = ()

    def save_for_backward(self, *args):
        self.saved_tensors = args

    def forward(self, *inputs):
        raise NotImplementedError

    def backward(self, *output_grads):
        raise NotImplementedError

    def __call__(self, *inputs):
        if self._used:
            raise AssertionError("Each Function instance can only be called once. "
                                      "Please create another instance.")
        self._used = True
        recording = set_recording(False)
        try:
            outputs = self.forward(*inputs)
        finally:
            set_recording(recording)
        single = isinstance(outputs, NDArray)
        outputs = [outputs] if single else list(outputs)
        if recording:
            self._mx_ctx = inputs[0].context if inputs else outputs[0].context
            datas = [o._data() for o in outputs]
            in_values = tuple(x._value for x in inputs)
            inst = FunctionInstance(self, tuple(v.aval for v in in_values), datas)
            values = apply(inst, in_values, True, self._mx_ctx)
            values[0].node.recorded = True  # a Function's outputs are recorded whatever its inputs
            for v, d in zip(values, datas):
                v.data = d
            outputs = [from_value(v) for v in values]
        return outputs[0] if single else outputs


from .base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
