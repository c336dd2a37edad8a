"""Freezing a layer with grad_req='null' while training the rest; cast('float64') of a network."""
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

net = nn.Sequential()
net.add(nn.Dense(3, in_units=2), nn.Dense(1, in_units=3))
net.initialize(mx.init.Constant(0.5))
net[0].collect_params().setattr('grad_req', 'null')
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
x = nd.array([[1.0, -1.0], [0.5, 2.0]])
for _ in range(2):
    with autograd.record():
        loss = (net(x) ** 2).sum()
    loss.backward()
    trainer.step(2)
emit("frozen", net[0].weight.data())
emit("frozen_bias", net[0].bias.data())
emit("trained_w1", net[1].weight.data())

net.cast('float64')
emit("cast_dtype", str(net[0].weight.data().dtype))
emit("cast_out", net(nd.array([[1.0, -1.0]], dtype='float64')))
