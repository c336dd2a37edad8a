"""``mx.contrib.autograd``: MXNet's legacy (pre-1.0) autograd API, over ``mx.autograd``.

``set_is_training(b)`` turns recording *and* training on or off together and returns the
previous recording state; ``train_section()``/``test_section()`` are scopes doing the same.
``mark_variables``, ``backward`` (``outputs`` must be a list or tuple), ``compute_gradient``,
``grad_and_loss`` and ``grad`` behave as MXNet 1.9.1's.  ``from mxnet.contrib.autograd import *``
gives the public names of MXNet's module (it has no ``__all__``), ``NDArray`` and ``zeros_like``
included.
"""
import functools

from .. import autograd as _autograd
from ..base import string_types  # noqa: F401  (a public name of MXNet's module)
from ..ndarray import NDArray, zeros_like


def set_is_training(is_train):
    """Turn training and recording on (True) or off together; returns the previous recording state."""
    _autograd.set_training(is_train)
    return _autograd.set_recording(is_train)


class TrainingStateScope:
    """``with`` scope setting recording and training to ``enter_state``, restoring them after."""

    def __init__(self, enter_state):
        self._enter_state = enter_state
        self._prev = None

    def __enter__(self):
        self._prev = set_is_training(self._enter_state)

    def __exit__(self, ptype, value, trace):
        if self._prev != self._enter_state:
            set_is_training(self._prev)


def train_section():
    """Scope that records and trains: ``with train_section(): y = model(x)``."""
    return TrainingStateScope(True)


def test_section():
    """Scope that neither records nor trains (testing, IO, updates inside a train_section)."""
    return TrainingStateScope(False)


def mark_variables(variables, gradients, grad_reqs="write"):
    """Mark NDArrays as variables whose gradients go into ``gradients`` (grad_reqs: 'write',
    'add', 'null', or a list of them)."""
    _autograd.mark_variables(variables, gradients, grad_reqs)


def backward(outputs, out_grads=None, retain_graph=False):
    """Compute the gradients of ``outputs`` (a list or tuple) w.r.t. the marked variables;
    ``out_grads`` lists one head gradient (or None) per output."""
    assert isinstance(outputs, (list, tuple)), "outputs must be a list or tuple of NDArrays"
    if out_grads is not None:
        assert len(out_grads) == len(outputs), "outputs and out_grads must have the same length"
    _autograd.backward(list(outputs), None if out_grads is None else list(out_grads), retain_graph)


def compute_gradient(outputs):
    """Deprecated. Please use backward"""
    backward(outputs)


def grad_and_loss(func, argnum=None):
    """A function computing ``(gradients of the arguments, func's outputs)``.  ``argnum`` (an
    int or a list of ints) selects the arguments to differentiate; default all."""
    @functools.wraps(func)
    def wrapped(*args):
        variables = args
        if argnum is not None:
            indices = argnum if isinstance(argnum, list) else [argnum]
            variables = [args[i] for i in indices]
        for x in variables:
            assert isinstance(x, NDArray), "type of autograd input should NDArray."
        grads = [zeros_like(x) for x in variables]
        mark_variables(variables, grads)
        with train_section():
            outputs = func(*args)
        compute_gradient([outputs] if isinstance(outputs, NDArray) else outputs)
        return grads, outputs
    return wrapped


def grad(func, argnum=None):
    """A function computing the gradients of ``func``'s arguments (see ``grad_and_loss``)."""
    grad_with_loss_func = grad_and_loss(func, argnum)

    @functools.wraps(grad_with_loss_func)
    def wrapped(*args):
        return grad_with_loss_func(*args)[0]
    return wrapped
