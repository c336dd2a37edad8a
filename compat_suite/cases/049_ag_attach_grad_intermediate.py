"""attach_grad on an intermediate result cuts the graph; detach and stop_gradient."""
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([1.0, 2.0])
x.attach_grad()
with autograd.record():
    y = x * 3
    y.attach_grad()
    z = y * y
z.backward()
emit("x.grad_cut", x.grad)
emit("y.grad", y.grad)

with autograd.record():
    y = x * 3
    z = y.detach() * x
z.backward()
emit("detach", x.grad)

with autograd.record():
    y = x * 3
    z = nd.stop_gradient(y) * x + nd.BlockGrad(x * x)
z.backward()
emit("stop_gradient", x.grad)
