"""``mx.rnn`` FusedRNNCell, BidirectionalCell, ResidualCell: names and layouts recorded from
MXNet 1.9.1, and the fused cell's numbers against the same network unfused (step cells)."""
import numpy as np
import pytest

import mxjax as mx

CELLS = {"lstm": mx.rnn.LSTMCell, "gru": mx.rnn.GRUCell,
         "rnn_tanh": lambda h, prefix: mx.rnn.RNNCell(h, activation="tanh", prefix=prefix),
         "rnn_relu": lambda h, prefix: mx.rnn.RNNCell(h, activation="relu", prefix=prefix)}


def test_fused_names_and_shapes_are_mxnets():
    fused = mx.rnn.FusedRNNCell(3, num_layers=2, mode="lstm", bidirectional=True, get_next_state=True,
                                prefix="f_")
    out, states = fused.unroll(2, mx.sym.Variable("data"), layout="TNC", merge_outputs=True)
    group = mx.sym.Group([out] + states)
    assert group.list_arguments() == ["data", "f_parameters"]
    assert group.list_outputs() == ["f_rnn_output", "f_rnn_state_output", "f_rnn_statecell_output"]
    assert group.infer_shape(data=(2, 4, 5)) == ([(2, 4, 5), (504,)], [(2, 4, 6), (4, 4, 3), (4, 4, 3)], [])
    unfused, _ = fused.unfuse().unroll(2, mx.sym.Variable("data"), layout="TNC", merge_outputs=True)
    assert unfused.list_outputs() == ["f_bi_l1_out_output"]
    assert unfused.list_arguments()[:5] == ["data", "f_l0_i2h_weight", "f_l0_i2h_bias", "f_l0_h2h_weight",
                                            "f_l0_h2h_bias"]


def test_unpack_weights_layout():
    fused = mx.rnn.FusedRNNCell(3, num_layers=2, mode="lstm", bidirectional=True, prefix="f_")
    args = fused.unpack_weights({"f_parameters": mx.nd.arange(504)})
    assert len(args) == 2 * 2 * 2 * 4 * 2
    np.testing.assert_array_equal(args["f_r1_h2h_o_bias"].asnumpy(), [501, 502, 503])
    assert args["f_l0_i2h_f_weight"].shape == (3, 5)
    assert args["f_l1_i2h_f_weight"].shape == (3, 6)
    np.testing.assert_array_equal(args["f_l0_i2h_f_weight"].asnumpy().ravel(), np.arange(15, 30))
    packed = fused.pack_weights(args)
    np.testing.assert_array_equal(packed["f_parameters"].asnumpy(), np.arange(504))


def test_fused_rnn_initializer_sets_forget_bias():
    arr = mx.nd.zeros((504,))
    desc = mx.init.InitDesc("parameters", attrs={"__init__": mx.init.FusedRNN(None, 3, 2, "lstm", True).dumps()})
    mx.init.One()(desc, arr)
    values = arr.asnumpy()
    # recorded from MXNet 1.9.1: weights from the global initializer, biases 0, forget biases 1
    np.testing.assert_array_equal(values[:10], np.ones(10))
    np.testing.assert_array_equal(values[-30:], [0] * 9 + [1] * 3 + [0] * 9 + [1] * 3 + [0] * 6)


def _check_consistency(fused, stack, grad_req, T=3, N=2, I=5):
    data = mx.sym.Variable("data")
    mods = []
    for cell in (fused, stack):
        out, _ = cell.unroll(T, data, layout="NTC", merge_outputs=True)
        mod = mx.mod.Module(out, label_names=None)
        mod.bind(data_shapes=[("data", (N, T, I))], inputs_need_grad=True, grad_req=grad_req)
        mods.append(mod)
    mods[0].init_params()
    args, auxs = mods[0].get_params()
    mods[1].set_params(stack.pack_weights(fused.unpack_weights(args)), auxs)
    batch = mx.io.DataBatch(data=[mx.nd.random.uniform(shape=(N, T, I))])
    for mod in mods:
        mod.forward(batch, is_train=True)
    out0, out1 = (m.get_outputs()[0].asnumpy() for m in mods)
    np.testing.assert_allclose(out0, out1, rtol=1e-5, atol=1e-6)
    dy = mx.nd.random.uniform(shape=out0.shape)
    for mod in mods:
        mod.backward(out_grads=[dy])
    g0, g1 = (m.get_input_grads()[0] for m in mods)
    if grad_req == "null":
        assert g0 is None and g1 is None
    else:
        np.testing.assert_allclose(g0.asnumpy(), g1.asnumpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.filterwarnings("ignore:NTC layout")
@pytest.mark.parametrize("mode", sorted(CELLS))
def test_fused_matches_stacked_cells(mode):
    fused = mx.rnn.FusedRNNCell(4, num_layers=2, mode=mode, get_next_state=True, prefix="")
    stack = mx.rnn.SequentialRNNCell()
    for i in range(2):
        stack.add(CELLS[mode](4, prefix=f"l{i}_"))
    _check_consistency(fused, stack, "write")


@pytest.mark.filterwarnings("ignore:NTC layout")
@pytest.mark.parametrize("mode", ["lstm", "gru"])
def test_fused_bidirectional_matches_bidirectional_cells(mode):
    fused = mx.rnn.FusedRNNCell(4, num_layers=2, mode=mode, bidirectional=True, get_next_state=True, prefix="")
    stack = mx.rnn.SequentialRNNCell()
    for i in range(2):
        stack.add(mx.rnn.BidirectionalCell(CELLS[mode](4, prefix=f"l{i}_"), CELLS[mode](4, prefix=f"r{i}_"),
                                           output_prefix=f"bi_{i}_"))
    _check_consistency(fused, stack, {"data": "add", "parameters": "null"})
    _check_consistency(fused, stack, "null")


def test_fused_cell_cannot_be_stepped():
    with pytest.raises(NotImplementedError):
        mx.rnn.FusedRNNCell(3)(mx.sym.Variable("x"), [])


def test_residual_cell_names():
    cell = mx.rnn.ResidualCell(mx.rnn.GRUCell(5, prefix="g_"))
    outputs, _ = cell.unroll(2, mx.sym.Variable("data"), merge_outputs=False)
    assert [o.name for o in outputs] == ["g_t0_out_plus_residual", "g_t1_out_plus_residual"]


def test_unknown_initialization_pattern_is_value_error():
    with pytest.raises(ValueError, match="Unknown initialization pattern for parameters"):
        mx.init.Uniform()(mx.init.InitDesc("parameters"), mx.nd.zeros((3,)))
