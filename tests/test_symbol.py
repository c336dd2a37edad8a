"""mx.sym: composition, naming, attributes, JSON and inference against MXNet 1.9.1.

Reference values: tests/reference/symbol_reference.json, recorded by
tools/record_symbol_reference.py with MXNet 1.9.1 (the graphs below are built by the same
code there).
"""
import copy
import json
import os
import pickle

import numpy as np
import pytest

import mxjax as mx
from mxjax import nd
from mxjax.base import NotImplementedForSymbol

REF = json.load(open(os.path.join(os.path.dirname(__file__), "reference", "symbol_reference.json")))


def graphs():
    out = {}
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data=data, name="fc1", num_hidden=8)
    act = mx.sym.Activation(fc1, act_type="relu", name="relu1")
    fc2 = mx.sym.FullyConnected(act, name="fc2", num_hidden=3)
    out["mlp"] = mx.sym.SoftmaxOutput(fc2, name="softmax")
    with mx.name.NameManager():
        x = mx.sym.var("x")
        y = mx.sym.FullyConnected((x + 1) * x - 2 / x, num_hidden=4)
        y = mx.sym.BatchNorm(y, fix_gamma=False)
        out["auto_names"] = mx.sym.Group([y, -x, x ** 2, 3 - x, abs(x) % 2, x > 0.5])
    with mx.name.NameManager():
        d = mx.sym.var("d")
        c = mx.sym.Convolution(d, kernel=(3, 3), num_filter=4, pad=(1, 1), name="conv")
        c = mx.sym.BatchNorm(c, name="bn")
        c = mx.sym.Pooling(c, kernel=(2, 2), stride=(2, 2), pool_type="max")
        out["conv"] = mx.sym.FullyConnected(mx.sym.Flatten(c), num_hidden=5, name="fc")
    with mx.name.NameManager():
        v = mx.sym.Variable("v", shape=(2, 3), dtype="float16", init=mx.init.One(), lr_mult=2.0, wd_mult=0.5,
                            attr={"mood": "calm"})
        with mx.AttrScope(__group__="g1"):
            s = mx.sym.SliceChannel(v, num_outputs=3, axis=1, name="slice")
        out["attrs"] = mx.sym.Concat(s[2], s[0], dim=1, name="cat")
    with mx.name.Prefix("net_"):
        a = mx.sym.var("a")
        out["prefix"] = mx.sym.Embedding(a, input_dim=10, output_dim=4) + mx.sym.LayerNorm(mx.sym.var("b"))
    return out


GRAPHS = sorted(REF["graphs"])


@pytest.mark.parametrize("name", GRAPHS)
def test_graph_matches_mxnet(name):
    sym, ref = graphs()[name], REF["graphs"][name]
    assert sym.tojson() == ref["json"]   # byte for byte, MXNet's layout
    assert sym.list_arguments() == ref["arguments"]
    assert sym.list_outputs() == ref["outputs"]
    assert sym.list_auxiliary_states() == ref["aux"]
    assert sym.list_inputs() == ref["inputs"]
    assert sym.get_internals().list_outputs() == ref["internals"]
    assert sym.attr_dict() == ref["attr_dict"]


@pytest.mark.parametrize("name", GRAPHS)
def test_load_json_of_mxnet_file_round_trips(name, tmp_path):
    text = REF["graphs"][name]["json"]
    sym = mx.sym.load_json(text)
    assert sym.tojson() == text
    assert sym.list_arguments() == REF["graphs"][name]["arguments"]
    path = str(tmp_path / "net-symbol.json")
    sym.save(path)
    assert mx.sym.load(path).tojson() == text


@pytest.mark.parametrize("name", sorted(REF["infer_shape"]))
def test_infer_shape(name):
    case = REF["infer_shape"][name]
    arg, out, aux = graphs()[name].infer_shape(**case["kwargs"])
    assert [list(s) for s in arg] == case["arg"]
    assert [list(s) for s in out] == case["out"]
    assert [list(s) for s in aux] == case["aux"]


