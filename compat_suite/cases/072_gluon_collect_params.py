"""collect_params with a regex select, setattr, zero_grad, ParameterDict keys/values and repr."""
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit

net = nn.HybridSequential(prefix='net_')
with net.name_scope():
    net.add(nn.Dense(3, in_units=2), nn.Dense(1, in_units=3))
net.initialize(mx.init.Constant(0.5))
emit("all", list(net.collect_params().keys()))
emit("weights", list(net.collect_params('.*weight').keys()))
emit("bias_or_dense1", list(net.collect_params('.*bias|net_dense1_.*').keys()))
net.collect_params('.*bias').setattr('grad_req', 'null')
emit("grad_reqs", [p.grad_req for p in net.collect_params().values()])
net.collect_params().setattr('lr_mult', 0.5)
emit("lr_mult", net[0].weight.lr_mult)

with autograd.record():
    y = net(nd.ones((2, 2))).sum()
y.backward()
emit("weight_grad", net[0].weight.grad())
net.collect_params().zero_grad()
emit("zeroed", net[0].weight.grad())
params = net.collect_params()
emit("contains", 'net_dense0_weight' in params)
emit("getitem_shape", params['net_dense1_weight'].shape)
emit("num_params", len(list(params.keys())))
emit("repr_param", repr(net[0].weight))
