"""Reference cases for the math family: elementwise unary and binary operators, their scalar
forms, reductions, creation, casts and the nd.contrib math operators (ids start with "math.")."""
import numpy as np

from case import Case, integers, uniform, values

X = uniform((2, 3))
X2 = uniform((2, 3), seed=1)
ROW = uniform((1, 3), seed=2)
POS = uniform((2, 3), 0.5, 2.0)
X64 = uniform((2, 3), dtype="float64")
X16 = uniform((2, 3), dtype="float16")
X3 = uniform((2, 3, 4), -2.0, 2.0, seed=3)
INT = values([-3, -1, 0, 2, 5], "int32")
INT2 = values([[-7, -2, 0], [3, 7, 9]], "int32")
EDGE = values([-3.0, -2.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, np.inf, -np.inf, np.nan])
HALVES = values([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 1.7, -1.7])

#: unary operators and an input inside their domain
DOMAIN = {
    "abs": X, "negative": X, "sign": X, "square": X, "relu": X, "floor": uniform((2, 3), -3, 3),
    "ceil": uniform((2, 3), -3, 3), "trunc": uniform((2, 3), -3, 3), "fix": uniform((2, 3), -3, 3),
    "rint": HALVES, "round": HALVES, "logical_not": values([[0, 1, -2], [0.5, 0, 3]]),
    "sqrt": POS, "rsqrt": POS, "cbrt": X, "rcbrt": POS, "exp": X, "expm1": X, "log": POS, "log1p": POS,
    "log2": POS, "log10": POS, "sin": X, "cos": X, "tan": X, "arcsin": X, "arccos": X, "arctan": X,
    "sinh": X, "cosh": X, "tanh": X, "arcsinh": X, "arccosh": uniform((2, 3), 1.0, 3.0), "arctanh": X,
    "reciprocal": POS, "sigmoid": X, "softsign": X, "erf": X, "erfinv": X, "gamma": POS, "gammaln": POS,
    "degrees": X, "radians": X,
}
#: MXNet gives 0 (not NaN's INT_MIN) for erfinv of integers outside [-1, 1]: left out
INT_UNARY = [n for n in DOMAIN if n != "erfinv"]
EDGE_UNARY = ["sign", "relu", "softsign", "sigmoid", "reciprocal", "square", "round", "rint", "fix", "floor",
              "gamma", "gammaln", "erfinv", "erf", "rsqrt", "cbrt", "rcbrt", "arccosh", "arctanh", "log1p", "abs"]

BINARY = ["add", "sub", "mul", "div", "mod", "power", "maximum", "minimum", "hypot", "equal", "not_equal",
          "greater", "greater_equal", "lesser", "lesser_equal", "logical_and", "logical_or", "logical_xor"]
SCALAR = ["plus", "minus", "rminus", "mul", "div", "rdiv", "power", "rpower", "mod", "rmod", "maximum",
          "minimum", "hypot", "equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal",
          "logical_and", "logical_or", "logical_xor"]
SCALAR_DATA = values([[-7.5, -2.0, 0.0], [3.0, 7.25, 2.5]])
SCALAR_INT = values([[-7, -2, 0], [3, 7, 2]], "int32")
REDUCTIONS = ["sum", "mean", "prod", "max", "min", "nansum", "nanprod"]
NANS = values([[0.5, np.nan, -1.5], [np.nan, 2.0, 0.25]])
FLOATS_TO_INT = values([-1.7, 300.5, 2.5, -0.5, 1e10, np.nan, np.inf, -2.0])


