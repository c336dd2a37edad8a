"""mx.rnn.FusedRNNCell / BidirectionalCell / init.FusedRNN (MXNet 1.9.1's legacy fused cell):
the packed vector's layout, unfuse() giving the same outputs, and the initializer's forget bias
(values as MXNet 1.9.1 gives them: weights by the inner initializer, biases 0, forget-gate biases set)."""
import numpy as np
import pytest

import mxjax as mx


@pytest.mark.parametrize("mode,layers,bidir", [("lstm", 1, False), ("gru", 2, True)])
def test_fused_cell_matches_its_unfused_stack(mode, layers, bidir):
    T, N, I, H = 3, 2, 4, 5
    data = mx.sym.Variable("data")
    cell = mx.rnn.FusedRNNCell(H, num_layers=layers, mode=mode, bidirectional=bidir, prefix="f_")
    out, _ = cell.unroll(T, inputs=data, layout="TNC", merge_outputs=True)
    size = dict(zip(out.list_arguments(), out.infer_shape(data=(T, N, I))[0]))["f_parameters"]
    rng = np.random.RandomState(0)
    params = mx.nd.array(rng.uniform(-0.3, 0.3, size))
    x = mx.nd.array(rng.normal(0, 1, (T, N, I)))
    fused = out.bind(mx.cpu(), {"data": x, "f_parameters": params}).forward()[0].asnumpy()
    unpacked = cell.unpack_weights({"f_parameters": params})
    gates = 4 if mode == "lstm" else 3
    assert len(unpacked) == layers * (2 if bidir else 1) * gates * 4
    assert unpacked["f_l0_i2h" + ("_i" if mode == "lstm" else "_r") + "_weight"].shape == (H, I)
    np.testing.assert_array_equal(cell.pack_weights(unpacked)["f_parameters"].asnumpy(), params.asnumpy())
    stack = cell.unfuse()
    uout, _ = stack.unroll(T, inputs=data, layout="TNC", merge_outputs=True)
    unfused = uout.bind(mx.cpu(), dict(stack.pack_weights(unpacked), data=x)).forward()[0].asnumpy()
    assert fused.shape == (T, N, H * (2 if bidir else 1))
    np.testing.assert_allclose(unfused, fused, rtol=1e-5, atol=1e-6)


def test_fused_rnn_initializer_sets_forget_gate_bias():
    arr = mx.nd.zeros((4 * 2 * (3 + 2 + 2),))      # one LSTM layer, 3 inputs, 2 hidden
    mx.init.FusedRNN(mx.init.Constant(0.5), 2, 1, "lstm", forget_bias=1.5)(mx.init.InitDesc("x_weight"), arr)
    cell = mx.rnn.FusedRNNCell(2, num_layers=1, mode="lstm", prefix="")
    parts = cell.unpack_weights({"parameters": arr})
    assert np.all(parts["l0_i2h_f_bias"].asnumpy() == 1.5) and np.all(parts["l0_h2h_f_bias"].asnumpy() == 1.5)
    assert np.all(parts["l0_i2h_i_weight"].asnumpy() == 0.5) and np.all(parts["l0_i2h_i_bias"].asnumpy() == 0)
