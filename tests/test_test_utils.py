"""mx.test_utils: MXNet 1.9.1's testing helpers (tolerances, messages, gradient checks on
functions of NDArrays, random data, environment helpers)."""
import os

import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, nd
from mxjax import test_utils as tu
from mxjax.base import NotImplementedForMXJax


def test_star_import_gives_mx_and_np():
    namespace = {}
    exec("from mxjax.test_utils import *", namespace)
    assert namespace["mx"] is mx and namespace["np"] is np
    for name in ("assert_almost_equal", "almost_equal", "same", "assert_exception", "check_numeric_gradient",
                 "check_symbolic_forward", "check_symbolic_backward", "default_context", "set_default_context",
                 "rand_ndarray", "rand_shape_nd", "rand_shape_2d", "rand_shape_3d", "random_arrays",
                 "random_sample", "np_reduce", "retry", "environment", "assert_almost_equal_ignore_nan"):
        assert callable(namespace[name]), name
    assert mx.test_utils is tu


# ---- tolerances and comparisons --------------------------------------------------------------------

def test_default_tolerances_follow_the_dtypes():
    assert tu.get_tols(np.zeros(1, np.float32), np.zeros(1, np.float64), None, None) == (1e-4, 1e-3)
    assert tu.get_tols(np.zeros(1, np.float64), np.zeros(1, np.float64), None, None) == (1e-5, 1e-20)
    assert tu.get_tols(np.zeros(1, np.float16), np.zeros(1, np.float32), None, None) == (1e-2, 1e-1)
    assert tu.get_tols(np.zeros(1, np.int32), np.zeros(1, np.int64), None, None) == (0, 0)
    assert tu.get_tols(nd.zeros((1,)), 1.0, 0.5, {np.dtype(np.float32): 0.25}) == (0.5, 0.25)
    assert tu.get_rtol() == 1e-5 and tu.get_atol(0.1) == 0.1 and tu.get_etol() == 0


def test_assert_almost_equal_passes_within_tolerance():
    tu.assert_almost_equal(nd.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0001]))  # float32: rtol 1e-4
    tu.assert_almost_equal(np.array([1.0, 2.0]), np.array([1.0, 2.00001]), rtol=1e-4)
    tu.assert_almost_equal(nd.array([1, 2], dtype="int32"), nd.array([1, 2], dtype="int32"))
    tu.assert_almost_equal(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), equal_nan=True)
    tu.assert_almost_equal(np.array([True, False]), np.array([True, False]))
    tu.assert_almost_equal(np.ones((2, 3)), np.ones((1, 3)))  # broadcasting, as in MXNet


def test_assert_almost_equal_message_like_mxnet():
    with pytest.raises(AssertionError) as info:
        tu.assert_almost_equal(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.5, 3.3]), names=("x", "y"))
    message = str(info.value)
    assert "Error 20000.000000 exceeds tolerance rtol=1.000000e-05, atol=1.000000e-20 (mismatch 66.666667%)" \
        in message
    assert "Location of maximum error: (1,), x=2.00000000, y=2.50000000" in message
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(np.array([1, 2]), np.array([1, 3]))       # integers: exact
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(np.array([np.nan]), np.array([np.nan]))  # NaN unequal by default
    with pytest.raises(AssertionError):
        tu.assert_almost_equal(np.ones((2, 3)), np.ones((1, 3)), use_broadcast=False)


def test_almost_equal_same_and_variants():
    assert tu.almost_equal(np.array([1.0]), np.array([1.00001]))
    assert not tu.almost_equal(np.array([1.0]), np.array([1.0001]))
    assert tu.same(nd.array([1, 2]), np.array([1.0, 2.0]))
    assert not tu.same(np.array([1, 2]), np.array([1, 2, 3]))
    tu.assert_almost_equal_ignore_nan(np.array([np.nan, 1.0]), np.array([5.0, 1.0]))
    tu.assert_allclose(np.array([1.0]), np.array([1.0]))
    tu.assert_almost_equal_with_err(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0, 9.0]), etol=0.3)
    with pytest.raises(AssertionError):
        tu.assert_almost_equal_with_err(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.0, 2.0, 8.0, 9.0]), etol=0.3)
    tu.compare_ndarray_tuple((nd.ones((2,)), (np.zeros(1),)), (np.ones(2), (np.zeros(1),)))


