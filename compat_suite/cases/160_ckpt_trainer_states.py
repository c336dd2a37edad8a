"""Trainer.save_states/load_states: Adam's state survives a round trip and training continues identically."""
import os
import tempfile

import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

tmp = tempfile.mkdtemp()
X = nd.array(np.random.RandomState(0).normal(size=(4, 3)))


def make():
    net = nn.Dense(2, in_units=3)
    net.initialize(mx.init.Constant(0.3))
    return net, gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.1})


def step(net, trainer):
    with autograd.record():
        loss = (net(X) ** 2).sum()
    loss.backward()
    trainer.step(4)


net, trainer = make()
for _ in range(2):
    step(net, trainer)
net.save_parameters(os.path.join(tmp, 'w.params'))
trainer.save_states(os.path.join(tmp, 't.states'))
step(net, trainer)
emit("continued", net.weight.data())

net2, trainer2 = make()
net2.load_parameters(os.path.join(tmp, 'w.params'))
trainer2.load_states(os.path.join(tmp, 't.states'))
step(net2, trainer2)
emit("restored", net2.weight.data())
