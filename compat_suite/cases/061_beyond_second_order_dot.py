# compat: beyond-mxnet
"""Hessian-vector product through dot (MXNet 1.9.1: "_backward_dot is non-differentiable")."""
import numpy as np
from mxnet import autograd, nd
from compat_emit import emit

rng = np.random.RandomState(0)
A0 = rng.normal(size=(3, 4))
x0 = rng.normal(size=(4, 1))
v0 = rng.normal(size=(4, 1))


def f(x):
    return np.sum(np.tanh(A0 @ x) ** 2)


def grad_f(x, h=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = h
        g.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


hvp_numeric = (grad_f(x0 + 1e-4 * v0) - grad_f(x0 - 1e-4 * v0)) / 2e-4

A = nd.array(A0)
x = nd.array(x0)
v = nd.array(v0)
x.attach_grad()
with autograd.record():
    y = nd.sum(nd.tanh(nd.dot(A, x)) ** 2)
    g = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
    gv = nd.sum(g * v)
gv.backward()
emit("grad", g)
emit("hvp", x.grad)
emit("check_grad", bool(np.allclose(g.asnumpy(), grad_f(x0), rtol=1e-3, atol=1e-4)))
emit("check_hvp", bool(np.allclose(x.grad.asnumpy(), hvp_numeric, rtol=1e-2, atol=1e-3)))
