"""The Gluon autograd tutorial's data-dependent piecewise polynomial and its gradients."""
import math

import mxnet as mx
from mxnet import autograd
from compat_emit import emit


def f(x):
    y = x
    if x < 0.75:
        num_loops = math.floor(1 / (1 - x.asscalar()))
        for i in range(num_loops):
            y = y * x
    else:
        y = y * 0
    return y


def get_grad(f, x):
    x.attach_grad()
    with autograd.record():
        y = f(x)
    y.backward()
    return x.grad


xs = mx.nd.arange(0.0, 1.0, step=0.1)
emit("xs", xs)
grads = [get_grad(f, x).asscalar() for x in xs]
emit("grads", grads)
emit("values", [f(x).asscalar() for x in xs])
