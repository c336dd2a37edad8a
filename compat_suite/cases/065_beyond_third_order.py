# compat: beyond-mxnet
"""Third-order gradients of a polynomial in x and y with elementwise products (MXNet 1.9.1 cannot)."""
import numpy as np
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([1.5, -0.5])
x.attach_grad()
with autograd.record():
    y = x * x * x * x + 2 * x * x * x      # x^4 + 2x^3
    g1 = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
    g2 = autograd.grad(g1, [x], create_graph=True, retain_graph=True)[0]
g2.backward()
xv = np.array([1.5, -0.5])
emit("g1", g1)
emit("g2", g2)
emit("g3", x.grad)
emit("check_g1", bool(np.allclose(g1.asnumpy(), 4 * xv ** 3 + 6 * xv ** 2, rtol=1e-5)))
emit("check_g2", bool(np.allclose(g2.asnumpy(), 12 * xv ** 2 + 12 * xv, rtol=1e-5)))
emit("check_g3", bool(np.allclose(x.grad.asnumpy(), 24 * xv + 12, rtol=1e-5)))
