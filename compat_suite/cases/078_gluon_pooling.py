"""Pooling layers: Max/Avg 2D with strides/padding/ceil_mode, global pooling, 1D pooling, gradients."""
import numpy as np
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit

x = nd.array(np.arange(2 * 1 * 5 * 5).reshape((2, 1, 5, 5)) % 7)
for name, layer in [("max2", nn.MaxPool2D()),
                    ("max3s1", nn.MaxPool2D(pool_size=3, strides=1)),
                    ("max_pad", nn.MaxPool2D(pool_size=2, strides=2, padding=1)),
                    ("max_ceil", nn.MaxPool2D(pool_size=2, strides=2, ceil_mode=True)),
                    ("avg2", nn.AvgPool2D()),
                    ("avg_pad", nn.AvgPool2D(pool_size=3, strides=2, padding=1)),
                    ("avg_pad_exclude", nn.AvgPool2D(pool_size=3, strides=2, padding=1, count_include_pad=False)),
                    ("global_avg", nn.GlobalAvgPool2D()),
                    ("global_max", nn.GlobalMaxPool2D())]:
    x.attach_grad()
    with autograd.record():
        y = layer(x)
    y.backward()
    emit(name, y)
    emit(name + "_grad", x.grad)
seq = nd.array(np.arange(12).reshape((1, 2, 6)))
emit("max1d", nn.MaxPool1D(pool_size=2)(seq))
emit("avg1d", nn.AvgPool1D(pool_size=3, strides=1)(seq))
emit("global_avg1d", nn.GlobalAvgPool1D()(seq))
emit("nd_Pooling", nd.Pooling(x, kernel=(2, 2), pool_type='max', stride=(2, 2)))
emit("nd_Pooling_global", nd.Pooling(x, kernel=(1, 1), pool_type='avg', global_pool=True))
emit("repr", repr(nn.MaxPool2D(pool_size=3, strides=2)))
