"""An MLP classifier on synthetic data: SoftmaxCE, SGD momentum, Accuracy metric, 3 epochs."""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

rng = np.random.RandomState(1)
X = rng.normal(size=(60, 8)).astype(np.float32)
y = (X[:, 0] + X[:, 1] * 2 > 0).astype(np.float32) + (X[:, 2] > 1)
loader = gluon.data.DataLoader(gluon.data.ArrayDataset(X, y), batch_size=20)
net = nn.Sequential()
net.add(nn.Dense(16, activation='relu'), nn.Dense(3))
net.initialize(mx.init.Xavier())
net(nd.zeros((1, 8)))
for p in net.collect_params().values():
    p.set_data(nd.array(rng.uniform(-0.3, 0.3, size=p.shape)))
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
metric = mx.metric.Accuracy()
for epoch in range(3):
    metric.reset()
    total = 0.0
    for data, label in loader:
        with autograd.record():
            out = net(data)
            loss = loss_fn(out, label)
        loss.backward()
        trainer.step(data.shape[0])
        metric.update([label], [out])
        total += loss.sum().asscalar()
    emit(f"epoch{epoch}", (float(total) / 60, metric.get()[1]))
emit("w_out", net[1].weight.data())
