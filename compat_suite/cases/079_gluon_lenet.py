"""LeNet (Conv2D/MaxPool2D/Flatten/Dense) forward and backward with weights from numpy."""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

net = nn.HybridSequential()
with net.name_scope():
    net.add(nn.Conv2D(channels=6, kernel_size=5, activation='relu'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Conv2D(channels=16, kernel_size=3, activation='relu'),
            nn.MaxPool2D(pool_size=2, strides=2),
            nn.Flatten(),
            nn.Dense(120, activation='relu'),
            nn.Dense(84, activation='relu'),
            nn.Dense(10))
net.initialize(mx.init.Xavier())
x = nd.array(np.random.RandomState(0).uniform(0, 1, size=(2, 1, 28, 28)))
net(x)
rng = np.random.RandomState(1)
for p in net.collect_params().values():
    scale = 1.0 / np.sqrt(np.prod(p.shape[1:])) if len(p.shape) > 1 else 0.1
    p.set_data(nd.array(rng.uniform(-scale, scale, size=p.shape)))
emit("param_shapes", [(k, v.shape) for k, v in net.collect_params().items()])
label = nd.array([3, 7])
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
with autograd.record():
    out = net(x)
    loss = loss_fn(out, label)
loss.backward()
emit("out", out)
emit("loss", loss)
emit("conv0_weight_grad", net[0].weight.grad())
emit("dense2_bias_grad", net[7].bias.grad())
net.hybridize()
emit("hybridized_out", net(x))
