"""gluon.contrib.nn in a small network: HybridConcurrent branches (with Identity), Concurrent,
PixelShuffle1D/2D/3D, and SyncBatchNorm on one device trained for two steps."""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon.contrib import nn as cnn
from compat_emit import emit


def fill(block, seed):
    rs = np.random.RandomState(seed)
    for name, p in sorted(block.collect_params().items()):
        if name.endswith("running_var") or name.endswith("gamma"):
            p.set_data(nd.array(rs.uniform(0.5, 1.5, p.shape)))
        else:
            p.set_data(nd.array(rs.uniform(-0.5, 0.5, p.shape)))


class Net(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.branches = cnn.HybridConcurrent(axis=1, prefix="cat_")
            with self.branches.name_scope():
                self.branches.add(gluon.nn.Conv2D(4, 3, padding=1, in_channels=2))
                self.branches.add(gluon.nn.Conv2D(4, 1, in_channels=2))
                self.branches.add(cnn.Identity())
            self.norm = cnn.SyncBatchNorm(in_channels=10, num_devices=1)
            self.up = cnn.PixelShuffle2D(2)
            self.head = gluon.nn.Conv2D(1, 1, in_channels=2)

    def hybrid_forward(self, F, x):
        y = F.relu(self.norm(self.branches(x)))
        return self.head(self.up(F.slice_axis(y, axis=1, begin=0, end=8)))


x = nd.array(np.random.RandomState(0).uniform(-1, 1, (2, 2, 5, 5)))
target = nd.array(np.random.RandomState(1).uniform(-1, 1, (2, 1, 10, 10)))
for hybrid in (False, True):
    net = Net(prefix="net_")
    net.initialize()
    net(x)
    fill(net, 3)
    if hybrid:
        net.hybridize()
    emit(f"names_{hybrid}", sorted(net.collect_params().keys()))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    for step in range(2):
        with autograd.record():
            out = net(x)
            loss = ((out - target) ** 2).mean()
        loss.backward()
        trainer.step(1)
        emit(f"loss_{hybrid}_{step}", loss)
    emit(f"running_mean_{hybrid}", net.norm.running_mean.data())
    emit(f"running_var_{hybrid}", net.norm.running_var.data())
    emit(f"inference_{hybrid}", net(x)[0, 0, :3])
emit("repr", repr(Net(prefix="r_")))

seq = cnn.Concurrent(axis=-1)
seq.add(gluon.nn.Dense(3, in_units=4), gluon.nn.Dense(2, in_units=4))
seq.initialize(mx.init.Constant(0.25))
emit("concurrent", seq(nd.ones((2, 4))))
emit("shuffle1d", cnn.PixelShuffle1D(3)(nd.arange(2 * 6 * 2).reshape((2, 6, 2))))
emit("shuffle3d", cnn.PixelShuffle3D((1, 2, 2))(nd.arange(8 * 2 * 2 * 1).reshape((1, 8, 2, 2, 1))))
emit("shuffle2d_repr", repr(cnn.PixelShuffle2D((2, 3))))
