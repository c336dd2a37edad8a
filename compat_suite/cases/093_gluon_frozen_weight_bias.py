"""Dense with only its weight frozen (grad_req='null'): what the bias gradient and training give."""
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

net = nn.Sequential()
net.add(nn.Dense(3, in_units=2), nn.Dense(1, in_units=3))
net.initialize(mx.init.Constant(0.5))
net[0].weight.grad_req = 'null'
x = nd.array([[1.0, -1.0], [0.5, 2.0]])
with autograd.record():
    loss = (net(x) ** 2).sum()
loss.backward()
emit("bias0_grad", net[0].bias.grad())
emit("weight1_grad", net[1].weight.grad())
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
trainer.step(2)
emit("bias0", net[0].bias.data())