def _unary_cases():
    cases = []
    for name, data in DOMAIN.items():
        cases.append(Case(f"math.{name}", name, (data,), rtol=1e-5, atol=1e-6))
        cases.append(Case(f"math.{name}.method", name, (data,), method=True))
    for name in INT_UNARY:
        cases.append(Case(f"math.{name}.int32", name, (INT,)))
    for name in EDGE_UNARY:
        cases.append(Case(f"math.{name}.edge", name, (EDGE,), rtol=1e-5, atol=1e-6))
    for name in ("sin", "exp", "sqrt", "erf", "gamma", "round", "rint", "sigmoid", "log1p", "rsqrt", "tanh"):
        data = POS if name in ("sqrt", "gamma", "rsqrt", "log1p") else X
        cases.append(Case(f"math.{name}.float64", name, (data[:4] + ("float64",) + data[5:],), rtol=1e-12,
                          atol=1e-12))
        cases.append(Case(f"math.{name}.float16", name, (data[:4] + ("float16",) + data[5:],), rtol=2e-3,
                          atol=2e-3))
    cases += [
        Case("math.abs.int64", "abs", (values([-3, 4, 0], "int64"),)),
        Case("math.square.int64", "square", (values([-3, 4, 100000], "int64"),)),
        Case("math.exp.int8", "exp", (values([-1, 2, 4, 6], "int8"),)),
        Case("math.sqrt.uint8", "sqrt", (values([0, 4, 200], "uint8"),)),
        # integer precision: float64 for the transcendental functions, float32 for the others
        Case("math.tanh.int32_precision", "tanh", (values([10, 20, -10, -20], "int32"),)),
        Case("math.sigmoid.int32_precision", "sigmoid", (values([20, 40, -20], "int32"),)),
        Case("math.softsign.int32_precision", "softsign", (values([100000000, -100000000], "int32"),)),
        Case("math.erf.int32_precision", "erf", (values([5, 6, -5, -6], "int32"),)),
        Case("math.degrees.int32_precision", "degrees", (values([16777217, 2 ** 30 + 1], "int32"),)),
        Case("math.square.int32_precision", "square", (values([16777217, 4099, 46341], "int32"),)),
        Case("math.cbrt.int64", "cbrt", (values([27, -1000, 2 ** 40 + 1], "int64"),)),
        Case("math.hard_sigmoid", "hard_sigmoid", (uniform((2, 3), -4, 4),)),
        Case("math.hard_sigmoid.attrs", "hard_sigmoid", (uniform((2, 3), -4, 4),), {"alpha": 0.3, "beta": 0.1}),
        Case("math.hard_sigmoid.float64", "hard_sigmoid", (uniform((2, 3), -4, 4, "float64"),)),
        Case("math.hard_sigmoid.float16", "hard_sigmoid", (uniform((2, 3), -4, 4, "float16"),), rtol=2e-3,
             atol=2e-3),
        Case("math.identity", "identity", (X,)),
        Case("math._copy", "_internal._copy", (X,)),
        Case("math.stop_gradient", "stop_gradient", (X,)),
        Case("math.BlockGrad", "BlockGrad", (X,)),
        Case("math._identity_with_attr_like_rhs", "_internal._identity_with_attr_like_rhs", (X, X2)),
        Case("math._identity_with_attr_like_rhs.dtype_error", "_internal._identity_with_attr_like_rhs",
             (X, INT2)),
    ]
    return cases


