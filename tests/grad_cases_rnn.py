"""Gradient cases for ``_rnn_fused`` (mxjax/ndarray/ops/rnn.py), the recurrence of gluon.rnn's
layers: data (T, N, C), begin states, then per layer and direction i2h/h2h weights and biases,
and for MXNet's ``RNN`` operator (the same with one flat parameter vector).  Their values are
checked against MXNet 1.9.1 in tests/test_gluon_rnn.py and tests/reference/cases_rnn.py."""
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


def _flat(mode, gates, layers, dirs, projection=None, lengths=False):
    """Inputs of ``RNN``: data, the flat parameters, begin states (and cells, and lengths)."""
    out = projection or H
    size = sum(dirs * (gates * H * ((C if layer == 0 else out * dirs) + out) + (out * H if projection else 0)
                       + 2 * gates * H) for layer in range(layers))
    arrays = [uniform(-1, 1, (T, N, C)), uniform(-0.6, 0.6, (size,)), uniform(-1, 1, (layers * dirs, N, out))]
    if mode == "lstm":
        arrays.append(uniform(-1, 1, (layers * dirs, N, H)))
    return tuple(arrays)


def _rnn_outputs(**attrs):
    def call(*xs):
        return nd.concat(*[o.reshape((-1,)) for o in nd.RNN(*xs, state_outputs=True, state_size=H, **attrs)],
                         dim=0)
    return call


CASES = {
    "RNN": [
        Case(_flat("lstm", 4, 1, 1, projection=1), call=_rnn_outputs(mode="lstm", num_layers=1, projection_size=1),
             label="lstm with projection", out_shape=(T * N + N + N * H,)),
        Case(_flat("rnn_tanh", 1, 2, 1), call=_rnn_outputs(mode="rnn_tanh", num_layers=2), label="rnn_tanh 2 layers",
             out_shape=(T * N * H + 2 * N * H,)),
    ],
    "_rnn_fused": [
        Case(_inputs(3, 1, 1, 2), call=_all_outputs(mode="gru", num_layers=1, bidirectional=True),
             label="gru bidirectional", out_shape=(T * N * 2 * H + 2 * N * H,)),
        Case(_inputs(4, 2, 2, 1), call=_all_outputs(mode="lstm", num_layers=2), label="lstm 2 layers",
             out_shape=(T * N * H + 2 * 2 * N * H,)),
    ],
}
