"""gluon.rnn: fused layers and cells against numbers recorded from MXNet 1.9.1.

The reference file tests/reference/data/gluon/rnn_cases.npz is written by
tools/record_mxnet_rnn.py (run in the MXNet 1.9.1 venv); the same ``run_case`` runs here on
mxjax: fixed weights and inputs from a numpy RandomState, outputs, final states and the
gradients of a fixed weighted sum with respect to inputs, begin states and parameters.
"""
import importlib.util
import os

import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, gluon, nd

_ROOT = os.path.join(os.path.dirname(__file__), "..")
_spec = importlib.util.spec_from_file_location("record_mxnet_rnn",
                                               os.path.join(_ROOT, "tools", "record_mxnet_rnn.py"))
rec = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rec)
REF = np.load(os.path.join(_ROOT, "tests", "reference", "data", "gluon", "rnn_cases.npz"))
LAYER_CASES = [c for c in rec.CASES if c[1] == "layer"]
CELL_CASES = [c for c in rec.CASES if c[1] == "cell"]


def _check_against_reference(case, got):
    name = case[0]
    expected_keys = {k.split("/", 1)[1] for k in REF.files if k.startswith(name + "/")}
    assert set(got) == expected_keys
    for key, value in got.items():
        ref = REF[f"{name}/{key}"]
        if ref.dtype.kind in "US":
            assert list(value) == list(ref), key
        else:
            assert value.shape == ref.shape, key
            np.testing.assert_allclose(value, ref, rtol=1e-4, atol=1e-5, err_msg=f"{name}: {key}")


_HYBRID = {"lstm_ntc_2l_bi", "gru_tnc_bi", "lstm_deferred"}   # compiling costs seconds: a subset


@pytest.mark.parametrize("case, hybridize", [(c, False) for c in LAYER_CASES] +
                         [(c, True) for c in LAYER_CASES if c[0] in _HYBRID],
                         ids=[c[0] for c in LAYER_CASES] + [c[0] + "-hybridized" for c in LAYER_CASES
                                                            if c[0] in _HYBRID])
def test_layer_matches_mxnet(case, hybridize):
    """Outputs, final states, parameter names/shapes and all gradients; recorded from MXNet 1.9.1."""
    _check_against_reference(case, rec.run_case(mx, case, hybridize=hybridize))


