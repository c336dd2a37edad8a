"""Views and in-place operators: first-axis slices and reshape share storage, x[:, 1] is a copy."""
from mxnet import nd
from compat_emit import emit

x = nd.arange(12).reshape((4, 3))
v = x[1:3]
v[:] = -1
emit("slice_view_writes_base", x)
r = x.reshape((3, 4))
r[0] = 100
emit("reshape_view_writes_base", x)
row = x[3]
row += 5
emit("row_iadd", x)
c = x[:, 1]
c[:] = 0
emit("column_copy_leaves_base", x)
emit("column_copy", c)

a = nd.ones((2, 2))
b = a
a += 1
emit("iadd_same_handle", b)
a *= 3
emit("imul", b)
a -= 1
emit("isub", b)
a /= 5
emit("idiv", b)
a[:] = 7
emit("setitem_all", b)
a = a + 1
emit("rebind_not_inplace", b)

out = nd.zeros((3,))
nd.elemwise_add(nd.array([1, 2, 3]), nd.array([10, 20, 30]), out=out)
emit("out_arg", out)
res = nd.exp(nd.zeros((3,)), out=out)
emit("out_returns_out", (res is out, out.asnumpy().tolist()))

z = nd.zeros((2, 3))
src = nd.array([[1, 2, 3], [4, 5, 6]])
src.copyto(z)
emit("copyto", z)
cp = src.copy()
cp[:] = 0
emit("copy_independent", src)
d = src.detach()
d[0, 0] = 42
emit("detach_shares", src)
