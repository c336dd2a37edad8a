"""The NDArray facade: creation, dtypes, printing, reshape, views, indexing, arithmetic.

Hard-coded expectations were recorded from MXNet 1.9.1; arithmetic on floats is
checked against numpy, on ints against numpy with MXNet's integer rules (a Python
scalar is cast to the array's dtype, ``/`` truncates toward zero, ``%`` takes the
divisor's sign), which were recorded from MXNet 1.9.1 as well.
"""
import operator

import numpy as np
import numpy.testing as npt
import pytest

import mxjax as mx
from mxjax import autograd, nd


@pytest.fixture(autouse=True)
def _reset_autograd_state():
    """A failing test must not leave recording or training switched on for the next one."""
    yield
    autograd.set_recording(False)
    autograd.set_training(False)


def _check(arr, expected, dtype=None):
    assert isinstance(arr, nd.NDArray)
    expected = np.asarray(expected)
    assert arr.shape == expected.shape, (arr.shape, expected.shape)
    if dtype is not None:
        assert arr.dtype is dtype, arr.dtype
    npt.assert_array_equal(arr.asnumpy(), expected)


# ------------------------------------------------------------------------------ creation and dtype
@pytest.mark.parametrize("source", [
    [1, 2, 3],
    [1.5, 2.5],
    np.array([1.0, 2.0], dtype=np.float64),
    np.array([1, 2], dtype=np.int64),
    np.array([1, 2], dtype=np.int32),
    np.array([[1, 0], [0, 1]], dtype=np.uint8),
])
def test_array_defaults_to_float32(source):
    a = nd.array(source)
    # recorded from MXNet 1.9.1: float32 for python lists and every numpy dtype
    assert a.dtype is np.float32
    npt.assert_array_equal(a.asnumpy(), np.asarray(source, dtype=np.float32))


def test_dtype_is_numpy_scalar_type():
    x = nd.array([1, 2, 3])
    assert x.dtype is np.float32
    assert isinstance(x.dtype, type)
    assert nd.zeros((2,), dtype="int32").dtype is np.int32
    assert nd.zeros((2,), dtype=np.int64).dtype is np.int64
    assert nd.ones((2,), dtype="float64").dtype is np.float64
    assert nd.ones((2,), dtype="float16").dtype is np.float16
    assert nd.array([1, 2], dtype="uint8").dtype is np.uint8


def test_array_from_ndarray_keeps_dtype():
    # recorded from MXNet 1.9.1
    _check(nd.array(nd.array([1, 2], dtype="int32")), [1, 2], np.int32)
    _check(nd.array(nd.array([1, 2], dtype="int32"), dtype="float64"), [1.0, 2.0], np.float64)


def test_arange():
    # recorded from MXNet 1.9.1
    _check(nd.arange(3), [0.0, 1.0, 2.0], np.float32)
    _check(nd.arange(0, 5, 2, dtype="int32"), [0, 2, 4], np.int32)
    _check(nd.arange(0, 3, repeat=2), [0.0, 0.0, 1.0, 1.0, 2.0, 2.0], np.float32)
    _check(nd.arange(1, 2, 0.25), [1.0, 1.25, 1.5, 1.75], np.float32)
    _check(nd.arange(5, 0, -2), [5.0, 3.0, 1.0], np.float32)
    # recorded from MXNet 1.9.1: computed in float32, so the last value is 0.90000004, not 0.9
    _check(nd.arange(0.0, 1.0, step=0.1),
           np.array([0.0, 0.10000000149011612, 0.20000000298023224, 0.30000001192092896, 0.4000000059604645,
                     0.5, 0.6000000238418579, 0.699999988079071, 0.800000011920929, 0.9000000357627869],
                    dtype=np.float32), np.float32)


def test_arange_integer_dtype_truncates_start_and_step():
    # recorded from MXNet 1.9.1: start and step are cast to the dtype first, the count is the float one
    _check(nd.arange(1.3, 5.6, 1.3, dtype="uint8"), [1, 2, 3, 4], np.uint8)
    _check(nd.arange(2.7, 9.6, 1.6, dtype="int32"), [2, 3, 4, 5, 6], np.int32)
    _check(nd.arange(-2.7, 9.6, 1.6, dtype="int32"), [-2, -1, 0, 1, 2, 3, 4, 5], np.int32)
    assert nd.arange(1.3, 456.6, 1.3, dtype="int32", repeat=3).asnumpy()[-3:].tolist() == [351, 351, 351]
    assert nd.arange(-100, 100, 1, dtype="uint8").asnumpy()[:3].tolist() == [156, 157, 158]
    assert nd.arange(50, -50, -2, dtype="uint8").asnumpy()[25:28].tolist() == [0, 254, 252]


