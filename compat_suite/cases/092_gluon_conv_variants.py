"""Conv1D, Conv3D, Conv2DTranspose with constant weights."""
import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn
from compat_emit import emit

c1 = nn.Conv1D(2, kernel_size=3, in_channels=1, weight_initializer=mx.init.One())
c1.initialize()
emit("conv1d", c1(nd.arange(8).reshape((1, 1, 8))))
c3 = nn.Conv3D(1, kernel_size=2, in_channels=1, weight_initializer=mx.init.Constant(0.5))
c3.initialize()
emit("conv3d", c3(nd.arange(27).reshape((1, 1, 3, 3, 3))))
t = nn.Conv2DTranspose(1, kernel_size=2, strides=2, in_channels=1, weight_initializer=mx.init.One())
t.initialize()
emit("conv2d_transpose", t(nd.arange(4).reshape((1, 1, 2, 2))))
emit("transpose_weight_shape", t.weight.shape)
t2 = nn.Conv2DTranspose(2, kernel_size=3, strides=2, padding=1, output_padding=1, in_channels=1)
t2.initialize(mx.init.Constant(0.1))
emit("transpose_output_padding", t2(nd.ones((1, 1, 3, 3))))
