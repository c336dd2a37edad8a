"""gluon.Trainer against MXNet 1.9.1: several steps of a fixed two-layer model on fixed
data per optimizer (weights recorded by tools/record_mxnet_optimizers.py), the
stale-gradient rule, allreduce_grads/update, grad_req 'add'/'null', save/load_states,
several contexts, and the update of all parameters as ONE compiled call."""
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import numpy.testing as npt
import pytest

import mxjax as mx
from mxjax import autograd, gluon, nd
from mxjax._engine import executor
from mxjax.optimizer import optimizer as opt_module

DATA = os.path.join(os.path.dirname(__file__), "reference", "data", "gluon", "optimizers")
with open(DATA + ".json") as fh:
    META = json.load(fh)
REF = np.load(DATA + ".npz")
NAMES = ["net_fc1_bias", "net_fc1_weight", "net_fc2_bias", "net_fc2_weight"]
STALE_MESSAGE = ("Gradient of Parameter `{}` on context cpu(0) has not been updated by backward since last `step`. "
                 "This could mean a bug in your model that made it only use a subset of the Parameters (Blocks) for "
                 "this iteration. If you are intentionally only using a subset, call step with "
                 "ignore_stale_grad=True to suppress this warning and skip updating of Parameters with stale "
                 "gradient")


@pytest.fixture(autouse=True)
def _reset_autograd_state():
    yield
    autograd.set_recording(False)
    autograd.set_training(False)


def make_net():
    nn = gluon.nn
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Dense(5, in_units=4, activation="tanh", prefix="fc1_"))
        net.add(nn.Dense(3, in_units=5, prefix="fc2_"))
    net.initialize()
    for name, p in net.collect_params().items():
        p.set_data(nd.array(REF[f"trainer_inputs/{name}"]))
    return net


X, Y = nd.array(REF["trainer_inputs/x"]), nd.array(REF["trainer_inputs/y"])


def backward(net, passes=1):
    for _ in range(passes):
        with autograd.record():
            loss = gluon.loss.L2Loss()(net(X), Y)
        loss.backward()


