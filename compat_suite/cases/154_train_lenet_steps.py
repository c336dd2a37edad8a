"""Two training steps of a small CNN (Conv2D/BatchNorm/MaxPool/Dense) with SGD; BatchNorm stats."""
# compat: rtol=1e-3 atol=1e-4
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

rng = np.random.RandomState(4)
net = nn.HybridSequential()
net.add(nn.Conv2D(4, kernel_size=3, padding=1), nn.BatchNorm(), nn.Activation('relu'),
        nn.MaxPool2D(2), nn.Flatten(), nn.Dense(3))
net.initialize()
X = nd.array(rng.uniform(size=(4, 1, 8, 8)))
y = nd.array([0, 1, 2, 1])
net(X)
for name, p in net.collect_params().items():
    if 'running' in name or 'gamma' in name or 'beta' in name:
        continue
    p.set_data(nd.array(rng.uniform(-0.3, 0.3, size=p.shape)))
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
for step in range(2):
    with autograd.record():
        loss = loss_fn(net(X), y)
    loss.backward()
    trainer.step(4)
    emit(f"loss{step}", loss)
emit("conv_w", net[0].weight.data())
emit("bn_running_mean", net[1].running_mean.data())
emit("bn_running_var", net[1].running_var.data())
emit("predict", net(X))