def test_same_array_sees_shared_memory():
    x = nd.arange(6).reshape((3, 2))
    assert tu.same_array(x, x[0:3])       # a first-axis slice is a view in MXNet
    assert not tu.same_array(x, x.copy())
    np.testing.assert_array_equal(x.asnumpy(), np.arange(6).reshape(3, 2))


def test_assert_exception():
    tu.assert_exception(lambda: 1 / 0, ZeroDivisionError)
    tu.assert_exception(nd.linalg.potrf, mx.MXNetError, nd.ones((2, 3)))
    with pytest.raises(AssertionError):
        tu.assert_exception(lambda: 1, ValueError)
    with pytest.raises(KeyError):
        tu.assert_exception(lambda: {}["x"], ValueError)


# ---- gradient and forward checks ---------------------------------------------------------------------

def test_check_numeric_gradient_on_functions():
    tu.check_numeric_gradient(lambda x, y: nd.sin(x) * y, [np.random.rand(2, 3), np.random.rand(2, 3)])
    tu.check_numeric_gradient(lambda a: nd.linalg.det(a), [np.random.rand(3, 3) + 2 * np.eye(3)],
                              dtype=np.float64, rtol=1e-6, atol=1e-8)
    tu.check_numeric_gradient(lambda data, weight: nd.FullyConnected(data, weight, num_hidden=3, no_bias=True),
                              {"data": np.random.rand(2, 4), "weight": np.random.rand(3, 4)}, grad_nodes=["weight"])
    tu.check_numeric_gradient(lambda x, y: x * y, [np.random.rand(3), np.random.rand(3)],
                              grad_nodes={0: "write", 1: "null"})


def test_gradient_checks_with_every_input_null():
    # MXNet 1.9.1: an executor whose grad_req is 'null' everywhere checks nothing, no error
    x = mx.sym.Variable("x")
    tu.check_numeric_gradient(mx.sym.sin(x), {"x": np.random.rand(3)}, grad_nodes={"x": "null"})
    assert tu.check_symbolic_backward(mx.sym.sin(x), {"x": np.random.rand(3)}, [np.ones(3)], {},
                                      grad_req="null") == {}


class _WrongGradient(autograd.Function):
    def forward(self, x):
        return x * x

    def backward(self, dy):
        return dy      # should be 2 x dy


def test_check_numeric_gradient_catches_a_wrong_gradient():
    with pytest.raises(AssertionError, match="NUMERICAL_0"):
        tu.check_numeric_gradient(lambda x: _WrongGradient()(x), [np.random.rand(4) + 1.0])


def test_numeric_grad():
    x = np.array([1.0, 2.0, 3.0])
    (grad,) = tu.numeric_grad(lambda a: a * a, [x], eps=1e-4, dtype=np.float64)
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-6)
    grads = tu.numeric_grad(lambda a, b: a * b, {"a": x, "b": 2 * x}, dtype=np.float64)
    np.testing.assert_allclose(grads["a"], 2 * x, rtol=1e-6)


