"""MXNet's Gluon autograd tutorial: a Dense regression, head gradients, Dropout modes, grad_req null."""
import mxnet as mx
import numpy as np
from mxnet import autograd
from mxnet.gluon.nn import HybridSequential, Dense
from mxnet.gluon.loss import L2Loss
from compat_emit import emit

net = HybridSequential()
net.add(Dense(units=3))
net.add(Dense(units=1))
net.initialize(mx.init.Constant(0.5))
loss_fn = L2Loss()

x = mx.nd.array([[0.3, 0.5]])
y = mx.nd.array([[1.5]])
with autograd.record():
    y_hat = net(x)
    loss = loss_fn(y_hat, y)
loss.backward()
emit("y_hat", y_hat)
emit("loss", loss)
emit("dense0.weight.grad", net[0].weight.grad())
emit("dense0.bias.grad", net[0].bias.grad())
emit("dense1.weight.grad", net[1].weight.grad())

dropout = mx.gluon.nn.Dropout(rate=0.5)
data = mx.nd.ones(shape=(3, 3))
output = dropout(data)
emit("is_training", autograd.is_training())
emit("dropout_predict", output)
with autograd.record():
    output = dropout(data)
values = np.unique(output.asnumpy())
emit("dropout_train_shape", output.shape)
emit("dropout_train_values_subset", bool(set(values.tolist()) <= {0.0, 2.0}))

net[0].weight.grad_req = 'null'
emit("grad_req", net[0].weight.grad_req)

x = mx.nd.array([1, 2, 3])
x.attach_grad()
with autograd.record():
    y = 2 * x ** 2
y.backward()
emit("dy/dx of 2x^2", x.grad)

x = mx.nd.array([2, ])
x.attach_grad()
with autograd.record():
    y = x ** 3
y_np = y.asnumpy()
z_np = y_np ** 2
dzdy_np = 2 * y_np
dzdy = mx.nd.array(dzdy_np)
y.backward(dzdy)
emit("dz/dx", x.grad)
