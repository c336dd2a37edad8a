"""Data parallel on several JAX devices: one SPMD program per Gluon step (mxjax/_engine/replicas.py).

The device count must be set before JAX starts, so each check runs in a subprocess with
``XLA_FLAGS=--xla_force_host_platform_device_count=4``; the same script on logical contexts
(one host device) and on one context with the whole batch gives the reference numbers.
"""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = textwrap.dedent('''
    import json, sys
    import numpy as np
    import mxjax as mx
    from mxjax import autograd, gluon, nd
    from mxjax._engine.executor import plan_cache

    model, n_ctx, kvstore, update_on_kv = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    update_on_kv = None if update_on_kv == "default" else update_on_kv == "1"
    ctxs = [mx.cpu(i) for i in range(n_ctx)]
    mx.random.seed(0)
    net = gluon.nn.Sequential()
    if model == "mlp":
        net.add(gluon.nn.Dense(16, activation="relu"), gluon.nn.Dense(4))
        shape = (16, 8)
    else:
        net.add(gluon.nn.Conv2D(4, 3, activation="relu"), gluon.nn.MaxPool2D(2), gluon.nn.Flatten(),
                gluon.nn.Dense(4))
        shape = (16, 1, 8, 8)
    net.initialize(mx.init.Xavier(), ctx=mx.cpu(0))
    net(nd.zeros(shape, ctx=mx.cpu(0)))
    params = {k: p.data().asnumpy() for k, p in net.collect_params().items()}
    net.collect_params().reset_ctx(ctxs)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9},
                            kvstore=kvstore, update_on_kvstore=update_on_kv)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    rng = np.random.RandomState(1)
    calls = []
    for step in range(5):
        X = nd.array(rng.randn(*shape)); Y = nd.array(rng.randint(0, 4, shape[0]))
        before = plan_cache.calls
        xs = gluon.utils.split_and_load(X, ctxs)
        ys = gluon.utils.split_and_load(Y, ctxs)
        with autograd.record():
            losses = [loss_fn(net(x), y) for x, y in zip(xs, ys)]
        autograd.backward(losses)
        trainer.step(shape[0])
        total = sum(float(l.asnumpy().sum()) for l in losses)
        calls.append(plan_cache.calls - before)
    out = {"calls": calls, "loss": total, "devices": len({c.jax_device for c in ctxs})}
    out["params"] = {k: [d.asnumpy().tolist() for d in p.list_data()] for k, p in net.collect_params().items()}
    out["grads"] = {k: [g.asnumpy().tolist() for g in p.list_grad()] for k, p in net.collect_params().items()}
    print(json.dumps(out))
''')


def _run(model, n_ctx, devices, kvstore="device", update_on_kv="default"):
    env = dict(os.environ, PYTHONPATH=ROOT, JAX_PLATFORMS="cpu")
    env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}" if devices > 1 else ""
    res = subprocess.run([sys.executable, "-c", SCRIPT, model, str(n_ctx), kvstore, update_on_kv],
                         env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().splitlines()[-1])


_references = {}


def _one_device(model):
    if model not in _references:
        _references[model] = _run(model, 1, 1)
    return _references[model]


def _check_same_training(result, reference):
    for name, copies in result["params"].items():
        want = np.array(reference["params"][name][0])
        for copy in copies:   # every context holds the same parameters, those of one device
            np.testing.assert_allclose(np.array(copy), want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(result["loss"], reference["loss"], rtol=1e-4)


@pytest.mark.parametrize("model", ["mlp", pytest.param("lenet", marks=pytest.mark.slow)])
def test_four_devices_equal_one_device(model):
    result = _run(model, 4, 4)
    assert result["devices"] == 4
    _check_same_training(result, _one_device(model))
    # after warm-up, a step (4 forwards, 4 backwards, all-reduce, 4 updates) is ONE compiled call
    assert result["calls"][-2:] == [1, 1], result["calls"]


@pytest.mark.slow
@pytest.mark.parametrize("kvstore,update_on_kv", [("local", "0"), ("device", "1")])
def test_gradients_per_context(kvstore, update_on_kv):
    """update_on_kvstore=False: every context's gradient is the sum (MXNet pulls it back);
    with the kvstore updating, each context keeps its own batch's gradient."""
    result = _run("mlp", 4, 4, kvstore, update_on_kv)
    _check_same_training(result, _one_device("mlp"))
    for name, grads in result["grads"].items():
        grads = [np.array(g) for g in grads]
        if update_on_kv == "0":
            for g in grads[1:]:
                np.testing.assert_allclose(g, grads[0], rtol=1e-6)
        else:
            assert not np.allclose(grads[0], grads[1])


def test_logical_contexts_same_numbers():
    """cpu(0..3) on one host device: the same code, the same numbers."""
    result = _run("mlp", 4, 1)
    assert result["devices"] == 1
    _check_same_training(result, _one_device("mlp"))


MODULE_SCRIPT = textwrap.dedent('''
    import json, sys
    import numpy as np
    import mxjax as mx
    from mxjax._engine.executor import plan_cache

    n_ctx = int(sys.argv[1])
    data = mx.sym.Variable("data")
    net = mx.sym.FullyConnected(data, num_hidden=16, name="fc1")
    net = mx.sym.Activation(net, act_type="relu")
    net = mx.sym.FullyConnected(net, num_hidden=4, name="fc2")
    net = mx.sym.SoftmaxOutput(net, name="softmax")
    rng = np.random.RandomState(0)
    X = rng.randn(64, 8).astype("float32"); Y = rng.randint(0, 4, 64).astype("float32")
    it = mx.io.NDArrayIter(X, Y, batch_size=16)
    mod = mx.mod.Module(net, context=[mx.cpu(i) for i in range(n_ctx)])
    mod.bind(it.provide_data, it.provide_label)
    mx.random.seed(0)
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.1, "momentum": 0.9}, kvstore="device")
    metric = mx.metric.Accuracy()
    calls = []
    for epoch in range(3):
        it.reset()
        for batch in it:
            before = plan_cache.calls
            mod.forward_backward(batch); mod.update(); mod.update_metric(metric, batch.label)
            calls.append(plan_cache.calls - before)
    args, _ = mod.get_params()
    print(json.dumps({"calls": calls, "metric": metric.get()[1],
                      "params": {k: v.asnumpy().tolist() for k, v in args.items()}}))
''')


def test_module_on_four_devices_equals_one():
    """Module(context=[cpu(0..3)]) on 4 devices: the numbers of one context, and a step
    (forward_backward, update, update_metric) is one compiled call after warm-up."""
    results = []
    for n_ctx, devices in ((1, 1), (4, 4)):
        env = dict(os.environ, PYTHONPATH=ROOT, JAX_PLATFORMS="cpu")
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}" if devices > 1 else ""
        res = subprocess.run([sys.executable, "-c", MODULE_SCRIPT, str(n_ctx)], env=env, capture_output=True,
                             text=True, timeout=300)
        assert res.returncode == 0, res.stderr[-3000:]
        results.append(json.loads(res.stdout.strip().splitlines()[-1]))
    one, four = results
    for name, value in one["params"].items():
        np.testing.assert_allclose(four["params"][name], value, rtol=1e-4, atol=1e-5)
    assert four["metric"] == one["metric"]
    assert four["calls"][-3:] == [1, 1, 1], four["calls"]
