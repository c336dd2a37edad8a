"""Gradient cases for ``_rnn_fused`` (mxjax/ndarray/ops/rnn.py), the recurrence of gluon.rnn's
layers: data (T, N, C), begin states, then per layer and direction i2h/h2h weights and biases.
Its values are checked against MXNet 1.9.1 in tests/test_gluon_rnn.py."""
from mxjax import nd

from gradcheck import Case, uniform

T, N, C, H = 3, 2, 2, 2


def _inputs(gates, states, layers, dirs):
    arrays = [uniform(-1, 1, (T, N, C))] + [uniform(-1, 1, (layers * dirs, N, H))] * states
    for layer in range(layers):
        ni = C if layer == 0 else H * dirs
        arrays += [uniform(-0.8, 0.8, (gates * H, ni)), uniform(-0.8, 0.8, (gates * H, H)),
                   uniform(-0.5, 0.5, (gates * H,)), uniform(-0.5, 0.5, (gates * H,))] * dirs
    return tuple(arrays)


def _all_outputs(**attrs):
    """The output sequence and the final states, flattened into one array."""
    def call(*xs):
        return nd.concat(*[o.reshape((-1,)) for o in nd.op._rnn_fused(*xs, **attrs)], dim=0)
    return call


CASES = {
    "_rnn_fused": [
        Case(_inputs(3, 1, 1, 2), call=_all_outputs(mode="gru", num_layers=1, bidirectional=True),
             label="gru bidirectional", out_shape=(T * N * 2 * H + 2 * N * H,)),
        Case(_inputs(4, 2, 2, 1), call=_all_outputs(mode="lstm", num_layers=2), label="lstm 2 layers",
             out_shape=(T * N * H + 2 * 2 * N * H,)),
    ],
}