def test_zeros_ones_full_empty():
    _check(nd.zeros((2, 3)), np.zeros((2, 3)), np.float32)
    _check(nd.ones(4), np.ones(4), np.float32)
    _check(nd.full((2, 2), 7), np.full((2, 2), 7.0), np.float32)
    _check(nd.zeros((2,), dtype=np.int64), [0, 0], np.int64)
    assert nd.empty((2, 5)).shape == (2, 5)
    assert nd.empty((2, 5)).dtype is np.float32


# ------------------------------------------------------------------------------ printing
def test_repr_exact():
    assert repr(nd.arange(2).reshape((2, 1))) == "\n[[0.]\n [1.]]\n<NDArray 2x1 @cpu(0)>"
    # recorded from MXNet 1.9.1
    assert repr(nd.zeros((2,), dtype="int32")) == "\n[0 0]\n<NDArray 2 @cpu(0)>"
    assert repr(nd.zeros((2, 2, 2))) == (
        "\n[[[0. 0.]\n  [0. 0.]]\n\n [[0. 0.]\n  [0. 0.]]]\n<NDArray 2x2x2 @cpu(0)>")
    assert repr(nd.array([1.5, -2.25])) == "\n[ 1.5  -2.25]\n<NDArray 2 @cpu(0)>"
    assert str(nd.arange(2).reshape((2, 1))) == repr(nd.arange(2).reshape((2, 1)))


# ------------------------------------------------------------------------------ properties
def test_properties():
    z = nd.arange(6).reshape((2, 3))
    assert z.shape == (2, 3)
    assert z.size == 6
    assert z.ndim == 2
    assert len(z) == 2
    assert z.context == mx.cpu(0)
    assert z.ctx == mx.cpu()
    assert str(z.context) == "cpu(0)"
    assert z.context.device_type == "cpu" and z.context.device_id == 0
    assert z.grad is None
    _check(z.T, [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]], np.float32)
    assert [v.shape for v in nd.zeros((3, 2))] == [(2,), (2,), (2,)]


# ------------------------------------------------------------------------------ reshape
@pytest.mark.parametrize("shape,expected", [
    # recorded from MXNet 1.9.1, input shape (2, 3, 4)
    ((0, -1), (2, 12)),
    ((-2,), (2, 3, 4)),
    ((-3, 4), (6, 4)),
    ((-4, 1, 2, -2), (1, 2, 3, 4)),
    ((4, 0, -1), (4, 3, 2)),
    ((0, 0, -1), (2, 3, 4)),
    ((-1,), (24,)),
    ((6, -1), (6, 4)),
    ((2, -4, -1, 3, -2), (2, 1, 3, 4)),
    ((-3, -2), (6, 4)),
    ((0, -3), (2, 12)),
])
def test_reshape_special_codes(shape, expected):
    a = nd.arange(24).reshape((2, 3, 4))
    r = a.reshape(shape)
    assert r.shape == expected
    npt.assert_array_equal(r.asnumpy().ravel(), np.arange(24))
    assert a.reshape(*shape).shape == expected
    assert a.reshape(shape=shape).shape == expected


@pytest.mark.parametrize("in_shape,shape,expected", [
    # recorded from MXNet 1.9.1
    ((10, 5, 4), (-1, 0), (50, 4)),
    ((2, 3, 4), (0, -1), (3, 8)),
    ((10, 5, 4), (-1, 5), (40, 5)),
])
def test_reshape_reverse(in_shape, shape, expected):
    assert nd.zeros(in_shape).reshape(shape, reverse=True).shape == expected


def test_reshape_not_reverse_differs():
    assert nd.zeros((10, 5, 4)).reshape((-1, 0)).shape == (40, 5)


# ------------------------------------------------------------------------------ views
def test_row_of_row_view_writes_base():
    x = nd.arange(12).reshape((3, 4))
    x[1][:] = 9
    # recorded from MXNet 1.9.1
    _check(x, [[0, 1, 2, 3], [9, 9, 9, 9], [8, 9, 10, 11]], np.float32)


def test_first_axis_slice_view():
    x = nd.arange(12).reshape((3, 4))
    v = x[1:3]
    v[:] = 7
    _check(x, [[0, 1, 2, 3], [7, 7, 7, 7], [7, 7, 7, 7]])
    x = nd.arange(12).reshape((3, 4))
    v = x[1:3]
    x[:] = 5
    _check(v, np.full((2, 4), 5.0))  # the view sees later writes to the base
    x = nd.arange(12).reshape((3, 4))
    v = x[1:3]
    x += 100
    _check(v, np.arange(4, 12).reshape(2, 4) + 100)


