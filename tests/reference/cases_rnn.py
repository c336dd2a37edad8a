"""MXNet's fused ``RNN`` operator on a flat parameter vector (every mode, layers, directions, an
LSTM projection).  MXNet 1.9.1's CPU kernel ignores ``use_sequence_length`` and the LSTM state
clip, so those are checked in tests/test_rnn_op.py instead."""
from case import Case, uniform

T, N, C, H = 4, 3, 5, 6
GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def _case(mode, layers, dirs, projection=None, seed=0):
    gates, out = GATES[mode] * H, projection or H
    size = sum(dirs * (gates * ((C if layer == 0 else out * dirs) + out) + (out * H if projection else 0) + 2 * gates)
               for layer in range(layers))
    inputs = [uniform((T, N, C)), uniform((size,), -0.4, 0.4, seed=seed + 1),
              uniform((layers * dirs, N, out), -0.5, 0.5, seed=seed + 2)]
    if mode == "lstm":
        inputs.append(uniform((layers * dirs, N, H), -0.5, 0.5, seed=seed + 3))
    attrs = dict(state_size=H, num_layers=layers, bidirectional=dirs == 2, mode=mode, state_outputs=True)
    if projection:
        attrs["projection_size"] = projection
    return Case(f"RNN.{mode}.L{layers}D{dirs}" + (f"P{projection}" if projection else ""), "RNN", tuple(inputs), attrs,
                rtol=1e-4, atol=1e-5)


CASES = [_case(mode, layers, dirs) for mode in GATES for layers, dirs in ((1, 1), (2, 2))] + [
    _case("lstm", 1, 1, projection=3), _case("lstm", 2, 2, projection=2),
    Case("RNN.no_state_outputs", "RNN", (uniform((T, N, C)), uniform((3 * H * (C + H + 2),), -0.4, 0.4, seed=1),
                                         uniform((1, N, H), seed=2)),
         dict(state_size=H, num_layers=1, mode="gru")),
    Case("RNN.bad_parameter_size", "RNN", (uniform((T, N, C)), uniform((10,)), uniform((1, N, H))),
         dict(state_size=H, num_layers=1, mode="gru")),
]
