# compat: beyond-mxnet
"""Second-order gradient through softmax and log_softmax (not differentiable twice in MXNet 1.9.1)."""
import numpy as np
from mxnet import autograd, nd
from compat_emit import emit

x0 = np.array([[0.2, -1.0, 0.7], [1.5, 0.1, -0.3]])
c0 = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def f(z):
    return np.sum(softmax(z) * c0) + np.sum(np.log(softmax(z)) ** 2)


def grad_np(fn, z, h=1e-6):
    g = np.zeros_like(z)
    for i in range(z.size):
        e = np.zeros_like(z)
        e.flat[i] = h
        g.flat[i] = (fn(z + e) - fn(z - e)) / (2 * h)
    return g


def gnorm(z):
    return np.sum(grad_np(f, z) ** 2)


x = nd.array(x0)
c = nd.array(c0)
x.attach_grad()
with autograd.record():
    y = nd.sum(nd.softmax(x) * c) + nd.sum(nd.log_softmax(x) ** 2)
    g = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
    penalty = nd.sum(g * g)
penalty.backward()
emit("grad", g)
emit("penalty_grad", x.grad)
emit("check_grad", bool(np.allclose(g.asnumpy(), grad_np(f, x0), rtol=1e-3, atol=1e-4)))
emit("check_penalty_grad", bool(np.allclose(x.grad.asnumpy(), grad_np(gnorm, x0, h=1e-4), rtol=2e-2, atol=2e-3)))