def test_infer_shape_partial():
    g = graphs()
    case = REF["infer_shape_partial"]["conv"]
    arg, out, aux = g["conv"].infer_shape_partial(d=(0, 3, 8, 8))
    assert [list(s) for s in arg] == case["arg"]
    assert [list(s) for s in out] == case["out"]
    assert [list(s) for s in aux] == case["aux"]
    case = REF["infer_shape_partial"]["mlp_none"]
    arg, out, aux = g["mlp"].infer_shape_partial()
    assert [list(s) for s in arg] == case["arg"] and [list(s) for s in out] == case["out"]
    # incomplete: infer_shape gives (None, None, None), as MXNet
    assert g["conv"].infer_shape(d=(0, 3, 8, 8)) == (None, None, None)


def test_infer_shape_backward_from_output():
    # MXNet 1.9.1: a = (5, 10), c = (5, 21): the FullyConnected output shape gives the batch size
    a = mx.sym.Variable("a", shape=(0, 10))
    c = mx.sym.Variable("c", shape=(5, 0))
    d = mx.sym.FullyConnected(data=a, num_hidden=21) + c
    arg, _, _ = d.infer_shape()
    shapes = dict(zip(d.list_arguments(), arg))
    assert shapes["a"] == (5, 10) and shapes["c"] == (5, 21)
    assert shapes[d.list_arguments()[1]] == (21, 10) and shapes[d.list_arguments()[2]] == (21,)


def test_infer_shape_error_message():
    with pytest.raises(mx.MXNetError) as info:
        graphs()["mlp"].infer_shape(data=(4, 5), fc1_weight=(7, 5))
    assert str(info.value) == REF["infer_error"].split("MXNetError: ", 1)[1]


def test_infer_type():
    arg, out, aux = graphs()["conv"].infer_type(d="float64")
    assert [np.dtype(t).name for t in arg] == REF["infer_type"]["arg"]
    assert [np.dtype(t).name for t in out] == REF["infer_type"]["out"]
    assert [np.dtype(t).name for t in aux] == REF["infer_type"]["aux"]
    # MXNet 1.9.1: a Cast fixes the dtype after it; its unknown input stays unknown
    data = mx.sym.Variable("data")
    net = mx.sym.FullyConnected(mx.sym.Cast(data, dtype="float32"), num_hidden=3, name="fc")
    assert net.infer_type(data=np.float16) == ([np.float16, np.float32, np.float32], [np.float32], [])
    assert net.infer_type_partial() == ([None, np.float32, np.float32], [np.float32], [])
    assert net.infer_type() == (None, None, None)
    # MXNet 1.9.1: an Embedding's weight and output take its dtype attribute, not the indices' dtype
    emb = mx.sym.Embedding(mx.sym.var("i"), input_dim=4, output_dim=3, name="e")
    assert emb.infer_type(i=np.int32) == ([np.int32, np.float32], [np.float32], [])


def test_naming_and_attributes():
    with mx.name.NameManager():
        x = mx.sym.var("x")
        assert mx.sym.sin(x).name == "sin0" and mx.sym.sin(x).name == "sin1"
        assert mx.sym.sin(x, name="mine").name == "mine"
        assert (x + x).name == "_plus0" and (x + 1).name == "_plusscalar0" and (x == 1).name == "_equal_scalar0"
        assert x.abs().name == "abs0" and x.astype("float16").name == "cast0"
    with mx.name.Prefix("p_"):
        assert mx.sym.relu(mx.sym.var("y")).name == "p_relu0"
    fc = mx.sym.FullyConnected(mx.sym.var("d"), num_hidden=2, name="fc", lr_mult=3, attr={"__mood__": "ok"})
    assert fc.attr("lr_mult") == "3" and fc.attr("__lr_mult__") == "3" and fc.attr("mood") is None
    assert fc.list_attr() == {"num_hidden": "2", "__lr_mult__": "3", "lr_mult": "3", "__mood__": "ok"}
    # MXNet copies the operator's attributes onto the variables it creates
    assert fc.get_internals()["fc_weight"].list_attr()["__mood__"] == "ok"


