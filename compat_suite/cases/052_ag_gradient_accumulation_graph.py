"""A variable used several times, diamond graphs, in-graph indexing/slicing gradients."""
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
x.attach_grad()
with autograd.record():
    a = x * 2
    b = nd.exp(a) + a * x
    c = b[1] * x[0] + x[:, 1].sum()
c.backward()
emit("grad", x.grad)

with autograd.record():
    y = nd.concat(x, x * 2, dim=1)
    z = nd.split(y, num_outputs=2, axis=1)
    w = (z[0] * 3).sum() + (z[1] ** 2).sum()
w.backward()
emit("concat_split_grad", x.grad)

with autograd.record():
    y = x.reshape((3, 2)).T
    z = nd.dot(y, x.T)
z.backward()
emit("reshape_dot_grad", x.grad)

with autograd.record():
    y = nd.broadcast_mul(x, nd.array([[1.0], [2.0]]))
    z = nd.take(y, nd.array([0, 0, 1]))
z.backward()
emit("take_grad", x.grad)