@pytest.mark.parametrize("case", CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_cell_unroll_matches_mxnet(case):
    _check_against_reference(case, rec.run_case(mx, case))


def _copy_layer_weights_to_cells(layer, cells, bidirectional):
    for i, cell in enumerate(cells):
        pairs = [("l", cell)] if not bidirectional else [("l", cell._children["l_cell"]),
                                                         ("r", cell._children["r_cell"])]
        for d, c in pairs:
            for g in ("i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"):
                getattr(c, g).set_data(getattr(layer, f"{d}{i}_{g}").data())


@pytest.mark.parametrize("mode, bidirectional", [("lstm", True), ("gru", False), ("rnn_relu", False)])
def test_cells_unroll_equal_fused_layer(mode, bidirectional):
    T, N, C, H = 3, 2, 3, 4
    rs = np.random.RandomState(1)
    make_layer = {"lstm": lambda: gluon.rnn.LSTM(H, 2, bidirectional=bidirectional, input_size=C),
                  "gru": lambda: gluon.rnn.GRU(H, 2, bidirectional=bidirectional, input_size=C),
                  "rnn_tanh": lambda: gluon.rnn.RNN(H, 2, "tanh", bidirectional=bidirectional, input_size=C),
                  "rnn_relu": lambda: gluon.rnn.RNN(H, 2, "relu", bidirectional=bidirectional, input_size=C)}
    make_cell = {"lstm": lambda ni: gluon.rnn.LSTMCell(H, input_size=ni),
                 "gru": lambda ni: gluon.rnn.GRUCell(H, input_size=ni),
                 "rnn_tanh": lambda ni: gluon.rnn.RNNCell(H, "tanh", input_size=ni),
                 "rnn_relu": lambda ni: gluon.rnn.RNNCell(H, "relu", input_size=ni)}
    layer = make_layer[mode]()
    layer.initialize(mx.init.Uniform(0.5))
    dirs = 2 if bidirectional else 1
    stack = gluon.rnn.SequentialRNNCell()
    cells = []
    for i in range(2):
        ni = C if i == 0 else H * dirs
        cell = (gluon.rnn.BidirectionalCell(make_cell[mode](ni), make_cell[mode](ni)) if bidirectional
                else make_cell[mode](ni))
        cells.append(cell)
    stack.initialize()
    for c in cells:
        c.initialize()
    _copy_layer_weights_to_cells(layer, cells, bidirectional)
    x = nd.array(rs.uniform(-1, 1, (T, N, C)))
    expected = layer(x).asnumpy()
    h = x
    for c in cells:
        h, _ = c.unroll(T, h, layout="TNC", merge_outputs=True)
    np.testing.assert_allclose(h.asnumpy(), expected, rtol=1e-5, atol=1e-6)


def test_tnc_equals_ntc():
    rs = np.random.RandomState(2)
    a = gluon.rnn.LSTM(4, 2, layout="TNC", input_size=3)
    b = gluon.rnn.LSTM(4, 2, layout="NTC", input_size=3)
    a.initialize(mx.init.Uniform(0.5))
    b.initialize()
    for pa, pb in zip(a.collect_params().values(), b.collect_params().values()):
        pb.set_data(pa.data())
    x = rs.uniform(-1, 1, (5, 2, 3))
    out_a, (h_a, c_a) = a(nd.array(x), a.begin_state(2))
    out_b, (h_b, c_b) = b(nd.array(x.transpose(1, 0, 2)), b.begin_state(2))
    np.testing.assert_allclose(out_b.asnumpy().transpose(1, 0, 2), out_a.asnumpy(), rtol=1e-6)
    np.testing.assert_allclose(h_b.asnumpy(), h_a.asnumpy(), rtol=1e-6)
    np.testing.assert_allclose(c_b.asnumpy(), c_a.asnumpy(), rtol=1e-6)


def test_parameter_names_shapes_and_deferred_init():
    with mx.name.NameManager():
        layer = gluon.rnn.GRU(5, num_layers=2, bidirectional=True)
    params = layer.collect_params()
    assert list(params.keys())[:5] == ["gru0_l0_i2h_weight", "gru0_l0_h2h_weight", "gru0_l0_i2h_bias",
                                       "gru0_l0_h2h_bias", "gru0_r0_i2h_weight"]
    assert params["gru0_l0_i2h_weight"].shape == (15, 0)      # deferred input size shows as 0
    assert params["gru0_l1_i2h_weight"].shape == (15, 10)
    layer.initialize()
    layer(nd.ones((3, 2, 7)))
    assert params["gru0_l0_i2h_weight"].shape == (15, 7)
    assert params["gru0_r0_i2h_weight"].shape == (15, 7)
    # MXNet 1.9.1 saves fused layers under their unfused cells' names
    assert sorted(layer._collect_params_with_prefix())[:2] == ["_unfused.0.l_cell.h2h_bias",
                                                               "_unfused.0.l_cell.h2h_weight"]
    assert sorted(gluon.rnn.GRU(5)._collect_params_with_prefix())[:2] == ["_unfused.0.h2h_bias",
                                                                          "_unfused.0.h2h_weight"]


def test_reprs_recorded_from_mxnet():
    assert repr(gluon.rnn.LSTM(5, num_layers=2, bidirectional=True, dropout=0.3, layout="NTC")) == \
        "LSTM(None -> 5, NTC, num_layers=2, dropout=0.3, bidirectional)"
    assert repr(gluon.rnn.GRU(5)) == "GRU(None -> 5, TNC)"
    assert repr(gluon.rnn.RNNCell(3)) == "RNNCell(None -> 3, tanh)"
    assert repr(gluon.rnn.GRUCell(3, input_size=2)) == "GRUCell(2 -> 9)"
    seq = gluon.rnn.SequentialRNNCell()
    seq.add(gluon.rnn.LSTMCell(3))
    seq.add(gluon.rnn.DropoutCell(0.5))
    assert repr(seq) == "SequentialRNNCell(\n(0): LSTMCell(None -> 12)\n(1): DropoutCell(rate=0.5, axes=())\n)"
    assert seq.state_info(2) == [{"shape": (2, 3), "__layout__": "NC"}, {"shape": (2, 3), "__layout__": "NC"}]
    assert repr(gluon.rnn.ResidualCell(gluon.rnn.GRUCell(3))) == "ResidualCell(GRUCell(None -> 9))"


def test_begin_state_and_state_errors():
    layer = gluon.rnn.GRU(5, input_size=4)
    layer.initialize()
    (s,) = layer.begin_state(2)
    assert s.shape == (1, 2, 5) and s.dtype == np.float32
    (s,) = layer.begin_state(2, func=nd.ones)
    assert s.asnumpy().sum() == 10.0
    with pytest.raises(ValueError, match=r"Invalid recurrent state shape. Expecting \(1, 2, 5\), got \(1, 3, 5\)."):
        layer(nd.ones((3, 2, 4)), nd.zeros((1, 3, 5)))
    out, states = layer(nd.ones((3, 2, 4)), nd.zeros((1, 2, 5)))   # a single state array is accepted
    assert out.shape == (3, 2, 5) and isinstance(states, list) and states[0].shape == (1, 2, 5)
    cell = gluon.rnn.LSTMCell(3)
    h, c = cell.begin_state(batch_size=4)
    assert h.shape == c.shape == (4, 3)


def test_dropout_between_layers_only_in_training():
    rs = np.random.RandomState(3)
    x = nd.array(rs.uniform(-1, 1, (4, 2, 3)))
    a = gluon.rnn.RNN(6, 2, dropout=0.5, input_size=3)
    b = gluon.rnn.RNN(6, 2, input_size=3)
    a.initialize(mx.init.Uniform(0.5))
    b.initialize()
    for pa, pb in zip(a.collect_params().values(), b.collect_params().values()):
        pb.set_data(pa.data())
    np.testing.assert_allclose(a(x).asnumpy(), b(x).asnumpy(), rtol=1e-6)   # predict mode: no dropout
    with autograd.record():
        dropped = a(x)
    assert not np.allclose(dropped.asnumpy(), b(x).asnumpy())
    one = gluon.rnn.RNN(6, 1, dropout=0.5, input_size=3)    # a single layer has no dropout at all
    one.initialize()
    with autograd.record():
        y1 = one(x)
    np.testing.assert_allclose(y1.asnumpy(), one(x).asnumpy(), rtol=1e-6)


def test_hybridized_training_step_and_second_order_gradient():
    rs = np.random.RandomState(4)
    layer = gluon.rnn.RNN(4, activation="tanh", input_size=3)
    layer.initialize(mx.init.Uniform(0.5))
    layer.hybridize()
    trainer = gluon.Trainer(layer.collect_params(), "sgd", {"learning_rate": 0.01})
    x = nd.array(rs.uniform(-1, 1, (5, 2, 3)))
    losses = []
    for _ in range(3):
        with autograd.record():
            loss = (layer(x) ** 2).sum()
        loss.backward()
        trainer.step(1)
        losses.append(loss.asscalar())
    assert losses[2] < losses[1] < losses[0]
    # d/dx of |d loss / dx|^2: the fused recurrence is differentiable twice (MXNet's is not)
    x.attach_grad()
    with autograd.record():
        loss = (layer(x) ** 2).sum()
        (gx,) = autograd.grad(loss, [x], create_graph=True)
        penalty = (gx ** 2).sum()
    penalty.backward()
    g = x.grad.asnumpy()
    eps, idx = 1e-2, (1, 0, 2)

    def penalty_at(xv):
        xx = nd.array(xv)
        xx.attach_grad()
        with autograd.record():
            ll = (layer(xx) ** 2).sum()
        ll.backward()
        return float((xx.grad.asnumpy().astype(np.float64) ** 2).sum())
    xp, xm = x.asnumpy().astype(np.float64), x.asnumpy().astype(np.float64)
    xp[idx] += eps
    xm[idx] -= eps
    np.testing.assert_allclose(g[idx], (penalty_at(xp) - penalty_at(xm)) / (2 * eps), rtol=2e-2, atol=1e-3)


# ---- valid_length, ZoneoutCell (values recorded from MXNet 1.9.1, Constant(0.1) weights) -------------

_X_VL = np.arange(24).reshape(2, 4, 3) / 10.0


def test_unroll_valid_length_matches_mxnet():
    x, vl = nd.array(_X_VL), nd.array([1, 3])
    cell = gluon.rnn.LSTMCell(2, input_size=3)
    cell.initialize(mx.init.Constant(0.1))
    out, states = cell.unroll(4, x, valid_length=vl, merge_outputs=True, layout="NTC")
    np.testing.assert_allclose(out.asnumpy()[:, :, 0], [[0.007724, 0, 0, 0], [0.129922, 0.252538, 0.366435, 0]],
                               atol=1e-6)
    np.testing.assert_allclose(states[0].asnumpy()[:, 0], [0.007724, 0.366435], atol=1e-6)
    np.testing.assert_allclose(states[1].asnumpy()[:, 0], [0.01522, 0.637883], atol=1e-6)
    bi = gluon.rnn.BidirectionalCell(gluon.rnn.GRUCell(2, input_size=3), gluon.rnn.GRUCell(2, input_size=3))
    bi.initialize(mx.init.Constant(0.1))
    out, states = bi.unroll(4, x, valid_length=vl, merge_outputs=True, layout="NTC")
    np.testing.assert_allclose(out.asnumpy()[1, :, 1:3], [[0.149925, 0.333587], [0.266685, 0.29021],
                                                          [0.362218, 0.186167], [0, 0]], atol=1e-6)
    np.testing.assert_allclose(out.asnumpy()[0, :, 0], [0.014771, 0, 0, 0], atol=1e-6)
    np.testing.assert_allclose([s.asnumpy()[:, 0] for s in states], [[0.014771, 0.362218], [0.014771, 0.333587]],
                               atol=1e-6)


def test_hybridized_block_returns_nested_outputs():
    class BiLSTM(gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.bi = gluon.rnn.BidirectionalCell(gluon.rnn.LSTMCell(4), gluon.rnn.LSTMCell(4))

        def hybrid_forward(self, F, x, valid_len):
            return self.bi.unroll(3, x, valid_length=valid_len, layout="NTC", merge_outputs=True)
    net = BiLSTM()
    net.initialize()
    x, vl = nd.ones((2, 3, 5)), nd.array([3, 2])
    expected_out, expected_states = net(x, vl)
    net.hybridize()
    out, states = net(x, vl)
    assert out.shape == (2, 3, 8) and isinstance(states, list) and len(states) == 4
    np.testing.assert_allclose(out.asnumpy(), expected_out.asnumpy(), rtol=1e-5, atol=1e-6)
    for s, e in zip(states, expected_states):
        np.testing.assert_allclose(s.asnumpy(), e.asnumpy(), rtol=1e-5, atol=1e-6)


def test_zoneout_cell():
    z = gluon.rnn.ZoneoutCell(gluon.rnn.RNNCell(2, input_size=3), zoneout_outputs=0.5, zoneout_states=0.5)
    z.initialize(mx.init.Constant(0.1))
    assert repr(z) == "ZoneoutCell(p_out=0.5, p_state=0.5, RNNCell(3 -> 2, tanh))"
    out, _ = z.unroll(4, nd.array(_X_VL), merge_outputs=True)   # predicting: the base cell's values
    np.testing.assert_allclose(out.asnumpy()[:, :, 0], [[0.029991, 0.125336, 0.230831, 0.332971],
                                                        [0.37136, 0.503715, 0.585468, 0.651035]], atol=1e-6)
    with pytest.raises(AssertionError, match="BidirectionalCell"):
        gluon.rnn.ZoneoutCell(gluon.rnn.BidirectionalCell(gluon.rnn.RNNCell(2), gluon.rnn.RNNCell(2)))


def test_unfuse_shares_parameters_and_matches_mxnet():
    x = nd.array(np.arange(12).reshape(3, 2, 2) / 10.)
    layer = gluon.rnn.GRU(3, num_layers=2, bidirectional=True)
    cells = layer._unfuse()
    layer.initialize(mx.init.Constant(0.1))
    assert type(cells).__name__ == "HybridSequentialRNNCell" and type(cells[0]).__name__ == "BidirectionalCell"
    assert list(cells.collect_params().keys()) == list(layer.collect_params().keys())
    out = cells.unroll(3, x, layout="TNC", merge_outputs=True)[0].asnumpy()[:, 0]
    np.testing.assert_allclose(out[:, [0, 3]], [[0.009172, 0.02964], [0.025108, 0.03524], [0.041221, 0.026505]],
                               atol=1e-6)
    np.testing.assert_allclose(layer(x).asnumpy()[:, 0], out, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("bidirectional", [False, True])
def test_projected_lstm_equals_stacked_lstmp_cells_with_gradients(bidirectional):
    """MXNet 1.9.1 has no CPU backward for a projection; its forward is in the recorded cases,
    LSTMPCell's forward and gradients too, and the fused layer must equal the stacked cells."""
    rs = np.random.RandomState(5)
    x = nd.array(rs.uniform(-1, 1, (4, 3, 5)))
    layer = gluon.rnn.LSTM(6, num_layers=2, projection_size=3, bidirectional=bidirectional, input_size=5,
                           prefix="lstm0_")
    stack = gluon.rnn.HybridSequentialRNNCell(prefix="lstm0_")
    with stack.name_scope():
        for i in range(2):
            ni = 5 if i == 0 else 3 * (1 + bidirectional)
            make = lambda d: gluon.contrib.rnn.LSTMPCell(6, 3, input_size=ni, prefix=f"{d}{i}_")  # noqa: E731
            stack.add(gluon.rnn.BidirectionalCell(make("l"), make("r")) if bidirectional else make("l"))
    layer.initialize()
    stack.initialize()
    assert layer.begin_state(3)[0].shape == (2 * (1 + bidirectional), 3, 3)     # h is P wide, c is H wide
    assert layer.begin_state(3)[1].shape == (2 * (1 + bidirectional), 3, 6)
    stack_params = stack.collect_params()
    assert sorted(stack_params.keys()) == sorted(layer.collect_params().keys())
    for name, p in layer.collect_params().items():
        p.set_data(nd.array(rs.uniform(-0.5, 0.5, p.shape)))
        stack_params[name].set_data(p.data())
    head = nd.array(rs.uniform(-1, 1, (4, 3, 3 * (1 + bidirectional))))
    grads = []
    for net, run in ((layer, lambda: layer(x)), (stack, lambda: stack.unroll(4, x, layout="TNC", merge_outputs=True)[0])):
        with autograd.record():
            out = run()
            loss = (out * head).sum()
        loss.backward()
        grads.append((out.asnumpy(), {k: p.grad().asnumpy() for k, p in net.collect_params().items()}))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-5, atol=1e-6)
    for name, g in grads[0][1].items():
        np.testing.assert_allclose(g, grads[1][1][name], rtol=1e-4, atol=1e-5, err_msg=name)


@pytest.mark.parametrize("mode", ["lstm", "gru"])
def test_use_sequence_length_equals_runs_on_truncated_sequences(mode):
    """Each sequence's outputs and final states are those of a run on its valid steps only; the
    reverse direction starts at its last valid step, outputs past it are zeros and the steps past
    it get no gradient (cuDNN's semantics; MXNet 1.9.1's CPU kernel ignores the lengths)."""
    rs = np.random.RandomState(6)
    make = {"lstm": gluon.rnn.LSTM, "gru": gluon.rnn.GRU}[mode]
    layer = make(4, bidirectional=True, use_sequence_length=True, input_size=3)
    plain = make(4, bidirectional=True, input_size=3)
    layer.initialize(mx.init.Uniform(0.5))
    plain.initialize()
    for a, b in zip(layer.collect_params().values(), plain.collect_params().values()):
        b.set_data(a.data())
    lengths = [5, 2, 1]
    x = nd.array(rs.uniform(-1, 1, (5, 3, 3)))
    x.attach_grad()
    with autograd.record():
        out, states = layer(x, layer.begin_state(3), nd.array(lengths))
        out.sum().backward()
    for n, length in enumerate(lengths):
        ref_out, ref_states = plain(x[:length, n:n + 1], plain.begin_state(1))
        np.testing.assert_allclose(out.asnumpy()[:length, n], ref_out.asnumpy()[:, 0], rtol=1e-5, atol=1e-6)
        assert not out.asnumpy()[length:, n].any()
        assert not x.grad.asnumpy()[length:, n].any() and x.grad.asnumpy()[:length, n].all()
        for s, r in zip(states, ref_states):
            np.testing.assert_allclose(s.asnumpy()[:, n], r.asnumpy()[:, 0], rtol=1e-5, atol=1e-6)


def test_lstm_state_clipping_bounds_the_cell_state():
    rs = np.random.RandomState(7)
    x = nd.array(rs.uniform(-3, 3, (6, 2, 3)))
    clipped = gluon.rnn.LSTM(4, input_size=3, state_clip_min=-0.2, state_clip_max=0.3)
    free = gluon.rnn.LSTM(4, input_size=3)
    clipped.initialize(mx.init.Uniform(1.0))
    free.initialize()
    for a, b in zip(clipped.collect_params().values(), free.collect_params().values()):
        b.set_data(a.data())
    _, (h, c) = clipped(x, clipped.begin_state(2))
    _, (_, c_free) = free(x, free.begin_state(2))
    assert c.asnumpy().min() >= -0.2 and c.asnumpy().max() <= 0.3
    assert c_free.asnumpy().min() < -0.2 or c_free.asnumpy().max() > 0.3


def test_variational_dropout_keeps_one_mask_per_sequence():
    x = nd.ones((2, 6, 8))
    cell = gluon.contrib.rnn.VariationalDropoutCell(gluon.rnn.RNNCell(8, input_size=8), drop_outputs=0.5)
    cell.initialize(mx.init.Constant(0.1))     # every output of the base cell is positive
    assert repr(cell) == "VariationalDropoutCell(p_out = 0.5, p_state = 0.0)"
    with autograd.record():
        out, _ = cell.unroll(6, x, layout="NTC", merge_outputs=True)
    dropped = out.asnumpy() == 0
    assert dropped.any() and not dropped.all()
    assert (dropped == dropped[:, :1]).all()       # the same units dropped at every step
    with autograd.predict_mode():
        assert (cell.unroll(6, x, layout="NTC", merge_outputs=True)[0].asnumpy() > 0).all()
    stepped = gluon.contrib.rnn.VariationalDropoutCell(gluon.rnn.RNNCell(8, input_size=8), drop_inputs=0.5)
    stepped.initialize()
    masks = []
    with autograd.record():
        for _ in range(3):          # stepped by hand: one input mask until reset()
            stepped(x[:, 0], stepped.begin_state(batch_size=2))
            masks.append(stepped.drop_inputs_mask.asnumpy())
    assert all((m == masks[0]).all() for m in masks) and set(np.unique(masks[0])) == {0.0, 2.0}
    stepped.reset()
    assert stepped.drop_inputs_mask is None


def test_conv_cells_checks_deferred_channels_and_repr():
    """As MXNet 1.9.1 (checked there): the asserts on the convolution settings, 0 input channels
    taken from the first input, MXNet's repr and state_info."""
    rnn = gluon.contrib.rnn
    with pytest.raises(AssertionError, match="Only support odd number, get h2h_kernel= 2"):
        rnn.Conv2DLSTMCell((3, 8, 8), 4, 3, 2)
    with pytest.raises(AssertionError, match="For 2D convolution, the convolution settings can only be either int "
                                             "or list/tuple of length 2"):
        rnn.Conv2DLSTMCell((3, 8, 8), 4, (3, 3, 3), 3)
    cell = rnn.Conv2DGRUCell((0, 6, 6), 2, 3, 3, prefix="g_")
    assert repr(cell) == "Conv2DGRUCell(None -> 6, tanh, NCHW)"
    assert [(k, p.shape) for k, p in cell.collect_params().items()] == [
        ("g_i2h_weight", (6, 0, 3, 3)), ("g_h2h_weight", (6, 2, 3, 3)), ("g_i2h_bias", (6,)), ("g_h2h_bias", (6,))]
    cell.initialize()
    out, _ = cell(nd.ones((2, 3, 6, 6)), cell.begin_state(2))
    assert out.shape == (2, 2, 4, 4) and cell.i2h_weight.shape == (6, 3, 3, 3)
    assert repr(cell) == "Conv2DGRUCell(3 -> 6, tanh, NCHW)"
    assert rnn.Conv1DLSTMCell((4, 10), 3, 3, 3).state_info(5) == [{"shape": (5, 3, 8), "__layout__": "NCW"}] * 2
    assert repr(rnn.Conv3DRNNCell((2, 4, 4, 4), 2, 1, 3, activation="relu")) == "Conv3DRNNCell(2 -> 2, relu, NCDHW)"
    assert rnn.Conv3DRNNCell((2, 4, 4, 4), 2, 1, 3).prefix.startswith("conv_rnn")


@pytest.mark.parametrize("layout", ["TNC", "NTC"])
def test_dynamic_unroll_equals_unroll_with_valid_length(layout):
    """contrib.rnn.rnn_cell.dynamic_unroll (foreach; lax.scan when hybridized) gives unroll's
    outputs, final states and gradients, also for sequences shorter than the input."""
    T, N, C, H = 4, 3, 5, 6
    rs = np.random.RandomState(4)
    x = nd.array(rs.uniform(-1, 1, (T, N, C) if layout == "TNC" else (N, T, C)))
    states = [nd.array(rs.uniform(-1, 1, (N, H))) for _ in range(2)]
    valid_length = nd.array([2, 4, 1])

    class Unroll(gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.cell = gluon.rnn.LSTMCell(H, input_size=C)

        def hybrid_forward(self, F, x, states, valid_length):
            return gluon.contrib.rnn.rnn_cell.dynamic_unroll(self.cell, x, states, layout=layout,
                                                              valid_length=valid_length)

    results = []
    for hybridize in (False, True):
        block = Unroll(prefix="u_")
        block.initialize(mx.init.Uniform(0.5))
        if hybridize:
            block.hybridize()
        for key, p in block.collect_params().items():
            p.set_data(nd.array(np.random.RandomState(len(key)).uniform(-0.5, 0.5, p.shape)))
        with autograd.record():
            out, new_states = block(x, states, valid_length)
            loss = out.sum() + (new_states[1] * 2).sum()
        loss.backward()
        results.append([out.asnumpy(), new_states[0].asnumpy(), new_states[1].asnumpy()] +
                       [p.grad().asnumpy() for p in block.collect_params().values()])
    cell = block.cell
    with autograd.record():
        out, new_states = cell.unroll(T, x, states, layout=layout, merge_outputs=True, valid_length=valid_length)
        loss = out.sum() + (new_states[1] * 2).sum()
    loss.backward()
    expected = [out.asnumpy(), new_states[0].asnumpy(), new_states[1].asnumpy()] + \
        [p.grad().asnumpy() for p in cell.collect_params().values()]
    for got in results:
        for a, b in zip(got, expected):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert (results[0][0][(slice(2, None), 0) if layout == "TNC" else (0, slice(2, None))] == 0).all()
