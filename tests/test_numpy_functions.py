"""mx.np / mx.npx functions against MXNet 1.9.1's recorded results.

The expressions are in ``numpy_expressions.py``; ``tools/record_numpy_functions.py`` ran them
on real MXNet and wrote ``reference/numpy_functions.json`` (shape, dtype and values, or the
exception type MXNet raised)."""
import json
import os

import numpy as onp
import pytest

from mxjax import autograd, np, npx
from mxjax.base import MXNetError
from numpy_expressions import EXPRESSIONS

with open(os.path.join(os.path.dirname(__file__), "reference", "numpy_functions.json")) as _f:
    RECORDED = json.load(_f)


@pytest.fixture(autouse=True)
def numpy_mode():
    npx.set_np()
    yield
    npx.reset_np()


def _env():
    env = {"np": np, "npx": npx}
    exec("a = np.array([[1., -2., 3.], [4., 5., -6.]]); i = np.array([[1, 2], [3, 4]], dtype='int32'); "
         "v = np.array([3., 1., 2., 1.]); m = np.array([[2., 1.], [1., 3.]])", env)
    return env


def _check(value, expected, expr):
    if isinstance(expected, list):
        assert isinstance(value, (list, tuple)) and len(value) == len(expected), expr
        for v, e in zip(value, expected):
            _check(v, e, expr)
        return
    assert isinstance(value, np.ndarray), f"{expr}: {type(value)}"
    got = value.asnumpy()
    assert list(got.shape) == expected["shape"], expr
    assert got.dtype.name == expected["dtype"], f"{expr}: {got.dtype} vs {expected['dtype']}"
    want = onp.array([onp.nan if x is None else x for x in onp.ravel(onp.array(expected["values"], dtype=object))]
                     if expected["values"] != [] else [], dtype=got.dtype).reshape(got.shape)
    onp.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5, err_msg=expr)


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_matches_mxnet(expr):
    expected = RECORDED[expr]
    if "error" in expected:
        with pytest.raises(Exception) as info:
            eval(expr, _env())
        assert type(info.value).__name__ == expected["error"]
        return
    value = eval(expr, _env())
    if isinstance(expected, dict) and not isinstance(value, np.ndarray):   # a fallback's Python scalar
        assert onp.allclose(value, expected["values"]), expr
        return
    _check(value, expected, expr)


def test_functions_are_differentiable():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    x.attach_grad()
    with autograd.record():
        y = np.sum(np.tanh(np.dot(x, x.T)) * np.linspace(0, 1, 4).reshape(2, 2)) + np.linalg.norm(x)
    y.backward()
    assert isinstance(x.grad, np.ndarray) and x.grad.shape == (2, 2)
    eps = 1e-3
    base = x.asnumpy().astype(onp.float64)

    def f(z):
        return (onp.tanh(z @ z.T) * onp.linspace(0, 1, 4).reshape(2, 2)).sum() + onp.linalg.norm(z)
    fd = onp.zeros_like(base)
    for idx in onp.ndindex(base.shape):
        d = onp.zeros_like(base)
        d[idx] = eps
        fd[idx] = (f(base + d) - f(base - d)) / (2 * eps)
    onp.testing.assert_allclose(x.grad.asnumpy(), fd, rtol=1e-2, atol=1e-3)


def test_random_draws_follow_mx_random_seed():
    import mxjax as mx
    mx.random.seed(7)
    a = np.random.uniform(-1, 1, size=(3,)).asnumpy()
    mx.random.seed(7)
    b = np.random.uniform(-1, 1, size=(3,)).asnumpy()
    onp.testing.assert_array_equal(a, b)
    assert np.random.uniform().shape == () and np.random.normal(size=(2, 3)).dtype == onp.float32
    assert np.random.randint(0, 5, size=(4,)).dtype == onp.int64
    c = np.random.choice(5, 3, replace=False).asnumpy()
    assert len(set(c.tolist())) == 3 and c.max() < 5
    x = np.arange(10)
    np.random.shuffle(x)
    assert sorted(x.asnumpy().tolist()) == list(range(10))


def test_out_argument():
    out = np.zeros((2,))
    res = np.add(np.ones(2), np.ones(2), out=out)
    assert res is out and out.tolist() == [2.0, 2.0]