def test_inplace_op_on_view_writes_base():
    x = nd.arange(12).reshape((3, 4))
    v = x[1:3]
    v += 1
    # recorded from MXNet 1.9.1
    _check(x, [[0, 1, 2, 3], [5, 6, 7, 8], [9, 10, 11, 12]])
    x = nd.arange(12).reshape((3, 4))
    v = x[0]
    v *= 10
    _check(x, [[0, 10, 20, 30], [4, 5, 6, 7], [8, 9, 10, 11]])


def test_view_of_view_and_row_element_write():
    x = nd.arange(12).reshape((3, 4))
    v = x[1:3][0]
    v[:] = -1
    _check(x, [[0, 1, 2, 3], [-1, -1, -1, -1], [8, 9, 10, 11]])
    x = nd.arange(12).reshape((3, 4))
    v = x[1]
    v[2] = 100
    _check(x, [[0, 1, 2, 3], [4, 5, 100, 7], [8, 9, 10, 11]])
    x = nd.arange(12).reshape((3, 4))
    v = x[1:3]
    v[:] = nd.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    _check(x, [[0, 1, 2, 3], [1, 2, 3, 4], [5, 6, 7, 8]])


def test_reshape_is_a_view():
    x = nd.arange(12).reshape((3, 4))
    r = x.reshape((4, 3))
    r[:] = 1
    # recorded from MXNet 1.9.1
    _check(x, np.ones((3, 4)))
    x = nd.arange(12).reshape((3, 4))
    r = x.reshape((4, 3))
    x[:] = 5
    _check(r, np.full((4, 3), 5.0))
    x = nd.arange(12).reshape((3, 4))
    r = x.reshape((2, 6))
    r[0] = 0
    _check(x, [[0, 0, 0, 0], [0, 0, 6, 7], [8, 9, 10, 11]])


def test_column_is_a_copy():
    x = nd.arange(12).reshape((3, 4))
    c = x[:, 1]
    c[:] = 100
    # recorded from MXNet 1.9.1
    _check(x, np.arange(12).reshape(3, 4))
    _check(c, [100.0, 100.0, 100.0])


@pytest.mark.parametrize("key,shape,after", [
    # recorded from MXNet 1.9.1: v = x[key]; v[:] = -1 on x = arange(12).reshape(3, 4).
    # MXNet makes a view whenever the indexed block is contiguous in memory, else a copy.
    ((1, 2), (1,), [[0, 1, 2, 3], [4, 5, -1, 7], [8, 9, 10, 11]]),
    ((1, slice(1, 3)), (2,), [[0, 1, 2, 3], [4, -1, -1, 7], [8, 9, 10, 11]]),
    ((slice(1, 2), slice(1, 3)), (1, 2), [[0, 1, 2, 3], [4, -1, -1, 7], [8, 9, 10, 11]]),
    ((slice(0, 2), slice(1, 3)), (2, 2), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]),
    ((slice(None), 1), (3,), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]),
    ((slice(1, 3), slice(None)), (2, 4), [[0, 1, 2, 3], [-1, -1, -1, -1], [-1, -1, -1, -1]]),
    (-1, (4,), [[0, 1, 2, 3], [4, 5, 6, 7], [-1, -1, -1, -1]]),
    (slice(2, 0, -1), (2, 4), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]),
    (slice(None, None, 2), (2, 4), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]),
    ((1, None), (1, 4), [[0, 1, 2, 3], [-1, -1, -1, -1], [8, 9, 10, 11]]),
    ((Ellipsis, 0), (3,), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]),
], ids=["x[1,2]", "x[1,1:3]", "x[1:2,1:3]", "x[0:2,1:3]", "x[:,1]", "x[1:3,:]", "x[-1]", "x[2:0:-1]",
        "x[::2]", "x[1,None]", "x[...,0]"])
def test_view_or_copy(key, shape, after):
    x = nd.arange(12).reshape((3, 4))
    v = x[key]
    assert v.shape == shape
    v[:] = -1
    _check(x, after)


def test_column_of_single_column_matrix_is_a_view():
    x = nd.arange(3).reshape((3, 1))
    v = x[:, 0]
    v[:] = -1
    # recorded from MXNet 1.9.1 (contiguous, hence a view)
    _check(x, [[-1.0], [-1.0], [-1.0]])


