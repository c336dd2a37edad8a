"""Autograd surface of MXNet 1.9.1: star imports, ``NDArray._fresh_grad``, ``Parameter._trainer``,
the legacy ``mx.contrib.autograd``, the modes a custom Function's backward sees, and the
second derivative of arcsinh.  Expected values recorded from real MXNet 1.9.1 unless noted."""
import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, gluon, nd
from mxjax.contrib import autograd as ca


def test_star_imports_give_mxnets_module_level_names():
    names = {}
    exec("from mxjax.autograd import *", names)
    assert names["NDArray"] is nd.NDArray and names["Symbol"] is mx.sym.Symbol
    assert names["record"] is autograd.record and "array" in names and "string_types" in names
    names = {}
    exec("from mxjax.test_utils import *", names)
    assert names["mx"] is mx and names["np"] is np and names["rnd"] is np.random
    assert callable(names["compare_optimizer"]) and callable(names["use_np"])
    names = {}
    exec("from mxjax.contrib.autograd import *", names)
    assert names["NDArray"] is nd.NDArray and names["zeros_like"] is nd.zeros_like
    assert callable(names["train_section"]) and callable(names["grad_and_loss"])


def test_fresh_grad_is_set_by_backward_and_cleared_by_hand():
    x, y = nd.ones((2, 2)), nd.ones((2, 2))
    dx, dy = nd.zeros_like(x), nd.zeros_like(y)
    autograd.mark_variables([x, y], [dx, dy])
    assert x._fresh_grad is False and y._fresh_grad is False
    with autograd.record():
        z = (x + 2) + y
    z.backward()
    assert x._fresh_grad and y._fresh_grad
    x._fresh_grad = False
    assert x._fresh_grad is False and y._fresh_grad
    assert nd.ones((2,))._fresh_grad is False  # not a variable


def test_trainer_clears_fresh_grad_and_is_the_parameters_trainer():
    p = gluon.Parameter("w", shape=(2,))
    p.initialize()
    assert p._trainer is None
    trainer = gluon.Trainer([p], "sgd", {"learning_rate": 0.1})
    assert p._trainer is trainer
    with autograd.record():
        loss = (p.data() * 3).sum()
    loss.backward()
    assert p.data()._fresh_grad
    trainer.step(1)
    assert p.data()._fresh_grad is False


def test_parameter_shape_errors_are_assertion_errors():
    p = gluon.Parameter("w", shape=(2, 3))
    p.initialize()
    with pytest.raises(AssertionError, match=r"^Expected shape \(3, 2\) is incompatible with given shape \(2, 3\)\.$"):
        p.set_data(nd.ones((3, 2)))
    assert p.data().shape == (2, 3)
    with pytest.raises(AssertionError, match="grad_req must be one of 'write', 'add', or 'null', but got 'foo'"):
        gluon.Parameter("x", grad_req="foo")


def test_contrib_autograd_legacy_api():
    assert ca.set_is_training(True) is False
    assert autograd.is_recording() and autograd.is_training()
    assert ca.set_is_training(False) is True
    with ca.train_section():
        assert autograd.is_recording() and autograd.is_training()
        with ca.test_section():
            assert not autograd.is_recording() and not autograd.is_training()
        assert autograd.is_recording() and autograd.is_training()
    assert not autograd.is_recording() and not autograd.is_training()

    def f(x, y):
        return nd.sum(x * x * y)
    x, y = nd.array([1., 2., 3.]), nd.array([4., 5., 6.])
    grads, loss = ca.grad_and_loss(f)(x, y)
    assert [g.asnumpy().tolist() for g in grads] == [[8.0, 20.0, 36.0], [1.0, 4.0, 9.0]]
    assert loss.asnumpy().tolist() == [78.0]
    assert [g.asnumpy().tolist() for g in ca.grad(f, argnum=1)(x, y)] == [[1.0, 4.0, 9.0]]

    x = nd.array([1., 2.])
    dx = nd.zeros_like(x)
    ca.mark_variables([x], [dx], grad_reqs="add")
    for _ in range(2):
        with ca.train_section():
            z = x * 3
        ca.backward([z], [nd.array([1., 10.])])
    assert dx.asnumpy().tolist() == [6.0, 60.0]
    with pytest.raises(AssertionError, match="outputs must be a list or tuple of NDArrays"):
        ca.backward(z)


class _Logged(autograd.Function):
    def __init__(self, log):
        super().__init__()
        self.log = log

    def forward(self, x):
        self.log.append(("fwd", autograd.is_recording(), autograd.is_training()))
        return x * 2

    def backward(self, dy):
        self.log.append(("bwd", autograd.is_recording(), autograd.is_training()))
        return dy * 2


@pytest.mark.parametrize("record_train,backward_kw,expected", [
    (True, {}, [("fwd", False, True), ("bwd", False, True)]),
    (True, {"train_mode": False}, [("fwd", False, True), ("bwd", False, False)]),
    (False, {}, [("fwd", False, False), ("bwd", False, True)]),
    (False, {"train_mode": False}, [("fwd", False, False), ("bwd", False, False)]),
])
def test_function_backward_sees_the_backward_train_mode(record_train, backward_kw, expected):
    log = []
    x = nd.ones((2,))
    x.attach_grad()
    with autograd.record(train_mode=record_train):
        y = _Logged(log)(x)
    y.backward(**backward_kw)
    assert x.grad.asnumpy().tolist() == [2.0, 2.0]
    assert log == expected
    assert not autograd.is_recording() and not autograd.is_training()


def test_function_backward_through_grad_sees_its_train_mode():
    log = []
    x = nd.ones((2,))
    x.attach_grad()
    with autograd.record():
        y = _Logged(log)(x)
    autograd.grad(y, [x], train_mode=False)
    assert log[-1] == ("bwd", False, False)


def test_arcsinh_second_derivative_matches_finite_differences():
    """MXNet 1.9.1's test asserts +x/(x^2+1)^1.5; the true value (and mxjax's) is the negative."""
    xs = np.array([-2.0, -0.5, 0.3, 1.7], dtype=np.float64)
    x = nd.array(xs, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = nd.arcsinh(x)
        dy = autograd.grad(y, [x], create_graph=True)[0]
    dy.backward()
    eps = 1e-5
    first = lambda v: 1.0 / np.sqrt(v * v + 1.0)  # noqa: E731  (arcsinh')
    finite = (first(xs + eps) - first(xs - eps)) / (2 * eps)
    np.testing.assert_allclose(x.grad.asnumpy(), finite, rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), -xs / (xs * xs + 1) ** 1.5, rtol=1e-12)
