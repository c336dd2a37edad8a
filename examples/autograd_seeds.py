"""The autograd examples of MXNet's tutorials (the project's seed documents), run on mxjax.

    python examples/autograd_seeds.py
"""
import math

import mxjax as mx
from mxjax import autograd, nd

# y = 2 x^T x: dy/dx = 4x (Dive into Deep Learning, "Automatic Gradient")
x = nd.arange(4).reshape((4, 1))
x.attach_grad()
with autograd.record():
    y = 2 * nd.dot(x.T, x)
y.backward()
print("dy/dx of 2 x^T x at x = 0..3:", x.grad.asnumpy().ravel())
assert (x.grad - 4 * x).norm().asscalar() == 0

# training vs prediction mode
print("is_training outside record:", autograd.is_training())
with autograd.record():
    print("is_training inside record:", autograd.is_training())


# Python control flow: the gradient of a data-dependent program
def f(a):
    b = a * 2
    while b.norm().asscalar() < 1000:
        b = b * 2
    if b.sum().asscalar() > 0:
        c = b
    else:
        c = 100 * b
    return c


mx.random.seed(1)
a = nd.random.normal(shape=1)
a.attach_grad()
with autograd.record():
    c = f(a)
c.backward()
print("control flow: a.grad == c / a ->", (a.grad == c / a).asscalar())


# the tutorial's piecewise polynomial
def g(x):
    y = x
    if x < 0.75:
        for _ in range(math.floor(1 / (1 - x.asscalar()))):
            y = y * x
    else:
        y = y * 0
    return y


for value in (0.3, 0.6, 0.7, 0.9):
    x = nd.array([value])
    x.attach_grad()
    with autograd.record():
        y = g(x)
    y.backward()
    print(f"piecewise polynomial at {value}: value {y.asscalar():.4f}, gradient {x.grad.asscalar():.4f}")

# second order: d2/dx2 sin(x) = -sin(x); MXNet 1.x refuses this for most operators, mxjax does any order
x = nd.array([1, 2, 3])
x.attach_grad()
with autograd.record():
    y = nd.sin(x)
    dy = autograd.grad(y, x, create_graph=True, retain_graph=True)[0]
dy.backward()
print("second derivative of sin:", x.grad.asnumpy(), "expected", -nd.sin(x).asnumpy())

# z = elemwise_add(exp(x), x): dz/dx = e + 1
x = nd.ones((1,))
x.attach_grad()
with autograd.record():
    z = nd.elemwise_add(nd.exp(x), x)
dx = autograd.grad(z, [x], create_graph=True)
print("d/dx (exp(x) + x) at 1:", dx[0].asscalar())


# a custom Function: a numerically stable sigmoid with its own backward
class Sigmoid(autograd.Function):
    def forward(self, x):
        y = 1 / (1 + nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        y, = self.saved_tensors
        return dy * y * (1 - y)


x = nd.random.uniform(shape=(5,))
x.attach_grad()
with autograd.record():
    m = Sigmoid()(x)
m.backward()
expected = nd.sigmoid(x) * (1 - nd.sigmoid(x))
print("custom sigmoid gradient matches:", bool((x.grad - expected).abs().max().asscalar() < 1e-6))