def test_operators_give_their_variable_inputs_an_initializer():
    """As MXNet's FSetInputVarAttrOnCompose: PReLU's gamma starts at 0.25, bilinear
    UpSampling's weight is Bilinear, BatchNorm's moving stats zero and one; a variable
    passed in gets it too unless it has its own (attribute strings recorded from MXNet 1.9.1)."""
    prelu = mx.sym.LeakyReLU(data=mx.sym.var("data"), act_type="prelu", name="p")
    assert prelu.attr_dict()["p_gamma"]["__init__"] == '["Constant", {"value": 0.25}]'
    mod = mx.mod.Module(prelu, label_names=None)
    mod.bind(data_shapes=[("data", (10, 10))])
    mod.init_params()
    assert (mod.get_params()[0]["p_gamma"].asnumpy() == 0.25).all()
    up = mx.sym.UpSampling(mx.sym.var("d"), mx.sym.var("g"), scale=2, sample_type="bilinear", num_filter=1)
    assert up.attr_dict()["g"] == {"__init__": '["bilinear", {}]'}
    own = mx.sym.var("gamma", init=mx.init.One())
    assert mx.sym.LeakyReLU(mx.sym.var("x"), gamma=own, act_type="prelu").attr_dict()["gamma"]["__init__"] == \
        own.attr("__init__")


def test_variable_arguments_and_errors():
    v = mx.sym.var("v", shape=(2, 3), dtype="float16", init=mx.init.One(), lr_mult=2.0, stype="csr")
    # recorded from MXNet 1.9.1
    assert v.list_attr() == {"__storage_type__": "2", "__init__": '["one", {}]', "__dtype__": "2",
                             "__lr_mult__": "2.0", "lr_mult": "2.0", "__shape__": "(2, 3)"}
    with pytest.raises(TypeError):
        mx.sym.var(3)
    with pytest.raises(ValueError, match="must start and end with double underscores"):
        mx.sym.var("x", mood="angry")
    with pytest.raises(ValueError, match="Set Attr only accepts string values"):
        mx.sym.var("x", attr={"__a__": 1})
    with pytest.raises(mx.MXNetError, match="Cannot find argument 'group'"):
        mx.sym.SliceChannel(v, num_outputs=3, group="g")
    with pytest.raises(mx.MXNetError, match="Required parameter num_hidden"):
        mx.sym.FullyConnected(v)
    with pytest.raises(NotImplementedForSymbol):
        bool(v)


def test_composition_children_and_indexing():
    data = mx.sym.Variable("data")
    net1 = mx.sym.FullyConnected(data=data, name="fc1", num_hidden=10)
    net2 = mx.sym.FullyConnected(name="fc2", num_hidden=4)
    assert net2.list_arguments() == ["fc2_data", "fc2_weight", "fc2_bias"]
    composed = net2(fc2_data=net1)
    assert composed.list_arguments() == ["data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"]
    assert net2.list_arguments() == ["fc2_data", "fc2_weight", "fc2_bias"]   # unchanged
    assert composed.infer_shape(data=(2, 7))[1] == [(2, 4)]
    assert composed.get_children().list_outputs() == ["fc1_output", "fc2_weight", "fc2_bias"]
    assert composed.get_children()["fc2_weight"].get_children() is None
    sliced = mx.sym.SliceChannel(data, num_outputs=3, name="s")
    assert len(sliced) == 3 and sliced[1].list_outputs() == ["s_output1"]
    assert [s.list_outputs()[0] for s in sliced] == ["s_output0", "s_output1", "s_output2"]
    assert sliced["s_output2"].list_outputs() == ["s_output2"]
    with pytest.raises(ValueError):
        sliced["nothing"]
    with pytest.raises(IndexError):
        sliced[3]
    group = mx.sym.Group([composed, sliced[0]])
    assert group.list_outputs() == ["fc2_output", "s_output0"] and group.name is None


