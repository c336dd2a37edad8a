"""lr_scheduler: Factor, MultiFactor, Poly, Cosine (with warmup) values, and inside a Trainer."""
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

s = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, stop_factor_lr=0.01)
s.base_lr = 1.0
emit("factor", [s(i) for i in range(0, 12)])
m = mx.lr_scheduler.MultiFactorScheduler(step=[3, 6], factor=0.1, base_lr=0.5)
emit("multifactor", [m(i) for i in range(0, 9)])
p = mx.lr_scheduler.PolyScheduler(max_update=10, base_lr=1.0, pwr=2, final_lr=0.1)
emit("poly", [p(i) for i in range(0, 12)])
c = mx.lr_scheduler.CosineScheduler(max_update=10, base_lr=1.0, final_lr=0.0, warmup_steps=2, warmup_begin_lr=0.1)
emit("cosine_warmup", [c(i) for i in range(0, 12)])
f2 = mx.lr_scheduler.FactorScheduler(step=1, factor=0.9, base_lr=0.2, warmup_steps=3, warmup_mode='linear')
emit("factor_warmup", [f2(i) for i in range(0, 6)])

net = nn.Dense(1, in_units=1)
net.initialize(mx.init.One())
sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5)
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.4, 'lr_scheduler': sched})
lrs = []
for _ in range(6):
    with autograd.record():
        y = net(nd.array([[1.0]])).sum()
    y.backward()
    trainer.step(1)
    lrs.append(trainer.learning_rate)
emit("trainer_lrs", lrs)
emit("weight", net.weight.data())