def _binary_cases():
    cases = []
    for name in BINARY:
        rhs = uniform((1, 3), 0.5, 2.0, seed=2) if name in ("div", "mod", "power") else ROW
        lhs = POS if name in ("power", "hypot") else X
        cases.append(Case(f"math.broadcast_{name}", f"broadcast_{name}", (lhs, rhs)))
        cases.append(Case(f"math.broadcast_{name}.int32", f"broadcast_{name}",
                          (INT2, values([[2, -3, 1]], "int32"))))
        cases.append(Case(f"math.broadcast_{name}.float64", f"broadcast_{name}",
                          (uniform((2, 3), 0.5, 2.0, "float64"), uniform((2, 1), 0.5, 2.0, "float64", seed=4)),
                          rtol=1e-12))
    for name in ("add", "sub", "mul", "div"):
        cases.append(Case(f"math.elemwise_{name}", f"elemwise_{name}", (X, POS)))
        cases.append(Case(f"math.elemwise_{name}.int32", f"elemwise_{name}", (INT2, values([[2, -3, 1], [4, 2, -5]],
                                                                                           "int32"))))
    for name in ("plus", "minus", "mul", "div", "power", "maximum", "minimum", "mod", "hypot", "equal",
                 "not_equal", "greater", "greater_equal", "lesser", "lesser_equal", "logical_and", "logical_or",
                 "logical_xor", "add", "sub"):
        cases.append(Case(f"math._{name}", f"_internal._{name}", (POS, uniform((2, 3), 0.5, 2.0, seed=5))))
    for name in ("broadcast_plus", "broadcast_minus", "add", "subtract", "multiply", "divide", "true_divide",
                 "modulo", "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "lesser",
                 "lesser_equal", "logical_and", "logical_or", "logical_xor"):
        cases.append(Case(f"math.{name}", name, (X, uniform((2, 1), 0.1, 1.0, seed=6))))
    cases += [
        Case("math.power", "power", (POS, uniform((1, 3), seed=6))),
        Case("math.power.exp_scalar", "power", (X,), {"exp": 2.0}),
        Case("math.power.int_scalar", "power", (INT,), {"exp": 2}),
        Case("math.add.scalar", "add", (X,), {"rhs": 2.5}),
        Case("math.add.int_scalar", "add", (INT,), {"rhs": 2.5}),
        Case("math.subtract.scalar", "subtract", (X,), {"rhs": 2.5}),
        Case("math.divide.int_scalar", "divide", (INT2,), {"rhs": 2}),
        Case("math.true_divide.int_scalar", "true_divide", (INT2,), {"rhs": 2}),
        Case("math.modulo.scalar", "modulo", (SCALAR_DATA,), {"rhs": 2}),
        Case("math.maximum.scalar", "maximum", (INT2,), {"rhs": 2.5}),
        Case("math.greater.scalar", "greater", (X,), {"rhs": 0.1}),
        Case("math.logical_xor.scalar", "logical_xor", (SCALAR_DATA,), {"rhs": 0}),
        # MXNet's own special values
        Case("math.broadcast_mod.zero", "broadcast_mod", (values([-3.5, 2.0, 0.0]), values([0.0, 0.0, 0.0]))),
        Case("math.broadcast_mod.negative", "broadcast_mod", (values([-7.5, -2.0, 3.0, 7.25]),
                                                               values([-2.5, -2.5, -2.5, -2.5]))),
        Case("math.broadcast_power.int_negative_exp", "broadcast_power",
             (values([-7, -2, 0, 3, 7], "int32"), values([2, -1, 0, 2, 1], "int32"))),
        Case("math.broadcast_power.int32_precision", "broadcast_power",
             (values([3, 7], "int32"), values([19, 11], "int32"))),
        Case("math.broadcast_hypot.int32_precision", "broadcast_hypot",
             (values([16777217], "int32"), values([1], "int32"))),
        Case("math.broadcast_div.float16", "broadcast_div", (X16, uniform((1, 3), 0.5, 2.0, "float16", seed=2)),
             rtol=2e-3, atol=2e-3),
        Case("math.broadcast_logical_and.float", "broadcast_logical_and",
             (values([-7.5, -2.0, 0.0, 3.0, 7.25]), values([0.0, 1.0, 1.0, 0.0, 2.0]))),
        # errors: MXNet does not promote dtypes; shapes must broadcast / match
        Case("math.broadcast_add.dtype_error", "broadcast_add", (INT2, X)),
        Case("math.elemwise_mul.dtype_error", "elemwise_mul", (X, X64)),
        Case("math.broadcast_mul.shape_error", "broadcast_mul", (X, uniform((3, 2)))),
        Case("math.elemwise_sub.shape_error", "elemwise_sub", (X, ROW)),
        Case("math.add_n.dtype_error", "add_n", (X, X64)),
        Case("math.add_n.one", "add_n", (X,)),
        Case("math.ElementWiseSum", "ElementWiseSum", (X, X2, POS)),
    ]
    return cases