def test_check_symbolic_forward_and_backward():
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[5.0, 6.0], [7.0, 8.0]])
    outs = tu.check_symbolic_forward(lambda lhs, rhs: nd.dot(lhs, rhs), [a, b], [a @ b])
    assert outs[0].shape == (2, 2)
    tu.check_symbolic_forward(lambda lhs, rhs: [lhs + rhs, lhs - rhs], {"lhs": a, "rhs": b}, [a + b, a - b])
    with pytest.raises(AssertionError, match="EXPECTED_0"):
        tu.check_symbolic_forward(lambda x: x * 2, [a], [a * 3])
    head = np.ones((2, 2))
    grads = tu.check_symbolic_backward(lambda lhs, rhs: nd.dot(lhs, rhs), [a, b], [head], [head @ b.T, a.T @ head])
    assert len(grads) == 2
    tu.check_symbolic_backward(lambda lhs, rhs: lhs * rhs, {"lhs": a, "rhs": b}, [head], {"lhs": b, "rhs": a})
    tu.check_symbolic_backward(lambda lhs, rhs: lhs * rhs, {"lhs": a, "rhs": b}, [head], {"lhs": b},
                               grad_req={"lhs": "write", "rhs": "null"})
    with pytest.raises(AssertionError):
        tu.check_symbolic_backward(lambda x: x * x, [a], [head], [a])
    np.testing.assert_array_equal(tu.simple_forward(lambda x: x * 2, x=np.ones(2)), [2.0, 2.0])


def test_symbolic_checks_take_symbols():
    x, w = mx.sym.var("x"), mx.sym.var("w")
    y = mx.sym.FullyConnected(x, w, num_hidden=3, no_bias=True)
    loc = [np.arange(8.0).reshape(2, 4) / 8, np.arange(12.0).reshape(3, 4) / 12]
    out = tu.check_symbolic_forward(y, loc, [loc[0] @ loc[1].T])
    assert out[0].shape == (2, 3)
    head = np.ones((2, 3))
    grads = tu.check_symbolic_backward(y, loc, [head], {"x": head @ loc[1], "w": head.T @ loc[0]})
    assert sorted(grads) == ["w", "x"]
    tu.check_numeric_gradient(y, loc, grad_nodes=["w"], numeric_eps=1e-3, rtol=1e-2, atol=1e-3)
    with pytest.raises(AssertionError):
        tu.check_symbolic_forward(y, loc, [loc[0] @ loc[1].T + 1])
    bn = mx.sym.BatchNorm(x, fix_gamma=False, name="bn")   # auxiliary states by list_auxiliary_states order
    tu.check_numeric_gradient(bn, [np.random.rand(4, 3), np.ones(3), np.zeros(3)],
                              aux_states=[np.zeros(3), np.ones(3)], numeric_eps=1e-2, rtol=0.1, atol=1e-2,
                              dtype=np.float64)
    with pytest.raises(NotImplementedForMXJax, match="Symbol or a Python function"):
        tu.check_symbolic_forward(3, [np.ones(2)], [np.ones(2)])


def test_check_consistency_of_symbols():
    data = mx.sym.var("data")
    ctx = {"ctx": mx.cpu(), "data": (3, 4)}
    gt = tu.check_consistency([mx.sym.abs(data, name="abs0"), abs(data)], [ctx, ctx])
    assert sorted(gt) == ["abs0_output", "data"]
    with pytest.raises(AssertionError):   # sin and cos differ: the outputs are compared
        tu.check_consistency([mx.sym.sin(data, name="f"), mx.sym.cos(data, name="f")], [ctx, ctx])


# ---- contexts and random data -------------------------------------------------------------------------

def test_default_context():
    assert tu.default_context() == mx.current_context() == mx.cpu()
    old = tu.default_context()
    try:
        tu.set_default_context(mx.cpu(0))
        assert mx.current_context() == mx.cpu(0)
        assert nd.zeros((1,)).context == mx.cpu(0)
    finally:
        tu.set_default_context(old)


