"""Trainer.step with a gradient not refreshed since the last step raises; ignore_stale_grad=True skips it."""
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit, emit_error

a = nn.Dense(1, in_units=2, prefix='a_')
b = nn.Dense(1, in_units=2, prefix='b_')
a.initialize(mx.init.One())
b.initialize(mx.init.One())
params = a.collect_params()
params.update(b.collect_params())
trainer = gluon.Trainer(params, 'sgd', {'learning_rate': 0.1})
x = nd.array([[1.0, 2.0]])
with autograd.record():
    y = a(x).sum()
y.backward()
emit_error("stale_b", lambda: trainer.step(1))
emit("a_after_failed_step", a.weight.data())
with autograd.record():
    y = a(x).sum()
y.backward()
trainer.step(1, ignore_stale_grad=True)
emit("a_updated", a.weight.data())
emit("b_untouched", b.weight.data())
emit_error("stale_again", lambda: trainer.step(1))
with autograd.record():
    y = (a(x) + b(x)).sum()
y.backward()
trainer.step(1)
emit("both_updated", (a.weight.data(), b.weight.data()))
