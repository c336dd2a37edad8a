"""Print the reference numbers of tests/test_contexts.py, recorded from real MXNet 1.9.1.

Run with MXNet's interpreter: ``/tmp/mxref/bin/python tools/record_mxnet_contexts.py``
(or with mxjax: ``python -m mxjax tools/record_mxnet_contexts.py`` to compare).  It
prints one JSON object; the test hard-codes the numbers it uses.
"""
import json

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon

CTXS = [mx.cpu(0), mx.cpu(1)]
X = np.arange(24, dtype=np.float32).reshape(6, 4) / 10.0
Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1]], dtype=np.float32)


def dense(ctxs, **trainer_kw):
    """A Dense(2) with fixed weights, trained 3 steps on batches split over ``ctxs``."""
    net = gluon.nn.Dense(2, in_units=4)
    net.initialize(ctx=ctxs)
    net.weight.set_data(mx.nd.array(np.linspace(-0.5, 0.5, 8).reshape(2, 4)))
    net.bias.set_data(mx.nd.array([0.1, -0.2]))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9}, **trainer_kw)
    loss_fn = gluon.loss.L2Loss()
    losses = []
    for step in range(3):
        xs = gluon.utils.split_and_load(mx.nd.array(X) * (step + 1), ctxs)
        ys = gluon.utils.split_and_load(mx.nd.array(Y), ctxs)
        with autograd.record():
            ls = [loss_fn(net(x), y) for x, y in zip(xs, ys)]
        for l in ls:
            l.backward()
        trainer.step(6)
        losses.append(float(sum(l.sum().asscalar() for l in ls)))
    return {"weight": [w.asnumpy().tolist() for w in net.weight.list_data()],
            "bias": [b.asnumpy().tolist() for b in net.bias.list_data()],
            "losses": losses}


def allreduce_then_update():
    """allreduce_grads(), a gradient clip between reduce and update, then update()."""
    net = gluon.nn.Dense(2, in_units=4)
    net.initialize(mx.init.One(), ctx=CTXS)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5}, update_on_kvstore=False)
    xs = gluon.utils.split_and_load(mx.nd.array(X), CTXS)
    with autograd.record():
        ls = [net(x).sum() * (i + 1) for i, x in enumerate(xs)]
    for l in ls:
        l.backward()
    trainer.allreduce_grads()
    reduced = [g.asnumpy().tolist() for g in net.weight.list_grad()]
    for ctx in CTXS:
        gluon.utils.clip_global_norm([p.grad(ctx) for p in net.collect_params().values()], 10.0)
    trainer.set_learning_rate(0.25)
    trainer.update(6)
    return {"reduced_grad": reduced, "weight": [w.asnumpy().tolist() for w in net.weight.list_data()]}


def save_multi_context(path):
    """save_parameters of a block whose contexts hold different weights: MXNet saves the mean."""
    net = gluon.nn.Dense(2, in_units=3, use_bias=False)
    net.initialize(mx.init.One(), ctx=CTXS)
    net.weight.data(mx.cpu(1))[:] = 3
    net.save_parameters(path)
    other = gluon.nn.Dense(2, in_units=3, use_bias=False)
    other.load_parameters(path, ctx=[mx.cpu(2), mx.cpu(3)])
    return {"loaded": [w.asnumpy().tolist() for w in other.weight.list_data()],
            "ctx": [str(c) for c in other.weight.list_ctx()]}


out = {
    "device": dense(CTXS),
    "local_update": dense(CTXS, update_on_kvstore=False),
    "no_kvstore": dense(CTXS, kvstore=None),
    "local": dense(CTXS, kvstore="local"),
    "single": dense([mx.cpu(0)]),
    "three": dense([mx.cpu(0), mx.cpu(1), mx.cpu(2)]),
    "allreduce": allreduce_then_update(),
    "save": save_multi_context("/tmp/record_mxnet_contexts.params"),
    "split_uneven": [s.asnumpy().tolist() for s in gluon.utils.split_data(mx.nd.arange(7), 3, even_split=False)],
}
print(json.dumps(out))