def test_random_data():
    shape = tu.rand_shape_nd(4, dim=5)
    assert len(shape) == 4 and all(1 <= s <= 5 for s in shape)
    assert all(0 <= s <= 3 for s in tu.rand_shape_nd(50, dim=3, allow_zero_size=True))
    assert len(tu.rand_shape_2d()) == 2 and len(tu.rand_shape_3d(2, 2, 2)) == 3
    x = tu.rand_ndarray((2, 3))
    assert x.shape == (2, 3) and x.dtype == np.float32 and x.context == mx.cpu()
    assert tu.rand_ndarray((2,), dtype="float64").dtype == np.float64
    assert tu.rand_ndarray((2, 2), stype="csr", density=0.5).stype == "csr"
    a = tu.random_arrays((2, 3))
    assert a.shape == (2, 3) and a.dtype == np.float32
    b, c = tu.random_arrays((2,), ())
    assert b.shape == (2,) and c.shape == ()
    u = tu.random_uniform_arrays((3,), low=2.0, high=3.0)[0]
    assert np.all((u >= 2) & (u < 3))
    sample = tu.random_sample(list(range(10)), 4)
    assert len(sample) == 4 and len(set(sample)) == 4
    q = tu.new_orthonormal_matrix_2d(3)
    np.testing.assert_allclose(q @ q.T, np.eye(3), atol=1e-10)
    s = tu.new_sym_matrix_with_real_eigvals_nd((2, 3, 3))
    np.testing.assert_allclose(s, np.swapaxes(s, -1, -2), atol=1e-10)
    assert np.all(np.isreal(np.linalg.eigvals(tu.new_matrix_with_real_eigvals_2d(3))))


def test_numpy_helpers():
    data = np.random.rand(2, 3, 4)
    np.testing.assert_allclose(tu.np_reduce(data, (0, 2), True, np.sum), data.sum(axis=(0, 2), keepdims=True))
    np.testing.assert_allclose(tu.np_reduce(data, 1, False, np.max), data.max(axis=1))
    np.testing.assert_allclose(tu.np_reduce(data, None, False, np.sum), data.sum())
    np.testing.assert_allclose(tu.collapse_sum_like(data, (3, 1)), data.sum(axis=(0, 2)).reshape(3, 1))
    np.testing.assert_array_equal(tu.create_2d_tensor(2, 3).asnumpy(), [[0, 0, 0], [1, 1, 1]])
    assert tu.create_vector(4).dtype == np.int64
    np.testing.assert_array_equal(tu.get_identity_mat_batch(2).asnumpy(), [np.eye(2)] * 2)


def test_statistical_checks_with_mxjax_samplers():
    from scipy import stats
    mx.random.seed(0)
    normal = lambda n: nd.random.normal(0, 1, shape=(n,)).asnumpy()  # noqa: E731
    assert tu.mean_check(normal, 0, 1, nsamples=20000)
    assert tu.var_check(normal, 1, nsamples=20000)
    buckets, probs = tu.gen_buckets_probs_with_ppf(lambda p: stats.norm.ppf(p, 0, 1), 5)
    tu.verify_generator(normal, buckets, probs, nsamples=20000, nrepeat=3)
    p, observed, expected = tu.chi_square_check(lambda n: nd.random.randint(0, 4, shape=(n,)).asnumpy(),
                                                [0, 1, 2, 3], [0.25] * 4, nsamples=20000)
    assert observed.sum() == 20000 and p > 1e-4


def test_environment_and_retry():
    name = "MXJAX_TEST_UTILS_VARIABLE"
    os.environ.pop(name, None)
    with tu.environment(name, "1"):
        assert os.environ[name] == "1"
        with tu.environment({name: None}):
            assert name not in os.environ
        assert tu.getenv(name) == "1"
    assert name not in os.environ
    calls = []

    @tu.retry(3)
    def flaky():
        calls.append(1)
        assert len(calls) == 3

    flaky()
    assert len(calls) == 3
    assert list(tu.list_gpus()) == list(range(mx.num_gpus()))
    assert tu.is_op_runnable()
    with tu.discard_stderr():
        os.write(2, b"")