# ------------------------------------------------------------------------------ indexing shapes
def test_integer_indexing_shapes():
    x = nd.arange(12).reshape((3, 4))
    # recorded from MXNet 1.9.1
    _check(x[1, 2], [6.0], np.float32)
    _check(x[1], [4.0, 5.0, 6.0, 7.0])
    _check(x[-1], [8.0, 9.0, 10.0, 11.0])
    y = nd.arange(24).reshape((2, 3, 4))
    assert y[1, 2].shape == (4,)
    _check(y[1, 2, 3], [23.0])
    _check(y[..., 1], [[1, 5, 9], [13, 17, 21]])
    assert nd.arange(6)[None].shape == (1, 6)
    _check(nd.arange(6)[-2:], [4.0, 5.0])
    _check(nd.arange(6)[::2], [0.0, 2.0, 4.0])
    _check(x[1:3, 1:3], [[5.0, 6.0], [9.0, 10.0]])


def test_reductions_to_one_value_have_shape_1():
    x = nd.arange(12).reshape((3, 4))
    # recorded from MXNet 1.9.1
    _check(x.sum(), [66.0], np.float32)
    _check(x.sum(axis=0), [12.0, 15.0, 18.0, 21.0])
    _check(nd.ones((2, 3)).sum(axis=1, keepdims=True), [[3.0], [3.0]])
    _check(nd.ones((2, 3)).mean(), [1.0])
    _check(nd.arange(6).max(), [5.0])
    _check(nd.array([3.0, 4.0]).norm(), [5.0])
    _check(nd.array([[1.0, 5.0, 2.0], [7.0, 0.0, 1.0]]).argmax(axis=1), [1.0, 0.0], np.float32)


# ------------------------------------------------------------------------------ advanced indexing
def test_advanced_indexing_get():
    y = nd.arange(12).reshape((3, 4))
    rows = np.arange(12, dtype=np.float32).reshape(3, 4)
    # recorded from MXNet 1.9.1
    _check(y[nd.array([0, 2])], rows[[0, 2]])
    _check(y[nd.array([2, 1], dtype="int32")], rows[[2, 1]])
    _check(y[[2, 0]], rows[[2, 0]])
    _check(y[np.array([1, 1])], rows[[1, 1]])
    _check(y[[0, 2], [1, 3]], [1.0, 11.0])


def test_advanced_indexing_set():
    # recorded from MXNet 1.9.1
    y = nd.arange(12).reshape((3, 4))
    y[nd.array([0, 2])] = 0
    _check(y, [[0, 0, 0, 0], [4, 5, 6, 7], [0, 0, 0, 0]])
    y = nd.arange(12).reshape((3, 4))
    y[[0, 1], [1, 2]] = -1
    _check(y, [[0, -1, 2, 3], [4, 5, -1, 7], [8, 9, 10, 11]])
    x = nd.arange(6)
    x[nd.array([0, 5])] = nd.array([7, 8])
    _check(x, [7, 1, 2, 3, 4, 8])


def test_basic_setitem():
    # recorded from MXNet 1.9.1
    y = nd.arange(12).reshape((3, 4))
    y[:, 1] = nd.array([7, 8, 9])
    _check(y, [[0, 7, 2, 3], [4, 8, 6, 7], [8, 9, 10, 11]])
    y = nd.arange(12).reshape((3, 4))
    y[1] = 3
    _check(y, [[0, 1, 2, 3], [3, 3, 3, 3], [8, 9, 10, 11]])
    y = nd.arange(12).reshape((3, 4))
    y[0:2, 1:3] = nd.ones((2, 2))
    _check(y, [[0, 1, 1, 3], [4, 1, 1, 7], [8, 9, 10, 11]])
    x = nd.arange(6)
    x[1:4] = nd.array([9, 9, 9])
    _check(x, [0, 9, 9, 9, 4, 5])
    x = nd.zeros((2, 3))
    x[:] = np.arange(6).reshape(2, 3)
    _check(x, np.arange(6).reshape(2, 3), np.float32)
    x = nd.zeros((2, 3), dtype="int32")
    x[:] = 2.7  # cast to the array's dtype
    _check(x, np.full((2, 3), 2), np.int32)


# ------------------------------------------------------------------------------ arithmetic
_BINARY = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
    "mod": operator.mod, "pow": operator.pow,
}
_INPLACE = {
    "add": operator.iadd, "sub": operator.isub, "mul": operator.imul, "truediv": operator.itruediv,
    "mod": operator.imod, "pow": operator.ipow,
}
_NP = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "truediv": np.true_divide,
       "mod": np.mod, "pow": np.power}

