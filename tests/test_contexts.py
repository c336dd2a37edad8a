"""Contexts as MXNet 1.9.1 has them: any ``cpu(i)`` is valid (logical contexts sharing the
host device when JAX has fewer CPU devices), arrays report and keep their context, Gluon
parameters live on several contexts, and a Trainer reduces over them through ``mx.kv``.

Training numbers were recorded from real MXNet 1.9.1 by tools/record_mxnet_contexts.py."""
import copy
import json
import os
import pickle
import subprocess
import sys
import textwrap
import threading
import warnings

import numpy as np
import numpy.testing as npt
import pytest

import mxjax as mx
from mxjax import autograd, gluon, nd
from mxjax.base import MXNetError

CTXS = [mx.cpu(0), mx.cpu(1)]


# ---- Context objects ---------------------------------------------------------------------------
def test_context_identity_repr_pickle():
    assert mx.cpu(3) == mx.cpu(3) and mx.cpu(3) != mx.cpu(2) and mx.cpu(1) != mx.gpu(1)
    assert hash(mx.cpu(3)) == hash(mx.Context("cpu", 3)) and mx.Context(mx.cpu(4)) == mx.cpu(4)
    assert {mx.cpu(1): 1, mx.Context("cpu", 1): 2} == {mx.cpu(1): 2}
    assert repr(mx.cpu(3)) == str(mx.cpu(3)) == "cpu(3)"
    assert pickle.loads(pickle.dumps(mx.cpu(2))) == mx.cpu(2)
    assert copy.deepcopy(mx.gpu(5)) == mx.gpu(5)
    assert mx.cpu(1).device_typeid == 1 and mx.gpu(0).device_typeid == 2
    assert mx.cpu(1) != 1 and mx.cpu(1) is not None


def test_cpu_contexts_are_logical_on_one_host_device():
    a = nd.zeros((2,), ctx=mx.cpu(3))
    assert a.context == mx.cpu(3) and a.ctx == mx.cpu(3)
    assert "@cpu(3)" in repr(a)
    b = a.copyto(mx.cpu(2))
    assert b.context == mx.cpu(2) and a.as_in_context(mx.cpu(3)) is a
    b[:] = 5
    npt.assert_array_equal(a.asnumpy(), [0, 0])   # a copy, not a view
    c = nd.ones((2,), ctx=mx.cpu(1))
    c.copyto(a)
    assert a.context == mx.cpu(3)
    npt.assert_array_equal(a.asnumpy(), [1, 1])
    with mx.cpu(2):
        assert mx.current_context() == mx.cpu(2)
        assert nd.ones(1).context == mx.cpu(2) and nd.array([1, 2]).context == mx.cpu(2)
        assert nd.random.uniform(shape=(2,)).context == mx.cpu(2)
    assert mx.current_context() == mx.cpu(0)


def test_mixed_cpu_contexts_compute_on_the_first_inputs_context():
    """MXNet 1.9.1 lets CPU contexts mix: the result is on the first input's context."""
    a, b = nd.ones(2, ctx=mx.cpu(0)), nd.ones(2, ctx=mx.cpu(1))
    assert (a + b).context == mx.cpu(0) and (b + a).context == mx.cpu(1)
    npt.assert_array_equal((b + a).asnumpy(), [2, 2])
    assert nd.dot(b, a).context == mx.cpu(1)


def test_autograd_on_a_logical_context():
    x = nd.array([1.0, 2.0], ctx=mx.cpu(2))
    x.attach_grad()
    with autograd.record():
        y = (x * x).sum()
    y.backward()
    assert x.grad.context == mx.cpu(2) and y.context == mx.cpu(2)
    npt.assert_array_equal(x.grad.asnumpy(), [2, 4])