def test_symbols_and_executors_in_a_new_thread():
    import threading
    result = []

    def run():
        a, b = mx.sym.var("a"), mx.sym.var("b")
        exe = (a + b).bind(mx.cpu(), args={"a": mx.nd.ones((2, 2)), "b": mx.nd.ones((2, 2))})
        result.append(exe.forward()[0].asnumpy())
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    np.testing.assert_array_equal(result[0], np.full((2, 2), 2.0))


def test_pickle_and_copy():
    sym = graphs()["conv"]
    for other in (pickle.loads(pickle.dumps(sym)), copy.deepcopy(sym), copy.copy(sym)):
        assert other.tojson() == sym.tojson()


def test_np_shape_json_flag_and_unknown_dims():
    with mx.util.np_shape(True):
        graph = json.loads(mx.sym.var("x").tojson())
        assert graph["attrs"]["is_np_shape"] == ["int", 1]
        z = mx.sym.dot(mx.sym.var("a"), mx.sym.var("b"))
        assert z.infer_shape_partial(a=(-1, 3, 4), b=(4, 5))[1] == [(-1, 3, 5)]
    assert "is_np_shape" not in json.loads(mx.sym.var("x").tojson())["attrs"]


def test_autograd_get_symbol_is_a_symbol():
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        z = mx.nd.exp(x) * 2 + x
    sym = mx.autograd.get_symbol(z)
    assert isinstance(sym, mx.sym.Symbol)
    assert [n["op"] for n in json.loads(sym.tojson())["nodes"]] == ["null", "exp", "_mul_scalar", "broadcast_add"]
    out = sym.eval(var0=mx.nd.array([1.0, 2.0]))[0]
    np.testing.assert_allclose(out.asnumpy(), np.exp([1.0, 2.0]) * 2 + [1.0, 2.0], rtol=1e-6)


def test_bilinear_upsampling_weight_shape_and_batchnorm_v1_names():
    """Shapes and names recorded from MXNet 1.9.1."""
    up = mx.sym.UpSampling(mx.sym.Variable("data"), mx.sym.Variable("weight"), sample_type="bilinear", scale=2,
                           num_filter=3, num_args=2)
    assert up.infer_shape(data=(1, 3, 4, 4)) == ([(1, 3, 4, 4), (3, 1, 4, 4)], [(1, 3, 8, 8)], [])
    bn = mx.sym.BatchNorm_v1(mx.sym.var("d"), name="bn")
    assert bn.list_arguments() == ["d", "bn_gamma", "bn_beta"]
    assert bn.list_auxiliary_states() == ["bn_moving_mean", "bn_moving_var"]
    assert bn.list_outputs() == ["bn_output"]
    assert bn.infer_shape(d=(2, 3, 4)) == ([(2, 3, 4), (3,), (3,)], [(2, 3, 4)], [(3,), (3,)])


def test_rnn_creates_state_cell_and_infers_parameter_and_state_shapes():
    """Names and shapes recorded from MXNet 1.9.1."""
    lstm = mx.sym.RNN(mode="lstm", num_layers=3, state_outputs=False, state_size=8, name="rnn")
    assert lstm.list_arguments() == ["rnn_data", "rnn_parameters", "rnn_state", "rnn_state_cell"]
    gru = mx.sym.RNN(data=mx.sym.var("x"), state_size=8, num_layers=3, mode="gru", bidirectional=True, name="g")
    assert gru.infer_shape(x=(3, 2, 4)) == ([(3, 2, 4), (3168,), (6, 2, 8)], [(3, 2, 16)], [])
    states = mx.sym.RNN(data=mx.sym.var("x"), state_size=8, num_layers=2, mode="lstm", state_outputs=True, name="r")
    assert states.list_outputs() == ["r_output", "r_state_output", "r_statecell_output"]
    assert states.infer_shape(x=(3, 2, 4)) == ([(3, 2, 4), (1024,), (2, 2, 8), (2, 2, 8)],
                                              [(3, 2, 8), (2, 2, 8), (2, 2, 8)], [])
    ex = states.simple_bind(mx.cpu(), x=(3, 2, 4))
    assert [o.shape for o in ex.forward(is_train=True)] == [(3, 2, 8), (2, 2, 8), (2, 2, 8)]


