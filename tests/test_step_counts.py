"""Regression checks on counts, not times: compiled calls per training step after warm-up."""
import numpy as np

import mxjax as mx
from mxjax import autograd, gluon, nd
from mxjax._engine import executor
from mxjax.optimizer import optimizer as opt_module


def _mlp():
    net = gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(gluon.nn.Dense(16, activation="relu", in_units=8), gluon.nn.Dense(4, in_units=16))
    net.initialize(mx.init.Xavier())
    return net


def _loop(net, steps, hybridize=False):
    if hybridize:
        net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    loss_fn = gluon.loss.L2Loss()
    rng = np.random.RandomState(0)
    x, y = nd.array(rng.rand(32, 8)), nd.array(rng.rand(32, 4))
    losses = []
    for _ in range(steps):
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(32)
        losses.append(loss.mean().asscalar())
    return losses


def test_imperative_training_step_is_one_compiled_forward_backward_after_warmup():
    net = _mlp()
    _loop(net, 4)   # cold, compiled backward, deferred (cold step), deferred and compiled
    compiles, calls = executor.plan_cache.compiles, executor.plan_cache.calls
    fused = len(opt_module._fused)
    losses = _loop(net, 10)
    assert executor.plan_cache.compiles == compiles          # nothing new to compile after warm-up
    # per step ONE compiled call: forward, backward, the fused update and loss.mean() together
    assert executor.plan_cache.calls == calls + 10
    assert len(opt_module._fused) == fused                    # the fused update built once, reused
    assert losses[-1] < losses[0]


def test_hybridized_block_compiles_once():
    net = _mlp()
    x = nd.ones((5, 8))
    eager = net(x).asnumpy()
    net.hybridize()
    first = net(x).asnumpy()
    op = net._hybrid_op
    instances = list(op.instances)   # a block's op instances live in its op
    for _ in range(5):
        np.testing.assert_allclose(net(x).asnumpy(), first)
    assert len(op.instances) == len(instances) == 1
    np.testing.assert_allclose(first, eager, rtol=1e-6)


def test_hybridized_and_imperative_training_agree():
    a, b = _mlp(), _mlp()
    for pa, pb in zip(a.collect_params().values(), b.collect_params().values()):
        pb.set_data(pa.data())
    la = _loop(a, 5)
    lb = _loop(b, 5, hybridize=True)
    np.testing.assert_allclose(la, lb, rtol=1e-5)
    for pa, pb in zip(a.collect_params().values(), b.collect_params().values()):
        np.testing.assert_allclose(pa.data().asnumpy(), pb.data().asnumpy(), rtol=1e-5, atol=1e-6)


def test_module_training_step_is_one_compiled_call_after_warmup():
    """Module.fit's step (forward_backward, update, update_metric) runs forward, backward and
    the fused SGD update as ONE compiled call once the step's structure repeats."""
    data = mx.sym.Variable("data")
    net = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=16, name="fc1"), act_type="relu")
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(net, num_hidden=4, name="fc2"), name="softmax")
    rng = np.random.RandomState(0)
    batch = mx.io.DataBatch([nd.array(rng.rand(32, 8))], [nd.array(rng.randint(0, 4, 32))])
    mod = mx.mod.Module(net)
    mod.bind([("data", (32, 8))], [("softmax_label", (32,))])
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.1, "momentum": 0.9})
    metric = mx.metric.create("ce")

    def step():
        mod.forward_backward(batch)
        mod.update()
        mod.update_metric(metric, batch.label)

    for _ in range(3):
        step()
    compiles, calls = executor.plan_cache.compiles, executor.plan_cache.calls
    metric.reset()
    for _ in range(10):
        step()
    assert executor.plan_cache.compiles == compiles
    assert executor.plan_cache.calls == calls + 10
    first = metric.get()[1]
    metric.reset()
    step()
    assert metric.get()[1] < first
