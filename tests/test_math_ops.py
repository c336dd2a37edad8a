"""Math family semantics beyond the recorded reference cases: argument errors that name the
operator and the argument, MXNet's Python helpers (nd.add, nd.power...), gradient conventions
at ties and kinks, and the eager nd.contrib.boolean_mask.

Expected values were observed on MXNet 1.9.1.
"""
import numpy as np
import numpy.testing as npt
import pytest

import mxjax as mx
from mxjax import autograd, nd

MXNetError = mx.base.MXNetError


def _grad(f, values, head=None, dtype="float64"):
    x = nd.array(values, dtype=dtype)
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward(head)
    return y.asnumpy(), x.grad.asnumpy()


# ---- bad arguments raise MXNetError naming the operator and the argument ------------------------

@pytest.mark.parametrize("op,call,arg", [
    ("sum", lambda x: nd.sum(x, foo=1), "foo"),
    ("_plus_scalar", lambda x: nd._internal._plus_scalar(x, scalar=1.0, bar=2), "bar"),
    ("sum", lambda x: nd.sum(x, axis=3), "axis"),
    ("mean", lambda x: x.mean(axis=-4), "axis"),
    ("max", lambda x: nd.max(x, axis=(0, 0)), "axis"),
    ("prod", lambda x: nd.prod(x, axis=1.5), "axis"),
    ("argmax", lambda x: nd.argmax(x, axis=3), "axis"),
    ("argmin", lambda x: nd.argmin(x, axis=(0, 1)), "axis"),
    ("norm", lambda x: nd.norm(x, ord=3), "ord"),
    ("norm", lambda x: nd.norm(x, axis=5), "axis"),
    ("cast", lambda x: nd.cast(x), "dtype"),
    ("broadcast_add", lambda x: nd.broadcast_add(x, x.astype("int32")), "dtype"),
    ("elemwise_mul", lambda x: nd.elemwise_mul(x, x.astype("float64")), "dtype"),
    ("_plus_scalar", lambda x: nd._internal._plus_scalar(x, scalar="abc"), "scalar"),
    ("clip", lambda x: nd.clip(x, a_min=0), "a_max"),
    ("_contrib_arange_like", lambda x: nd.contrib.arange_like(x, axis=3), "axis"),
    ("_contrib_boolean_mask", lambda x: nd.contrib.boolean_mask(x, nd.array([1, 0, 1])), "index"),
])
def test_bad_argument_names_operator_and_argument(op, call, arg):
    x = nd.array(np.arange(24).reshape(2, 3, 4))
    with pytest.raises(MXNetError) as exc:
        call(x)
    msg = str(exc.value)
    assert op in msg and arg in msg, msg


def test_bad_dtype_is_a_type_error():
    """MXNet raises TypeError for an unknown dtype name ("data type 'foo' not understood")."""
    with pytest.raises(TypeError, match="foo"):
        nd.ones((2,)).astype("foo")
    with pytest.raises(TypeError, match="cast.*dtype.*foo"):
        nd.cast(nd.ones((2,)), dtype="foo")


def test_errors_that_mxnet_raises_asynchronously_are_raised_at_the_call():
    """MXNet raises these only when the value is read; mxjax at the call (same error class)."""
    with pytest.raises(MXNetError, match="hard_sigmoid"):
        nd.hard_sigmoid(nd.array([1, 2], dtype="int32"))
    with pytest.raises(MXNetError, match="argmax_channel"):
        nd.argmax_channel(nd.array([1.0, 3.0, 2.0]))
    with pytest.raises(MXNetError, match="ord"):
        nd.norm(nd.ones((3, 5, 7)), ord=0)


def test_unary_functions_that_are_not_methods_in_mxnet():
    x = nd.ones((2,))
    for name in ("negative", "logical_not", "softsign", "erf", "erfinv", "gamma", "gammaln", "hard_sigmoid"):
        assert not hasattr(x, name), name
    for name in ("sqrt", "sigmoid", "degrees", "argmax_channel", "nansum", "norm", "clip", "rint"):
        assert hasattr(x, name), name


# ---- nd.add / nd.power / ...: MXNet's helpers ----------------------------------------------------

def test_helpers_with_two_numbers_give_python_numbers():
    assert nd.add(2, 3) == 5 and isinstance(nd.add(2, 3), int)
    assert nd.divide(7, 2) == 3.5
    assert nd.power(2, 3) == 8
    assert nd.equal(2, 3) == 0 and nd.equal(2, 2) == 1
    assert nd.maximum(2, 3.5) == 3.5
    assert nd.modulo(-7, 3) == 2
    assert nd.logical_and(2, 3) == 1 and nd.logical_and(2, 0) == 0 and nd.logical_xor(2, 0) == 1


