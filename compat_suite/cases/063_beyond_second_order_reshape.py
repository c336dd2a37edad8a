# compat: beyond-mxnet
"""Second order through reshape/transpose/slicing/broadcasting mixed with elementwise ops."""
import numpy as np
from mxnet import autograd, nd
from compat_emit import emit

x0 = np.array([0.3, -0.8, 1.1, 0.4, -0.2, 0.9])


def f(v):
    m = v.reshape(2, 3)
    return np.sum((m.T * np.array([1.0, -2.0])) ** 3) + np.sum(m[1] * m[0])


def grad_np(fn, v, h=1e-6):
    return np.array([(fn(v + h * e) - fn(v - h * e)) / (2 * h) for e in np.eye(v.size)])


def d2(v):
    return np.sum(grad_np(f, v) * np.arange(1.0, 7.0))


x = nd.array(x0)
x.attach_grad()
with autograd.record():
    m = x.reshape((2, 3))
    y = nd.sum(nd.broadcast_mul(m.T, nd.array([[1.0, -2.0]])) ** 3) + nd.sum(m[1] * m[0])
    g = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
    s = nd.sum(g * nd.arange(1, 7))
s.backward()
emit("grad", g)
emit("second", x.grad)
emit("check_grad", bool(np.allclose(g.asnumpy(), grad_np(f, x0), rtol=1e-3, atol=1e-4)))
emit("check_second", bool(np.allclose(x.grad.asnumpy(), grad_np(d2, x0, h=1e-4), rtol=1e-2, atol=1e-3)))