def test_ufunc_keywords_as_mxnet():
    """MXNet 1.9.1's ufuncs take NumPy's ufunc keywords at their defaults only: another legal
    value is NotImplementedError, an illegal one or an unknown keyword TypeError."""
    x = np.ones((2,))
    assert np.exp(x, where=True, casting="same_kind", order="K", dtype=None, subok=True).shape == (2,)
    with pytest.raises(NotImplementedError, match="where=False is not implemented yet for operator exp"):
        np.exp(x, where=False)
    with pytest.raises(NotImplementedError, match="^dtype=int8 is not implemented yet$"):
        np.add(x, x, dtype="int8")
    with pytest.raises(TypeError, match="casting=mxnet not understood for operator sqrt"):
        np.sqrt(x, casting="mxnet")
    with pytest.raises(TypeError, match="dtype abcdefg not understood"):
        np.multiply(x, x, dtype="abcdefg")
    with pytest.raises(TypeError, match="foo is an invalid keyword to function 'exp'"):
        np.exp(x, foo=1)


def test_shape_function_edge_cases():
    """NumPy's: squeeze of a 0-d array with an axis, tril of a 1-d array; MXNet's -2 in
    broadcast_to keeps the input's dimension (MXNet's test_np_broadcast_to)."""
    assert np.squeeze(np.array(1.0), -1).shape == ()
    assert np.tril(np.arange(3)).tolist() == onp.tril(onp.arange(3)).tolist()
    assert np.broadcast_to(np.ones((5,)), (3, 4, -2)).shape == (3, 4, 5)
    assert np.broadcast_to(np.ones((3, 4)), (1, 0, -2, 4)).shape == (1, 0, 3, 4)


def test_gradient_through_an_integer_result_dtype():
    """MXNet 1.9.1's backward of sum/mean ignores an integer ``dtype``: the gradient of
    ``np.mean(x, axis=1, dtype='int32')`` is 1/N (recorded: x.grad = 0.25 for 4 columns; an
    int8 array summed to int8 gets ones), in the cold and the compiled tier alike, while the
    values stay integers."""
    x = np.array([[1., 2., 3., 10.], [4., 5., 6., 9.]])
    x.attach_grad()
    xi = np.array([[1, 2], [3, 4]], dtype="int8")
    xi.attach_grad()
    for _ in range(4):   # later iterations run compiled
        with autograd.record():
            y = np.mean(x * 3, axis=1, dtype="int32")
            z = y * 2
        z.backward()
        assert y.dtype == onp.int32 and z.asnumpy().tolist() == [24, 36]
        onp.testing.assert_allclose(x.grad.asnumpy(), onp.full((2, 4), 1.5))
        with autograd.record():
            s = np.sum(xi, axis=0, dtype="int8")
        s.backward()
        assert s.dtype == onp.int8 and xi.grad.asnumpy().tolist() == [[1, 1], [1, 1]]


@pytest.mark.parametrize("axes, error", [((0, 0, 1), ValueError), ((0, -1, 2), ValueError),
                                         ((0, 1, 3), MXNetError), ((0, 0, 3), MXNetError),
                                         ((0, 1), MXNetError), ((0, 1, 2, 3), MXNetError),
                                         ((0, 1, -4), MXNetError), ((5, 5, 5), MXNetError)])
def test_transpose_bad_axes_error_classes(axes, error):
    """MXNet 1.9.1 (recorded on a (2, 3, 4) array, method and function alike): a wrong count
    or an axis outside [-3, 3) is MXNetError, checked before repeats; a repeated axis after
    wrapping negatives is ValueError."""
    x = np.ones((2, 3, 4))
    for call in (lambda: x.transpose(axes), lambda: np.transpose(x, axes)):
        with pytest.raises(error) as info:
            call()
        assert type(info.value) is error
    assert np.transpose(x, (2, -3, 1)).shape == (4, 2, 3) and x.transpose((0, 1, -1)).shape == (2, 3, 4)


def test_mod_of_integers_has_zero_gradient():
    """MXNet 1.9.1's integer mod kernels give an integer operand a zero gradient (a float
    operand keeps its own): recorded x.grad / y.grad for x int32 [[7, 9, 4], [5, 8, 3]]."""
    a = onp.array([[7, 9, 4], [5, 8, 3]], "int32")
    b_int = onp.array([[2, 4, 3], [3, 5, 2]], "int32")
    b_float = onp.array([[2.5, 4, 3], [3, 5, 2]], "float32")
    cases = [(lambda x, y: x % y, b_int, [[0] * 3] * 2, [[0] * 3] * 2),
             (np.remainder, b_int, [[0] * 3] * 2, [[0] * 3] * 2),
             (lambda x, y: 7 % x + x % 3, b_int, [[0] * 3] * 2, [[0] * 3] * 2),
             (lambda x, y: x % y, b_float, [[0] * 3] * 2, [[-2, -2, -1], [-1, -1, -1]]),
             (lambda x, y: y % x, b_float, [[0] * 3] * 2, [[1] * 3] * 2)]
    for fn, b, want_x, want_y in cases:
        for _ in range(3):   # later iterations run compiled
            x, y = np.array(a, dtype=a.dtype), np.array(b, dtype=b.dtype)
            x.attach_grad()
            y.attach_grad()
            with autograd.record():
                out = fn(x, y)
            out.backward()
            assert x.grad.dtype == onp.int32 and x.grad.asnumpy().tolist() == want_x
            assert y.grad.asnumpy().tolist() == want_y


