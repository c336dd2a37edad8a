"""The same MLP hybridized (HybridSequential.hybridize) trained with Adam: numbers match eager."""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

rng = np.random.RandomState(2)
X = nd.array(rng.normal(size=(32, 10)))
y = nd.array(rng.randint(0, 4, size=(32,)))
net = nn.HybridSequential()
net.add(nn.Dense(16, activation='relu'), nn.Dropout(0.0), nn.Dense(4))
net.initialize()
net(X)
for p in net.collect_params().values():
    p.set_data(nd.array(rng.uniform(-0.3, 0.3, size=p.shape)))
net.hybridize()
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.01})
for step in range(5):
    for i in range(0, 32, 16):
        with autograd.record():
            loss = loss_fn(net(X[i:i + 16]), y[i:i + 16])
        loss.backward()
        trainer.step(16)
    emit(f"step{step}_loss", loss_fn(net(X), y).mean())
emit("w0", net[0].weight.data())
