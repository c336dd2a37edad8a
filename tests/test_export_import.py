"""The Gluon <-> symbol bridge: ``HybridBlock.export``, ``SymbolBlock`` / ``SymbolBlock.imports``,
``Parameter.var`` and symbolic ``hybrid_forward``, against MXNet 1.9.1.

Files in tests/reference/data/export/ were written by real MXNet 1.9.1
(``tools/record_mxnet_export.py``): a LeNet, a small ResNet with BatchNorm and a two-layer LSTM,
exported, with their inputs, outputs and one recorded training step in io.npz.  Tests that run
MXNet itself on files written by mxjax need the reference venv /tmp/mxref and are skipped
without it.
"""
import json
import os
import subprocess
import warnings

import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, gluon
from mxjax.gluon import nn, rnn

DATA = os.path.join(os.path.dirname(__file__), "reference", "data", "export")
REF_PYTHON = "/tmp/mxref/bin/python"
with np.load(os.path.join(DATA, "io.npz"), allow_pickle=False) as _npz:
    IO = {k: _npz[k] for k in _npz.files}
INPUTS = {"lenet": ["data"], "resnet": ["data"], "lstm": ["data0", "data1", "data2"]}
needs_mxnet = pytest.mark.skipif(not os.path.exists(REF_PYTHON),
                                 reason=f"needs the MXNet 1.9.1 reference venv ({REF_PYTHON} not found)")


def path(name):
    return os.path.join(DATA, name)


# ---- the networks of tools/record_mxnet_export.py, built in mxjax ------------------------------
def lenet():
    net = nn.HybridSequential(prefix="lenet_")
    with net.name_scope():
        net.add(nn.Conv2D(4, 5, activation="relu"), nn.MaxPool2D(2),
                nn.Conv2D(8, 3, activation="tanh"), nn.AvgPool2D(2),
                nn.Flatten(), nn.Dense(16, activation="relu"), nn.Dropout(0.5), nn.Dense(10))
    return net


