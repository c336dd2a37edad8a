"""hybridize(): the same numbers before and after, repeated calls, static_alloc, HybridBlock subclasses."""
import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit


class Net(nn.HybridBlock):
    def __init__(self, **kwargs):
        super(Net, self).__init__(**kwargs)
        with self.name_scope():
            self.fc1 = nn.Dense(8, activation='relu')
            self.fc2 = nn.Dense(3)

    def hybrid_forward(self, F, x):
        h = self.fc1(x)
        return F.softmax(F.broadcast_add(self.fc2(h), F.ones_like(h).sum(axis=1, keepdims=True) * 0.1))


rng = np.random.RandomState(0)
net = Net()
net.initialize(mx.init.Xavier())
x = nd.array(rng.normal(size=(4, 5)))
net(x)
for p in net.collect_params().values():
    p.set_data(nd.array(rng.uniform(-0.5, 0.5, size=p.shape)))
before = net(x)
emit("before", before)
net.hybridize()
after = net(x)
emit("after", after)
emit("again", net(x * 2))
emit("batch_change", net(nd.ones((2, 5))))
with autograd.record():
    loss = net(x).max(axis=1).sum()
loss.backward()
emit("grad_fc1", net.fc1.weight.grad())
net.hybridize(static_alloc=True, static_shape=True)
emit("static", net(x))
