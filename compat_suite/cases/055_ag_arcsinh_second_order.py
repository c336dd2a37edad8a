"""Second derivative of arcsinh: d2/dx2 asinh(x) = -x / (1 + x^2)^1.5 (MXNet 1.9.1 has the sign flipped)."""
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([0.2, 0.5, 0.9])
x.attach_grad()
with autograd.record():
    y = nd.arcsinh(x)
    g = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
g.backward()
emit("arcsinh'", g)
emit("arcsinh''", x.grad)
