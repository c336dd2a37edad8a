"""grad_req='null': .grad before and after backward; mixing null and write variables."""
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([1.0, 2.0])
x.attach_grad(grad_req='null')
emit("grad_after_attach", x.grad)
y = nd.array([3.0, 4.0])
y.attach_grad()
with autograd.record():
    z = x * y
z.backward()
emit("null_grad_after_backward", x.grad)
emit("write_grad", y.grad)
