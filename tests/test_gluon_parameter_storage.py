"""Parameter storage as MXNet 1.9.1 lays it out (``_data``/``_grad`` lists, ``_ctx_list``),
``zero_grad`` through ``nd.reset_arrays``, and ``clip_global_norm`` of sparse arrays.
Expected values were recorded from real MXNet 1.9.1."""
import warnings

import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, gluon, nd
from mxjax.base import MXNetError


def test_parameter_data_is_a_list_per_context():
    net = gluon.nn.Dense(3, in_units=2)
    net.initialize(ctx=[mx.cpu(0), mx.cpu(1)])
    p = net.weight
    assert type(p._data) is list and len(p._data) == 2
    assert p._data[1].context == mx.cpu(1)
    assert p._ctx_list == [mx.cpu(0), mx.cpu(1)]
    assert p.data(mx.cpu(1)) is p._data[1]
    assert type(p._grad) is list and len(p._grad) == 2
    p.grad_req = "null"
    assert p._grad is None
    p.grad_req = "write"
    assert len(p._grad) == 2


def test_reset_arrays_zeroes_every_input_and_returns_nothing():
    a, b = nd.ones((2, 3)), nd.ones((4,), dtype="float16")
    assert nd.reset_arrays(a, b, num_arrays=2) == []
    np.testing.assert_array_equal(a.asnumpy(), np.zeros((2, 3)))
    assert b.dtype == np.float16 and not b.asnumpy().any()


@pytest.mark.parametrize("kwargs, message", [
    (dict(num_arrays=3), "reset_arrays expects 3 inputs, but got 2"),
    (dict(), "num_arrays"),
])
def test_reset_arrays_checks_num_arrays(kwargs, message):
    a, b = nd.ones((2,)), nd.ones((3,))
    with pytest.raises(MXNetError, match=message):
        nd.reset_arrays(a, b, **kwargs)
    assert a.asnumpy().tolist() == [1, 1]


def test_zero_grad_dense_and_row_sparse():
    net = gluon.nn.Dense(3, in_units=2)
    net.initialize()
    with autograd.record():
        y = net(nd.ones((4, 2)))
    y.backward()
    assert net.weight.grad().sum().asscalar() == 24.0
    net.collect_params().zero_grad()
    assert not net.weight.grad().asnumpy().any() and not net.bias.grad().asnumpy().any()

    emb = gluon.nn.Embedding(5, 2, sparse_grad=True)
    emb.initialize()
    with autograd.record():
        y = emb(nd.array([1, 3]))
    y.backward()
    assert emb.weight.grad().stype == "row_sparse" and emb.weight.grad().asnumpy().sum() == 4.0
    emb.collect_params().zero_grad()
    grad = emb.weight.grad()
    assert grad.stype == "row_sparse" and grad.asnumpy().sum() == 0.0
    emb.weight.zero_grad()
    assert emb.weight.grad().asnumpy().sum() == 0.0


@pytest.mark.parametrize("stype", ["default", "row_sparse"])
def test_clip_global_norm_of_sparse_arrays(stype):
    x1, x2 = nd.ones((3, 3)).tostype(stype), nd.ones((4, 4)).tostype(stype)
    assert gluon.utils.clip_global_norm([x1, x2], 1.0) == 5.0
    assert x1.stype == stype
    np.testing.assert_allclose(x2.asnumpy(), np.ones((4, 4)) / 5, rtol=1e-6)
    x3 = nd.array([1.0, 2.0, float("nan")]).tostype(stype)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gluon.utils.clip_global_norm([x1, x3], 2.0)
    assert len(caught) == 1