def test_mod_of_integers_has_zero_gradient_in_nd():
    """The same for mx.nd's broadcast_mod, ``%`` and the scalar forms (recorded: all zeros)."""
    import mxjax as mx
    for expr in (lambda x, y: x % y, mx.nd.broadcast_mod, lambda x, y: x % 3 + 7 % x):
        x = mx.nd.array([[7, 9, 4], [5, 8, 3]], dtype="int32")
        y = mx.nd.array([[2, 4, 3], [3, 5, 2]], dtype="int32")
        x.attach_grad()
        y.attach_grad()
        with autograd.record():
            out = expr(x, y)
        out.backward()
        assert x.grad.asnumpy().tolist() == [[0] * 3] * 2 and y.grad.asnumpy().tolist() == [[0] * 3] * 2


def test_float16_mean_as_mxnet():
    """MXNet 1.9.1's float16 mean: the sum in float32, cast to float16, divided in float16
    (recorded: 0.443603515625 for the middle row, where NumPy gives 0.44384765625)."""
    x = np.array([[0.09765625, 0.430419921875, 0.20556640625, 0.08978271484375, -0.1527099609375,
                   0.291748046875, -0.12481689453125],
                  [0.78369140625, 0.92724609375, -0.233154296875, 0.58349609375, 0.05780029296875,
                   0.1361083984375, 0.85107421875],
                  [-0.85791015625, -0.82568359375, -0.95947265625, 0.6650390625, 0.55615234375,
                   0.740234375, 0.95703125]], dtype="float16")
    mean = np.mean(x, axis=1)
    assert mean.dtype == onp.float16 and mean.asnumpy().tolist() == [0.11968994140625, 0.443603515625, 0.039337158203125]
    for got, want in ((np.std(x, axis=1), [0.196044921875, 0.420166015625, 0.8056640625]),
                      (np.var(x, axis=1), [0.038421630859375, 0.1766357421875, 0.64892578125])):
        assert got.dtype == onp.float16   # mxjax: float32 arithmetic, within an ulp of MXNet's
        onp.testing.assert_allclose(got.asnumpy(), want, rtol=1e-3)


def test_diagflat_values_and_gradient():
    """NumPy's diagflat for every offset, of 0-d to 3-d input (MXNet 1.9.1 gives NumPy's
    values; its gradient is ones, as MXNet's test_np_diagflat checks)."""
    rng = onp.random.RandomState(0)
    for shape in [(), (1,), (3,), (2, 2), (4, 3, 2)]:
        for k in (-4, -1, 0, 2, 5):
            v = rng.uniform(-1, 1, shape).astype("float32")
            x = np.array(v)
            x.attach_grad()
            with autograd.record():
                y = np.diagflat(x, k)
            y.backward()
            assert y.asnumpy().tolist() == onp.diagflat(v, k).tolist()
            assert x.grad.asnumpy().tolist() == onp.ones(shape, "float32").tolist()


def test_mean_of_integers_as_mxnet():
    """Recorded from MXNet 1.9.1: an integer ``dtype`` gives NumPy's integer mean (the sum in
    that dtype, wrapping, divided with truncation); otherwise float32; a float64 input's
    gradient through a float32 mean is 1/N in float64."""
    xi = np.array([[-79, 47, -61], [-117, -12, -115]], dtype="int32")   # row means -31, -81.33
    assert np.mean(xi, axis=1, dtype="int32").asnumpy().tolist() == [-31, -81]
    assert np.mean(xi, axis=1, dtype="int8").asnumpy().tolist() == [-31, 4]
    got = np.mean(xi, axis=1)
    assert got.dtype == onp.float32 and got.asnumpy().tolist() == [-31.0, onp.float32(-81.333336)]
    b = np.array([[True, False, True], [True, True, True]])
    assert np.mean(b, axis=1, dtype="int64").asnumpy().tolist() == [0, 1]
    x = np.array(onp.arange(6, dtype="float64").reshape(2, 3))
    x.attach_grad()
    with autograd.record():
        y = np.mean(x, axis=1, dtype="float32")
    y.backward()
    assert x.grad.dtype == onp.float64 and (x.grad.asnumpy() == 1 / 3).all()