def _scalar_cases():
    cases = []
    for name in SCALAR:
        op = f"_internal._{name}_scalar"
        cases.append(Case(f"math._{name}_scalar", op, (SCALAR_DATA,), {"scalar": -2.5}))
        cases.append(Case(f"math._{name}_scalar.pos", op, (POS,), {"scalar": 1.5}))
        cases.append(Case(f"math._{name}_scalar.int32", op, (SCALAR_INT,), {"scalar": 2.5}))
        cases.append(Case(f"math._{name}_scalar.float64", op, (X64,), {"scalar": 0.75}, rtol=1e-12))
    cases += [
        Case("math._plus_scalar.default", "_internal._plus_scalar", (X,)),
        Case("math._plus_scalar.positional", "_internal._plus_scalar", (X,), {"scalar": 2}),
        Case("math._plus_scalar.not_int", "_internal._plus_scalar", (SCALAR_INT,), {"scalar": 2.5, "is_int": False}),
        Case("math._mul_scalar.not_int", "_internal._mul_scalar", (SCALAR_INT,), {"scalar": 2.5, "is_int": False}),
        Case("math._plus_scalar.float16", "_internal._plus_scalar", (X16,), {"scalar": 0.1}, rtol=2e-3, atol=2e-3),
        Case("math._rdiv_scalar.float16", "_internal._rdiv_scalar", (X16,), {"scalar": 3}, rtol=2e-3, atol=2e-3),
        Case("math._rdiv_scalar.int_zero", "_internal._rdiv_scalar", (INT,), {"scalar": 3}),
        Case("math._rdiv_scalar.int_precision", "_internal._rdiv_scalar", (values([3], "int32"),),
             {"scalar": 16777217 * 3}),
        Case("math._power_scalar.int_overflow", "_internal._power_scalar", (values([3, 7], "int32"),),
             {"scalar": 19}),
        Case("math._power_scalar.int_negative", "_internal._power_scalar", (INT,), {"scalar": -1}),
        Case("math._rpower_scalar.int", "_internal._rpower_scalar", (INT,), {"scalar": 2}),
        Case("math._mod_scalar.int_zero", "_internal._mod_scalar", (INT,), {"scalar": 0}),
        Case("math._mod_scalar.zero", "_internal._mod_scalar", (X,), {"scalar": 0.0}),
        Case("math._rmod_scalar.int", "_internal._rmod_scalar", (INT,), {"scalar": 5}),
        Case("math._minus_scalar.uint8", "_internal._minus_scalar", (values([1, 2, 3], "uint8"),), {"scalar": 5}),
        Case("math._PlusScalar", "_internal._PlusScalar", (X,), {"scalar": 2.0}),
        Case("math._RMinusScalar", "_internal._RMinusScalar", (X,), {"scalar": 2.0}),
        Case("math._plus_scalar.unknown_arg", "_internal._plus_scalar", (X,), {"scalar": 2.0, "foo": True}),
        Case("math._plus_scalar.bad_scalar", "_internal._plus_scalar", (X,), {"scalar": "abc"}),
    ]
    return cases


