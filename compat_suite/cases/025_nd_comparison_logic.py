"""Comparison and logical operators, maximum/minimum with scalars, equality with scalars."""
from mxnet import nd
from compat_emit import emit

a = nd.array([1, 2, 3, 4])
b = nd.array([4, 2, 1, 4])
emit("eq", a == b)
emit("ne", a != b)
emit("lt", a < b)
emit("le", a <= b)
emit("gt_scalar", a > 2)
emit("ge_scalar", a >= 2)
emit("scalar_lt", 2 < a)
emit("logical_and", nd.logical_and(a > 1, b > 1))
emit("logical_or", nd.logical_or(a > 3, b > 3))
emit("logical_xor", nd.logical_xor(a > 2, b > 2))
emit("maximum", nd.maximum(a, b))
emit("minimum_scalar", nd.minimum(a, 2.5))
emit("equal_fn", nd.equal(a, b))
emit("not_equal_fn", nd.not_equal(a, b))
emit("greater_equal_fn", nd.greater_equal(a, b))
emit("lesser_fn", nd.lesser(a, b))
emit("sum_of_mask", (a == b).sum())
emit("isnan", nd.contrib.isnan(nd.array([1, float('nan')])))
