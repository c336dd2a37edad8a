"""Deferred initialization: unknown input dims are 0 until the first forward; errors before it."""
import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn
from compat_emit import emit, emit_error

net = nn.Sequential()
net.add(nn.Dense(5, activation='relu'), nn.Dense(2))
emit("shape_before_init", net[0].weight.shape)
net.initialize(mx.init.Constant(0.1))
emit("shape_after_init", net[0].weight.shape)
emit_error("data_before_forward", lambda: net[0].weight.data())
y = net(nd.ones((3, 7)))
emit("shape_after_forward", (net[0].weight.shape, net[1].weight.shape))
emit("out", y)
emit("data_after_forward", net[0].weight.data().shape)
emit("repr_net", str(net))

conv = nn.Conv2D(4, kernel_size=3)
emit("conv_shape_before", conv.weight.shape)
conv.initialize(mx.init.One())
conv(nd.ones((1, 2, 5, 5)))
emit("conv_shape_after", conv.weight.shape)
