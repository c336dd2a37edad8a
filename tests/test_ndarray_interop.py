"""nd.from_numpy, DLPack exchange (to_dlpack_for_read/write, from_dlpack): MXNet 1.9.1's contracts."""
import numpy as np
import pytest

import mxjax as mx


def test_from_numpy_zero_copy_shares_writes_and_locks_the_numpy_array():
    source = np.array([[1, 2], [3, 4], [5, 6]], dtype="float32")
    arr = mx.nd.from_numpy(source)
    assert arr.dtype == np.float32 and arr.shape == (3, 2)
    with pytest.raises(ValueError):
        source[2, 1] = 0   # MXNet makes the numpy array read-only
    arr[2, 1] = 100
    np.testing.assert_array_equal(source, [[1, 2], [3, 4], [5, 100]])
    arr += 1
    np.testing.assert_array_equal(source, [[2, 3], [4, 5], [6, 101]])
    np.testing.assert_array_equal((arr * 2).asnumpy(), source * 2)


def test_from_numpy_needs_c_contiguous_for_zero_copy():
    source = np.array([[1, 2], [3, 4], [5, 6]]).transpose()
    with pytest.raises(ValueError, match="c-contiguous"):
        mx.nd.from_numpy(source)
    copied = mx.nd.from_numpy(source, zero_copy=False)
    np.testing.assert_array_equal(copied.asnumpy(), source)
    assert copied.dtype == source.dtype
    assert source.flags.writeable


@pytest.mark.parametrize("zero_copy", [False, True])
@pytest.mark.parametrize("source", [np.array(()).reshape((1, 0, 2)), np.arange(6, dtype="int32").reshape(2, 3)])
def test_from_numpy_keeps_shape_and_dtype(source, zero_copy):
    arr = mx.nd.from_numpy(source.copy(), zero_copy=zero_copy)
    assert arr.shape == source.shape and arr.dtype == source.dtype
    np.testing.assert_array_equal(arr.asnumpy(), source)


@pytest.mark.parametrize("dtype", ["float32", "int32", "float64"])
def test_dlpack_round_trip(dtype):
    a = mx.nd.array(np.arange(12).reshape(3, 4), dtype=dtype)
    for capsule in (a.to_dlpack_for_read(), mx.nd.to_dlpack_for_read(a), a.to_dlpack_for_write(),
                    mx.nd.to_dlpack_for_write(a)):
        assert type(capsule).__name__ == "PyCapsule"
        b = mx.nd.from_dlpack(capsule)
        assert b.dtype == np.dtype(dtype) and b.shape == (3, 4)
        np.testing.assert_array_equal(b.asnumpy(), a.asnumpy())


def test_from_dlpack_takes_protocol_objects():
    source = np.arange(4, dtype="float32")
    np.testing.assert_array_equal(mx.nd.from_dlpack(source).asnumpy(), source)


def test_numpy_functions_see_the_values():
    """``np.asarray``/``np.all`` on an NDArray read its values (numpy 2 cannot walk it as a
    nested sequence, as numpy 1.x did with MXNet's NDArray)."""
    a = mx.nd.array([50000001], dtype="int32")
    assert np.all(a == 50000001) and np.all(a.floor() == 50000001)
    values = np.asarray(mx.nd.array([[1, 2], [3, 4]]), dtype=np.float64)
    assert values.dtype == np.float64 and values.tolist() == [[1, 2], [3, 4]]


def test_to_jax_and_from_jax_share_the_buffer_both_ways():
    import jax
    import jax.numpy as jnp
    arr = mx.nd.array([[1, 2], [3, 4]]) * 2          # a pending value is computed first
    shared = arr.to_jax()
    assert isinstance(shared, jax.Array) and shared.dtype == jnp.float32
    assert shared.unsafe_buffer_pointer() == arr.to_jax().unsafe_buffer_pointer()
    np.testing.assert_array_equal(np.asarray(shared), [[2, 4], [6, 8]])
    arr += 1                                          # a write gives the NDArray a new buffer
    np.testing.assert_array_equal(np.asarray(shared), [[2, 4], [6, 8]])

    source = jnp.arange(6, dtype=jnp.int64).reshape(2, 3)
    back = mx.nd.from_jax(source)
    assert back.dtype == np.int64 and back.shape == (2, 3) and back.context == mx.cpu(0)
    assert back.to_jax().unsafe_buffer_pointer() == source.unsafe_buffer_pointer()
    np.testing.assert_array_equal((back + 1).asnumpy(), np.arange(1, 7).reshape(2, 3))


def test_from_jax_arrays_take_part_in_autograd():
    import jax.numpy as jnp
    x = mx.nd.from_jax(jnp.array([1.0, 2.0, 3.0], dtype=jnp.float32))
    x.attach_grad()
    with mx.autograd.record():
        y = (x * x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [2.0, 4.0, 6.0])


def test_from_jax_refuses_other_objects():
    with pytest.raises(TypeError, match="mx.nd.array"):
        mx.nd.from_jax(np.zeros(3))


def test_from_dlpack_of_numpy_keeps_values_and_dtype():
    source = np.arange(12, dtype=np.float64).reshape(3, 4)
    arr = mx.nd.from_dlpack(source)
    assert arr.dtype == np.float64 and arr.context == mx.cpu(0)
    np.testing.assert_array_equal(arr.asnumpy(), source)
