"""Training with the 'sgd' optimizer (momentum 0.9) for 4 steps: weights after every step."""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

net = nn.Sequential()
net.add(nn.Dense(3, activation='tanh', in_units=4), nn.Dense(2, in_units=3))
net.initialize(mx.init.Constant(0.1))
rng = np.random.RandomState(0)
for p in net.collect_params().values():
    p.set_data(nd.array(rng.uniform(-0.5, 0.5, size=p.shape)))
X = nd.array(rng.normal(size=(6, 4)))
Y = nd.array(rng.normal(size=(6, 2)))
loss_fn = gluon.loss.L2Loss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.05, 'momentum': 0.9})
for step in range(4):
    with autograd.record():
        loss = loss_fn(net(X), Y)
    loss.backward()
    trainer.step(X.shape[0])
    emit("loss", loss.mean())
    emit("w0", net[0].weight.data())
    emit("b1", net[1].bias.data())
emit("w1", net[1].weight.data())
emit("learning_rate", trainer.learning_rate)