def test_helpers_with_a_number_on_either_side():
    xi = nd.array([-7, -2, 0, 3, 7], dtype="int32")
    xf = nd.array([-7.5, -2, 0, 3, 7.25])
    npt.assert_array_equal(nd.subtract(2.5, xi).asnumpy(), [9, 4, 2, -1, -5])      # 2.5 -> 2
    npt.assert_array_equal(nd.maximum(2.5, xi).asnumpy(), [2, 2, 2, 3, 7])
    npt.assert_array_equal(nd.divide(7, xi).asnumpy(), [-1, -3, -2147483648, 2, 1])
    npt.assert_array_equal(nd.true_divide(xi, 2).asnumpy(), [-3, -1, 0, 1, 3])
    npt.assert_array_equal(nd.greater(2, xf).asnumpy(), [1, 1, 1, 0, 0])
    npt.assert_array_equal(nd.modulo(2, xf).asnumpy(), [-5.5, 0, 0, 2, 2])
    npt.assert_allclose(nd.power(base=2, exp=xf).asnumpy(), 2.0 ** xf.asnumpy(), rtol=1e-6)
    npt.assert_array_equal(nd.power(xi, exp=2).asnumpy(), [49, 4, 0, 9, 49])
    assert nd.power(xi, 2).dtype == np.int32


def test_scalar_on_the_left_of_maximum_ties_to_the_array():
    """nd.maximum(1.0, x) is _maximum_scalar(x, 1.0): on a tie the gradient goes to x."""
    _, g = _grad(lambda x: nd.maximum(1.0, x), [1.0, 0.5, 2.0])
    npt.assert_array_equal(g, [1, 0, 1])
    _, g = _grad(lambda x: nd.minimum(1.0, x), [1.0, 0.5, 2.0])
    npt.assert_array_equal(g, [1, 1, 0])


# ---- scalar forms ---------------------------------------------------------------------------------

def test_scalar_ops_are_internal_with_camel_case_aliases():
    x = nd.array([1.0, 2.0])
    npt.assert_array_equal(nd._internal._plus_scalar(x, scalar=2.0).asnumpy(), [3, 4])
    npt.assert_array_equal(nd._internal._PlusScalar(x, scalar=2.0).asnumpy(), [3, 4])
    npt.assert_array_equal(nd.op._rminus_scalar(x, scalar=2.0).asnumpy(), [1, 0])
    npt.assert_array_equal(nd._internal._plus_scalar(x).asnumpy(), [2, 3])       # scalar defaults to 1
    assert not hasattr(nd, "_plus_scalar") or nd._plus_scalar is None


def test_scalar_is_cast_to_the_array_dtype_unless_is_int_is_false():
    xi = nd.array([-7, 3], dtype="int32")
    y = nd._internal._plus_scalar(xi, scalar=2.5)
    assert y.dtype == np.int32
    npt.assert_array_equal(y.asnumpy(), [-5, 5])
    y = nd._internal._plus_scalar(xi, scalar=2.5, is_int=False)
    assert y.dtype == np.float64
    npt.assert_array_equal(y.asnumpy(), [-4.5, 5.5])


def test_scalar_max_min_ties_and_mod_gradient():
    _, g = _grad(lambda x: nd._internal._maximum_scalar(x, scalar=1.0), [1.0, 0.5, 2.0])
    npt.assert_array_equal(g, [1, 0, 1])
    _, g = _grad(lambda x: nd._internal._minimum_scalar(x, scalar=1.0), [1.0, 0.5, 2.0])
    npt.assert_array_equal(g, [1, 1, 0])
    y, g = _grad(lambda x: nd._internal._mod_scalar(x, scalar=0.0), [1.0, 0.5, 2.0])
    npt.assert_array_equal(y, [0, 0, 0])
    npt.assert_array_equal(g, [1, 1, 1])
    y, g = _grad(lambda x: nd._internal._rmod_scalar(x, scalar=5.0), [2.0, -1.5, 3.0])
    npt.assert_array_equal(y, [1, -1, 2])
    npt.assert_array_equal(g, [-2, 4, -1])


# ---- gradient conventions -------------------------------------------------------------------------

def test_hard_sigmoid_gradient_is_zero_at_the_corners():
    y, g = _grad(nd.hard_sigmoid, [-2.5, 2.5, 0.0, -3.0, 3.0])
    npt.assert_allclose(y, [0, 1, 0.5, 0, 1])
    npt.assert_allclose(g, [0, 0, 0.2, 0, 0])


