# compat: beyond-mxnet
"""Second-order gradient of x * x * w (MXNet 1.9.1: "_backward_mul is non-differentiable")."""
import numpy as np
from mxnet import autograd, nd
from compat_emit import emit

x0 = np.array([0.5, -1.0, 2.0])
w0 = np.array([1.5, 2.0, -0.5])
x = nd.array(x0)
w = nd.array(w0)
x.attach_grad()
w.attach_grad()
with autograd.record():
    y = x * x * w
    dx = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
    z = (dx * dx).sum()
z.backward()
# dy/dx = 2 x w; z = sum(4 x^2 w^2): dz/dx = 8 x w^2, dz/dw = 8 x^2 w


def z_of(xv, wv):
    h = 1e-5
    dxv = np.array([((xv + h * e) ** 2 * wv - (xv - h * e) ** 2 * wv).sum() / (2 * h) for e in np.eye(3)])
    return (dxv ** 2).sum()


def numeric(f, v, h=1e-4):
    return np.array([(f(v + h * e) - f(v - h * e)) / (2 * h) for e in np.eye(len(v))])


emit("dx", dx)
emit("x.grad", x.grad)
emit("w.grad", w.grad)
emit("check_dx", bool(np.allclose(dx.asnumpy(), 2 * x0 * w0, rtol=1e-5)))
emit("check_dz_dx", bool(np.allclose(x.grad.asnumpy(), numeric(lambda v: z_of(v, w0), x0), rtol=1e-3, atol=1e-3)))
emit("check_dz_dw", bool(np.allclose(w.grad.asnumpy(), numeric(lambda v: z_of(x0, v), w0), rtol=1e-3, atol=1e-3)))