def _reduction_cases():
    cases = []
    for name in REDUCTIONS:
        data = uniform((2, 3, 4), 0.5, 1.5, seed=7) if "prod" in name else X3
        cases += [
            Case(f"math.{name}", name, (data,), rtol=1e-5),
            Case(f"math.{name}.axis", name, (data,), {"axis": 1}),
            Case(f"math.{name}.negative_axis", name, (data,), {"axis": -1, "keepdims": True}),
            Case(f"math.{name}.tuple", name, (data,), {"axis": (0, 2)}),
            Case(f"math.{name}.empty_tuple", name, (data,), {"axis": (), "keepdims": True}),
            Case(f"math.{name}.exclude", name, (data,), {"axis": (0, 2), "exclude": True}),
            Case(f"math.{name}.exclude_all", name, (data,), {"axis": (0, 1, 2), "exclude": True}),
            Case(f"math.{name}.keepdims_all", name, (data,), {"keepdims": True}),
            Case(f"math.{name}.int32", name, (integers((2, 3, 4), -5, 6, "int32"),), {"axis": 1}),
            Case(f"math.{name}.float64", name, (data[:4] + ("float64",) + data[5:],), {"axis": 2}, rtol=1e-12),
            Case(f"math.{name}.method", name, (data,), {"axis": 0}, method=True),
            Case(f"math.{name}.axis_error", name, (data,), {"axis": 3}),
            Case(f"math.{name}.negative_axis_error", name, (data,), {"axis": -4}),
            Case(f"math.{name}.duplicate_axes", name, (data,), {"axis": (0, 0)}),
            Case(f"math.{name}.bad_axis", name, (data,), {"axis": 1.5}),
        ]
    cases += [
        Case("math.nansum.nan", "nansum", (NANS,), {"axis": 1}),
        Case("math.nanprod.nan", "nanprod", (NANS,), {"axis": 0}),
        Case("math.sum.nan", "sum", (NANS,), {"axis": 1}),
        Case("math.max.nan", "max", (values([1.0, np.nan, 2.0]),)),
        Case("math.mean.int8_wraps", "mean", (values([100, 100, 100, -100], "int8"),)),
        Case("math.mean.uint8_wraps", "mean", (values([100, 100, 100, 156], "uint8"),)),
        Case("math.mean.int32_truncates", "mean", (values([-3, -4], "int32"),)),
        Case("math.sum.uint8_wraps", "sum", (values([200, 144], "uint8"),)),
        Case("math.mean.float16", "mean", (X16,), {"axis": 1}, rtol=2e-3, atol=2e-3),
        Case("math.sum_axis", "sum_axis", (X3,), {"axis": 1}),
        Case("math.max_axis", "max_axis", (X3,), {"axis": 2}),
        Case("math.min_axis", "min_axis", (X3,), {"axis": (0, 1)}),
        Case("math.sum.unknown_arg", "sum", (X3,), {"foo": 1}),
        # norm
        Case("math.norm", "norm", (X3,)),
        Case("math.norm.ord1", "norm", (X3,), {"ord": 1}),
        Case("math.norm.axis", "norm", (X3,), {"axis": -1}),
        Case("math.norm.axes", "norm", (X3,), {"axis": (0, 1)}),
        Case("math.norm.all_axes_keepdims", "norm", (X3,), {"axis": (0, 1, 2), "keepdims": True}),
        Case("math.norm.empty_axes_keepdims", "norm", (X3,), {"axis": (), "keepdims": True}),
        Case("math.norm.ord1_keepdims", "norm", (X3,), {"ord": 1, "axis": 1, "keepdims": True}),
        Case("math.norm.out_dtype_same", "norm", (X,), {"out_dtype": "float32"}),
        Case("math.norm.float64", "norm", (X64,), {"axis": 1}, rtol=1e-12),
        Case("math.norm.float16", "norm", (X16,), rtol=2e-3, atol=2e-3),
        Case("math.norm.int32", "norm", (values([[1, 5, 2], [7, 0, 3]], "int32"),)),
        Case("math.norm.int32_ties", "norm", (values([[3, 4], [1, 1]], "int32"),), {"axis": 1}),
        Case("math.norm.int64_ord1", "norm", (values([[3, -4], [1, 1]], "int64"),), {"ord": 1}),
        Case("math.norm.method", "norm", (X3,), {"axis": 2}, method=True),
        Case("math.norm.axis_error", "norm", (X3,), {"axis": 5}),
        Case("math.norm.duplicate_axes", "norm", (X3,), {"axis": (0, 0)}),
        # argmax / argmin: indices in the input's dtype
        Case("math.argmax", "argmax", (X3,)),
        Case("math.argmax.keepdims", "argmax", (X3,), {"keepdims": True}),
        Case("math.argmax.axis_keepdims", "argmax", (X3,), {"axis": 1, "keepdims": True}),
        Case("math.argmax.negative_axis", "argmax", (X3,), {"axis": -1}),
        Case("math.argmax.float64", "argmax", (X64,), {"axis": 1}),
        Case("math.argmax.float16", "argmax", (X16,), {"axis": 0}),
        Case("math.argmax.int32", "argmax", (integers((3, 4), 0, 100, "int32"),), {"axis": 0}),
        Case("math.argmax.uint8", "argmax", (integers((3, 4), 0, 100, "uint8"),)),
        Case("math.argmax.ties", "argmax", (values([[1, 3, 3]]),), {"axis": 1}),
        Case("math.argmax.nan", "argmax", (values([1.0, np.nan, 2.0]),)),
        Case("math.argmax.method", "argmax", (X3,), {"axis": 2}, method=True),
        Case("math.argmax.axis_error", "argmax", (X3,), {"axis": 3}),
        Case("math.argmax.tuple_error", "argmax", (X3,), {"axis": (0, 1)}),
        Case("math.argmin", "argmin", (X3,), {"axis": 1}),
        Case("math.argmin.ties", "argmin", (values([[1, 1, 3]]),), {"axis": 1}),
        Case("math.argmin.int64", "argmin", (integers((3, 4), 0, 100, "int64"),)),
        Case("math.argmin.noaxis_keepdims", "argmin", (X3,), {"keepdims": True}),
        Case("math.argmax_channel", "argmax_channel", (X,)),
        Case("math.argmax_channel.4d", "argmax_channel", (uniform((2, 3, 4, 2), seed=8),)),
        Case("math.argmax_channel.int32", "argmax_channel", (integers((3, 4), 0, 100, "int32"),)),
    ]
    return cases


