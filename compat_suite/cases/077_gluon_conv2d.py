"""Conv2D forward/backward with weights from numpy: strides, padding, dilation, groups, NCHW."""
import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit

rng = np.random.RandomState(0)
x = nd.array(rng.uniform(-1, 1, size=(2, 2, 6, 6)))
for name, kwargs in [("basic", dict(channels=3, kernel_size=3)),
                     ("stride_pad", dict(channels=3, kernel_size=3, strides=2, padding=1)),
                     ("rect", dict(channels=2, kernel_size=(2, 3), strides=(1, 2))),
                     ("dilation", dict(channels=2, kernel_size=3, dilation=2)),
                     ("groups", dict(channels=4, kernel_size=1, groups=2)),
                     ("relu_nobias", dict(channels=3, kernel_size=3, activation='relu', use_bias=False))]:
    conv = nn.Conv2D(in_channels=2, **kwargs)
    conv.initialize()
    conv.weight.set_data(nd.array(rng.uniform(-0.5, 0.5, size=conv.weight.shape)))
    if conv.bias is not None:
        conv.bias.set_data(nd.array(rng.uniform(-0.1, 0.1, size=conv.bias.shape)))
    x.attach_grad()
    with autograd.record():
        y = conv(x)
        loss = (y * y).sum()
    loss.backward()
    emit(name + "_out", y)
    emit(name + "_dx", x.grad)
    emit(name + "_dw", conv.weight.grad())
emit("weight_shape", nn.Conv2D(5, 3, in_channels=2).weight.shape)
emit("nd_Convolution", nd.Convolution(nd.ones((1, 1, 3, 3)), nd.ones((1, 1, 2, 2)), nd.zeros((1,)),
                                      kernel=(2, 2), num_filter=1))