def test_sparse_namespace_builds_the_same_operators_and_binds_sparse_inputs():
    """``mx.sym.sparse`` holds MXNet's sparse-capable operators; mxjax computes a bound graph
    densely, so a CSR input gives the dense product (storage types of outputs: default)."""
    assert mx.sym.sparse.dot is mx.sym.op.dot and not hasattr(mx.sym.sparse, "Convolution")
    x = mx.sym.var("data", stype="csr")
    w = mx.sym.var("weight", shape=(4, 2), init=mx.init.Constant(2.0), stype="row_sparse")
    mod = mx.mod.Module(mx.sym.sparse.dot(x, w), label_names=None)
    mod.bind(data_shapes=[("data", (3, 4))])
    mod.init_params()
    assert (mod.get_params()[0]["weight"].asnumpy() == 2.0).all()
    dense = np.array([[0, 1, 0, 0], [0, 0, 0, 0], [3, 0, 0, 1]], dtype=np.float32)
    mod.forward(mx.io.DataBatch([mx.nd.array(dense).tostype("csr")]), is_train=False)
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), dense @ np.full((4, 2), 2.0))


def test_cached_op_calls_a_symbol_on_ndarrays_and_records_it():
    """``nd.CachedOp(sym)(*inputs)``: inputs in list_inputs order, ``out=`` written in place,
    differentiable under autograd (d/dw of sum(2 * (x @ w.T + b + 2)) is 2 * column sums of x)."""
    sym = mx.sym.FullyConnected(mx.sym.var("x"), num_hidden=3, name="fc") + 2
    op = nd.CachedOp(sym)
    assert sym.list_inputs() == ["x", "fc_weight", "fc_bias"]
    x, w, b = nd.array(np.arange(8).reshape(2, 4)), nd.ones((3, 4)), nd.zeros((3,))
    expected = np.arange(8).reshape(2, 4) @ np.ones((4, 3)) + 2
    np.testing.assert_allclose(op(x, w, b).asnumpy(), expected)
    out = nd.zeros((2, 3))
    op(x, w, b, out=out)
    np.testing.assert_allclose(out.asnumpy(), expected)
    w.attach_grad()
    with mx.autograd.record():
        y = op(x, w, b) * 2
    y.backward()
    np.testing.assert_allclose(w.grad.asnumpy(), np.tile(2 * np.arange(8).reshape(2, 4).sum(0), (3, 1)))
    with pytest.raises(mx.MXNetError, match="CachedOp expects 3 inputs"):
        op(x, w)


def test_partial_shape_inference_of_slices():
    # recorded from MXNet 1.9.1: an unknown dimension stays unknown through slice / slice_axis
    data = mx.sym.var("data", shape=(0, 20))
    for begin, end, step, expected in (((None, None), (None, 10), (), (0, 10)),
                                       ((None, None), (None, 10), (None, 2), (0, 5)),
                                       ((2, 3), (None, 10), (3, 3), (0, 3))):
        assert mx.sym.slice(data, begin=begin, end=end, step=step).infer_shape_partial()[1][0] == expected
    data = mx.sym.var("data", shape=(10, 0))
    assert mx.sym.slice_axis(data, axis=0, begin=0, end=5).infer_shape_partial()[1][0] == (5, 0)
    assert mx.sym.slice_axis(data, axis=1, begin=0, end=5).infer_shape_partial()[1][0] == (10, 0)
    with mx.np_shape():
        data = mx.sym.var("data", shape=(10, -1))
        assert mx.sym.slice_axis(data, axis=1, begin=0, end=5).infer_shape_partial()[1][0] == (10, -1)


