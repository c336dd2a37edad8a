"""The higher-order gradient proposal's example: d2/dx2 sin(x) = -sin(x) (supported by MXNet 1.9.1)."""
import mxnet.ndarray as nd
from mxnet import autograd
from compat_emit import emit

x = nd.array([1, 2, 3])
x.attach_grad()
with autograd.record():
    y = nd.sin(x)
    y_grad = autograd.grad(y, x, create_graph=True, retain_graph=True)[0]
emit("y_grad", y_grad)
y_grad.backward()
emit("x.grad", x.grad)
emit("-sin", -nd.sin(x))

x = nd.array([0.5, 1.5])
x.attach_grad()
with autograd.record():
    y = nd.cos(x)
    g = autograd.grad(y, x, create_graph=True, retain_graph=True)[0]
g.backward()
emit("cos''", x.grad)