def test_missing_gpu_raises_when_used():
    if mx.num_gpus():
        pytest.skip("this machine has an accelerator")
    ctx = mx.gpu(0)                 # naming it is fine, as in MXNet
    assert str(ctx) == "gpu(0)"
    with pytest.raises(MXNetError, match="gpu"):
        nd.ones((2,), ctx=ctx)


def test_pickled_arrays_come_back_on_cpu0():
    """MXNet restores a pickled (or copied) CPU array on cpu(0), whatever the scope."""
    a = nd.ones(2, ctx=mx.cpu(1))
    with mx.cpu(3):
        assert pickle.loads(pickle.dumps(a)).context == mx.cpu(0)
    assert copy.deepcopy(a).context == mx.cpu(0)


def test_pickle_state_is_mxnets_raw_bytes():
    """An NDArray pickles to MXNet's ``{'handle': raw NDArray bytes}``: the bytes below are
    MXNet 1.9.1's ``__getstate__`` of the same int64 array on cpu(1)."""
    a = nd.array([[1, 2], [3, 4]], ctx=mx.cpu(1), dtype="int64")
    assert a.__getstate__() == {"handle": bytearray(
        b"\xc9\xfa\x93\xf9\x00\x00\x00\x00\x02\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00"
        b"\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x06\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"
        b"\x02\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x00\x00\x00\x00")}
    b = pickle.loads(pickle.dumps(a))
    assert b.dtype == np.int64 and b.asnumpy().tolist() == [[1, 2], [3, 4]]
    # MXNet's state of nd.arange(1, ctx=mx.gpu()): loads on the CPU when there is no GPU
    gpu_state = {"handle": bytearray(b"\xc9\xfa\x93\xf9\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00"
                                     b"\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00")}
    c = nd.arange(1)
    c.__setstate__(gpu_state)
    assert c.context == (mx.gpu(0) if mx.num_gpus() else mx.cpu(0)) and c.asnumpy().tolist() == [0.0]
    with pytest.raises(MXNetError, match="not an MXNet NDArray"):
        c.__setstate__({"handle": bytearray(b"junk")})


def test_default_ctx_and_per_thread_scopes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert mx.Context.default_ctx == mx.cpu(0)
    seen = []
    entered, release = threading.Event(), threading.Event()

    def worker():
        with mx.cpu(10):
            entered.set()
            release.wait()
            seen.append(mx.current_context())
        seen.append(mx.current_context())

    thread = threading.Thread(target=worker)
    thread.start()
    entered.wait()
    with mx.cpu(10):                 # the same (interned) context entered on this thread too
        release.set()
        thread.join()
        assert mx.current_context() == mx.cpu(10)
    assert mx.current_context() == mx.cpu(0)
    assert seen == [mx.cpu(10), mx.cpu(0)]


# ---- Parameters on several contexts -------------------------------------------------------------
def test_parameter_on_several_contexts():
    p = gluon.Parameter("weight", shape=(2, 3))
    p.initialize(init=mx.init.One(), ctx=CTXS)
    assert p.list_ctx() == CTXS
    assert [d.context for d in p.list_data()] == CTXS and [g.context for g in p.list_grad()] == CTXS
    assert p.data(mx.cpu(1)).context == mx.cpu(1) and p.grad(mx.cpu(1)).context == mx.cpu(1)
    with pytest.raises(RuntimeError) as err:
        p.data(mx.cpu(2))
    assert str(err.value) == ("Parameter 'weight' was not initialized on context cpu(2). It was only initialized "
                              "on [cpu(0), cpu(1)].")
    with mx.cpu(1):
        assert p.data().context == mx.cpu(1)
    with autograd.record():
        for i, w in enumerate(p.list_data()):
            (w * (i + 2)).backward()
    assert [g.asnumpy()[0, 0] for g in p.list_grad()] == [2, 3]
    p.zero_grad()
    assert [g.asnumpy()[0, 0] for g in p.list_grad()] == [0, 0]
    p.data(mx.cpu(1))[:] = 5
    p.reset_ctx([mx.cpu(2), mx.cpu(3)])       # MXNet: every new context gets the mean
    assert p.list_ctx() == [mx.cpu(2), mx.cpu(3)]
    assert [d.asnumpy()[0, 0] for d in p.list_data()] == [3, 3]
    with pytest.raises(RuntimeError, match="not initialized on context cpu.0."):
        p.data()
    with pytest.raises(ValueError, match="Cannot reset context"):
        gluon.Parameter("other", shape=(1,)).reset_ctx(mx.cpu(1))


