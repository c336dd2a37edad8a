"""mx.mod / mx.model / mx.callback / mx.monitor / mx.viz against real MXNet 1.9.1.

Reference numbers, log lines, the layer table and an MXNet-written checkpoint were recorded by
tools/record_mxnet_module.py (data, network and initial parameters come from that script)."""
import contextlib
import importlib.util
import io
import json
import logging
import os
import subprocess

import numpy as np
import pytest

import mxjax as mx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = os.path.join(ROOT, "tests", "reference", "data", "module")
MXREF = "/tmp/mxref/bin/python"


def _recorder():
    spec = importlib.util.spec_from_file_location("record_mxnet_module",
                                                  os.path.join(ROOT, "tools", "record_mxnet_module.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rec = _recorder()
ARRAYS = dict(np.load(os.path.join(REF, "fit.npz")))
with open(os.path.join(REF, "fit_logs.json")) as _f:
    LOGS = json.load(_f)


def _iters(batch_size):
    xt, yt, xv, yv = rec.data()
    return mx.io.NDArrayIter(xt, yt, batch_size=batch_size), mx.io.NDArrayIter(xv, yv, batch_size=batch_size)


def _fitted(name, caplog=None):
    spec = rec.RUNS[name]
    train, val = _iters(spec["batch_size"])
    arg, aux = rec.initial_params()
    logger = logging.getLogger(f"test_module_{name}")
    logger.setLevel(logging.INFO)
    contexts = [mx.cpu(i) for i in range(spec.get("contexts", 1))]
    mod = mx.mod.Module(rec.network(mx), logger=logger, context=contexts)
    mod.fit(train, eval_data=val, eval_metric=spec["metric"], optimizer=spec["optimizer"],
            optimizer_params=spec["params"], num_epoch=3,
            arg_params={k: mx.nd.array(v) for k, v in arg.items()},
            aux_params={k: mx.nd.array(v) for k, v in aux.items()})
    return mod, val


@pytest.mark.parametrize("name", ["sgd", "adam", "sgd_2ctx"])
def test_fit_matches_mxnet(name, caplog):
    """Module.fit from fixed parameters gives MXNet's parameters, predictions, score and log
    lines (sgd_2ctx: two contexts, each half of every batch, BatchNorm statistics per half)."""
    caplog.set_level(logging.INFO)
    mod, val = _fitted(name)
    arg, aux = mod.get_params()
    for kind, params in (("arg", arg), ("aux", aux)):
        for key, value in params.items():
            np.testing.assert_allclose(value.asnumpy(), ARRAYS[f"{name}/{kind}/{key}"], rtol=2e-4, atol=2e-5,
                                       err_msg=key)
    np.testing.assert_allclose(mod.predict(val).asnumpy(), ARRAYS[f"{name}/predict"], rtol=2e-4, atol=2e-5)
    score = [v for _, v in mod.score(val, rec.RUNS[name]["metric"])]
    np.testing.assert_allclose(score, ARRAYS[f"{name}/score"], rtol=1e-4)
    lines = [r.getMessage() for r in caplog.records if "Train-" in r.getMessage() or "Validation-" in r.getMessage()]
    assert lines == LOGS[name]
    assert sum("Time cost=" in r.getMessage() for r in caplog.records) == 3


def test_load_mxnet_checkpoint_and_predict():
    mod = mx.mod.Module.load(os.path.join(REF, "mxnet_ckpt"), 3)
    _, val = _iters(20)
    mod.bind(val.provide_data, val.provide_label, for_training=False)
    np.testing.assert_allclose(mod.predict(val).asnumpy(), ARRAYS["sgd/predict"], rtol=2e-4, atol=2e-5)
    sym, arg, aux = mx.model.load_checkpoint(os.path.join(REF, "mxnet_ckpt"), 3)
    assert sorted(arg) == ["bn1_beta", "bn1_gamma", "fc1_weight", "fc2_bias", "fc2_weight"]
    assert sorted(aux) == ["bn1_moving_mean", "bn1_moving_var"]
    assert sym.list_outputs() == ["softmax_output"]


def _continue(mod, train):
    mod.fit(train, num_epoch=4, begin_epoch=3, optimizer="sgd",
            optimizer_params=rec.RUNS["sgd"]["params"])
    return mod.get_params()[0]


def test_checkpoint_round_trip_with_optimizer_states(tmp_path):
    mod, _ = _fitted("sgd")
    prefix = str(tmp_path / "ckpt")
    mod.save_checkpoint(prefix, 3, save_optimizer_states=True)
    assert sorted(os.listdir(tmp_path)) == ["ckpt-0003.params", "ckpt-0003.states", "ckpt-symbol.json"]
    saved = mx.nd.load(prefix + "-0003.params")
    assert sorted(saved) == sorted([f"arg:{k}" for k in mod.get_params()[0]] +
                                   [f"aux:{k}" for k in mod.get_params()[1]])
    train, _ = _iters(20)
    loaded = mx.mod.Module.load(prefix, 3, load_optimizer_states=True)
    loaded.bind(train.provide_data, train.provide_label)
    expected = _continue(mod, train)   # momentum carries over: the loaded module must match
    got = _continue(loaded, train)
    for key in expected:
        np.testing.assert_allclose(got[key].asnumpy(), expected[key].asnumpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(MXREF), reason="real MXNet 1.9.1 venv not present")
def test_mxnet_loads_mxjax_checkpoint(tmp_path):
    mod, _ = _fitted("sgd")
    prefix = str(tmp_path / "mxjax_ckpt")
    mx.model.save_checkpoint(prefix, 3, mod.symbol, *mod.get_params())
    script = (
        "import sys, numpy as np, mxnet as mx\n"
        f"sys.path.insert(0, {os.path.join(ROOT, 'tools')!r})\n"
        "import record_mxnet_module as rec\n"
        "xt, yt, xv, yv = rec.data()\n"
        "val = mx.io.NDArrayIter(xv, yv, batch_size=20)\n"
        f"mod = mx.mod.Module.load({prefix!r}, 3)\n"
        "mod.bind(val.provide_data, val.provide_label, for_training=False)\n"
        f"np.save({str(tmp_path / 'pred.npy')!r}, mod.predict(val).asnumpy())\n")
    subprocess.run([MXREF, "-c", script], check=True, capture_output=True, timeout=120)
    np.testing.assert_allclose(np.load(tmp_path / "pred.npy"), mod.predict(_iters(20)[1]).asnumpy(),
                               rtol=1e-5, atol=1e-6)


def test_predict_forms_and_iter_predict():
    mod, _ = _fitted("adam")
    _, val = _iters(25)   # 30 samples in batches of 25: the second batch has 20 padding rows
    merged = mod.predict(val)
    assert merged.shape == (30, 3)
    batches = mod.predict(val, merge_batches=False)
    assert [b[0].shape for b in batches] == [(25, 3), (5, 3)]
    listed = mod.predict(val, always_output_list=True)
    assert isinstance(listed, list) and len(listed) == 1
    np.testing.assert_allclose(listed[0].asnumpy(), merged.asnumpy())
    outs = [(n, o[0].shape, b.pad) for o, n, b in mod.iter_predict(val)]
    assert outs == [(0, (25, 3), 0), (1, (5, 3), 20)]
    assert mod.predict(val, num_batch=1).shape == (25, 3)
    infer = mx.mod.Module(mod.symbol)
    infer.bind(val.provide_data, val.provide_label, for_training=False)
    infer.set_params(*mod.get_params())
    one = infer.predict(mx.nd.array(rec.data()[2][:25]))   # an NDArray: one forward, default is_train
    np.testing.assert_allclose(one.asnumpy(), merged.asnumpy()[:25], rtol=1e-6)


def test_module_forward_backward_update_by_hand_equals_fit():
    spec = rec.RUNS["sgd"]
    train, _ = _iters(spec["batch_size"])
    arg, aux = rec.initial_params()
    mod = mx.mod.Module(rec.network(mx))
    mod.bind(train.provide_data, train.provide_label)
    mod.init_params(arg_params={k: mx.nd.array(v) for k, v in arg.items()},
                    aux_params={k: mx.nd.array(v) for k, v in aux.items()})
    mod.init_optimizer(optimizer="sgd", optimizer_params=spec["params"])
    metric = mx.metric.create("acc")
    for _ in range(3):
        train.reset()
        for batch in train:
            mod.forward(batch, is_train=True)
            mod.backward()
            mod.update()
            mod.update_metric(metric, batch.label)
    for key, value in mod.get_params()[0].items():
        np.testing.assert_allclose(value.asnumpy(), ARRAYS[f"sgd/arg/{key}"], rtol=2e-4, atol=2e-5)
    assert mod.output_shapes == [("softmax_output", (20, 3))]
    assert mod.data_names == ["data"] and mod.output_names == ["softmax_output"]
    assert mod.label_shapes[0].name == "softmax_label"


def test_input_grads_and_fixed_params():
    data = mx.sym.Variable("data")
    net = mx.sym.FullyConnected(data, num_hidden=2, name="fc")
    mod = mx.mod.Module(net, label_names=None, fixed_param_names=["fc_bias"])
    mod.bind([("data", (3, 4))], inputs_need_grad=True)
    w = np.arange(8, dtype=np.float32).reshape(2, 4) / 10
    mod.init_params(arg_params={"fc_weight": mx.nd.array(w), "fc_bias": mx.nd.array([1.0, -1.0])})
    mod.init_optimizer(optimizer_params={"learning_rate": 1.0})
    x = np.ones((3, 4), np.float32)
    mod.forward(mx.io.DataBatch([mx.nd.array(x)]), is_train=True)
    mod.backward([mx.nd.ones((3, 2))])
    np.testing.assert_allclose(mod.get_input_grads()[0].asnumpy(), np.ones((3, 2)) @ w, rtol=1e-6)
    mod.update()
    arg, _ = mod.get_params()
    np.testing.assert_allclose(arg["fc_bias"].asnumpy(), [1.0, -1.0])            # fixed
    np.testing.assert_allclose(arg["fc_weight"].asnumpy(), w - 1.0 / 3 * 3 * np.ones((2, 4)), rtol=1e-6)


def test_misuse_errors():
    net = rec.network(mx)
    mod = mx.mod.Module(net)
    batch = mx.io.DataBatch([mx.nd.ones((2, 8))], [mx.nd.ones((2,))])
    with pytest.raises(AssertionError):
        mod.forward(batch)
    with pytest.raises(AssertionError, match="call bind before initializing the parameters"):
        mod.init_params()
    mod.bind([("data", (2, 8))], [("softmax_label", (2,))])
    with pytest.raises(AssertionError):
        mod.init_optimizer()                      # parameters not initialized
    mod.init_params()
    with pytest.raises(AssertionError):
        mod.update()                              # optimizer not initialized
    with pytest.raises(AssertionError):
        mod.get_input_grads()                     # bound without inputs_need_grad
    with pytest.raises(RuntimeError, match="bn1_beta is not presented"):
        mod.init_params(arg_params={}, force_init=True)
    with pytest.raises(ValueError, match="input with name 'x' is not found in symbol.list_arguments"):
        mx.mod.Module(net, data_names=["x"])
    with pytest.raises(ValueError, match="Data provided by data_shapes don't match names specified by data_names"):
        mx.mod.Module(net).bind([("label", (2, 8))])
    with pytest.raises(AssertionError, match="please specify number of epochs"):
        mod.fit(mx.io.NDArrayIter(np.ones((4, 8)), np.ones(4), batch_size=2))
    with pytest.raises(ValueError, match="eval_data must be of type NDArray or DataIter"):
        mod.predict([1, 2])


def test_step_compiles_nothing_after_warmup():
    """Module.fit's step: forward (with vjp residuals) and backward are the executor's compiled
    calls, the update one fused optimizer call; after warm-up nothing new is compiled."""
    from mxjax.optimizer import optimizer as opt_module
    spec = rec.RUNS["sgd"]
    train, _ = _iters(spec["batch_size"])
    mod = mx.mod.Module(rec.network(mx))
    mod.fit(train, num_epoch=1, optimizer="sgd", optimizer_params=spec["params"])
    graph = mod._exec_group.execs[0]._graph
    sizes = {k: f._cache_size() for k, f in graph.jitted.items()}
    fused, traces = len(opt_module._fused), opt_module.fused_stats["traces"]
    calls = opt_module.fused_stats["calls"]
    mod.fit(train, num_epoch=3, begin_epoch=1)
    assert {k: f._cache_size() for k, f in graph.jitted.items()} == sizes
    assert len(opt_module._fused) == fused and opt_module.fused_stats["traces"] == traces
    assert opt_module.fused_stats["calls"] == calls + 2 * 3   # one fused update per batch


def _bucket_sym_gen(key):
    data = mx.sym.Variable("data")
    net = mx.sym.Reshape(data, shape=(-1, key, 2))
    net = mx.sym.sum(net, axis=1)
    net = mx.sym.FullyConnected(net, num_hidden=3, name="fc")
    return mx.sym.SoftmaxOutput(net, name="softmax"), ("data",), ("softmax_label",)


def test_bucketing_module_shares_parameters():
    mod = mx.mod.BucketingModule(_bucket_sym_gen, default_bucket_key=4)
    mod.bind([("data", (5, 8))], [("softmax_label", (5,))])
    mod.init_params(initializer=mx.init.Constant(0.1))
    mod.init_optimizer(optimizer_params={"learning_rate": 0.5})
    rng = np.random.RandomState(0)
    for key in (4, 2, 3, 2):
        x = mx.nd.array(rng.rand(5, 2 * key))
        y = mx.nd.array(rng.randint(0, 3, 5))
        batch = mx.io.DataBatch([x], [y], bucket_key=key, provide_data=[("data", (5, 2 * key))],
                                provide_label=[("softmax_label", (5,))])
        before = mod.get_params()[0]["fc_weight"].asnumpy().copy()
        mod.forward(batch, is_train=True)
        assert mod.get_outputs()[0].shape == (5, 3)
        mod.backward()
        mod.update()
        assert not np.allclose(mod.get_params()[0]["fc_weight"].asnumpy(), before)
    assert sorted(mod._buckets) == [2, 3, 4]
    weights = {k: m._exec_group.execs[0].arg_dict["fc_weight"] for k, m in mod._buckets.items()}
    assert all(w is weights[4] for w in weights.values())
    mod.switch_bucket(3, None)
    assert mod.data_shapes[0].shape == (5, 6)


def test_bucketing_checkpoint(tmp_path):
    mod = mx.mod.BucketingModule(_bucket_sym_gen, default_bucket_key=4)
    mod.bind([("data", (5, 8))], [("softmax_label", (5,))])
    mod.init_params(initializer=mx.init.Uniform(0.5))
    mod.switch_bucket(2, [("data", (5, 4))], [("softmax_label", (5,))])
    prefix = str(tmp_path / "bucket")
    mod.save_checkpoint(prefix, 1)
    assert sorted(os.listdir(tmp_path)) == ["bucket-0001.params", "bucket-2-symbol.json", "bucket-4-symbol.json",
                                            "bucket.buckets"]
    loaded = mx.mod.BucketingModule.load(prefix, 1, sym_gen=_bucket_sym_gen, default_bucket_key=4)
    loaded.bind([("data", (5, 8))], [("softmax_label", (5,))])
    for key, value in mod.get_params()[0].items():
        np.testing.assert_allclose(loaded.get_params()[0][key].asnumpy(), value.asnumpy())


def test_sequential_module_chains_gradients():
    a = mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=4, name="fc1")
    b = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Variable("data"), num_hidden=3, name="fc2"),
                             name="softmax")
    seq = mx.mod.SequentialModule()
    seq.add(mx.mod.Module(a, label_names=None)).add(mx.mod.Module(b), take_labels=True, auto_wiring=True)
    train, _ = _iters(20)
    seq.fit(train, num_epoch=2, optimizer_params={"learning_rate": 0.1})
    assert seq.output_shapes == [("softmax_output", (20, 3))]
    assert sorted(seq.get_params()[0]) == ["fc1_bias", "fc1_weight", "fc2_bias", "fc2_weight"]
    assert seq.predict(train).shape == (60, 3)


