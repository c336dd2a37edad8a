"""Activation layers: Activation(...), LeakyReLU, PReLU, ELU, SELU, Swish, GELU."""
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit

x = nd.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])
for act in ['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign']:
    emit(act, nn.Activation(act)(x))
emit("leaky", nn.LeakyReLU(0.1)(x))
prelu = nn.PReLU()
prelu.initialize()
emit("prelu_params", list(prelu.collect_params().keys()))
x.attach_grad()
with autograd.record():
    y = prelu(x)
y.backward()
emit("prelu", y)
emit("prelu_alpha_grad", prelu.alpha.grad())
emit("elu", nn.ELU()(x))
emit("selu", nn.SELU()(x))
emit("swish", nn.Swish()(x))
emit("gelu", nn.GELU()(x))
emit("repr", repr(nn.Activation('relu')))