def _creation_cases():
    cases = [
        Case("math.linspace", "linspace", (), {"start": 0, "stop": 1, "num": 5}),
        Case("math.linspace.no_endpoint", "linspace", (), {"start": 0, "stop": 1, "num": 5, "endpoint": False}),
        Case("math.linspace.int32", "linspace", (), {"start": 0, "stop": 10, "num": 4, "dtype": "int32"}),
        Case("math.linspace.float64", "linspace", (), {"start": -1.5, "stop": 2.5, "num": 7, "dtype": "float64"},
             rtol=1e-12),
        Case("math.linspace.one", "linspace", (), {"start": 3, "stop": 1, "num": 1}),
        Case("math.linspace.empty", "linspace", (), {"start": 0, "stop": 1, "num": 0}),
        Case("math.linspace.reversed", "linspace", (), {"start": 2, "stop": -1, "num": 4}),
        Case("math.eye", "eye", (), {"N": 3}),
        Case("math.eye.rect_k", "eye", (), {"N": 2, "M": 3, "k": 1}),
        Case("math.eye.negative_k_int32", "eye", (), {"N": 3, "M": 2, "k": -1, "dtype": "int32"}),
        Case("math.eye.k_outside", "eye", (), {"N": 3, "k": 5}),
        Case("math.eye.float64", "eye", (), {"N": 2, "dtype": "float64"}),
        Case("math.full", "full", (), {"shape": (2, 3), "val": 7}),
        Case("math.full.int32", "full", (), {"shape": (2,), "val": 2.5, "dtype": "int32"}),
        Case("math.full.float64", "full", (), {"shape": 3, "val": -0.1, "dtype": "float64"}),
        Case("math._zeros", "_internal._zeros", (), {"shape": (2, 3)}),
        Case("math._ones.int64", "_internal._ones", (), {"shape": (2,), "dtype": "int64"}),
        Case("math._full", "_internal._full", (), {"shape": (2,), "value": 3.0}),
        Case("math._full.uint8", "_internal._full", (), {"shape": (2, 2), "value": 3.7, "dtype": "uint8"}),
        Case("math._eye", "_internal._eye", (), {"N": 2}),
        Case("math._linspace", "_internal._linspace", (), {"start": 0, "stop": 1, "num": 3}),
        Case("math._arange", "_internal._arange", (), {"start": 0, "stop": 3}),
        Case("math._arange.repeat_int32", "_internal._arange", (),
             {"start": 1, "stop": 7, "step": 2, "repeat": 2, "dtype": "int32"}),
        Case("math._arange.stop_only", "_internal._arange", (), {"start": 3}),
        Case("math._arange.float_step", "_internal._arange", (), {"start": 0.5, "stop": 2.0, "step": 0.3}),
        Case("math.zeros_like.int32", "zeros_like", (INT2,)),
        Case("math.zeros_like.float64", "zeros_like", (X64,)),
        Case("math.ones_like", "ones_like", (X,)),
        Case("math.ones_like.int64", "ones_like", (values([1, 2], "int64"),)),
        Case("math.ones_like.method", "ones_like", (X16,), method=True),
    ]
    for dtype in ("float16", "float32", "float64", "int8", "uint8", "int32", "int64", "bool"):
        cases.append(Case(f"math.cast.{dtype}", "cast", (uniform((2, 3), -5, 5),), {"dtype": dtype}, rtol=1e-3))
        cases.append(Case(f"math.astype.{dtype}", "astype", (X3,), {"dtype": dtype}, method=True, rtol=1e-3))
    for dtype in ("int32", "uint8", "int8", "int64", "bool"):
        cases.append(Case(f"math.cast.edges_to_{dtype}", "cast", (FLOATS_TO_INT,), {"dtype": dtype}))
    cases += [
        Case("math.cast.int_to_float16", "cast", (INT2,), {"dtype": "float16"}),
        Case("math.cast.int32_to_uint8", "cast", (values([-1, 300, 5], "int32"),), {"dtype": "uint8"}),
        Case("math.cast.float64_edges_to_int32", "cast", (values([-1.7, 3e9, np.nan, 2.99], "float64"),),
             {"dtype": "int32"}),
        Case("math.Cast", "Cast", (X,), {"dtype": "int8"}),
        Case("math.cast.missing_dtype", "cast", (X,)),
        Case("math.cast.bad_dtype", "cast", (X,), {"dtype": "foo"}),
        Case("math.amp_cast", "amp_cast", (X,), {"dtype": "float16"}, rtol=1e-3),
        Case("math.amp_cast.int_unchanged", "amp_cast", (INT2,), {"dtype": "float16"}),
        Case("math.amp_cast.float64", "amp_cast", (X16,), {"dtype": "float64"}),
    ]
    return cases