def test_callbacks(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    train, _ = _iters(20)
    mod = mx.mod.Module(rec.network(mx))
    prefix = str(tmp_path / "cb")
    mod.fit(train, num_epoch=2, epoch_end_callback=mx.callback.do_checkpoint(prefix, period=2),
            batch_end_callback=[mx.callback.Speedometer(20, frequent=1), mx.callback.log_train_metric(2)])
    assert sorted(os.listdir(tmp_path)) == ["cb-0002.params", "cb-symbol.json"]
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("Epoch[0] Batch [1-2]\tSpeed: ") and "\taccuracy=" in m for m in messages)
    assert any(m.startswith("Iter[1] Batch[2] Train-accuracy=") for m in messages)
    mod.fit(train, num_epoch=3, begin_epoch=2,
            epoch_end_callback=mx.callback.module_checkpoint(mod, prefix, save_optimizer_states=True))
    assert "cb-0003.states" in os.listdir(tmp_path)


def test_monitor_collects_matching_arrays(caplog):
    caplog.set_level(logging.INFO)
    train, _ = _iters(20)
    mod = mx.mod.Module(rec.network(mx))
    mod.bind(train.provide_data, train.provide_label)
    mod.init_params()
    mon = mx.mon.Monitor(1, pattern="fc1.*", sort=True)
    mod.install_monitor(mon)
    mon.tic()
    mod.forward_backward(next(iter(train)))
    rows = mon.toc()
    names = [name for _, name, _ in rows]
    assert names == sorted(names) and {"fc1_weight", "fc1_output"} <= set(names)
    expected = np.linalg.norm(mod.get_params()[0]["fc1_weight"].asnumpy()) / np.sqrt(16 * 8)
    assert float(dict((n, v) for _, n, v in rows)["fc1_weight"].split()[0]) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("key,shape", [("summary_shape", {"data": (1, 8)}), ("summary", None)])
