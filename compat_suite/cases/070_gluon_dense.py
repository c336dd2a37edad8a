"""Dense: forward with set weights, activation, flatten=False, use_bias=False, parameter names and shapes."""
import numpy as np
import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn
from compat_emit import emit

layer = nn.Dense(3, in_units=4)
layer.initialize()
layer.weight.set_data(nd.array(np.arange(12).reshape((3, 4)) / 10.0))
layer.bias.set_data(nd.array([0.5, -0.5, 0.0]))
x = nd.array([[1, 2, 3, 4], [-1, 0, 1, 0]])
emit("out", layer(x))
emit("names", list(layer.collect_params().keys()))
emit("weight_shape", layer.weight.shape)
emit("prefix", layer.prefix)
emit("name", layer.name)

relu = nn.Dense(2, activation='relu', in_units=4, weight_initializer=mx.init.Constant(-0.25),
                bias_initializer=mx.init.Constant(1.0))
relu.initialize()
emit("relu_out", relu(x))

noflat = nn.Dense(2, flatten=False, use_bias=False)
noflat.initialize(mx.init.One())
emit("noflatten", noflat(nd.ones((2, 3, 4))))
emit("noflatten_params", list(noflat.collect_params().keys()))

flat = nn.Dense(2)
flat.initialize(mx.init.One())
emit("flatten_4d", flat(nd.ones((2, 3, 2, 2))))
emit("flatten_weight_shape", flat.weight.shape)
emit("dtype", nn.Dense(2, in_units=2, dtype='float64').weight.dtype == np.float64)