def test_block_forward_per_context_and_hybridized_mixed_inputs():
    net = gluon.nn.Dense(2, in_units=3)
    net.initialize(ctx=[mx.cpu(1), mx.cpu(2)])
    with mx.cpu(2):
        x = nd.ones((1, 3))
    assert net(x).context == mx.cpu(2)
    with pytest.raises(RuntimeError, match="not initialized on context cpu.0."):
        net(nd.ones((1, 3)))

    class AddOnes(gluon.HybridBlock):
        def hybrid_forward(self, F, a, b):
            return a + b + F.ones_like(a)

    block = AddOnes()
    assert block(nd.ones(2, ctx=mx.cpu(1)), nd.ones(2, ctx=mx.cpu(2))).context == mx.cpu(1)
    block.hybridize()
    assert block(nd.ones(2, ctx=mx.cpu(2)), nd.ones(2, ctx=mx.cpu(2))).context == mx.cpu(2)
    with pytest.raises(ValueError, match="Find multiple contexts in the input"):
        block(nd.ones(2, ctx=mx.cpu(1)), nd.ones(2, ctx=mx.cpu(2)))


def test_save_parameters_of_a_multi_context_block_saves_the_mean(tmp_path):
    net = gluon.nn.Dense(2, in_units=3, use_bias=False)
    net.initialize(mx.init.One(), ctx=CTXS)
    net.weight.data(mx.cpu(1))[:] = 3
    net.save_parameters(str(tmp_path / "w.params"))
    other = gluon.nn.Dense(2, in_units=3, use_bias=False)
    other.load_parameters(str(tmp_path / "w.params"), ctx=[mx.cpu(2), mx.cpu(3)])
    assert other.weight.list_ctx() == [mx.cpu(2), mx.cpu(3)]
    for w in other.weight.list_data():
        npt.assert_array_equal(w.asnumpy(), np.full((2, 3), 2.0))
    params = net.collect_params()
    params.save(str(tmp_path / "d.params"))
    npt.assert_array_equal(nd.load(str(tmp_path / "d.params"))[net.weight.name].asnumpy(), np.full((2, 3), 2.0))


def test_split_and_load():
    parts = gluon.utils.split_and_load(nd.arange(12).reshape((6, 2)), [mx.cpu(0), mx.cpu(1), mx.cpu(2)])
    assert [p.context for p in parts] == [mx.cpu(0), mx.cpu(1), mx.cpu(2)]
    npt.assert_array_equal(parts[2].asnumpy(), [[8, 9], [10, 11]])
    uneven = gluon.utils.split_data(nd.arange(7), 3, even_split=False)
    assert [u.asnumpy().tolist() for u in uneven] == [[0, 1, 2], [3, 4], [5, 6]]
    with pytest.raises(ValueError, match="cannot be evenly split"):
        gluon.utils.split_and_load(nd.arange(7), CTXS)


# ---- Trainer over several contexts (numbers recorded from MXNet 1.9.1) ---------------------------
X = np.arange(24, dtype=np.float32).reshape(6, 4) / 10.0
Y = np.array([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0], [0, 1]], dtype=np.float32)
REDUCED_WEIGHT = [[-0.36388659477233887, -0.20622381567955017, -0.04856109619140625, 0.10910153388977051],
                  [-0.17278553545475006, -0.03987383842468262, 0.09303811192512512, 0.22594979405403137]]
