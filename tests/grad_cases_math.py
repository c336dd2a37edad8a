"""Gradient cases of the math family's operators added beside the core set (scalar forms,
hard_sigmoid, casts, argmax_channel, creation and nd.contrib math operators); merged into
tests/test_op_gradients.py."""
from mxjax import nd

from gradcheck import Case, away, fixed, magnitude, uniform

U = uniform(-1.0, 1.0)
POS = uniform(0.5, 2.0)
_CMP = "comparison: 0/1 output in the input dtype, zero gradient (MXNet: MakeZeroGradNodes)"
_LOGICAL = "logical operator: 0/1 output, zero gradient"
_CREATION = "creation operator without array inputs: the result is a constant of the graph"
_SCALAR_CMP_INPUT = fixed([[0.5, -1.0, 2.0], [0.0, 1.5, -0.5]])


def _straight_through(op, scale=1.0):
    """op(x) - BlockGrad(op(x)) + BlockGrad(scale * x): its value is scale * x, so finite
    differences give ``scale``, and autograd gives ``scale`` only if the operator's own
    gradient is ``scale`` times the identity (a straight-through estimator)."""
    def call(x):
        y = op(x)
        return y - nd.BlockGrad(y) + nd.BlockGrad(x * scale)
    return call


CASES = {
    "moments": [Case((U,), call=lambda x: nd.moments(x, axes=(1,))[0], label="mean"),
                Case((U,), call=lambda x: nd.moments(x, axes=(1,))[1], label="var")],
    # ---- scalar forms ----
    "_plus_scalar": [Case((U,), attrs=dict(scalar=0.7))],
    "_square_sum": [Case((U,), attrs=dict(axis=1, keepdims=True), out_shape=(2, 1)),
                    Case((U,), label="all", out_shape=(1,))],
    "_minus_scalar": [Case((U,), attrs=dict(scalar=0.7))],
    # MXNet's scatter operators on dense arrays: the plain operators
    "_scatter_plus_scalar": [Case((U,), attrs=dict(scalar=0.7))],
    "_scatter_minus_scalar": [Case((U,), attrs=dict(scalar=0.7))],
    "_scatter_elemwise_div": [Case((U, magnitude(0.5, 2.0)))],
    "_rminus_scalar": [Case((U,), attrs=dict(scalar=0.7))],
    "_mul_scalar": [Case((U,), attrs=dict(scalar=-1.3))],
    "_div_scalar": [Case((U,), attrs=dict(scalar=1.7))],
    "_rdiv_scalar": [Case((magnitude(0.5, 2.0),), attrs=dict(scalar=1.5))],
    "_power_scalar": [
        Case((POS,), attrs=dict(scalar=2.5)),
        Case((U,), attrs=dict(scalar=3.0), label="integer exponent, negative base"),
    ],
    "_rpower_scalar": [Case((U,), attrs=dict(scalar=1.7))],
    # x / scalar kept away from integers, where mod jumps
    "_mod_scalar": [Case((fixed([[2.3, -1.7, 0.9], [-3.1, 2.6, 1.2]]),), attrs=dict(scalar=0.7))],
    "_rmod_scalar": [Case((fixed([[0.7, 1.1, 0.8], [0.9, -0.7, 1.9]]),), attrs=dict(scalar=2.5))],
    "_maximum_scalar": [Case((away((0.2,)),), attrs=dict(scalar=0.2))],
    "_minimum_scalar": [Case((away((0.2,)),), attrs=dict(scalar=0.2))],
    "_hypot_scalar": [Case((U,), attrs=dict(scalar=0.8))],
    # ---- unary ----
    "hard_sigmoid": [
        Case((away((-2.5, 2.5), -3.0, 3.0),)),
        Case((away((-0.5, 1.5), -1.0, 2.0),), attrs=dict(alpha=0.5, beta=0.25), label="alpha, beta"),
    ],
    "_identity_with_attr_like_rhs": [Case((U, U), const=(1,))],
    "amp_cast": [
        Case((U,), attrs=dict(dtype="float64"), label="float64", out_dtype="float64"),
        Case((U,), attrs=dict(dtype="float32"), label="float32", out_dtype="float32", eps=1e-3, rtol=1e-3,
             atol=1e-4),
    ],
    # ---- nd.contrib ----
    "_contrib_div_sqrt_dim": [Case((uniform(-1, 1, (2, 4)),), out_shape=(2, 4))],
    "_contrib_index_copy": [
        Case((uniform(-1, 1, (4, 2)), fixed([2, 0]), uniform(-1, 1, (2, 2))), const=(1,), out_shape=(4, 2)),
        # a repeated index: the last row wins, the overwritten one gets no gradient
        Case((uniform(-1, 1, (4, 2)), fixed([3, 1, 3]), uniform(-1, 1, (3, 2))), const=(1,),
             label="repeated index", out_shape=(4, 2)),
    ],
    "_contrib_boolean_mask": [
        Case((uniform(-1, 1, (4, 2)), fixed([1, 0, 1, 1])), call=lambda d, i: nd.contrib.boolean_mask(d, i),
             const=(1,), out_shape=(3, 2)),
        Case((uniform(-1, 1, (2, 3)), fixed([0, 2, 1])), call=lambda d, i: nd.contrib.boolean_mask(d, i, axis=1),
             const=(1,), label="axis=1", out_shape=(2, 2)),
    ],
    "_contrib_quadratic": [Case((U,), attrs=dict(a=1.5, b=-0.5, c=0.3))],
    "_contrib_round_ste": [Case((U,), call=_straight_through(nd.contrib.round_ste), label="straight-through")],
    "_contrib_sign_ste": [Case((U,), call=_straight_through(nd.contrib.sign_ste), label="straight-through")],
    "_contrib_gradientmultiplier": [
        Case((U,), call=_straight_through(lambda x: nd.contrib.gradientmultiplier(x, scalar=3.0), 3.0),
             label="scalar=3"),
    ],
}