CASES = META["trainer_cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_training_steps_match_mxnet(case):
    options = case["options"]
    net = make_net()
    params = net.collect_params()
    if "grad_req" in options:
        params.setattr("grad_req", options["grad_req"])
    if "null" in options:
        params[options["null"]].grad_req = "null"
    for name, mult in options.get("lr_mult", {}).items():
        params[name].lr_mult = mult
    for name, mult in options.get("wd_mult", {}).items():
        params[name].wd_mult = mult
    if "instance" in options:
        optimizer = mx.optimizer.create(options["instance"], **case["optimizer_params"])
        trainer = gluon.Trainer(params, optimizer)
        assert trainer.optimizer is optimizer
    else:
        trainer = gluon.Trainer(params, case["optimizer"], case["optimizer_params"])
    for s in range(3):
        if s == 1 and "set_lr" in options:
            trainer.set_learning_rate(options["set_lr"])
        backward(net, 2 if options.get("grad_req") == "add" else 1)
        trainer.step(case["batch_size"])
        for name in NAMES:
            npt.assert_allclose(params[name].data().asnumpy(), REF[f"trainer/{case['id']}/step{s}/{name}"],
                                rtol=1e-5, atol=1e-6, err_msg=f"step {s}, {name}")
    assert trainer.learning_rate == case["learning_rate"]
    assert trainer.optimizer.num_update == 3


def test_dict_params_are_indexed_in_sorted_name_order():
    net = make_net()
    trainer = gluon.Trainer(net.collect_params(), "sgd")
    assert [p.name for p in trainer._params] == NAMES
    assert trainer._optimizer.param_dict[1] is net.collect_params()["net_fc1_weight"]
    listed = gluon.Trainer(list(net.collect_params().values()), "sgd")
    assert [p.name for p in listed._params] == ["net_fc1_weight", "net_fc1_bias", "net_fc2_weight",
                                                "net_fc2_bias"]


def test_constructor_errors():
    net = make_net()
    with pytest.raises(ValueError) as err:
        gluon.Trainer(net.collect_params()["net_fc1_bias"], "sgd")
    assert str(err.value) == ("First argument must be a list or dict of Parameters, got "
                              f"{type(net.collect_params()['net_fc1_bias'])}.")
    with pytest.raises(ValueError) as err:
        gluon.Trainer([1], "sgd")
    assert str(err.value) == "First argument must be a list or dict of Parameters, got list of <class 'int'>."
    with pytest.raises(AssertionError) as err:
        gluon.Trainer(net.collect_params(), mx.optimizer.SGD(), {"learning_rate": 1})
    assert str(err.value) == ("optimizer_params must be None if optimizer is an instance of Optimizer instead of "
                              "str")
    with pytest.raises(ValueError, match="Cannot find optimizer nope"):
        gluon.Trainer(net.collect_params(), "nope")
    trainer = gluon.Trainer(net.collect_params(), "sgd", kvstore=5)
    backward(net)
    with pytest.raises(TypeError, match="^kvstore must be KVStore, str or None$"):
        trainer.step(1)


# ---- stale gradients ------------------------------------------------------------------------------
def test_stale_gradient_raises_mxnet_user_warning():
    net = make_net()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    with pytest.raises(UserWarning) as err:  # no backward yet
        trainer.step(1)
    assert str(err.value) == STALE_MESSAGE.format("net_fc1_bias")
    backward(net)
    trainer.step(8)
    before = net.collect_params()["net_fc2_weight"].data().asnumpy()
    with pytest.raises(UserWarning) as err:
        trainer.step(8)
    assert str(err.value) == STALE_MESSAGE.format("net_fc1_bias")
    with pytest.raises(UserWarning):
        trainer.update(8)
    trainer.step(8, ignore_stale_grad=True)  # every parameter is stale: nothing changes
    npt.assert_array_equal(net.collect_params()["net_fc2_weight"].data().asnumpy(), before)
    assert trainer.optimizer.num_update == 1


def test_ignore_stale_grad_skips_unused_parameters():
    """Two blocks, one used per step (values recorded from MXNet 1.9.1)."""
    a = gluon.nn.Dense(3, in_units=4, prefix="a_")
    b = gluon.nn.Dense(3, in_units=4, prefix="b_")
    a.initialize(mx.init.Constant(0.5))
    b.initialize(mx.init.Constant(-0.25))
    params = a.collect_params()
    params.update(b.collect_params())
    trainer = gluon.Trainer(params, "sgd", {"learning_rate": 0.1, "momentum": 0.5})
    for s, block in enumerate([a, b, a, a]):
        with autograd.record():
            out = block(X).sum()
        out.backward()
        trainer.step(8, ignore_stale_grad=True)
        for name, p in params.items():
            npt.assert_allclose(p.data().asnumpy(), REF[f"stale/step{s}/{name}"], rtol=1e-5, atol=1e-6,
                                err_msg=f"step {s}, {name}")
    assert trainer.optimizer._index_update_count == {0: 3, 1: 3, 2: 1, 3: 1}


def test_null_grad_req_parameters_are_skipped():
    net = gluon.nn.Dense(2, in_units=3, prefix="d_")
    net.initialize(mx.init.One())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    x = nd.ones((2, 3))
    with autograd.record():
        y = net(x).sum()
    y.backward()
    trainer.allreduce_grads()
    trainer.update(2)
    net.bias.grad_req = "null"
    with autograd.record():
        y = net(x).sum()
    y.backward()
    trainer.step(2)  # the bias is neither checked for staleness nor updated
    # recorded from MXNet 1.9.1
    npt.assert_allclose(net.weight.data().asnumpy(), np.full((2, 3), 0.79999995, np.float32), rtol=1e-6)
    npt.assert_allclose(net.bias.data().asnumpy(), [-0.1, -0.1], rtol=1e-6)


def test_grad_req_add_accumulates_across_steps():
    net = gluon.nn.Dense(1, in_units=1, prefix="g_", use_bias=False)
    net.initialize(mx.init.One())
    net.weight.grad_req = "add"
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    seen = []
    for _ in range(2):
        with autograd.record():
            y = net(nd.ones((1, 1))).sum()
        y.backward()
        trainer.step(1)
        seen.append((net.weight.data().asnumpy().item(), net.weight.grad().asnumpy().item()))
    npt.assert_allclose(seen, [(0.9, 1.0), (0.7, 2.0)], rtol=1e-6)  # recorded from MXNet 1.9.1


def test_allreduce_grads_then_update_equals_step():
    nets = [make_net(), make_net()]
    trainers = [gluon.Trainer(n.collect_params(), "adam", {"learning_rate": 0.01}) for n in nets]
    for _ in range(2):
        for net in nets:
            backward(net)
        trainers[0].step(8)
        trainers[1].allreduce_grads()
        trainers[1].update(8)
    for name in NAMES:
        npt.assert_array_equal(nets[0].collect_params()[name].data().asnumpy(),
                               nets[1].collect_params()[name].data().asnumpy())


def test_deferred_initialization_with_trainer():
    net = gluon.nn.Dense(2, prefix="e_")
    net.initialize(mx.init.One())
    trainer = gluon.Trainer(net.collect_params(), "sgd")
    with autograd.record():
        y = net(nd.ones((2, 3))).sum()
    y.backward()
    trainer.step(1)
    npt.assert_allclose(net.weight.data().asnumpy(), np.full((2, 3), 0.98), rtol=1e-6)  # recorded from MXNet


def test_learning_rate_and_scheduler_through_trainer():
    net = make_net()
    sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=0.4)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"lr_scheduler": sched})
    assert trainer.learning_rate == 0.4
    for _ in range(3):
        backward(net)
        trainer.step(8)
    assert trainer.learning_rate == pytest.approx(0.1)
    with pytest.raises(UserWarning, match="LRScheduler of the optimizer has already been defined"):
        trainer.set_learning_rate(0.1)