def test_split_v2_and_moments_outputs():
    # names recorded from MXNet 1.9.1
    x = mx.sym.var("x")
    with mx.name.NameManager():
        parts = mx.sym.split_v2(x, 3, axis=1)
        assert parts.list_outputs() == ["_split_v20_output0", "_split_v20_output1", "_split_v20_output2"]
        assert mx.sym.moments(x, axes=(0,)).list_outputs() == ["moments0_output0", "moments0_output1"]
    data = mx.nd.array(np.arange(12).reshape(2, 6))
    assert [p.asnumpy().tolist() for p in parts.eval(x=data)] == [[[0, 1], [6, 7]], [[2, 3], [8, 9]],
                                                                  [[4, 5], [10, 11]]]
    assert [p.shape for p in mx.sym.split_v2(x, (1, 4), axis=1).eval(x=data)] == [(2, 1), (2, 3), (2, 2)]
    with pytest.raises(ValueError):
        mx.sym.split_v2(x, [1, 4])


def test_contrib_ndarray_and_symbol_are_the_contrib_operators():
    assert mx.contrib.ndarray.box_nms is mx.nd.contrib.box_nms
    assert mx.contrib.symbol.box_nms is mx.sym.contrib.box_nms
    assert mx.contrib.nd is mx.contrib.ndarray and mx.contrib.sym is mx.contrib.symbol   # MXNet's aliases


def test_debug_str_is_mxnets_layout():
    """Recorded from MXNet 1.9.1: variables as met depth-first, a dashed line per operator,
    variable inputs with their in-place update count, every attribute (hidden ones too)."""
    x = mx.sym.var("data", shape=(2, 3), lr_mult=2)
    mm, mv = mx.sym.var("mm"), mx.sym.var("mv")
    with mx.AttrScope(ctx_group="dev1"):
        b1 = mx.sym.BatchNorm(x, moving_mean=mm, moving_var=mv, name="b1", fix_gamma=False)
    b2 = mx.sym.BatchNorm(b1, moving_mean=mm, moving_var=mv, name="b2")
    g = mx.sym.Group([b2, x, mx.sym.zeros((2,)), mx.sym.split(x, num_outputs=3)[1]])
    assert g.debug_str() == (
        "Symbol Outputs:\n\toutput[0]=b2(0)\n\toutput[1]=data(0)\n\toutput[2]=_zeros0(0)\n\toutput[3]=split0(1)\n"
        "Variable:data\nVariable:b1_gamma\nVariable:b1_beta\nVariable:mm\nVariable:mv\n--------------------\n"
        "Op:BatchNorm, Name=b1\nInputs:\n\targ[0]=data(0) version=0\n\targ[1]=b1_gamma(0) version=0\n"
        "\targ[2]=b1_beta(0) version=0\n\targ[3]=mm(0) version=1\n\targ[4]=mv(0) version=1\n"
        "Attrs:\n\t__ctx_group__=dev1\n\tfix_gamma=False\nVariable:b2_gamma\nVariable:b2_beta\n"
        "--------------------\nOp:BatchNorm, Name=b2\nInputs:\n\targ[0]=b1(0)\n\targ[1]=b2_gamma(0) version=0\n"
        "\targ[2]=b2_beta(0) version=0\n\targ[3]=mm(0) version=2\n\targ[4]=mv(0) version=2\n"
        "--------------------\nOp:_zeros, Name=_zeros0\nInputs:\nAttrs:\n\tdtype=float32\n\tshape=(2,)\n"
        "--------------------\nOp:SliceChannel, Name=split0\nInputs:\n\targ[0]=data(0) version=0\n"
        "Attrs:\n\tnum_outputs=3\n")
    assert mx.sym.var("q").debug_str() == "Variable:q\n"
    fc = mx.sym.FullyConnected(mx.sym.var("x"), num_hidden=2, lr_mult=3, no_bias=True, name="fc")
    assert fc.debug_str() == (
        "Symbol Outputs:\n\toutput[0]=fc(0)\nVariable:x\nVariable:fc_weight\n--------------------\n"
        "Op:FullyConnected, Name=fc\nInputs:\n\targ[0]=x(0) version=0\n\targ[1]=fc_weight(0) version=0\n"
        "Attrs:\n\t__lr_mult__=3\n\tno_bias=True\n\tnum_hidden=2\n")


