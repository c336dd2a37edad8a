"""``mx.nd.image`` / ``mx.sym.image``: to_tensor and normalize; values and errors recorded from
MXNet 1.9.1."""
import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError, NotImplementedForMXJax


def test_normalize_per_channel_and_broadcast():
    x = mx.nd.array(np.arange(24).reshape(3, 2, 4) / 24.)
    out = mx.nd.image.normalize(x, mean=(0.1, 0.2, 0.3), std=(0.5, 1.0, 2.0))
    np.testing.assert_allclose(out.asnumpy()[:, 0, :2], [[-0.2, -0.11666667], [0.13333334, 0.175],
                                                         [0.18333334, 0.20416665]], rtol=1e-6)
    out = mx.nd.image.normalize(x, mean=0.5, std=2.0)
    np.testing.assert_allclose(out.asnumpy()[:, 0, :2], [[-0.25, -0.22916667], [-0.08333333, -0.0625],
                                                         [0.08333334, 0.10416666]], rtol=1e-6)
    assert mx.nd.image.normalize(x.reshape((1, 3, 2, 4)), mean=(0.1, 0.2, 0.3), std=(0.5, 1.0, 2.0)).shape == \
        (1, 3, 2, 4)


def test_normalize_errors():
    with pytest.raises(MXNetError, match=r"either 1 or 3 elements, but got input with shape \[4,2,2\]"):
        mx.nd.image.normalize(mx.nd.ones((4, 2, 2)), mean=(0.1, 0.2, 0.3), std=(1, 1, 1)).asnumpy()
    with pytest.raises(MXNetError, match=r"\(N, channels, height, width\), but got \[3,2\]"):
        mx.nd.image.normalize(mx.nd.ones((3, 2)), mean=(0.1,), std=(1,)).asnumpy()


def test_to_tensor():
    t = mx.nd.image.to_tensor(mx.nd.array(np.arange(12).reshape(2, 2, 3), dtype="uint8"))
    assert t.dtype == np.float32 and t.shape == (3, 2, 2)
    np.testing.assert_allclose(t.asnumpy()[:, 0, 0], [0.0, 0.003921569, 0.007843138], rtol=1e-6)
    assert mx.nd.image.to_tensor(mx.nd.ones((1, 2, 2, 3))).shape == (1, 3, 2, 2)


def test_symbolic_normalize_and_its_gradient():
    data = mx.sym.Variable("data")
    sym = mx.sym.image.normalize(data=data, mean=(0.1, 0.2, 0.3), std=(1.0, 2.0, 4.0))
    assert sym.list_arguments() == ["data"]
    x = np.random.uniform(size=(3, 2, 2))
    mx.test_utils.check_symbolic_forward(sym, [x], [(x - np.array([0.1, 0.2, 0.3])[:, None, None]) /
                                                    np.array([1.0, 2.0, 4.0])[:, None, None]])
    grad = np.broadcast_to(1 / np.array([1.0, 2.0, 4.0])[:, None, None], (3, 2, 2))
    mx.test_utils.check_symbolic_backward(sym, [x], [np.ones((3, 2, 2))], [grad])


def test_image_operators_mxjax_lacks_name_the_mxnet_api():
    with pytest.raises(NotImplementedForMXJax, match="mxnet.ndarray.image.resize"):
        mx.nd.image.resize
    with pytest.raises(NotImplementedForMXJax, match="mxnet.symbol.image.resize"):
        mx.sym.image.resize
