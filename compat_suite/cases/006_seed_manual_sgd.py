"""Gradient fetching answer: attach_grad on raw parameters and param[:] = param - lr * param.grad."""
import mxnet as mx
import numpy as np
from mxnet import autograd, nd
from compat_emit import emit

rng = np.random.RandomState(0)
X = nd.array(rng.normal(size=(20, 2)))
true_w, true_b = nd.array([[2.0], [-3.4]]), 4.2
Y = nd.dot(X, true_w) + true_b

w = nd.zeros((2, 1))
b = nd.zeros((1,))
params = [w, b]
for param in params:
    param.attach_grad()

lr = 0.1
for epoch in range(5):
    with autograd.record():
        loss = ((nd.dot(X, w) + b - Y) ** 2 / 2).mean()
    loss.backward()
    for param in params:
        param[:] = param - lr * param.grad
    emit("loss", loss)
emit("w", w)
emit("b", b)
