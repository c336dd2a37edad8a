"""A loss through a Dense layer: gradient of the mean loss; losses with batch-size semantics."""
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

net = nn.Dense(3, in_units=2)
net.initialize(mx.init.Constant(0.2))
net.bias.set_data(nd.array([0.1, -0.1, 0.0]))
x = nd.array([[1.0, 2.0], [-1.0, 0.5], [0.0, 1.0]])
y = nd.array([0, 2, 1])
ce = gluon.loss.SoftmaxCrossEntropyLoss()
with autograd.record():
    loss = ce(net(x), y)
loss.backward()
emit("loss", loss)
emit("weight_grad_sum_loss", net.weight.grad())
with autograd.record():
    loss = ce(net(x), y).mean()
loss.backward()
emit("weight_grad_mean_loss", net.weight.grad())
emit("bias_grad", net.bias.grad())