def _other_cases():
    return [
        Case("math.clip", "clip", (X,), {"a_min": -0.5, "a_max": 0.3}),
        Case("math.clip.reversed_bounds", "clip", (values([[-2.5, 0.3, 1.7], [0.9, -0.2, 3]]),),
             {"a_min": 1, "a_max": -1}),
        Case("math.clip.int32", "clip", (INT2,), {"a_min": -2.5, "a_max": 3.7}),
        Case("math.clip.method", "clip", (X,), {"a_min": -0.5, "a_max": 0.3}, method=True),
        Case("math.clip.missing_bound", "clip", (X,), {"a_min": 0}),
        Case("math.where.rows", "where", (values([1, 0]), X, X2)),
        Case("math.where.int_condition", "where", (values([[1, 0, 2], [0, 0, 1]], "int32"), X, X2)),
        Case("math.where.dtype_error", "where", (values([[1, 0, 1], [0, 0, 1]]), X, X64)),
        Case("math.where.shape_error", "where", (values([1, 0, 1]), X, X2)),
    ]


def _contrib_cases():
    data = values(np.arange(12).reshape(3, 4) - 3)
    return [
        Case("math.contrib.arange_like", "contrib.arange_like", (data,)),
        Case("math.contrib.arange_like.start_step_repeat", "contrib.arange_like", (data,),
             {"start": 1, "step": 2, "repeat": 2}),
        Case("math.contrib.arange_like.axis", "contrib.arange_like", (data,), {"axis": 1}),
        Case("math.contrib.arange_like.negative_axis", "contrib.arange_like", (data,), {"axis": -1, "start": 2.5}),
        Case("math.contrib.arange_like.int32", "contrib.arange_like", (INT2,)),
        Case("math.contrib.arange_like.float64_axis0", "contrib.arange_like", (X64,), {"axis": 0}),
        Case("math.contrib.arange_like.repeat5", "contrib.arange_like", (data,), {"repeat": 5}),
        Case("math.contrib.arange_like.axis_repeat", "contrib.arange_like", (data,), {"axis": 0, "repeat": 2}),
        Case("math.contrib.arange_like.axis_error", "contrib.arange_like", (data,), {"axis": 2}),
        Case("math.contrib.div_sqrt_dim", "contrib.div_sqrt_dim", (X3,)),
        Case("math.contrib.div_sqrt_dim.int32", "contrib.div_sqrt_dim", (values(np.arange(12).reshape(3, 4) - 3,
                                                                                "int32"),)),
        Case("math.contrib.div_sqrt_dim.float64", "contrib.div_sqrt_dim", (X64,), rtol=1e-12),
        Case("math.contrib.index_copy", "contrib.index_copy", (uniform((4, 2)), values([2, 0]), uniform((2, 2), seed=1))),
        Case("math.contrib.index_copy.int64_index", "contrib.index_copy",
             (uniform((4, 2)), values([2, 0], "int64"), uniform((2, 2), seed=1))),
        Case("math.contrib.index_copy.1d", "contrib.index_copy", (values([0, 0, 0, 0]), values([2, 0]),
                                                                   values([5, 6]))),
        Case("math.contrib.index_copy.repeated", "contrib.index_copy",
             (values(np.zeros((4, 2))), values([2, 2]), values([[1, 2], [3, 4]]))),
        Case("math.contrib.index_copy.float64", "contrib.index_copy",
             (uniform((3, 2, 2), dtype="float64"), values([1]), uniform((1, 2, 2), dtype="float64", seed=1))),
        Case("math.contrib.boolean_mask", "contrib.boolean_mask", (data, values([1, 0, 1]))),
        Case("math.contrib.boolean_mask.none", "contrib.boolean_mask", (data, values([0, 0, 0]))),
        Case("math.contrib.boolean_mask.int_mask", "contrib.boolean_mask", (data, values([1, 0, 2], "int32"))),
        Case("math.contrib.boolean_mask.float64", "contrib.boolean_mask",
             (uniform((3, 2), dtype="float64"), values([0, 1, 1]))),
        Case("math.contrib.boolean_mask.length_error", "contrib.boolean_mask", (data, values([1, 0]))),
        Case("math.contrib.isfinite", "contrib.isfinite", (values([1, np.inf, np.nan, -np.inf]),)),
        Case("math.contrib.isinf", "contrib.isinf", (values([1, np.inf, np.nan, -np.inf]),)),
        Case("math.contrib.isnan", "contrib.isnan", (values([1, np.inf, np.nan, -np.inf], "float64"),)),
        Case("math.contrib.isnan.int32", "contrib.isnan", (values([1, 2], "int32"),)),
        Case("math.contrib.isinf.int32", "contrib.isinf", (values([1, 2], "int32"),)),
        Case("math.contrib.isfinite.int32", "contrib.isfinite", (values([1, 2], "int32"),)),
        Case("math.contrib.round_ste", "contrib.round_ste", (HALVES,)),
        Case("math.contrib.sign_ste", "contrib.sign_ste", (values([-2.5, 0, 0.5]),)),
        Case("math.contrib.gradientmultiplier", "contrib.gradientmultiplier", (X,), {"scalar": 3}),
        Case("math.contrib.quadratic", "contrib.quadratic", (X,), {"a": 1, "b": 2, "c": 3}),
        Case("math.contrib.quadratic.default", "contrib.quadratic", (X,)),
        Case("math.contrib.quadratic.float64", "contrib.quadratic", (X64,), {"a": -0.5, "c": 1.5}, rtol=1e-12),
        Case("math.contrib.allclose.false", "contrib.allclose", (values([1, 2]), values([1, 2.0001]))),
        Case("math.contrib.allclose.true", "contrib.allclose", (values([1, 2]), values([1, 2.00001]))),
        Case("math.contrib.allclose.tolerances", "contrib.allclose", (values([1, 2]), values([1, 2.1])),
             {"rtol": 0.1, "atol": 0.0}),
        Case("math.contrib.allclose.nan", "contrib.allclose", (values([1, np.nan]), values([1, np.nan]))),
        Case("math.contrib.allclose.nan_not_equal", "contrib.allclose", (values([1, np.nan]), values([1, np.nan])),
             {"equal_nan": False}),
        Case("math.contrib.allclose.shape_error", "contrib.allclose", (values([1, 2]), values([[1, 2], [1, 2]]))),
        Case("math.contrib.index_array", "contrib.index_array", (data,)),
        Case("math.contrib.index_array.axes", "contrib.index_array", (data,), {"axes": (1,)}),
        Case("math.contrib.index_array.negative_axes", "contrib.index_array", (X3,), {"axes": (-1, 0)}),
    ]


CASES = [*_unary_cases(), *_binary_cases(), *_scalar_cases(), *_reduction_cases(), *_creation_cases(),
         *_other_cases(), *_contrib_cases()]
