"""``nd.RNN`` options MXNet 1.9.1's CPU kernel ignores (cuDNN honours them), checked against
their definition: ``use_sequence_length`` runs each sequence over its own length only, the
LSTM state clip bounds the cell state.  (Values without them: tests/reference/cases_rnn.py.)"""
import numpy as np
import pytest

from mxjax import nd
from mxjax.base import MXNetError

T, N, C, H = 5, 3, 4, 3
GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1}


def _setup(mode, dirs, seed=0):
    rng = np.random.RandomState(seed)
    size = dirs * GATES[mode] * H * (C + H + 2)
    states = [rng.uniform(-0.5, 0.5, (dirs, N, H)) for _ in range(2 if mode == "lstm" else 1)]
    return rng.uniform(-1, 1, (T, N, C)), rng.uniform(-0.5, 0.5, size), states


@pytest.mark.parametrize("mode", sorted(GATES))
@pytest.mark.parametrize("dirs", [1, 2])
def test_sequence_length_is_each_sequence_on_its_own(mode, dirs):
    x, params, states = _setup(mode, dirs)
    lengths = [5, 2, 3]
    attrs = dict(state_size=H, num_layers=1, mode=mode, bidirectional=dirs == 2, state_outputs=True)
    out = nd.RNN(nd.array(x), nd.array(params), *map(nd.array, states), nd.array(lengths),
                 use_sequence_length=True, **attrs)
    for n, length in enumerate(lengths):
        alone = nd.RNN(nd.array(x[:length, n:n + 1]), nd.array(params),
                       *[nd.array(s[:, n:n + 1]) for s in states], **attrs)
        np.testing.assert_allclose(out[0].asnumpy()[:length, n], alone[0].asnumpy()[:, 0], rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(out[0].asnumpy()[length:, n], 0)
        for final, expected in zip(out[1:], alone[1:]):
            np.testing.assert_allclose(final.asnumpy()[:, n], expected.asnumpy()[:, 0], rtol=1e-5, atol=1e-6)


def test_lstm_state_clip_bounds_the_cell():
    x, params, (h0, c0) = _setup("lstm", 1)
    attrs = dict(state_size=H, num_layers=1, mode="lstm", state_outputs=True)
    free = nd.RNN(nd.array(x * 4), nd.array(params * 4), nd.array(h0), nd.array(c0), **attrs)
    clipped = nd.RNN(nd.array(x * 4), nd.array(params * 4), nd.array(h0), nd.array(c0),
                     lstm_state_clip_min=-0.2, lstm_state_clip_max=0.2, **attrs)
    assert np.abs(free[2].asnumpy()).max() > 0.2
    assert np.abs(clipped[2].asnumpy()).max() <= 0.2 + 1e-7
    assert np.abs(clipped[0].asnumpy()).max() <= np.tanh(0.2) + 1e-6


def test_errors():
    x, params, (h0,) = _setup("gru", 1)
    with pytest.raises(MXNetError, match="exactly when use_sequence_length"):
        nd.RNN(nd.array(x), nd.array(params), nd.array(h0), nd.array([1, 2, 3]), state_size=H, num_layers=1,
               mode="gru")
    with pytest.raises(MXNetError, match="state_cell"):
        nd.RNN(nd.array(x), nd.array(params), nd.array(h0), state_size=H, num_layers=1, mode="lstm")
