"""mx.npx and Gluon blocks under NumPy array semantics (behaviour observed on MXNet 1.9.1)."""
import numpy as onp
import pytest

import mxjax as mx
from mxjax import gluon, np, npx
from mxjax.util import use_np


@pytest.fixture
def numpy_mode():
    npx.set_np()
    yield
    npx.reset_np()


def test_reshape_codes(numpy_mode):
    x = np.ones((2, 3, 4))
    assert npx.reshape(x, (-2, -1)).shape == (2, 12)
    assert npx.reshape(x, (-4,)).shape == (2, 3, 4)
    assert npx.reshape(x, (-5, -2)).shape == (6, 4)
    assert npx.reshape(x, (-6, 1, 2, -2, -2)).shape == (1, 2, 3, 4)
    assert npx.reshape(np.ones((2, 1, 3)), (-2, -3, -2)).shape == (2, 3)
    assert npx.reshape(x, (-1, 4), reverse=True).shape == (6, 4)
    with pytest.raises(mx.base.MXNetError):
        npx.reshape(x, (-3, -1))


def test_save_load_roundtrip(numpy_mode, tmp_path):
    path = str(tmp_path / "arrays")
    npx.save(path, {"a": np.arange(3), "b": np.ones((2, 2), dtype="int32")})
    loaded = npx.load(path)
    assert isinstance(loaded["a"], np.ndarray) and loaded["a"].tolist() == [0.0, 1.0, 2.0]
    assert loaded["b"].dtype == onp.int32


def test_random_extension(numpy_mode):
    draws = npx.random.bernoulli(0.5, size=(1000,))
    assert draws.dtype == onp.float32 and set(onp.unique(draws.asnumpy()).tolist()) <= {0.0, 1.0}
    assert npx.random.uniform_n(np.zeros(3), 1, batch_shape=(2,)).shape == (2, 3)
    with pytest.raises(ValueError):
        npx.random.bernoulli()


def test_npx_operator_results_are_np(numpy_mode):
    out = npx.fully_connected(np.ones((2, 3)), np.ones((4, 3)), np.zeros(4), num_hidden=4)
    assert isinstance(out, np.ndarray) and out.tolist() == [[3.0] * 4] * 2
    assert npx.nonzero(np.array([[0, 1], [1, 0]])).tolist() == [[0, 1], [1, 0]]


def test_block_output_types():
    @use_np
    class NumpyOut(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return F.np.add(x, x), F.npx.relu(x)

    @use_np
    class MixedOut(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return x.as_nd_ndarray() + 1, F.np.multiply(x, x)

    x = np.ones((2, 3))
    for hybridize in (False, True):
        net, mixed = NumpyOut(), MixedOut()
        if hybridize:
            net.hybridize()
            mixed.hybridize()
        a, b = net(x)
        assert type(a) is np.ndarray and type(b) is np.ndarray
        with pytest.raises(TypeError, match="mxnet.numpy.ndarray"):
            mixed(x)


def test_builtin_layers_return_np_and_params_are_np(numpy_mode):
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(4, activation="relu"), gluon.nn.BatchNorm(), gluon.nn.Dense(2))
    net.initialize()
    net.hybridize()
    out = net(np.ones((3, 5)))
    assert type(out) is np.ndarray and out.shape == (3, 2)
    assert all(type(p.data()) is np.ndarray for p in net.collect_params().values())


def test_views_have_the_np_type(numpy_mode):
    x = np.arange(6).reshape(2, 3)
    assert type(x[0]) is np.ndarray and type(x.reshape(3, 2)) is np.ndarray
    x.attach_grad()
    assert type(x.grad) is np.ndarray and type(x.detach()) is np.ndarray
