"""Trainer.step(batch_size) rescaling, learning_rate/set_learning_rate, allreduce_grads + update."""
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit, emit_error

net = nn.Dense(1, in_units=2)
net.initialize(mx.init.One())
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 1.0})
x = nd.array([[1.0, 2.0], [3.0, 4.0]])
with autograd.record():
    y = net(x).sum()
y.backward()
emit("grad", net.weight.grad())
trainer.step(4)
emit("after_step_batch4", net.weight.data())
emit("learning_rate", trainer.learning_rate)
trainer.set_learning_rate(0.5)
emit("set_learning_rate", trainer.learning_rate)
with autograd.record():
    y = net(x).sum()
y.backward()
trainer.step(1)
emit("after_step_lr05", net.weight.data())
with autograd.record():
    y = net(x).sum()
y.backward()
trainer.allreduce_grads()
trainer.update(2)
emit("after_allreduce_update", net.weight.data())
emit("optimizer_type", type(trainer.optimizer).__name__)
emit("rescale_grad", trainer.optimizer.rescale_grad)
trainer2 = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1, 'rescale_grad': 2.0})
with autograd.record():
    y = net(x).sum()
y.backward()
trainer2.step(1)
emit("custom_rescale_ignored_by_step", net.weight.data())
emit_error("trainer_bad_params", lambda: gluon.Trainer([net.weight.data()], 'sgd'))
