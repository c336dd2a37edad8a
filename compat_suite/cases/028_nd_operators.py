"""Python operators: reflected forms, power, modulo, abs, negation, matmul-free arithmetic chains."""
from mxnet import nd
from compat_emit import emit

x = nd.array([1, 2, 3, 4])
emit("radd", 1 + x)
emit("rsub", 1 - x)
emit("rmul", 2 * x)
emit("rtruediv", 1 / x)
emit("rpow", 2 ** x)
emit("pow", x ** 0.5)
emit("pow_nd", x ** nd.array([2, 2, 1, 0]))
emit("mod", x % 3)
emit("rmod", 10 % x)
emit("neg", -x)
emit("abs", abs(nd.array([-1, 2])))
emit("floordiv_via_floor", nd.floor(x / 3))
emit("chain", ((x + 1) * 2 - 3) / 4)
y = nd.array([[1, 2], [3, 4]])
emit("matrix_ops", y * y + y / y - y)