def test_hybridize_consistency_with_deferred_parameters():
    """A Dense with in_units left to inference: the second and later builds take the first
    build's parameter values (deferred ones too), so outputs and gradients agree."""
    from mxjax import gluon

    class Net(gluon.HybridBlock):
        def __init__(self, prefix=None, params=None):
            super().__init__(prefix=prefix, params=params)
            with self.name_scope():
                self.layer = gluon.nn.Dense(3, flatten=False)

        def hybrid_forward(self, F, x):
            return self.layer(x)

    x = mx.nd.array(np.arange(8, dtype="float32").reshape(2, 4) / 8)
    mx.test_utils.check_gluon_hybridize_consistency(Net, [x])


def test_numeric_grad_of_a_symbol_with_auxiliary_states():
    """Each finite-difference forward starts from the given auxiliary states (as MXNet's
    numeric_grad resets them); values recorded from MXNet 1.9.1's numeric_grad."""
    shape = (2, 3, 2)
    x = (np.arange(12).reshape(shape) / 7.0) ** 2
    w = np.linspace(0.5, 2, 12).reshape(shape)
    sym = mx.sym.BatchNorm(mx.sym.Variable("data"), fix_gamma=False, name="bn") * mx.sym.Variable("w")
    location = {"data": x, "bn_gamma": np.array([1., 2., 3.]), "bn_beta": np.ones(3), "w": w}
    aux = {"bn_moving_mean": np.array([0.1, 0.2, 0.3]), "bn_moving_var": np.array([1., 2., 3.])}
    grads = tu.numeric_grad(sym, location, aux, eps=1e-4, dtype=np.float64)
    np.testing.assert_allclose(grads["data"], [[[-0.156209, 0.110574], [-0.121323, 0.097278],
                                                [-0.095517, 0.081193]],
                                               [[0.148603, -0.102968], [0.117316, -0.093271],
                                                [0.09313, -0.078806]]], atol=2e-6)
    np.testing.assert_allclose(grads["bn_gamma"], [1.638456, 1.65055, 1.65441], atol=2e-6)
    np.testing.assert_allclose(grads["bn_beta"], [3.909091, 5.0, 6.090909], atol=2e-6)
    tu.check_numeric_gradient(sym, location, aux, numeric_eps=1e-3, rtol=1e-2, atol=1e-3, dtype=np.float64)


def test_numeric_grad_of_a_symbol_matches_the_forward_by_forward_loop():
    """A Symbol's perturbed forwards run vmapped; a Python function of NDArrays runs them one
    by one: both give the same central differences."""
    rng = np.random.RandomState(3)
    x, y = rng.uniform(-1, 1, (3, 4)), rng.uniform(-1, 1, (3, 4))
    idx = np.array([2, 0, 1])
    sym = mx.sym.sin(mx.sym.Variable("x")) * mx.sym.Variable("y") + mx.sym.take(mx.sym.Variable("x"),
                                                                                mx.sym.Variable("idx"))

    def fn(x, y, idx):
        return nd.sin(x) * y + nd.take(x, idx)
    location = {"x": x, "y": y, "idx": idx}
    vectorized = tu.numeric_grad(sym, location, eps=1e-3, dtype=np.float64)
    looped = tu.numeric_grad(fn, location, eps=1e-3, dtype=np.float64)
    for name in ("x", "y", "idx"):
        np.testing.assert_allclose(vectorized[name], looped[name], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(vectorized["y"], np.sin(x), rtol=1e-6)
    tu.check_numeric_gradient(sym, location, grad_nodes=["x", "y"], numeric_eps=1e-3, rtol=1e-2, atol=1e-3)


def test_dummy_iter_repeats_the_first_batch():
    real = mx.io.NDArrayIter(np.arange(8).reshape(4, 2), np.arange(4), batch_size=2)
    it = tu.DummyIter(real)
    assert it.provide_data == real.provide_data and it.batch_size == 2
    batches = [next(it) for _ in range(5)]
    assert all(b is batches[0] for b in batches)
    np.testing.assert_array_equal(batches[0].data[0].asnumpy(), [[0, 1], [2, 3]])
