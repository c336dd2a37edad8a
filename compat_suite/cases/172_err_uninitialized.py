"""Using parameters before initialize(): RuntimeError; a forward of an uninitialized net."""
import mxnet as mx
from mxnet import gluon, nd
from mxnet.gluon import nn
from compat_emit import emit, emit_error

net = nn.Dense(2, in_units=3)
emit_error("data", lambda: net.weight.data())
emit_error("grad", lambda: net.weight.grad())
emit_error("forward", lambda: net(nd.ones((1, 3))))
seq = nn.Sequential()
seq.add(nn.Dense(2))
emit_error("forward_deferred_uninitialized", lambda: seq(nd.ones((1, 3))))
emit_error("trainer_uninitialized", lambda: gluon.Trainer(net.collect_params(), 'sgd').step(1))
net.initialize()
emit("initialized_shape", net.weight.data().shape)