NON_DIFFERENTIABLE = {
    **{f"_{name}_scalar": (_CMP, Case((_SCALAR_CMP_INPUT,), attrs=dict(scalar=0.5))) for name in (
        "equal", "not_equal", "greater", "greater_equal", "lesser", "lesser_equal")},
    **{f"_logical_{name}_scalar": (_LOGICAL, Case((_SCALAR_CMP_INPUT,), attrs=dict(scalar=0.0))) for name in (
        "and", "or", "xor")},
    "argmax_channel": ("integer-valued index output (in the input's dtype)", Case((U,))),
    "_contrib_arange_like": ("constant output: depends only on the input's shape", Case((U,))),
    "_contrib_index_array": ("integer index output: depends only on the input's shape",
                             Case((U,), out_dtype="int64")),
    "_contrib_allclose": ("boolean test: a 0/1 uint8 output", Case((U, U), out_dtype="uint8")),
    "_zeros": (_CREATION, Case((), call=lambda: nd._internal._zeros(shape=(2, 3), dtype="float64"),
                               out_dtype="float64")),
    "_ones": (_CREATION, Case((), call=lambda: nd._internal._ones(shape=(2, 3), dtype="float64"),
                              out_dtype="float64")),
    "_full": (_CREATION, Case((), call=lambda: nd._internal._full(shape=(2, 3), value=1.5, dtype="float64"),
                              out_dtype="float64")),
    "_eye": (_CREATION, Case((), call=lambda: nd.eye(2, 3, 1, dtype="float64"), out_dtype="float64")),
    "_linspace": (_CREATION, Case((), call=lambda: nd.linspace(-1, 1, 6, dtype="float64").reshape((2, 3)),
                                  out_dtype="float64")),
    "_arange": (_CREATION, Case((), call=lambda: nd._internal._arange(start=1, stop=7, dtype="float64")
                                .reshape((2, 3)), out_dtype="float64")),
}
