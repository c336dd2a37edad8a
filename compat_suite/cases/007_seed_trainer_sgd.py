"""Gradient fetching answer: gluon.Trainer(net.collect_params(), 'sgd', ...) inside a loop."""
import mxnet as mx
import numpy as np
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

net = nn.Sequential()
net.add(nn.Dense(4, activation='relu'), nn.Dense(1))
net.initialize(mx.init.Constant(0.1))
rng = np.random.RandomState(1)
X = nd.array(rng.uniform(-1, 1, size=(8, 3)))
Y = nd.array(rng.uniform(-1, 1, size=(8, 1)))
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.0001})
loss_fn = gluon.loss.L2Loss()
for step in range(3):
    with autograd.record():
        loss = loss_fn(net(X), Y)
    loss.backward()
    trainer.step(X.shape[0])
    emit("loss", loss.mean())
for name, param in net.collect_params().items():
    emit(name, param.data())