_A = np.array([[0.5, 1.25, 2.0], [3.5, 0.75, 1.5]])
_B = np.array([[1.5, 0.5, 2.5], [0.25, 2.0, 1.25]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(_BINARY))
def test_float_arithmetic_against_numpy(name, dtype):
    a_np, b_np = _A.astype(dtype), _B.astype(dtype)
    a, b = nd.array(a_np, dtype=dtype), nd.array(b_np, dtype=dtype)
    op, npop = _BINARY[name], _NP[name]
    rtol = 1e-6 if dtype == np.float32 else 1e-12

    def check(result, expected):
        assert result.dtype is dtype
        assert result.shape == expected.shape
        npt.assert_allclose(result.asnumpy(), expected, rtol=rtol)

    check(op(a, b), npop(a_np, b_np))
    check(op(a, 1.5), npop(a_np, dtype(1.5)))            # array op scalar
    check(op(1.5, a), npop(dtype(1.5), a_np))            # reflected: scalar op array
    check(op(a, nd.array(b_np[0], dtype=dtype)), npop(a_np, b_np[0]))  # broadcasting
    x = nd.array(a_np, dtype=dtype)
    alias = x
    x = _INPLACE[name](x, b)
    check(x, npop(a_np, b_np))
    if name == "pow":
        # recorded from MXNet 1.9.1: NDArray has no __ipow__, so ``x **= b`` rebinds x to a new array
        assert x is not alias
        check(alias, a_np)
    else:
        assert x is alias                                # in place: same handle
        check(alias, npop(a_np, b_np))
    x = nd.array(a_np, dtype=dtype)
    x = _INPLACE[name](x, 2)
    check(x, npop(a_np, dtype(2)))


def test_unary_operators():
    a_np = np.array([-1.5, 0.0, 2.0], dtype=np.float32)
    a = nd.array(a_np)
    _check(-a, -a_np, np.float32)
    _check(abs(a), np.abs(a_np), np.float32)
    i = nd.array([-3, 3, 7, -7], dtype="int32")
    _check(-i, [3, -3, -7, 7], np.int32)
    _check(abs(i), [3, 3, 7, 7], np.int32)


def _int_ref(name, a, b):
    """MXNet 1.9.1's integer rules (recorded): truncating division, python-sign modulo."""
    if name == "truediv":
        return np.trunc(a.astype(np.float64) / b).astype(np.int32)
    return _NP[name](a, b).astype(np.int32)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "truediv", "mod"])
def test_int32_arithmetic(name):
    a_np = np.array([-3, 3, 7, -7, 9], dtype=np.int32)
    b_np = np.array([2, 2, -2, -2, 4], dtype=np.int32)
    a, b = nd.array(a_np, dtype="int32"), nd.array(b_np, dtype="int32")
    op = _BINARY[name]
    for result, expected in [
        (op(a, b), _int_ref(name, a_np, b_np)),
        (op(a, 2), _int_ref(name, a_np, np.int32(2))),
        (op(a, 2.9), _int_ref(name, a_np, np.int32(2))),       # the scalar is cast to int32 first
        (op(a, -1.5), _int_ref(name, a_np, np.int32(-1))),
        (op(7, b), _int_ref(name, np.int32(7), b_np)),
    ]:
        assert result.dtype is np.int32
        npt.assert_array_equal(result.asnumpy(), expected)


def test_int32_recorded_cases():
    i = nd.array([-3, 3, 5, -5], dtype="int32")
    # recorded from MXNet 1.9.1
    _check(i / 2, [-1, 1, 2, -2], np.int32)
    _check(i / -2, [1, -1, -2, 2], np.int32)
    _check(i * 1.5, [-3, 3, 5, -5], np.int32)
    _check(i % 2, [1, 1, 1, 1], np.int32)
    _check(7 % nd.array([3, -3, 4], dtype="int32"), [1, -2, 3], np.int32)
    _check(7 / nd.array([2, -2, 3], dtype="int32"), [3, -3, 2], np.int32)
    _check(nd.array([-3, 3], dtype="int32") % nd.array([2, -2], dtype="int32"), [1, -1], np.int32)
    _check(nd.array([2, 3], dtype="int32") ** 2, [4, 9], np.int32)
    _check(nd.array([2, 3], dtype="int32") ** nd.array([3, 2], dtype="int32"), [8, 9], np.int32)
    _check(2 ** nd.array([1, 3], dtype="int32"), [2, 8], np.int32)
    _check(nd.array([2, 3], dtype="int32") / 2.5, [1, 1], np.int32)
    _check(1.7 + nd.array([1, 2], dtype="int32"), [2, 3], np.int32)
    _check(10 - nd.array([-3, 3, 7, -7], dtype="int32"), [13, 7, 3, 17], np.int32)
    j = nd.array([5, 7], dtype="int32")
    j /= 2
    _check(j, [2, 3], np.int32)


