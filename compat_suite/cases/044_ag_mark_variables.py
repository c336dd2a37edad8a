"""autograd.mark_variables with user-provided gradient buffers and grad_reqs."""
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([1.0, 2.0, 3.0])
gx = nd.zeros((3,))
autograd.mark_variables([x], [gx])
with autograd.record():
    y = (x * x).sum()
y.backward()
emit("gx", gx)
emit("x.grad", x.grad)

a = nd.array([1.0, 2.0])
b = nd.array([5.0, 6.0])
ga = nd.ones((2,))
gb = nd.ones((2,))
autograd.mark_variables([a, b], [ga, gb], grad_reqs=['add', 'write'])
with autograd.record():
    c = a * b
c.backward()
emit("ga_add", ga)
emit("gb_write", gb)