def test_storage_operators_in_a_graph():
    """``mx.sym.cast_storage`` and ``mx.sym.sparse.retain`` run in an executor on the dense
    values (MXNet's values); ``dot`` takes MXNet's ``forward_stype``."""
    x = mx.sym.var("x", stype="csr")
    exe = mx.sym.cast_storage(x, stype="default").bind(mx.cpu(), {"x": nd.array([[0, 2], [3, 0]])})
    np.testing.assert_array_equal(exe.forward()[0].asnumpy(), [[0, 2], [3, 0]])
    kept = mx.sym.sparse.retain(data=mx.sym.var("data"), indices=mx.sym.var("indices"))
    assert kept.name.startswith("retain")   # MXNet 1.9.1: retain0
    exe = kept.bind(mx.cpu(), {"data": nd.ones((3, 2)), "indices": nd.array([0, 2])},
                    args_grad={"data": nd.zeros((3, 2)), "indices": nd.zeros((2,))})
    exe.forward(is_train=True)
    np.testing.assert_array_equal(exe.outputs[0].asnumpy(), [[1, 1], [0, 0], [1, 1]])
    exe.backward(nd.full((3, 2), 2.0))
    np.testing.assert_array_equal(exe.grad_dict["data"].asnumpy(), [[2, 2], [0, 0], [2, 2]])
    assert mx.nd.cast_storage(nd.ones((2, 2)), stype="csr").stype == "csr"   # nd keeps its sparse version
    d = mx.sym.dot(mx.sym.var("a"), mx.sym.var("b"), forward_stype="default")
    out = d.bind(mx.cpu(), {"a": nd.ones((2, 3)), "b": nd.ones((3, 1))}).forward()[0]
    np.testing.assert_array_equal(out.asnumpy(), [[3], [3]])


def test_gen_atomic_symbol():
    """Recorded from MXNet 1.9.1: the head's operator and parameters, no inputs, no name."""
    data = mx.sym.Variable("data")
    s = mx.sym.RNN(data, mx.sym.Variable("param"), mx.sym.Variable("h0"), mx.sym.Variable("h1"), state_size=10,
                   num_layers=2, bidirectional=True, state_outputs=True, mode="lstm", name="rnn")
    atomic = s._gen_atomic_symbol()
    assert atomic.list_arguments() == []
    assert atomic.list_outputs() == ["output", "state_output", "statecell_output"]
    assert atomic.attr_dict() == {"": {"state_outputs": "True", "mode": "lstm", "bidirectional": "True",
                                       "num_layers": "2", "state_size": "10"}}
    assert json.loads(atomic.tojson())["heads"] == [[0, 0, 0], [0, 1, 0], [0, 2, 0]]
    fc = mx.sym.FullyConnected(data, num_hidden=3, name="fc", attr={"__lr_mult__": "2"})._gen_atomic_symbol()
    assert (fc.list_outputs(), fc.list_attr()) == (["output"], {"num_hidden": "3"})
    with pytest.raises(mx.MXNetError):
        data._gen_atomic_symbol()
