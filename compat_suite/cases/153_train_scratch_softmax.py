"""Softmax regression from scratch (d2l style): params with attach_grad, manual sgd, accuracy."""
import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from compat_emit import emit

rng = np.random.RandomState(3)
num_inputs, num_outputs = 6, 3
X = nd.array(rng.normal(size=(30, num_inputs)))
y = nd.array(rng.randint(0, num_outputs, size=(30,)))
W = nd.array(rng.normal(scale=0.01, size=(num_inputs, num_outputs)))
b = nd.zeros(num_outputs)
W.attach_grad()
b.attach_grad()


def softmax(X):
    X_exp = X.exp()
    partition = X_exp.sum(axis=1, keepdims=True)
    return X_exp / partition


def net(X):
    return softmax(nd.dot(X.reshape((-1, num_inputs)), W) + b)


def cross_entropy(y_hat, y):
    return -nd.pick(y_hat, y).log()


def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size


def accuracy(y_hat, y):
    return (y_hat.argmax(axis=1) == y.astype('float32')).mean().asscalar()


for epoch in range(3):
    for i in range(0, 30, 10):
        with autograd.record():
            l = cross_entropy(net(X[i:i + 10]), y[i:i + 10])
        l.backward()
        sgd([W, b], 0.5, 10)
    emit(f"epoch{epoch}", (cross_entropy(net(X), y).mean().asscalar(), accuracy(net(X), y)))
emit("W", W)
emit("b", b)