REDUCED_BIAS = [0.3524434566497803, -0.3407247066497803]
REDUCED_LOSSES = [6.875203847885132, 11.236234784126282, 21.28343105316162]


def _train_dense(ctxs, **trainer_kw):
    net = gluon.nn.Dense(2, in_units=4)
    net.initialize(ctx=ctxs)
    net.weight.set_data(nd.array(np.linspace(-0.5, 0.5, 8).reshape(2, 4)))
    net.bias.set_data(nd.array([0.1, -0.2]))
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9}, **trainer_kw)
    loss_fn = gluon.loss.L2Loss()
    losses = []
    for step in range(3):
        xs = gluon.utils.split_and_load(nd.array(X) * (step + 1), ctxs)
        ys = gluon.utils.split_and_load(nd.array(Y), ctxs)
        with autograd.record():
            ls = [loss_fn(net(x), y) for x, y in zip(xs, ys)]
        for l in ls:
            l.backward()
        trainer.step(6)
        losses.append(float(sum(l.sum().asscalar() for l in ls)))
    return net, trainer, losses


@pytest.mark.parametrize("ctxs, kw", [
    (CTXS, {}),                                   # kvstore 'device', updated on the kvstore
    (CTXS, {"update_on_kvstore": False}),         # summed gradients, local updates
    (CTXS, {"kvstore": "local"}),
    ([mx.cpu(0), mx.cpu(1), mx.cpu(2)], {}),
    ([mx.cpu(0)], {}),                            # one context: no kvstore
])
def test_trainer_over_contexts_matches_mxnet(ctxs, kw):
    net, trainer, losses = _train_dense(ctxs, **kw)
    for w, b in zip(net.weight.list_data(), net.bias.list_data()):
        npt.assert_allclose(w.asnumpy(), REDUCED_WEIGHT, rtol=1e-5, atol=1e-6)
        npt.assert_allclose(b.asnumpy(), REDUCED_BIAS, rtol=1e-5, atol=1e-6)
    npt.assert_allclose(losses, REDUCED_LOSSES, rtol=1e-5)
    if len(ctxs) == 1:
        assert trainer._kvstore is None and trainer._update_on_kvstore is None
    else:
        assert trainer._kvstore.type == kw.get("kvstore", "device")
        assert trainer._update_on_kvstore is kw.get("update_on_kvstore", True)


def test_trainer_without_kvstore_updates_each_context_alone():
    net, trainer, losses = _train_dense(CTXS, kvstore=None)
    npt.assert_allclose(net.weight.data(mx.cpu(0)).asnumpy(),
                        [[-0.3151831030845642, -0.13830667734146118, 0.03856976330280304, 0.21544623374938965],
                         [-0.004365250468254089, 0.12600287795066833, 0.2563709616661072, 0.3867390751838684]],
                        rtol=1e-5, atol=1e-6)
    npt.assert_allclose(net.weight.data(mx.cpu(1)).asnumpy(),
                        [[-0.2281246781349182, -0.068899005651474, 0.09032675623893738, 0.2495524287223816],
                         [-0.23619812726974487, -0.1133703887462616, 0.009457230567932129, 0.13228490948677063]],
                        rtol=1e-5, atol=1e-6)
    npt.assert_allclose(net.bias.data(mx.cpu(1)).asnumpy(), [0.29439109563827515, -0.37786364555358887], rtol=1e-5)
    npt.assert_allclose(losses, [6.875203847885132, 13.652095794677734, 15.044269561767578], rtol=1e-5)
    assert trainer._kvstore is None