def test_float_modulo_python_style():
    # recorded from MXNet 1.9.1
    npt.assert_allclose((nd.array([-3.0, 3.0, 5.5, -5.5]) % 2).asnumpy(), [1.0, 1.0, 1.5, 0.5])
    npt.assert_allclose((nd.array([-3.5]) % 2).asnumpy(), [0.5])
    npt.assert_allclose((7.5 % nd.array([2.0, -2.0])).asnumpy(), [1.5, -0.5])
    npt.assert_allclose((5.0 % nd.array([-3.0, 3.0])).asnumpy(), [-1.0, 2.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32, np.int64, np.float16])
def test_comparisons_return_input_dtype(dtype):
    a_np = np.array([1, 2, 3, 4], dtype=dtype)
    b_np = np.array([4, 2, 1, 4], dtype=dtype)
    a, b = nd.array(a_np, dtype=dtype), nd.array(b_np, dtype=dtype)
    for op in [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]:
        for result, expected in [(op(a, b), op(a_np, b_np)), (op(a, 2), op(a_np, 2)), (op(2, a), op(2, a_np))]:
            assert result.dtype is dtype
            npt.assert_array_equal(result.asnumpy(), expected.astype(dtype))


def test_comparison_recorded_cases():
    # recorded from MXNet 1.9.1
    _check(nd.array([-3, 3, 5, -5], dtype="int32") > 0, [0, 1, 1, 0], np.int32)
    _check(nd.array([1.0, 2.0]) == 2, [0.0, 1.0], np.float32)
    _check(nd.array([1, 2], dtype="int64") <= 1, [1, 0], np.int64)
    _check(nd.array([1, 2, 3], dtype="int32") > 1.5, [0, 1, 1], np.int32)  # 1.5 cast to 1
    _check(2 < nd.array([1.0, 2.0, 3.0]), [0.0, 0.0, 1.0], np.float32)
    _check(2 >= nd.array([1.0, 2.0, 3.0]), [1.0, 1.0, 0.0], np.float32)
    _check(nd.array([1.0, 2.0, 3.0]) >= nd.array([2.0, 2.0, 2.0]), [0.0, 1.0, 1.0], np.float32)


def test_broadcasting_arithmetic():
    _check(nd.ones((2, 3)) + nd.array([1.0, 2.0, 3.0]), [[2, 3, 4], [2, 3, 4]], np.float32)
    _check(nd.ones((2, 1)) * nd.array([[1.0, 2.0, 3.0]]), [[1, 2, 3], [1, 2, 3]], np.float32)


def test_ipow_inside_record_is_not_an_inplace_write():
    """recorded from MXNet 1.9.1: ``x **= 2`` is ``x = x ** 2`` (no __ipow__), so it is allowed on a
    variable inside record() and the old handle keeps its value."""
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    old = x
    with autograd.record():
        y = x * 1  # noqa: F841
        x **= 2
    _check(x, [1.0, 4.0])
    _check(old, [1.0, 2.0])


def test_inplace_keeps_aliases():
    q = nd.array([1.0, 2.0])
    q2 = q
    q += 1
    # recorded from MXNet 1.9.1
    assert q is q2
    _check(q2, [2.0, 3.0])


# ------------------------------------------------------------------------------ conversions and copies
def test_astype():
    z = nd.arange(6).reshape((2, 3))
    # recorded from MXNet 1.9.1
    _check(z.astype("int32"), [[0, 1, 2], [3, 4, 5]], np.int32)
    _check(z.astype(np.float64), np.arange(6).reshape(2, 3), np.float64)
    _check(nd.array([-1.7, 1.7, 2.5]).astype("int32"), [-1, 1, 2], np.int32)
    same = z.astype("float32", copy=False)
    _check(same, np.arange(6).reshape(2, 3), np.float32)
    c = z.astype("float32")
    c[:] = 0
    _check(z, np.arange(6).reshape(2, 3))  # copy=True copies