def test_print_summary_matches_mxnet(key, shape):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        mx.viz.print_summary(rec.network(mx), shape=shape)
    assert buf.getvalue() == LOGS[key]


def test_plot_network_needs_graphviz():
    try:
        import graphviz  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="graphviz"):
            mx.viz.plot_network(rec.network(mx))
    else:
        dot = mx.viz.plot_network(rec.network(mx), shape={"data": (1, 8)})
        assert "FullyConnected\\n16" in dot.source or "FullyConnected\n16" in dot.source
    with pytest.raises(TypeError, match="symbol must be Symbol"):
        mx.viz.print_summary("net")


def test_model_checkpoint_functions(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    net = rec.network(mx)
    arg, aux = rec.initial_params()
    prefix = str(tmp_path / "m")
    mx.model.save_checkpoint(prefix, 7, net, {k: mx.nd.array(v) for k, v in arg.items()},
                             {k: mx.nd.array(v) for k, v in aux.items()})
    assert f'Saved checkpoint to "{prefix}-0007.params"' in [r.getMessage() for r in caplog.records]
    sym, arg2, aux2 = mx.model.load_checkpoint(prefix, 7)
    assert sym.tojson() == net.tojson()
    for key in arg:
        np.testing.assert_array_equal(arg2[key].asnumpy(), arg[key])
    assert mx.model.load_params(prefix, 7)[1].keys() == aux.keys()
