"""Asynchronous operator errors as MXNet 1.9.1 reports them (each behaviour observed on MXNet
1.9.1 with the same calls): a check inside an operator's kernel (a sampler's parameter range)
does not raise at the call; the next sync point that needs the result raises it once."""
import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError

_GAUSSIAN = "_random_normal: scale parameter in gaussian has to be positive"


@pytest.fixture(autouse=True)
def _clean():
    try:
        mx.nd.waitall()
    except MXNetError:
        pass
    yield
    try:
        mx.nd.waitall()
    except MXNetError:
        pass


def test_the_call_returns_and_reading_raises_once():
    a = mx.nd.random.normal(0, -1, (2, 2))
    assert a.shape == (2, 2) and a.dtype == np.float32
    first, second = a.copyto(mx.cpu())
    with pytest.raises(MXNetError, match=_GAUSSIAN):
        first.asnumpy()
    assert second.asnumpy().shape == (2,)          # the shared failure was cleared
    mx.nd.waitall()                                # nothing left to raise


def test_dependents_raise_and_waitall_raises_first():
    a = mx.nd.random.normal(0, -1, (2, 2))
    b = mx.nd.dot(a, a) + 1
    with pytest.raises(MXNetError, match=_GAUSSIAN):
        b.wait_to_read()
    mx.nd.waitall()
    c = mx.nd.random.uniform(2, 1, (2,)) + 1
    with pytest.raises(MXNetError, match="low must be less or equal to high in uniform distribution"):
        mx.nd.waitall()
    c.asnumpy()                                    # waitall cleared it


def test_waitall_raises_even_when_the_arrays_are_gone():
    def dropped():
        mx.nd.random.normal(0, -1, (2, 2))
    dropped()
    with pytest.raises(MXNetError, match=_GAUSSIAN):
        mx.nd.waitall()
    mx.nd.waitall()


def test_later_random_operators_inherit_the_failure_until_it_is_raised():
    mx.nd.random.normal(0, -1, (2, 2))
    x = mx.nd.random.uniform(0, 1, (2, 2))          # MXNet: the generator carries the failure
    y = mx.nd.ones((2,)) + 1
    assert y.asnumpy().tolist() == [2.0, 2.0]       # unrelated work is unaffected
    with pytest.raises(MXNetError, match=_GAUSSIAN):
        x.asnumpy()
    mx.nd.waitall()
    z = mx.nd.random.uniform(0, 1, (2, 2)).asnumpy()
    assert ((z >= 0) & (z < 1)).all() and z.std() > 0


def test_a_second_bad_sampler_inherits_the_pending_failure():
    """MXNet: a = normal(0, 1); b = normal(0, -1); c = dot(a, b) twice: reading the second c
    raises the first failure, and waitall afterwards raises nothing."""
    def imperative(read):
        a = mx.nd.random.normal(0, 1, (2, 2))
        b = mx.nd.random.normal(0, -1, (2, 2))
        c = mx.nd.dot(a, b)
        if read:
            c.asnumpy()
    imperative(False)
    with pytest.raises(MXNetError, match=_GAUSSIAN):
        imperative(True)
    mx.nd.waitall()


def test_backward_and_attach_grad_are_sync_points():
    x = mx.nd.random.uniform(2, 1, (2,))
    with pytest.raises(MXNetError, match="low must be less or equal to high"):
        x.attach_grad()
    x = mx.nd.ones((2,))
    x.attach_grad()
    with mx.autograd.record():
        z = mx.nd.random.normal(0, -1, (2,)) * x
    with pytest.raises(MXNetError, match=_GAUSSIAN):
        z.backward()


def test_softmax_with_a_float_length_binds_and_raises_when_run():
    """MXNet checks softmax's length dtype in its kernel: the nd call returns an array of the
    data's shape and reading it raises; a symbol with such a length binds (shapes are valid)
    and its forward raises MXNetError."""
    data = mx.nd.array(np.random.rand(2, 3, 4))
    y = mx.nd.softmax(data, mx.nd.ones((2, 4)), axis=1, use_length=True)
    assert y.shape == (2, 3, 4)
    with pytest.raises(MXNetError, match="length input only supports integer types"):
        y.asnumpy()
    sym = mx.sym.softmax(mx.sym.var("data"), mx.sym.var("length"), axis=1, use_length=True)
    exe = sym.simple_bind(mx.cpu(), grad_req="null", data=(2, 3, 4), length=(2, 4))
    assert exe.outputs[0].shape == (2, 3, 4)
    with pytest.raises(MXNetError, match="length input only supports integer types"):
        exe.forward()
        mx.nd.waitall()
    good = mx.nd.softmax(data, mx.nd.array([[1, 2, 3, 3], [3, 3, 2, 1]], dtype="int32"), axis=1, use_length=True)
    np.testing.assert_allclose(good.asnumpy().sum(axis=1), np.ones((2, 4)), rtol=1e-6)