def test_copy_copyto_as_in_context():
    z = nd.arange(6).reshape((2, 3))
    c = z.copy()
    c[:] = 0
    # recorded from MXNet 1.9.1
    _check(z, np.arange(6).reshape(2, 3))
    t = nd.zeros((2, 3))
    r = z.copyto(t)
    assert r is t
    _check(t, np.arange(6).reshape(2, 3), np.float32)
    t = nd.zeros((2, 3), dtype="int32")
    z.copyto(t)
    _check(t, np.arange(6).reshape(2, 3), np.int32)  # the target keeps its dtype
    k = z.copyto(mx.cpu())
    assert k.context == mx.cpu(0)
    _check(k, np.arange(6).reshape(2, 3), np.float32)
    k[:] = 1
    _check(z, np.arange(6).reshape(2, 3))  # copyto(ctx) copies
    a = z.as_in_context(mx.cpu())
    assert a.context == mx.cpu(0)
    _check(a, np.arange(6).reshape(2, 3))
    _check(nd.array([1, 2], dtype="int64").copy(), [1, 2], np.int64)


def test_copyto_shape_mismatch_raises():
    with pytest.raises(mx.base.MXNetError):
        nd.zeros((2, 3)).copyto(nd.zeros((3, 2)))


def test_detach():
    d = nd.array([1.0, 2.0])
    d.attach_grad()
    with autograd.record():
        e = d.detach() * d
    e.backward()
    # recorded from MXNet 1.9.1: the detached factor is a constant
    _check(d.grad, [1.0, 2.0], np.float32)
    _check(d.detach(), [1.0, 2.0], np.float32)


def test_detach_shares_memory():
    """recorded from MXNet 1.9.1: detach() returns a handle on the same buffer."""
    x = nd.arange(12).reshape((3, 4))
    d = x.detach()
    d[:] = 0
    _check(x, np.zeros((3, 4)))


def test_as_in_context_same_context_shares_memory():
    """recorded from MXNet 1.9.1: as_in_context to the array's own context returns the array."""
    x = nd.arange(6)
    y = x.as_in_context(mx.cpu())
    y[:] = 0
    _check(x, np.zeros(6))


def test_bool_of_one_element_array():
    # recorded from MXNet 1.9.1
    assert bool(nd.array([1])) is True
    assert bool(nd.array([0])) is False
    assert bool(nd.array([[0.5]])) is True
    with pytest.raises(ValueError, match="ambiguous"):
        bool(nd.array([1, 2]))


def test_float_and_int_raise_type_error():
    # recorded from MXNet 1.9.1: TypeError
    with pytest.raises(TypeError):
        float(nd.ones(1))
    with pytest.raises(TypeError):
        int(nd.ones(1))


def test_asnumpy_and_asscalar():
    x = nd.array([3], dtype="int32")
    v = x.asscalar()
    # recorded from MXNet 1.9.1: a numpy scalar of the array's dtype
    assert v == 3 and type(v) is np.int32
    a = nd.arange(6).reshape((2, 3)).asnumpy()
    assert isinstance(a, np.ndarray) and a.dtype == np.float32
    a[:] = 100  # asnumpy is a copy
    _check(nd.arange(6).reshape((2, 3)), np.arange(6).reshape(2, 3))


# ---- split_v2, reshape errors, setitem broadcasting, out= of creation functions (MXNet 1.9.1) ----

def test_split_v2_by_sections_and_indices():
    x = nd.arange(24).reshape((2, 3, 4))
    parts = nd.split_v2(x, (1, 3), axis=2)
    assert [p.shape for p in parts] == [(2, 3, 1), (2, 3, 2), (2, 3, 1)]
    # recorded from MXNet 1.9.1
    npt.assert_array_equal(parts[1].asnumpy(), [[[1, 2], [5, 6], [9, 10]], [[13, 14], [17, 18], [21, 22]]])
    assert [p.shape for p in x.split_v2(2, axis=0, squeeze_axis=True)] == [(3, 4), (3, 4)]
    assert [p.shape for p in x.split_v2((1, 3), axis=1)] == [(2, 1, 4), (2, 2, 4), (2, 0, 4)]
    assert isinstance(x.split_v2(1, axis=1), nd.NDArray)


def test_split_v2_errors():
    x = nd.arange(24).reshape((2, 12))
    with pytest.raises(ValueError, match="equal division"):
        nd.split_v2(x, 5, axis=1)
    with pytest.raises(ValueError, match="int or tuple of ints"):
        x.split_v2([1, 2])
    with pytest.raises(mx.base.MXNetError, match="past the end"):
        x.split_v2((3, 20), axis=1)


