"""mx.np.ndarray: NumPy semantics over the NDArray trace (values recorded from MXNet 1.9.1)."""
import numpy as onp
import pytest

import mxjax as mx
from mxjax import autograd, np, npx


@pytest.fixture(autouse=True)
def numpy_mode():
    npx.set_np()
    yield
    npx.reset_np()


def test_default_dtypes_as_mxnet():
    assert np.array([1, 2]).dtype == onp.float32
    assert np.array(onp.array([1, 2])).dtype == onp.int64
    assert np.array(onp.array([1.0, 2.0])).dtype == onp.float64
    assert np.array(True).dtype == onp.float32 and np.array(3).shape == ()
    assert np.arange(5).dtype == onp.float32 and np.zeros((2,)).dtype == onp.float32
    assert np.linspace(0, 1, 3).dtype == onp.float32 and np.eye(2).dtype == onp.float32
    assert np.full((2,), 3).dtype == onp.float32 and np.ones(3, dtype=int).dtype == onp.int64
    assert isinstance(np.ones(2).dtype, onp.dtype)


def test_type_promotion_and_scalars():
    b = np.array([1, 2], dtype="int32")
    assert (b * 1.5).dtype == onp.int32 and (b * 1.5).tolist() == [1, 2]   # scalar cast to int32
    assert (b / 2).dtype == onp.float32 and (b / 2).tolist() == [0.5, 1.0]
    assert (b + np.array([1.0, 2.0])).dtype == onp.float32
    assert (b + np.array([1.0, 2.0], dtype="float64")).dtype == onp.float64
    assert (np.ones(2, dtype="float16") + np.ones(2)).dtype == onp.float32
    assert np.sum(b).dtype == onp.int32 and np.mean(b).dtype == onp.float32
    assert np.exp(np.array([1, 2], dtype="int64")).tolist() == [2, 7]   # MXNet keeps the int dtype
    assert (2 ** np.array([1.0, 2.0])).tolist() == [2.0, 4.0]
    assert (np.array([1, 2]) % 2).tolist() == [1.0, 0.0]


def test_zero_dim_reductions_and_item():
    x = np.arange(6).reshape(2, 3)
    s = x.sum()
    assert s.shape == () and isinstance(s, np.ndarray) and s.item() == 15.0
    assert x[1, 2].shape == () and float(x[1, 2]) == 5.0
    assert x.argmax().item() == 5 and x.argmax().dtype == onp.int64
    assert x.mean(axis=1).tolist() == [1.0, 4.0]
    assert x.var(axis=1, keepdims=True).shape == (2, 1)
    onp.testing.assert_allclose(np.arange(12).reshape(3, 4).std().item(), 3.4520525, rtol=1e-6)
    assert isinstance(x.item(1), float)


def test_comparisons_are_bool_and_masks_index():
    x = np.arange(6).reshape(2, 3)
    m = x > 2
    assert m.dtype == onp.bool_ and m.tolist() == [[False, False, False], [True, True, True]]
    assert x[m].tolist() == [3.0, 4.0, 5.0]
    assert (np.ones((2, 3)) == 1).all().item() is True
    y = np.arange(12).reshape(3, 4)
    # np.array of Python bools is float32 in MXNet: an index array selecting rows 1, 0, 1
    assert y[np.array([True, False, True])].tolist() == [[4, 5, 6, 7], [0, 1, 2, 3], [4, 5, 6, 7]]
    assert y[np.array([True, False, True], dtype=bool)].tolist() == [[0, 1, 2, 3], [8, 9, 10, 11]]
    y[y > 5] = 0
    assert y.tolist() == [[0, 1, 2, 3], [4, 5, 0, 0], [0, 0, 0, 0]]


def test_integer_array_indexing():
    x = np.arange(12).reshape(3, 4)
    assert x[[0, 2]].shape == (2, 4)
    assert x[:, [1, 3]].tolist() == [[1, 3], [5, 7], [9, 11]]
    assert x[np.array([0, 2])].tolist() == [[0, 1, 2, 3], [8, 9, 10, 11]]
    assert x[1:, 1].tolist() == [5.0, 9.0]
    assert x[np.array([0.0, 2.0])].tolist() == [[0, 1, 2, 3], [8, 9, 10, 11]]


def test_first_axis_slices_are_views():
    x = np.arange(6).reshape(2, 3)
    row = x[0]
    row[0] = 100
    assert x.tolist() == [[100, 1, 2], [3, 4, 5]]
    nd_view = x.as_nd_ndarray()
    assert type(nd_view) is not np.ndarray and isinstance(nd_view, mx.nd.NDArray)
    assert isinstance(mx.nd.ones((2,)).as_np_ndarray(), np.ndarray)


def test_reshape_transpose_astype_signatures():
    x = np.arange(12).reshape(3, 4)
    assert x.reshape((4, 3)).shape == (4, 3) and x.reshape(-1).shape == (12,) and x.reshape(2, -1).shape == (2, 6)
    with pytest.raises(mx.base.MXNetError):
        x.reshape(0, -1)
    assert x.transpose().shape == (4, 3) and x.transpose(1, 0).shape == (4, 3) and x.T.shape == (4, 3)
    assert x.astype("int32").dtype == onp.int32


def test_repr_and_str():
    x = np.arange(6).reshape(2, 3)
    assert repr(x) == "array([[0., 1., 2.],\n       [3., 4., 5.]])"
    assert repr(x.astype("int32")) == "array([[0, 1, 2],\n       [3, 4, 5]], dtype=int32)"
    assert str(np.arange(3)) == "[0. 1. 2.]"


def test_autograd_on_np_arrays():
    x = np.array([1.0, 2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        loss = (x ** 2).sum()
    loss.backward()
    assert isinstance(x.grad, np.ndarray) and x.grad.tolist() == [2.0, 4.0, 6.0]


def test_broadcast_error_is_mxnet_error():
    with pytest.raises(mx.base.MXNetError):
        (np.ones((2, 3)) + np.ones((3, 2))).asnumpy()


def test_missing_names():
    with pytest.raises(AttributeError, match="has no attribute 'fft'"):
        np.fft  # noqa: B018
    assert not hasattr(np.ones(2), "no_such_method")
