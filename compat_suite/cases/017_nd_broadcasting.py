"""Broadcasting: broadcast_* ops, operator broadcasting, broadcast_to/axis/like."""
from mxnet import nd
from compat_emit import emit

a = nd.arange(3).reshape((3, 1))
b = nd.arange(4).reshape((1, 4))
emit("broadcast_add", nd.broadcast_add(a, b))
emit("broadcast_mul", nd.broadcast_mul(a, b))
emit("broadcast_sub", nd.broadcast_sub(b, a))
emit("broadcast_div", nd.broadcast_div(b, a + 1))
emit("broadcast_maximum", nd.broadcast_maximum(a, b))
emit("broadcast_power", nd.broadcast_power(a + 1, b))
emit("broadcast_equal", nd.broadcast_equal(a, b))
emit("broadcast_greater", nd.broadcast_greater(a, b))
emit("operator_add", a + b)
emit("operator_mul", a * b)
emit("operator_gt", a > b)
emit("broadcast_to", nd.broadcast_to(a, shape=(3, 5)))
emit("broadcast_to_zero", nd.broadcast_to(b, shape=(2, 0)))
emit("broadcast_axis", nd.broadcast_axis(a, axis=1, size=2))
emit("broadcast_like", nd.broadcast_like(a, nd.zeros((3, 2))))
emit("row_plus_matrix", nd.ones((2, 3)) + nd.array([1, 2, 3]))
emit("scalar_array", nd.array([5]) * nd.ones((2, 2)))
