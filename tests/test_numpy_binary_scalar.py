"""mx.np binary functions with a Python number: dtypes and values as MXNet 1.9.1 gives them.

MXNet passes the number to a scalar kernel as a double that the kernel casts to the array's
dtype (``np.mod(int32 x, 2.5)`` is int32 ``x % 2``); a bool array computes in int64 (bool for
comparisons, logical and bitwise functions); true_divide keeps the number.  A number of a
``mx.sym.np`` graph is flagged int or not: a float with an integer array gives float64 there.
Every expected value below was recorded from MXNet 1.9.1 (CPU)."""
import math

import numpy as onp
import pytest

import mxjax as mx
from mxjax import np, npx

inf = math.inf

#: (array dtype, function, number, order: "as" f(array, number) / "sa" f(number, array),
#:  result dtype, result values) for the array [-3, 0, 1, 2, 5] ([0, 1, 1, 1, 1] for bool/uint8)
CASES = [
    ("int32", "add", 2.5, "as", "int32", [-1, 2, 3, 4, 7]),
    ("int32", "add", 2.5, "sa", "int32", [-1, 2, 3, 4, 7]),
    ("int32", "mod", 2.5, "as", "int32", [1, 0, 1, 0, 1]),
    ("int32", "mod", 2.5, "sa", "int32", [-1, 0, 0, 0, 2]),
    ("int32", "power", 2.5, "as", "int32", [9, 0, 1, 4, 25]),
    ("int32", "maximum", 2.5, "as", "int32", [2, 2, 2, 2, 5]),
    ("int32", "minimum", -1.5, "sa", "int32", [-3, -1, -1, -1, -1]),
    ("int32", "hypot", 2.5, "as", "int32", [3, 2, 2, 2, 5]),
    ("int32", "arctan2", 2, "sa", "int32", [2, 1, 1, 0, 0]),
    ("int32", "copysign", -1.5, "as", "int32", [-3, 0, -1, -2, -5]),
    ("int32", "ldexp", 2.5, "as", "int32", [-12, 0, 4, 8, 20]),
    ("int32", "lcm", 2.5, "as", "int32", [6, 0, 2, 2, 10]),
    ("int32", "bitwise_and", 2.5, "as", "int32", [0, 0, 0, 2, 0]),
    ("int32", "equal", 2.5, "as", "bool", [0, 0, 0, 1, 0]),
    ("int32", "greater", 2.5, "sa", "bool", [1, 1, 1, 0, 0]),
    ("int32", "true_divide", 2.5, "as", "float32", [-1.2, 0, 0.4, 0.8, 2]),
    ("int32", "true_divide", 2, "sa", "float32", [-0.6667, inf, 2, 1, 0.4]),
    ("uint8", "subtract", 2.5, "as", "uint8", [254, 255, 0, 1, 3]),
    ("uint8", "multiply", 2.5, "sa", "uint8", [0, 2, 4, 6, 10]),
    ("int8", "hypot", True, "as", "int8", [3, 1, 1, 2, 5]),
    ("int64", "power", 2, "as", "int64", [9, 0, 1, 4, 25]),
    ("bool", "add", 2.5, "as", "int64", [2, 3, 3, 3, 3]),
    ("bool", "multiply", True, "sa", "int64", [0, 1, 1, 1, 1]),
    ("bool", "maximum", 0.5, "as", "int64", [0, 1, 1, 1, 1]),
    ("bool", "hypot", 2, "as", "int64", [2, 2, 2, 2, 2]),
    ("bool", "equal", 2.5, "as", "bool", [0, 1, 1, 1, 1]),
    ("bool", "bitwise_or", 2, "as", "bool", [1, 1, 1, 1, 1]),
    ("bool", "true_divide", 2, "as", "float32", [0, 0.5, 0.5, 0.5, 0.5]),
    ("float16", "ldexp", 2.5, "as", "float16", [-16.97, 0, 5.656, 11.31, 28.28]),
    ("float32", "ldexp", 2, "sa", "float32", [0.25, 2, 4, 8, 64]),
    ("float32", "mod", 2.5, "sa", "float32", [-0.5, 0, 0.5, 0.5, 2.5]),
    ("float16", "hypot", True, "as", "float16", [3.162, 1, 1.414, 2.236, 5.098]),
    ("float64", "copysign", -1.5, "as", "float64", [-3, -0, -1, -2, -5]),
]