def test_contrib_gradients_match_mxnet():
    head = nd.array([1.0, 2.0], dtype="float64")
    _, g = _grad(nd.contrib.round_ste, [-2.5, 1.2], head)
    npt.assert_array_equal(g, [1, 2])
    _, g = _grad(nd.contrib.sign_ste, [-2.5, 1.2], head)
    npt.assert_array_equal(g, [1, 2])
    _, g = _grad(lambda x: nd.contrib.gradientmultiplier(x, scalar=3), [-2.5, 1.2], head)
    npt.assert_array_equal(g, [3, 6])
    _, g = _grad(lambda x: nd.contrib.quadratic(x, a=1, b=2, c=3), [-2.5, 1.2], head)
    npt.assert_allclose(g, [-3, 8.8])
    _, g = _grad(lambda x: nd.contrib.div_sqrt_dim(x), [[1, 2, 3, 4]], nd.array([[1, 2, 3, 4]], dtype="float64"))
    npt.assert_allclose(g, [[0.5, 1, 1.5, 2]])


def test_boolean_mask_gathers_differentiably():
    head = nd.array([[1, 2], [3, 4]], dtype="float64")
    y, g = _grad(lambda x: nd.contrib.boolean_mask(x, nd.array([1, 0, 1])), [[1, 2], [3, 4], [5, 6]], head)
    npt.assert_array_equal(y, [[1, 2], [5, 6]])
    npt.assert_array_equal(g, [[1, 2], [0, 0], [3, 4]])
    empty = nd.contrib.boolean_mask(nd.ones((3, 4)), nd.zeros((3,)))
    assert empty.shape == (0, 4)


def test_index_copy_gradients():
    head = nd.array(np.arange(1, 7).reshape(3, 2), dtype="float64")
    new = nd.ones((2, 2), dtype="float64")
    y, g = _grad(lambda x: nd.contrib.index_copy(x, nd.array([2, 0]), new), [[1, 2], [3, 4], [5, 6]], head)
    npt.assert_array_equal(y, [[1, 1], [3, 4], [1, 1]])
    npt.assert_array_equal(g, [[0, 0], [3, 4], [0, 0]])
    old = nd.ones((3, 2), dtype="float64")
    _, g = _grad(lambda x: nd.contrib.index_copy(old, nd.array([2, 0]), x), [[1, 2], [3, 4]], head)
    npt.assert_array_equal(g, [[5, 6], [1, 2]])


def test_prod_gradient_at_zero_is_exact():
    """mxjax differs: MXNet's prod gradient (out / x) is NaN at zeros; mxjax's is the exact one."""
    _, g = _grad(nd.prod, [0.0, 1.5, -3.0])
    npt.assert_allclose(g, [-4.5, 0, 0])


def test_nan_reductions_give_nan_entries_no_gradient():
    _, g = _grad(nd.nansum, [np.nan, 1.5, -3.0])
    npt.assert_array_equal(g, [0, 1, 1])
    _, g = _grad(nd.nanprod, [np.nan, 1.5, -3.0])
    npt.assert_array_equal(g, [0, -3, 1.5])


# ---- creation -------------------------------------------------------------------------------------

def test_creation_functions_take_ctx_and_default_to_float32():
    assert nd.eye(2).dtype == np.float32 and nd.eye(2).context == mx.cpu()
    assert nd.linspace(0, 1, 3).dtype == np.float32
    z = nd._internal._zeros(shape=(2, 3), ctx=mx.cpu(), dtype="int32")
    assert z.shape == (2, 3) and z.dtype == np.int32
    assert nd._internal._full(shape=4, value=2).shape == (4,)
    assert "eye" in nd.__all__ and "linspace" in nd.__all__


def test_creation_inside_record_is_a_constant():
    x = nd.array([[1.0, 2.0], [3.0, 4.0]])
    x.attach_grad()
    with autograd.record():
        y = x * nd.eye(2) + nd.linspace(0, 1, 2)
    y.backward()
    npt.assert_array_equal(x.grad.asnumpy(), np.eye(2))


def test_int_math_follows_mxnet_conversion():
    """NaN and out-of-range results become the most negative integer; narrower types keep the
    low bits of the int32 conversion (observed on MXNet 1.9.1)."""
    npt.assert_array_equal(nd.sqrt(nd.array([-1, 4], dtype="int32")).asnumpy(), [-2147483648, 2])
    npt.assert_array_equal(nd.sqrt(nd.array([-1], dtype="int64")).asnumpy(), [np.iinfo(np.int64).min])
    npt.assert_array_equal(nd.array([-1.7, 300.5, 2.5]).astype("uint8").asnumpy(), [255, 44, 2])
    npt.assert_array_equal(nd.array([-1.7, 1e10, np.nan]).astype("int32").asnumpy(),
                           [-1, -2147483648, -2147483648])