class Residual(nn.HybridBlock):
    def __init__(self, channels, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.conv1 = nn.Conv2D(channels, 3, padding=1, use_bias=False)
            self.bn1 = nn.BatchNorm()
            self.conv2 = nn.Conv2D(channels, 3, padding=1, use_bias=False)
            self.bn2 = nn.BatchNorm()

    def hybrid_forward(self, F, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(x + y)


def resnet():
    net = nn.HybridSequential(prefix="resnet_")
    with net.name_scope():
        net.add(nn.Conv2D(6, 3, padding=1, use_bias=False), nn.BatchNorm(), nn.Activation("relu"),
                Residual(6), nn.GlobalAvgPool2D(), nn.Dense(5))
    return net


def lstm():
    return rnn.LSTM(6, num_layers=2, input_size=4, prefix="lstm_")


NETS = {"lenet": lenet, "resnet": resnet, "lstm": lstm}


def lstm_states():
    return [mx.nd.zeros((2, 2, 6)), mx.nd.zeros((2, 2, 6))]


def imported(name):
    return gluon.SymbolBlock.imports(path(f"{name}-symbol.json"), INPUTS[name], path(f"{name}-0000.params"))


# ---- files exported by MXNet 1.9.1 ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["lenet", "resnet", "lstm"])
def test_imports_of_mxnet_files_give_mxnets_outputs(name):
    block = imported(name)
    x = mx.nd.array(IO[f"{name}/x"])
    y = block(x, *lstm_states()) if name == "lstm" else block(x)
    np.testing.assert_allclose(y.asnumpy(), IO[f"{name}/y"], rtol=1e-5, atol=1e-6)
    block.hybridize()   # the same graph inside a hybridized block
    y = block(x, *lstm_states()) if name == "lstm" else block(x)
    np.testing.assert_allclose(y.asnumpy(), IO[f"{name}/y"], rtol=1e-5, atol=1e-6)


def test_imported_parameters_have_mxnets_names_and_kinds():
    block = imported("resnet")
    names = list(block.collect_params().keys())
    saved = [k[4:] for k in mx.nd.load(path("resnet-0000.params"))]
    assert sorted(names) == sorted(saved)
    assert names[0] == "resnet_conv0_weight"
    assert block.params["resnet_batchnorm0_running_mean"].grad_req == "null"
    assert block.params["resnet_batchnorm0_gamma"].grad_req == "write"
    assert "conv0_weight" in block._reg_params   # the common prefix "resnet_" dropped
    assert block.prefix == "" and block.name.startswith("symbolblock")
    assert repr(block).splitlines() == ["SymbolBlock(", "<Symbol resnet_dense0_fwd> : 1 -> 1", ")"]


def test_imported_block_trains_as_in_mxnet():
    """One recorded step of MXNet's own SymbolBlock.imports: loss, gradients, BatchNorm's running
    mean after the training forward and the weights after Trainer's SGD step."""
    block = imported("resnet")
    trainer = gluon.Trainer(block.collect_params(), "sgd", {"learning_rate": 0.1})
    with autograd.record():
        loss = (block(mx.nd.array(IO["resnet/x"])) ** 2).sum()
    loss.backward()
    trainer.step(2)
    np.testing.assert_allclose(loss.asnumpy(), IO["train/loss"], rtol=1e-5)
    for name in ("resnet_dense0_weight", "resnet_conv0_weight"):
        np.testing.assert_allclose(block.params[name].grad().asnumpy(), IO[f"train/grad/{name}"],
                                   rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(block.params[name].data().asnumpy(), IO[f"train/after/{name}"],
                                   rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(block.params["resnet_batchnorm0_running_mean"].data().asnumpy(),
                               IO["train/running_mean"], rtol=1e-5, atol=1e-6)


# ---- export writes MXNet's files ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["lenet", "resnet", "lstm"])
def test_export_writes_mxnets_json_byte_for_byte(name, tmp_path):
    net = NETS[name]()
    net.initialize(mx.init.Xavier())
    net.hybridize()
    net(mx.nd.array(IO[f"{name}/x"]))
    net.export(str(tmp_path / name))
    with open(path(f"{name}-symbol.json")) as f:
        expected = f.read()
    assert (tmp_path / f"{name}-symbol.json").read_text() == expected
    assert list(mx.nd.load(str(tmp_path / f"{name}-0000.params"))) == list(mx.nd.load(path(f"{name}-0000.params")))


def test_export_round_trip_and_prefixes(tmp_path):
    net = resnet()
    net.initialize(mx.init.Xavier())
    net.hybridize()
    x = mx.nd.array(IO["resnet/x"])
    with autograd.record():   # moves the running statistics
        net(x)
    y = net(x)
    net.export(str(tmp_path / "net"), epoch=12)
    assert sorted(os.listdir(tmp_path)) == ["net-0012.params", "net-symbol.json"]
    saved = mx.nd.load(str(tmp_path / "net-0012.params"))
    assert "arg:resnet_conv0_weight" in saved and "aux:resnet_batchnorm0_running_mean" in saved
    assert len(saved) == len(net.collect_params())
    block = gluon.SymbolBlock.imports(str(tmp_path / "net-symbol.json"), "data", str(tmp_path / "net-0012.params"))
    np.testing.assert_allclose(block(x).asnumpy(), y.asnumpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(block.params["resnet_batchnorm0_running_var"].data().asnumpy(),
                                  net[1].running_var.data().asnumpy())


def test_export_needs_a_hybridized_forward(tmp_path):
    message = ("Please first call block.hybridize() and then run forward with this block at least once "
               "before calling export.")
    net = nn.Dense(3, in_units=2)
    net.initialize()
    with pytest.raises(RuntimeError) as info:
        net.export(str(tmp_path / "a"))
    assert str(info.value) == message
    net(mx.nd.ones((1, 2)))          # not hybridized
    net.hybridize()
    with pytest.raises(RuntimeError, match="Please first call block.hybridize"):
        net.export(str(tmp_path / "a"))
    net(mx.nd.ones((1, 2)))
    net.hybridize(active=False)      # clears the graph, as MXNet's hybridize
    with pytest.raises(RuntimeError, match="Please first call block.hybridize"):
        net.export(str(tmp_path / "a"))
    assert not os.listdir(tmp_path)


def test_export_names_several_inputs_and_keeps_none(tmp_path):
    class Two(nn.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.dense = nn.Dense(3)

        def hybrid_forward(self, F, a, skip, b):
            return [F.broadcast_add(self.dense(a), F.sum(b)), F.concat(a, b, dim=1)]

    net = Two(prefix="two_")
    net.initialize()
    net.hybridize()
    a, b = mx.nd.array(np.arange(6).reshape(2, 3)), mx.nd.ones((2, 3))
    outs = net(a, None, b)
    net.export(str(tmp_path / "two"))
    sym = mx.sym.load(str(tmp_path / "two-symbol.json"))
    assert sym.list_arguments() == ["data0", "two_dense0_weight", "two_dense0_bias", "data1"]
    assert len(sym.list_outputs()) == 2
    block = gluon.SymbolBlock.imports(str(tmp_path / "two-symbol.json"), ["data0", "data1"],
                                      str(tmp_path / "two-0000.params"))
    got = block(a, b)
    assert isinstance(got, list) and len(got) == 2
    for g, o in zip(got, outs):
        np.testing.assert_allclose(g.asnumpy(), o.asnumpy(), rtol=1e-6)


def test_export_warns_for_a_parameter_outside_the_graph(tmp_path):
    class Unused(nn.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.used = self.params.get("used", shape=(2,))
            self.spare = self.params.get("spare", shape=(2,))

        def hybrid_forward(self, F, x, used, spare):
            return F.broadcast_mul(x, used)

    net = Unused(prefix="u_")
    net.initialize()
    net.hybridize()
    net(mx.nd.ones((1, 2)))
    with pytest.warns(UserWarning, match='Parameter "u_spare" is not found in the graph'):
        net.export(str(tmp_path / "u"))
    assert list(mx.nd.load(str(tmp_path / "u-0000.params"))) == ["arg:u_used"]


# ---- Parameter.var and symbolic forward -----------------------------------------------------------
def test_parameter_var_carries_mxnets_attributes():
    p = gluon.Parameter("w", shape=(3, 0), lr_mult=2.0, wd_mult=0.5, init="zeros", dtype="float64")
    v = p.var()
    assert v is p.var()
    assert v.name == "w"
    assert v.list_attr() == {"__storage_type__": "0", "__init__": "zeros", "__dtype__": "1", "__wd_mult__": "0.5",
                             "wd_mult": "0.5", "__lr_mult__": "2.0", "lr_mult": "2.0", "__shape__": "(3, 0)"}


def test_symbolic_forward_returns_mxnets_graph():
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Dense(4, activation="relu", in_units=3), nn.BatchNorm(in_channels=4), nn.Dense(2))
    net.initialize()
    out = net(mx.sym.var("data"))
    assert isinstance(out, mx.sym.Symbol)
    assert out.list_arguments() == ["data", "net_dense0_weight", "net_dense0_bias", "net_batchnorm0_gamma",
                                    "net_batchnorm0_beta", "net_dense1_weight", "net_dense1_bias"]
    assert out.list_auxiliary_states() == ["net_batchnorm0_running_mean", "net_batchnorm0_running_var"]
    assert out.get_internals().list_outputs() == [   # as MXNet 1.9.1 lists them
        "data", "net_dense0_weight", "net_dense0_bias", "net_dense0_fwd_output", "net_dense0_relu_fwd_output",
        "net_batchnorm0_gamma", "net_batchnorm0_beta", "net_batchnorm0_running_mean", "net_batchnorm0_running_var",
        "net_batchnorm0_fwd_output", "net_dense1_weight", "net_dense1_bias", "net_dense1_fwd_output"]
    dense = net[0]
    direct = dense.hybrid_forward(mx.sym, mx.sym.var("x"), weight=dense.weight.var(), bias=dense.bias.var())
    assert direct.list_arguments() == ["x", "net_dense0_weight", "net_dense0_bias"]
    with pytest.raises(ValueError, match="we do not support mixed NDArrays and Symbols"):
        net[0](mx.nd.ones((1, 3)), mx.sym.var("x"))


def test_symbolic_recurrent_layers_and_cells_run_as_symbol_blocks():
    """A graph with begin states made by zeros((L, 0, H)): the batch size comes from the data."""
    x = mx.nd.array(np.random.RandomState(0).standard_normal((5, 2, 4)))
    layer = rnn.LSTM(6, num_layers=2, input_size=4)
    layer.initialize()
    data = mx.sym.var("data")
    block = gluon.SymbolBlock(layer(data), data, params=layer.collect_params())
    np.testing.assert_allclose(block(x).asnumpy(), layer(x).asnumpy(), rtol=1e-5, atol=1e-6)
    out, states = layer(data, [mx.sym.var("h"), mx.sym.var("c")])
    assert out.list_outputs() == [layer.prefix + "rnn0_output"] and len(states) == 2

    cell = rnn.HybridSequentialRNNCell()
    cell.add(rnn.LSTMCell(4, input_size=4))
    cell.add(rnn.GRUCell(3, input_size=4))
    cell.initialize()
    outputs, _ = cell.unroll(5, data, layout="TNC", merge_outputs=True)
    block = gluon.SymbolBlock(outputs, data, params=cell.collect_params())
    expected, _ = cell.unroll(5, x, layout="TNC", merge_outputs=True)
    np.testing.assert_allclose(block(x).asnumpy(), expected.asnumpy(), rtol=1e-5, atol=1e-6)


# ---- SymbolBlock ----------------------------------------------------------------------------------
def test_symbol_block_of_internals_shares_parameters_and_composes():
    model = nn.HybridSequential()
    model.add(nn.Dense(8, activation="tanh", in_units=5), nn.Dropout(0.5), nn.Dense(3))
    model.initialize()
    data = mx.sym.var("data")
    internals = model(data).get_internals()
    block = gluon.SymbolBlock(internals, data, params=model.collect_params())
    x = mx.nd.array(np.random.RandomState(1).standard_normal((4, 5)))
    outs = block(x)
    assert isinstance(outs, list) and len(outs) == len(internals.list_outputs())
    np.testing.assert_allclose(outs[-1].asnumpy(), model(x).asnumpy(), rtol=1e-6)
    assert block.collect_params()[model[0].weight.name] is model[0].weight
    composed = block(mx.sym.var("in"))
    assert len(composed) == len(internals.list_outputs()) and "in" in composed[-1].list_arguments()
    with pytest.raises(AssertionError, match="Invalid input format"):
        block(mx.sym.var("a"), mx.sym.var("b"))


def test_symbol_block_in_a_hybridized_parent_is_differentiable():
    inner = nn.Dense(3, in_units=2, prefix="inner_")
    inner.initialize(mx.init.Constant(0.5))
    data = mx.sym.var("data")
    block = gluon.SymbolBlock(inner(data), data, params=inner.collect_params())

    class Net(nn.HybridBlock):
        def __init__(self, body, **kwargs):
            super().__init__(**kwargs)
            self.body = body

        def hybrid_forward(self, F, x):
            return F.sum(self.body(x) ** 2)

    net = Net(block)
    net.hybridize()
    x = mx.nd.array([[1.0, 2.0]])
    with autograd.record():
        y = net(x)
    y.backward()
    # the bias stays 0 (its own initializer): y = 3 * (0.5 * (x1 + x2))^2; dy/dW_jk = 2 * 1.5 * x_k
    assert y.asscalar() == pytest.approx(6.75)
    np.testing.assert_allclose(inner.weight.grad().asnumpy(), [[3.0, 6.0]] * 3)


def test_symbol_block_errors():
    with pytest.raises(AssertionError, match=r"Input symbols must be variable, but <Symbol _plusscalar\d+> is an "
                                             "output of operators"):
        gluon.SymbolBlock(mx.sym.var("a") * 2, [mx.sym.var("a") + 1])
    data, weight = mx.sym.var("data"), mx.sym.var("weight", stype="row_sparse")
    with pytest.raises(AssertionError, match="SymbolBlock doesn't support Parameter 'weight' because its storage "
                                             "type is 'row_sparse'."):
        gluon.SymbolBlock(mx.sym.dot(data, weight), data)


def test_imports_checks_the_parameter_file(tmp_path):
    net = nn.Dense(3, in_units=2, prefix="d_")
    net.initialize()
    net.hybridize()
    net(mx.nd.ones((1, 2)))
    net.export(str(tmp_path / "d"))
    sym_file = str(tmp_path / "d-symbol.json")
    mx.nd.save(str(tmp_path / "missing.params"), {"arg:d_weight": mx.nd.ones((3, 2))})
    with pytest.raises(AssertionError) as info:
        gluon.SymbolBlock.imports(sym_file, ["data"], str(tmp_path / "missing.params"))
    assert str(info.value) == (
        f"Parameter 'd_bias' is missing in file: {tmp_path / 'missing.params'}, which contains parameters: 'd_weight'. "
        "Please make sure source and target networks have the same prefix.For more info on naming, please see "
        "https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html")
    block = gluon.SymbolBlock.imports(sym_file, ["data"], str(tmp_path / "missing.params"), allow_missing=True)
    assert block.params["d_bias"]._data is None
    # no prefixes (a file of save_params) and one extra array
    mx.nd.save(str(tmp_path / "extra.params"), {"d_weight": mx.nd.ones((3, 2)), "d_bias": mx.nd.ones((3,)),
                                                 "aux:foo": mx.nd.ones(1)})
    with pytest.raises(AssertionError, match="Parameter 'foo' loaded from file: .* is not present in ParameterDict, "
                                             "choices are: 'd_weight', 'd_bias'. Set ignore_extra to True"):
        gluon.SymbolBlock.imports(sym_file, ["data"], str(tmp_path / "extra.params"))
    block = gluon.SymbolBlock.imports(sym_file, ["data"], str(tmp_path / "extra.params"), ignore_extra=True)
    np.testing.assert_array_equal(block(mx.nd.ones((1, 2))).asnumpy(), [[3.0, 3.0, 3.0]])


def test_imports_keeps_the_files_dtypes(tmp_path):
    net = nn.HybridSequential(prefix="n_")
    with net.name_scope():
        net.add(nn.Conv2D(2, 3, in_channels=1), nn.BatchNorm(in_channels=2))
    net.initialize()
    net.cast("float64")
    net.hybridize()
    x = mx.nd.ones((1, 1, 5, 5), dtype="float64")
    y = net(x)
    net.export(str(tmp_path / "n"))
    block = gluon.SymbolBlock.imports(str(tmp_path / "n-symbol.json"), "data", str(tmp_path / "n-0000.params"))
    assert all(np.dtype(p.dtype) == np.float64 for p in block.collect_params().values())
    np.testing.assert_allclose(block(x).asnumpy(), y.asnumpy())
    block.cast("float32")
    assert block(mx.nd.ones((1, 1, 5, 5))).dtype == np.float32


def test_legacy_save_params_loads_into_a_symbol_block(tmp_path):
    net = nn.HybridSequential(prefix="")
    with net.name_scope():
        net.add(nn.Conv2D(3, (3, 3)), nn.Dense(4))
    net.initialize()
    x = mx.nd.ones((1, 1, 6, 6))
    y = net(x)
    sym = net(mx.sym.var("data"))
    with pytest.warns(UserWarning, match="save_params is deprecated"):
        net.save_params(str(tmp_path / "p.params"))
    assert sorted(mx.nd.load(str(tmp_path / "p.params"))) == sorted(net.collect_params().keys())   # full names
    block = gluon.SymbolBlock(outputs=mx.sym.load_json(sym.tojson()), inputs=mx.sym.var("data"))
    with pytest.warns(UserWarning, match="load_params is deprecated"):
        block.load_params(str(tmp_path / "p.params"))
    np.testing.assert_allclose(block(x).asnumpy(), y.asnumpy(), rtol=1e-6)


# ---- files written by mxjax load in MXNet 1.9.1 -------------------------------------------------
MXNET_IMPORTER = """
import sys, numpy as np, mxnet as mx
folder, out = sys.argv[1], sys.argv[2]
got = {}
for name, inputs in (("lenet", ["data"]), ("resnet", ["data"]), ("lstm", ["data0", "data1", "data2"])):
    block = mx.gluon.SymbolBlock.imports(f"{folder}/{name}-symbol.json", inputs, f"{folder}/{name}-0000.params")
    args = [mx.nd.array(np.load(f"{folder}/{name}-x.npy"))]
    if name == "lstm":
        args += [mx.nd.zeros((2, 2, 6)), mx.nd.zeros((2, 2, 6))]
    got[name] = block(*args).asnumpy()
np.savez(out, **got)
"""


@needs_mxnet
def test_mxnet_loads_models_exported_by_mxjax(tmp_path):
    expected = {}
    for name, make in NETS.items():
        net = make()
        net.initialize(mx.init.Xavier())
        net.hybridize()
        x = mx.nd.array(IO[f"{name}/x"])
        with autograd.record():
            net(x)
        expected[name] = net(x).asnumpy()
        net.export(str(tmp_path / name))
        np.save(tmp_path / f"{name}-x.npy", IO[f"{name}/x"])
    out = tmp_path / "mxnet.npz"
    with warnings.catch_warnings():
        subprocess.run([REF_PYTHON, "-c", MXNET_IMPORTER, str(tmp_path), str(out)], check=True,
                       capture_output=True, timeout=300)
    with np.load(out) as got:
        for name, value in expected.items():
            np.testing.assert_allclose(got[name], value, rtol=1e-5, atol=1e-6)
    json.loads((tmp_path / "lstm-symbol.json").read_text())   # well-formed


def test_get_symbol_shows_a_hybridized_block_inlined():
    net = nn.HybridSequential(prefix="g_")
    with net.name_scope():
        net.add(nn.Dense(3, in_units=2), nn.Dense(2, in_units=3))
    net.initialize()
    net.hybridize()
    x = mx.nd.array([[1.0, -2.0]])
    with autograd.record():
        y = net(x) * 2
    sym = autograd.get_symbol(y)
    nodes = json.loads(sym.tojson())["nodes"]
    assert [n["op"] for n in nodes if n["op"] != "null"] == ["FullyConnected", "FullyConnected", "_mul_scalar"]
    assert [n["name"] for n in nodes if n["op"] != "null"] == ["node_0", "node_1", "node_2"]
    values = dict(zip(sym.list_arguments(), [x] + [p.data() for p in net.collect_params().values()]))
    np.testing.assert_allclose(sym.eval(**values)[0].asnumpy(), y.asnumpy(), rtol=1e-6)


def test_symbol_block_parameters_are_deferred_until_the_first_call():
    data = mx.sym.var("data")
    out = mx.sym.BatchNorm(mx.sym.FullyConnected(data, num_hidden=3, name="fc"), name="bn")
    block = gluon.SymbolBlock(out, data)
    assert [p.shape for p in block.collect_params().values()] == [None] * 6
    block.initialize()
    assert block(mx.nd.ones((2, 5))).shape == (2, 3)
    assert [p.shape for p in block.collect_params().values()] == [(3, 5), (3,), (3,), (3,), (3,), (3,)]
    block = gluon.SymbolBlock(out, data)
    block.initialize(mx.init.Xavier())   # applied to every parameter: MXNet's error for the bias
    with pytest.raises(ValueError, match="Xavier initializer cannot be applied to vector fc_bias"):
        block(mx.nd.ones((2, 5)))