@pytest.fixture
def np_mode():
    npx.set_np()
    yield
    npx.reset_np()


def _array(dtype):
    values = [0, 1, 2, 3, 5] if dtype in ("uint8", "bool") else [-3, 0, 1, 2, 5]
    return np.array(values, dtype=dtype)


@pytest.mark.parametrize("dtype, fn, number, order, out_dtype, expected", CASES)
def test_function_with_a_number(np_mode, dtype, fn, number, order, out_dtype, expected):
    a = _array(dtype)
    out = getattr(np, fn)(a, number) if order == "as" else getattr(np, fn)(number, a)
    assert out.dtype == onp.dtype(out_dtype)
    onp.testing.assert_allclose(out.asnumpy().astype("float64"), expected, rtol=2e-3)


def test_operators_with_a_number(np_mode):
    """The arithmetic operators follow the same rule (``a / 2.5`` divides by 2.5, ``a * 2.5``
    by 2)."""
    a = np.array([-3, 0, 1, 2, 5], dtype="int32")
    b = np.array([0, 1, 1, 0, 1], dtype="bool")
    for out, dtype, expected in [
            (a / 2.5, "float32", [-1.2, 0, 0.4, 0.8, 2]),
            (2.5 / a, "float32", [-0.8333333, inf, 2.5, 1.25, 0.5]),
            (a * 2.5, "int32", [-6, 0, 2, 4, 10]),
            (a % 2.5, "int32", [1, 0, 1, 0, 1]),
            (7.5 - a, "int32", [10, 7, 6, 5, 2]),
            (a ** 2.5, "int32", [9, 0, 1, 4, 25]),
            (b + 2.5, "int64", [2, 3, 3, 2, 3]),
            (b == 2.5, "bool", [0, 1, 1, 0, 1])]:
        assert out.dtype == onp.dtype(dtype)
        onp.testing.assert_allclose(out.asnumpy().astype("float64"), expected, rtol=1e-6)


def test_symbolic_numbers(np_mode):
    """In a mx.sym.np graph a float number with an integer array gives float64 (MXNet flags
    the number as not an int), an int number keeps the array's dtype."""
    a = np.array([-3, 0, 1, 2, 5], dtype="int32")
    x = mx.sym.var("x").as_np_ndarray()
    for sym, dtype, expected in [
            (x + 2.5, "float64", [-0.5, 2.5, 3.5, 4.5, 7.5]),
            (x * 2, "int32", [-6, 0, 2, 4, 10]),
            (x / 2.5, "float32", [-1.2, 0, 0.4, 0.8, 2]),
            (mx.sym.np.hypot(x, 2.5), "float64", [3.905124837953327, 2.5, 2.692582403567252,
                                                  3.2015621187164243, 5.5901699437494745])]:
        out = sym.bind(mx.cpu(), {"x": a}).forward()[0]
        assert out.dtype == onp.dtype(dtype)
        onp.testing.assert_allclose(out.asnumpy().astype("float64"), expected, rtol=1e-6)


def test_mod_by_zero_is_zero(np_mode):
    """MXNet's mod kernel gives 0 where the divisor is 0, float arrays included."""
    x = np.array([-3.0, 0.0, 1.0, 2.0, 5.0], dtype="float32")
    assert np.mod(2.5, x).asnumpy().tolist() == [-0.5, 0.0, 0.5, 0.5, 2.5]
    assert np.remainder(x, np.zeros(5)).asnumpy().tolist() == [0.0] * 5


def test_ldexp_gradients(np_mode):
    """ldexp(x1, x2) = x1 * 2**x2: d/dx1 = 2**x2, d/dx2 = x1 * 2**x2 * ln 2 (float exponents
    included, as MXNet's)."""
    x1 = np.array([1.5, -2.0, 3.0])
    x2 = np.array([0.5, 2.0, -1.0])
    x1.attach_grad()
    x2.attach_grad()
    with mx.autograd.record():
        y = np.ldexp(x1, x2)
    y.backward()
    e = 2.0 ** onp.array([0.5, 2.0, -1.0])
    onp.testing.assert_allclose(y.asnumpy(), [1.5, -2.0, 3.0] * e, rtol=1e-6)
    onp.testing.assert_allclose(x1.grad.asnumpy(), e, rtol=1e-6)
    onp.testing.assert_allclose(x2.grad.asnumpy(), onp.array([1.5, -2.0, 3.0]) * e * onp.log(2), rtol=1e-6)
