"""amp_multicast types; MakeLoss / make_loss / SVMOutput gradients as MXNet 1.9.1 computes them (the head gradient is
ignored by MXNet; mxjax multiplies by it, see ops/loss.py, so the head here is ones)."""
import numpy as np
import pytest

import mxjax as mx
from mxjax import nd

X = [[0.5, -1, 2], [0, 3, -0.2]]


@pytest.mark.parametrize("call, expected", [
    (lambda x: nd.MakeLoss(x, grad_scale=2.0), 2.0),                                        # MXNet 1.9.1
    (lambda x: nd.MakeLoss(x, normalization="batch"), 0.5),
    (lambda x: nd.MakeLoss(x, normalization="valid", valid_thresh=0.1), 1 / 3),
    (lambda x: nd.make_loss(x), 1.0),
])
def test_make_loss_gradients(call, expected):
    x = nd.array(X)
    x.attach_grad()
    with mx.autograd.record():
        y = call(x)
    y.backward()
    np.testing.assert_array_equal(y.asnumpy(), np.array(X, np.float32))
    np.testing.assert_allclose(x.grad.asnumpy(), np.full((2, 3), expected), rtol=1e-6)


@pytest.mark.parametrize("attrs, expected", [
    ({}, [[0, 1.6, 2.6], [2.2, 3.8, -6.0]]),                                               # MXNet 1.9.1
    (dict(margin=0.5, regularization_coefficient=0.3, use_linear=True), [[0, 0.3, 0.3], [0.3, 0.3, -0.3]]),
])
def test_svm_output_gradients(attrs, expected):
    x = nd.array([[1.5, -0.2, 0.3], [0.1, 0.9, -2]])
    x.attach_grad()
    with mx.autograd.record():
        y = nd.SVMOutput(x, nd.array([0, 2]), **attrs)
    y.backward()
    np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("dtypes, cast_narrow, expected", [      # MXNet 1.9.1
    (("float16", "float32"), False, ["float32", "float32"]),
    (("float16", "float32"), True, ["float16", "float16"]),
    (("float16", "float64"), False, ["float16", "float64"]),
])
def test_amp_multicast_types(dtypes, cast_narrow, expected):
    arrays = [nd.array([1.5, -2], dtype=d) for d in dtypes]
    out = nd.amp_multicast(*arrays, num_outputs=2, cast_narrow=cast_narrow)
    assert [str(o.dtype.__name__ if hasattr(o.dtype, "__name__") else o.dtype) for o in out] == expected
    for o in out:
        np.testing.assert_array_equal(o.asnumpy().astype(np.float64), [1.5, -2])
