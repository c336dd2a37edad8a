"""Parameter sharing: params=other.params / share_parameters-style reuse; gradients accumulate."""
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit

shared = nn.Dense(2, in_units=2, prefix='shared_')
shared.initialize(mx.init.One())
twin = nn.Dense(2, in_units=2, params=shared.params)
emit("twin_params", list(twin.collect_params().keys()))
x = nd.array([[1.0, 2.0]])
with autograd.record():
    y = shared(x) + twin(x * 3)
y.backward()
emit("out", y)
emit("shared_grad", shared.weight.grad())
emit("same_object", shared.weight is twin.weight)

net = nn.Sequential()
dense = nn.Dense(2, in_units=2)
net.add(dense, nn.Dense(2, in_units=2, params=dense.params))
net.initialize(mx.init.Constant(0.5))
emit("sequential_shared", net(x))
emit("param_names", list(net.collect_params().keys()))
