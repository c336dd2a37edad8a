"""Dive into Deep Learning, "Automatic Gradient": y = 2 x^T x, modes, Python control flow."""
from mxnet import autograd, nd
from compat_emit import emit

x = nd.arange(4).reshape((4, 1))
emit("x", x)
x.attach_grad()
with autograd.record():
    y = 2 * nd.dot(x.T, x)
emit("y", y)
y.backward()
emit("x.grad", x.grad)
emit("grad_is_4x", (x.grad - 4 * x).norm().asscalar() == 0)

emit("is_training_outside", autograd.is_training())
with autograd.record():
    emit("is_training_inside", autograd.is_training())


def f(a):
    b = a * 2
    while b.norm().asscalar() < 1000:
        b = b * 2
    if b.sum().asscalar() > 0:
        c = b
    else:
        c = 100 * b
    return c


for value in (0.7, -0.3, 2.5):
    a = nd.array([value])
    a.attach_grad()
    with autograd.record():
        c = f(a)
    c.backward()
    emit("c", c)
    emit("a.grad", a.grad)
    emit("a.grad == c / a", a.grad == c / a)