def test_reshape_method_errors_as_mxnet():
    t = nd.arange(30).reshape(2, 3, 5)
    for spec in [(2, 3), (7, -1), (-1, 7)]:   # fewer elements: ValueError from the method
        with pytest.raises(ValueError, match="Cannot reshape array of size 30"):
            t.reshape(spec)
        with pytest.raises(mx.base.MXNetError):   # the operator raises MXNetError
            nd.reshape(t, shape=spec)
    with pytest.raises(mx.base.MXNetError, match="larger than the current shape"):
        t.reshape(40)
    with pytest.raises(mx.base.MXNetError, match="does not have"):
        t.reshape(0, 0, 0, 0)
    assert t.reshape(-1, 0, reverse=True).shape == (6, 5)


def test_setitem_trims_leading_unit_axes_of_the_value():
    a = nd.zeros((2, 4, 3))
    a[0] = nd.arange(3).reshape((1, 1, 1, 3))
    npt.assert_array_equal(a.asnumpy()[0], np.tile(np.arange(3.0), (4, 1)))
    npt.assert_array_equal(a.asnumpy()[1], 0)
    with pytest.raises(ValueError):
        a[0] = nd.ones((2, 1, 3))


def test_creation_functions_write_into_out():
    out = nd.zeros((2, 2))
    assert nd.ones((2, 2), out=out) is out
    npt.assert_array_equal(out.asnumpy(), 1)
    assert nd.full((2, 2), 2, out=out) is out
    npt.assert_array_equal(out.asnumpy(), 2)
    assert nd.zeros((2, 2), out=out) is out
    npt.assert_array_equal(out.asnumpy(), 0)
    ints = nd.zeros((2, 2), dtype="int32")
    nd.full((2, 2), 3, out=ints)   # MXNet: full writes into an int32 out, ones/zeros refuse
    assert ints.dtype == np.int32 and ints.asnumpy().tolist() == [[3, 3], [3, 3]]
    with pytest.raises(mx.base.MXNetError, match="Type inconsistent"):
        nd.ones((2, 2), out=nd.zeros((2, 2), dtype="float64"))
    with pytest.raises(mx.base.MXNetError, match="Shape inconsistent"):
        nd.ones((3, 2), out=out)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_max_min_propagate_nan_in_row_reductions(dtype):
    data = np.random.RandomState(0).rand(7, 5040).astype(dtype)
    data[:, 100] = np.nan
    data[3, 7] = np.inf
    for fn in (nd.max, nd.min):
        out = fn(nd.array(data, dtype=dtype), axis=1).asnumpy()
        assert np.isnan(out).all()
    # recorded from MXNet 1.9.1
    small = nd.array([[1, np.nan, 3], [4, 5, 6]], dtype=dtype)
    npt.assert_array_equal(nd.max(small, axis=1).asnumpy(), [np.nan, 6])
    npt.assert_array_equal(nd.min(small, axis=1).asnumpy(), [np.nan, 4])


def test_basic_indexing_slice_is_contiguous_matches_numpy():
    import itertools
    shape = (3, 4, 5)
    x = np.zeros(shape)
    slices = [slice(None), slice(2), slice(1, 3), slice(None, None, 2), slice(None, None, 20), slice(0, 1),
              slice(None, None, -1), slice(2, None, -2), slice(3, 3)]
    for key in itertools.product(slices, repeat=3):
        assert nd.NDArray._basic_indexing_slice_is_contiguous(key, shape) == x[key].flags.contiguous, key


def test_contiguous_basic_slices_are_views():
    x = nd.arange(24).reshape((2, 3, 4))
    v = x[1, 1:3]
    v[:] = -1
    # recorded from MXNet 1.9.1: x[1, 1:3] is a view, x[0, :, ::10] a copy
    npt.assert_array_equal(x.asnumpy()[1], [[12, 13, 14, 15], [-1, -1, -1, -1], [-1, -1, -1, -1]])
    w = x[0, :, ::10]
    w[:] = -5
    npt.assert_array_equal(x.asnumpy()[0], np.arange(12).reshape(3, 4))
    one = x[0, 0, ::10]   # one element, strided: contiguous, a view
    one[:] = 7
    assert x.asnumpy()[0, 0, 0] == 7


def test_a_tuple_inside_an_index_is_an_index_array():
    """MXNet (and numpy) read ``x[[1, 0], 3:5, (2, 3), [3, 4]]``'s inner tuple as an integer array."""
    a = np.arange(2 * 6 * 4 * 5, dtype="float32").reshape(2, 6, 4, 5)
    x = nd.array(a)
    key = ([1, 0], slice(3, 5), (2, 3), [3, 4])
    npt.assert_array_equal(x[key].asnumpy(), a[([1, 0], slice(3, 5), [2, 3], [3, 4])])
    x[key] = 0
    a[([1, 0], slice(3, 5), [2, 3], [3, 4])] = 0
    npt.assert_array_equal(x.asnumpy(), a)