def test_allreduce_grads_then_update():
    net = gluon.nn.Dense(2, in_units=4)
    net.initialize(mx.init.One(), ctx=CTXS)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5}, update_on_kvstore=False)
    xs = gluon.utils.split_and_load(nd.array(X), CTXS)
    with autograd.record():
        ls = [net(x).sum() * (i + 1) for i, x in enumerate(xs)]
    for l in ls:
        l.backward()
    trainer.allreduce_grads()
    for g in net.weight.list_grad():
        npt.assert_allclose(g.asnumpy(), [[10.8, 11.7, 12.6, 13.5]] * 2, rtol=1e-6)
    for ctx in CTXS:
        gluon.utils.clip_global_norm([p.grad(ctx) for p in net.collect_params().values()], 10.0)
    trainer.set_learning_rate(0.25)
    trainer.update(6)
    expected = [[0.8775744438171387, 0.8673723340034485, 0.8571702241897583, 0.8469680547714233]] * 2
    for w in net.weight.list_data():
        npt.assert_allclose(w.asnumpy(), expected, rtol=1e-6)


def test_update_on_kvstore_refuses_allreduce_and_update():
    net, trainer, _ = _train_dense(CTXS)
    message = ("allreduce_grads() when parameters are updated on kvstore is not supported. Try setting "
               "`update_on_kvstore` to False when creating trainer.")
    with pytest.raises(AssertionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        trainer.allreduce_grads()
    with pytest.raises(AssertionError, match="update.. when parameters are updated on kvstore"):
        trainer.update(1)


def test_teststore_sums_gradients_and_updates_locally():
    x = gluon.Parameter("x", shape=(4,))
    x.initialize(ctx=CTXS, init="zeros")
    kv = mx.kv.create("teststore")
    trainer = gluon.Trainer([x], "sgd", {"learning_rate": 1.0, "momentum": 0.5}, kvstore=kv)
    with autograd.record():
        for w in x.list_data():
            (w + 1).backward()
    trainer.step(1)
    assert trainer._update_on_kvstore is False and trainer._kvstore is kv
    npt.assert_array_equal(x.data(mx.cpu(1)).asnumpy(), [-2] * 4)
    with pytest.raises(ValueError, match="Please set update_on_kvstore=False"):
        gluon.Trainer([x], "sgd", kvstore=kv, update_on_kvstore=True)._init_kvstore()


def test_loading_parameters_resets_a_kvstore_holding_the_weights(tmp_path):
    params = gluon.ParameterDict()
    x = params.get("x", shape=(4,))
    params.initialize(ctx=CTXS, init="zeros")
    trainer = gluon.Trainer(params, "sgd", {"learning_rate": 0.1})
    params.save(str(tmp_path / "x.params"))
    for step in range(2):
        with autograd.record():
            for w in x.list_data():
                (w + 1).backward()
        trainer.step(1)
        if step == 0:
            assert trainer._kvstore.type == "device"
            params.load(str(tmp_path / "x.params"))     # the next step starts from the file's weights
            assert trainer._kvstore is None and trainer._kv_initialized is False
    npt.assert_allclose(x.data(mx.cpu(1)).asnumpy(), [-0.2] * 4, rtol=1e-6)


def test_trainer_state_files_over_contexts(tmp_path):
    net, trainer, _ = _train_dense(CTXS)
    states = {k: v.asnumpy() for k, v in trainer._kvstore._updater.states.items() if v is not None}
    trainer.save_states(str(tmp_path / "t.states"))
    trainer.load_states(str(tmp_path / "t.states"))
    assert trainer._optimizer is trainer._kvstore._updater.optimizer
    for k, v in trainer._kvstore._updater.states.items():
        npt.assert_array_equal(v.asnumpy(), states[k])


# ---- mx.kv ------------------------------------------------------------------------------------
def test_kvstore_push_pull_over_contexts():
    kv = mx.kv.create()
    assert (kv.type, kv.rank, kv.num_workers, kv.is_capable("optimizer")) == ("local", 0, 1, True)
    kv.init(3, nd.zeros((2,)))
    kv.push(3, [nd.ones((2,), ctx=mx.cpu(i)) for i in range(3)])
    outs = [nd.zeros((2,), ctx=mx.cpu(i)) for i in range(2)]
    kv.pull(3, out=outs)
    assert [o.context for o in outs] == CTXS
    npt.assert_array_equal(outs[1].asnumpy(), [3, 3])
    values = [nd.ones((2,)), nd.ones((2,)) * 2]
    assert kv.pushpull(3, values) is None
    npt.assert_array_equal(values[0].asnumpy(), [3, 3])
    out = nd.zeros((2,))
    kv.broadcast(4, nd.ones((2,)) * 7, out=[out])
    npt.assert_array_equal(out.asnumpy(), [7, 7])
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1))
    kv.init(5, nd.ones((2,)))
    kv.push(5, [nd.ones((2,)), nd.ones((2,))])
    kv.pull(5, out=out)
    npt.assert_allclose(out.asnumpy(), [0.8, 0.8], rtol=1e-6)
    assert mx.kv.create("device").type == "device" and mx.kv.create("local_allreduce_cpu").type == "local_allreduce_cpu"


