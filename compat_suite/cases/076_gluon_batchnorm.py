"""BatchNorm: batch statistics in training, running stats (updated by MXNet in backward) in predict mode."""
import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit

bn = nn.BatchNorm(in_channels=3, momentum=0.9)
bn.initialize()
x = nd.array(np.arange(24).reshape((4, 3, 2)) / 5.0)
emit("params", list(bn.collect_params().keys()))
emit("predict_before", bn(x))
x.attach_grad()
with autograd.record():
    y = bn(x)
    loss = (y * nd.sin(nd.arange(24)).reshape((4, 3, 2))).sum()
emit("running_mean_before_backward", bn.running_mean.data())
loss.backward()
emit("train_out", y)
emit("running_mean", bn.running_mean.data())
emit("running_var", bn.running_var.data())
emit("x.grad", x.grad)
emit("gamma.grad", bn.gamma.grad())
emit("beta.grad", bn.beta.grad())
emit("predict_after", bn(x))
with autograd.record():
    y = bn(x * 2)
emit("running_mean_forward_only", bn.running_mean.data())
y.backward()
emit("running_mean_2", bn.running_mean.data())
emit("running_var_2", bn.running_var.data())

bn2 = nn.BatchNorm(axis=1, center=False, scale=False, use_global_stats=True)
bn2.initialize()
with autograd.record():
    y = bn2(nd.ones((2, 2, 2, 2)))
emit("global_stats", y)
emit("bn2_params", list(bn2.collect_params().keys()))
emit("repr", repr(bn))
