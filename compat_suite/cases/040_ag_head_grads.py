"""backward with head gradients: y.backward(out_grad) and autograd.backward over several heads."""
import mxnet as mx
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([[1, 2], [3, 4]])
x.attach_grad()
with autograd.record():
    y = x * x
y.backward(nd.array([[1, 0.5], [2, -1]]))
emit("head_grad", x.grad)

a = nd.array([1.0, 2.0])
b = nd.array([3.0, -1.0])
a.attach_grad()
b.attach_grad()
with autograd.record():
    y1 = a * b
    y2 = nd.exp(a) + b
autograd.backward([y1, y2], head_grads=[nd.ones((2,)), nd.array([0.5, 2.0])])
emit("multi_head_a", a.grad)
emit("multi_head_b", b.grad)

with autograd.record():
    y1 = a * b
    y2 = a + b
autograd.backward([y1, y2])
emit("multi_head_default_a", a.grad)
emit("multi_head_default_b", b.grad)

with autograd.record():
    s = (a * b).sum()
s.backward()
emit("scalar_head", a.grad)

with autograd.record():
    y = nd.dot(a.reshape((1, 2)), b.reshape((2, 1)))
y.backward(nd.array([[3.0]]))
emit("dot_head", (a.grad, b.grad))