def test_kvstore_errors_and_updater_keys():
    kv = mx.kv.create()
    kv.init(3, nd.zeros((2,)))
    with pytest.raises(MXNetError, match="Mixed key types are not allowed"):
        kv.init("a", nd.zeros((2,)))
    with pytest.raises(MXNetError, match="duplicate init of key 3"):
        kv.init(3, nd.zeros((2,)))
    with pytest.raises(MXNetError, match="key 9 has not been inited"):
        kv.pull(9, out=nd.zeros((2,)))
    with pytest.raises(ValueError, match="Unknown capability: foo"):
        kv.is_capable("foo")
    with pytest.raises(TypeError, match="name must be a string"):
        mx.kv.create(3)
    received = []

    def updater(key, recv, local):
        received.append(key)
        local += recv

    str_kv = mx.kv.create()
    str_kv._set_updater(updater)
    str_kv.init("x", nd.zeros(2))
    str_kv.push("x", [nd.ones(2)] * 2)
    out = nd.zeros(2)
    str_kv.pull("x", out=out)
    assert received == [b"x"]           # MXNet hands str keys to an updater as bytes
    npt.assert_array_equal(out.asnumpy(), [2, 2])


def test_kvstore_registry():
    @mx.kv.KVStoreBase.register
    class MyStore(mx.kv.KVStoreBase):
        pass

    try:
        assert type(mx.kv.create("mystore")) is MyStore
    finally:
        del mx.kv.KVStoreBase.kv_registry["mystore"]
    assert mx.kv.create("TestStore").type == "teststore"


# ---- several real (simulated) CPU devices ----------------------------------------------------------
REAL_DEVICES_SCRIPT = textwrap.dedent("""
    import os
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    import json, mxjax as mx
    from mxjax import nd
    from mxjax.base import MXNetError
    a, b, c = nd.ones(2, ctx=mx.cpu(0)), nd.ones(2, ctx=mx.cpu(1)), nd.ones(2, ctx=mx.cpu(5))
    out = {"devices": [str(next(iter(x._data().devices()))) for x in (a, b, c)],
           "moved": (a + b.as_in_context(mx.cpu(0))).asnumpy().tolist(),
           "logical": str((c + a).context)}
    try:
        (a + b).asnumpy()
        out["mixed"] = None
    except MXNetError as err:
        out["mixed"] = str(err)
    print(json.dumps(out))
""")


def test_real_devices_map_one_to_one_and_refuse_mixing():
    result = subprocess.run([sys.executable, "-c", REAL_DEVICES_SCRIPT], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "JAX_PLATFORMS": "cpu"})
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["devices"] == ["cpu:0", "cpu:1", "cpu:0"]
    assert out["moved"] == [2, 2] and out["logical"] == "cpu(5)"
    assert out["mixed"].startswith("Operator inputs live on different devices")