# ---- save/load states --------------------------------------------------------------------------------
def test_save_and_load_states_round_trip(tmp_path):
    fname = str(tmp_path / "trainer.states")

    def make(lr):
        sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.9, base_lr=0.01)
        net = make_net()
        return net, gluon.Trainer(net.collect_params(), "adam", {"learning_rate": lr, "lr_scheduler": sched})
    net, trainer = make(0.01)
    for _ in range(2):
        backward(net)
        trainer.step(8)
    trainer.save_states(fname)
    saved = {name: p.data().asnumpy() for name, p in net.collect_params().items()}
    for _ in range(2):
        backward(net)
        trainer.step(8)

    net2, trainer2 = make(0.5)  # settings come back from the file, as MXNet's pickled optimizer does
    for name, p in net2.collect_params().items():
        p.set_data(nd.array(saved[name]))
    trainer2.load_states(fname)
    assert trainer2.optimizer.num_update == 2 and trainer2.optimizer.lr == 0.01
    assert trainer2.learning_rate == pytest.approx(0.009)
    assert sorted(trainer2._updaters[0].states) == [0, 1, 2, 3]
    for _ in range(2):
        backward(net2)
        trainer2.step(8)
    for name, p in net.collect_params().items():
        npt.assert_array_equal(net2.collect_params()[name].data().asnumpy(), p.data().asnumpy())
    assert trainer2.optimizer._index_update_count == {0: 4, 1: 4, 2: 4, 3: 4}
    assert trainer2.optimizer.param_dict[3] is net2.collect_params()["net_fc2_weight"]


def test_save_states_is_an_ndarray_file(tmp_path):
    fname = str(tmp_path / "sgd.states")
    net = make_net()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9})
    backward(net)
    trainer.step(8)
    trainer.save_states(fname)
    loaded = nd.load(fname)
    assert loaded["optimizer/momentum"].asnumpy()[0] == 0.9
    npt.assert_array_equal(loaded["state/0/3"].asnumpy(), trainer._updaters[0].states[3].asnumpy())


# ---- one compiled update per step ------------------------------------------------------------------
def test_step_updates_all_parameters_in_one_compiled_call():
    net = make_net()
    # beta1=0.85 makes the fused update's cache key new to this test session
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01, "wd": 0.001, "beta1": 0.85})
    before = set(opt_module._fused)
    for _ in range(3):  # warm-up: the update node of all four parameters, then the step's compiled call
        backward(net)
        trainer.step(8)
    new = set(opt_module._fused) - before
    assert len(new) == 1
    traces, calls = opt_module.fused_stats["traces"], opt_module.fused_stats["calls"]
    entries = dict(opt_module._fused)
    compiles = executor.plan_cache.compiles
    for batch_size in (8, 4, 8):  # a new rescale_grad is an argument, not a recompile
        backward(net)
        trainer.step(batch_size)
    assert opt_module.fused_stats["calls"] == calls + 3   # one update node per step for all four parameters
    assert opt_module.fused_stats["traces"] == traces     # no new tracing
    assert executor.plan_cache.compiles == compiles       # nor compilation
    assert opt_module._fused == entries


# ---- several contexts -----------------------------------------------------------------------------
MULTI_CONTEXT_SCRIPT = textwrap.dedent("""
    import os
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    import json, numpy as np, mxjax as mx
    from mxjax import gluon, autograd, nd
    ctxs = [mx.cpu(0), mx.cpu(1)]
    x = nd.array(np.arange(16).reshape(4, 4) / 10.)
    out = {}
    for name, kw in [("default", {}), ("local_update", {"update_on_kvstore": False}), ("none", {"kvstore": None})]:
        net = gluon.nn.Dense(2, in_units=4); net.initialize(mx.init.One(), ctx=ctxs)
        trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.5}, **kw)
        for step in range(2):
            with autograd.record():
                losses = [net(part.as_in_context(c)).sum() * (i + 1)
                          for i, (part, c) in enumerate(zip([x[:2], x[2:]], ctxs))]
            for loss in losses:
                loss.backward()
            trainer.step(4)
        try:
            trainer.allreduce_grads()
            error = None
        except AssertionError as err:
            error = str(err)
        out[name] = {"weights": [w.asnumpy().ravel()[:3].tolist() for w in net.weight.list_data()],
                     "error": error}
    print(json.dumps(out))
""")


def test_several_contexts_reduce_like_mxnet_kvstore():
    result = subprocess.run([sys.executable, "-c", MULTI_CONTEXT_SCRIPT], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "JAX_PLATFORMS": "cpu"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    # recorded from MXNet 1.9.1 (contexts cpu(0), cpu(1))
    reduced = [0.72499996, 0.6875, 0.65]
    npt.assert_allclose(out["default"]["weights"], [reduced, reduced], rtol=1e-6)
    assert out["default"]["error"] == ("allreduce_grads() when parameters are updated on kvstore is not supported. "
                                       "Try setting `update_on_kvstore` to False when creating trainer.")
    npt.assert_allclose(out["local_update"]["weights"], [reduced, reduced], rtol=1e-6)
    assert out["local_update"]["error"] is None
    npt.assert_allclose(out["none"]["weights"], [[0.975, 0.96250004, 0.95000005], [0.75, 0.725, 0.7]], rtol=1e-6)
