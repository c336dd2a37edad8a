"""autograd.grad: returned list, several variables, head_grads, leaving .grad untouched."""
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([1.0, 2.0, 3.0])
y = nd.array([0.5, -1.0, 2.0])
x.attach_grad()
y.attach_grad()
with autograd.record():
    z = x * x * y
grads = autograd.grad(z, [x, y])
emit("type", type(grads).__name__)
emit("dx", grads[0])
emit("dy", grads[1])
emit("x.grad_untouched", x.grad)

with autograd.record():
    z = nd.tanh(x) * 3
(dx,) = autograd.grad(z, [x], head_grads=nd.array([1.0, 0.0, 2.0]))
emit("head_grads", dx)

with autograd.record():
    z = nd.log(x)
dx = autograd.grad(z, x)
emit("single_variable", dx)
