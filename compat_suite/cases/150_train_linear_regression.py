"""The Gluon linear-regression tutorial: ArrayDataset, DataLoader, Dense(1), L2Loss, SGD, 3 epochs."""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

rng = np.random.RandomState(0)
num_examples = 100
true_w = np.array([2.0, -3.4])
true_b = 4.2
features = rng.normal(scale=1, size=(num_examples, 2))
labels = features @ true_w + true_b + rng.normal(scale=0.01, size=(num_examples,))
dataset = gluon.data.ArrayDataset(nd.array(features), nd.array(labels))
data_iter = gluon.data.DataLoader(dataset, batch_size=10, shuffle=False)

net = nn.Sequential()
net.add(nn.Dense(1))
net.initialize(mx.init.Normal(sigma=0.01))
net(nd.zeros((1, 2)))
net[0].weight.set_data(nd.array([[0.01, -0.02]]))
loss = gluon.loss.L2Loss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.03})
for epoch in range(1, 4):
    for X, y in data_iter:
        with autograd.record():
            l = loss(net(X), y)
        l.backward()
        trainer.step(10)
    l = loss(net(nd.array(features)), nd.array(labels))
    emit(f"epoch{epoch}_loss", l.mean())
emit("weight", net[0].weight.data())
emit("bias", net[0].bias.data())
