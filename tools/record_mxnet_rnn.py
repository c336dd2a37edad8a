"""Record gluon.rnn outputs, final states and gradients from MXNet 1.9.1.

Run in the reference venv:  /tmp/mxref/bin/python tools/record_mxnet_rnn.py
Writes tests/reference/data/gluon/rnn_cases.npz.  ``run_case(mx, case)`` works with any
module exposing MXNet's API, so tests/test_gluon_rnn.py runs the same code on mxjax.
"""
import os

import numpy as np

T, N, C, H = 4, 3, 5, 6

# name, kind ('layer' or 'cell'), constructor, kwargs, layout, give states
CASES = [
    ("lstm_tnc", "layer", "LSTM", dict(hidden_size=H, input_size=C), "TNC", True),
    ("lstm_ntc_2l_bi", "layer", "LSTM", dict(hidden_size=H, num_layers=2, bidirectional=True,
                                              layout="NTC", input_size=C), "NTC", True),
    ("gru_tnc_bi", "layer", "GRU", dict(hidden_size=H, bidirectional=True, input_size=C), "TNC", True),
    ("gru_ntc_2l", "layer", "GRU", dict(hidden_size=H, num_layers=2, layout="NTC", input_size=C), "NTC", False),
    ("rnn_relu_2l", "layer", "RNN", dict(hidden_size=H, num_layers=2, input_size=C), "TNC", True),
    ("rnn_tanh_bi_ntc", "layer", "RNN", dict(hidden_size=H, activation="tanh", bidirectional=True,
                                              layout="NTC", input_size=C), "NTC", True),
    ("lstm_deferred", "layer", "LSTM", dict(hidden_size=H), "TNC", False),
    ("lstmp_tnc", "layer", "LSTM", dict(hidden_size=H, projection_size=3, input_size=C), "TNC", True),
    ("lstmp_ntc_2l_bi", "layer", "LSTM", dict(hidden_size=H, projection_size=3, num_layers=2,
                                               bidirectional=True, layout="NTC", input_size=C), "NTC", True),
    ("lstmcell", "cell", "LSTMCell", dict(hidden_size=H, input_size=C), "NTC", True),
    ("grucell_tnc", "cell", "GRUCell", dict(hidden_size=H, input_size=C), "TNC", True),
    ("rnncell", "cell", "RNNCell", dict(hidden_size=H, input_size=C), "NTC", False),
    ("rnncell_relu", "cell", "RNNCell", dict(hidden_size=H, activation="relu", input_size=C), "NTC", True),
    ("seq_lstm2", "cell", "seq", dict(), "NTC", True),
    ("bi_gru", "cell", "bi", dict(), "NTC", False),
    ("residual_gru", "cell", "residual", dict(), "NTC", False),
    ("lstmpcell", "cell", "lstmp", dict(), "TNC", True),
    ("conv1d_rnncell", "cell", "Conv1DRNNCell", dict(input_shape=(2, 7), hidden_channels=3, i2h_kernel=3,
                                                    h2h_kernel=3, i2h_pad=1), "NTC", True),
    ("conv2d_lstmcell", "cell", "Conv2DLSTMCell", dict(input_shape=(2, 5, 6), hidden_channels=2,
                                                      i2h_kernel=(3, 3), h2h_kernel=(3, 1), i2h_dilate=(2, 1),
                                                      h2h_dilate=(2, 1)), "TNC", True),
    ("conv2d_grucell_relu", "cell", "Conv2DGRUCell", dict(input_shape=(3, 4, 4), hidden_channels=2, i2h_kernel=1,
                                                          h2h_kernel=3, activation="relu"), "NTC", False),
    ("conv3d_lstmcell", "cell", "Conv3DLSTMCell", dict(input_shape=(2, 2, 4, 4), hidden_channels=2,
                                                      i2h_kernel=(1, 3, 3), h2h_kernel=3, i2h_pad=(0, 1, 1)),
     "NTC", False),
    ("conv1d_grucell", "cell", "Conv1DGRUCell", dict(input_shape=(2, 6), hidden_channels=2, i2h_kernel=2,
                                                    h2h_kernel=5, h2h_dilate=2), "NTC", True),
]


def _build(mx, name, ctor, kwargs):
    rnn = mx.gluon.rnn
    if ctor == "seq":
        net = rnn.SequentialRNNCell(prefix=name + "_")
        with net.name_scope():
            net.add(rnn.LSTMCell(H, input_size=C))
            net.add(rnn.LSTMCell(H, input_size=H))
        return net
    if ctor == "bi":
        return rnn.BidirectionalCell(rnn.GRUCell(H, input_size=C, prefix=name + "_l_"),
                                     rnn.GRUCell(H, input_size=C, prefix=name + "_r_"))
    if ctor == "residual":
        return rnn.ResidualCell(rnn.GRUCell(C, input_size=C, prefix=name + "_"))
    if ctor == "lstmp":
        return mx.gluon.contrib.rnn.LSTMPCell(H, 3, input_size=C, prefix=name + "_")
    if ctor.startswith("Conv"):
        return getattr(mx.gluon.contrib.rnn, ctor)(prefix=name + "_", **kwargs)
    return getattr(rnn, ctor)(prefix=name + "_", **kwargs)


def _weights(mx, net, seed):
    rs = np.random.RandomState(seed)
    for key in sorted(net.collect_params().keys()):
        p = net.collect_params()[key]
        p.set_data(mx.nd.array(rs.uniform(-0.6, 0.6, p.shape)))


def run_case(mx, case, seed=0, hybridize=False):
    """Returns a dict of numpy arrays: out, states, and the gradients of a fixed weighted sum."""
    name, kind, ctor, kwargs, layout, give_states = case
    rs = np.random.RandomState(seed + 100)
    step = tuple(kwargs.get("input_shape", (C,)))   # one step of one sample (conv cells: (C, W...))
    x_np = rs.uniform(-1, 1, ((T, N) if layout == "TNC" else (N, T)) + step)
    net = _build(mx, name, ctor, kwargs)
    net.initialize()
    x = mx.nd.array(x_np)
    if kind == "layer":
        if not kwargs.get("input_size"):
            net(x)   # completes the deferred shapes
        _weights(mx, net, seed)
        if hybridize:
            net.hybridize()
        states = [mx.nd.array(rs.uniform(-1, 1, s.shape)) for s in net.begin_state(N)] if give_states else None
    else:
        _weights(mx, net, seed)
        states = [mx.nd.array(rs.uniform(-1, 1, s.shape)) for s in net.begin_state(batch_size=N)] \
            if give_states else None
    # MXNet 1.9.1 has no CPU backward for a projection ("No training support for LSTM with
    # projection on CPU currently"): those cases record the forward only
    train = not kwargs.get("projection_size")
    if train:
        x.attach_grad()
        for s in states or []:
            s.attach_grad()
    with mx.autograd.record() if train else mx.autograd.pause():
        if kind == "layer":
            res = net(x, states) if give_states else net(x)
            out, new_states = (res if give_states else (res, []))
        else:
            out, new_states = net.unroll(T, x, begin_state=states, layout=layout, merge_outputs=True)
        loss = (out * mx.nd.array(rs.uniform(-1, 1, out.shape))).sum()
        for s in new_states:
            loss = loss + (s * mx.nd.array(rs.uniform(-1, 1, s.shape))).sum()
    result = {"out": out.asnumpy()}
    for i, s in enumerate(new_states):
        result[f"state{i}"] = s.asnumpy()
    if train:
        loss.backward()
        result["x_grad"] = x.grad.asnumpy()
        for i, s in enumerate(states or []):
            result[f"state{i}_grad"] = s.grad.asnumpy()
        for key, p in net.collect_params().items():
            result["grad:" + key] = p.grad().asnumpy()
    result["param_names"] = np.array(list(net.collect_params().keys()))
    result["param_shapes"] = np.array([str(p.shape) for p in net.collect_params().values()])
    return result


def main():
    import mxnet as mx
    arrays = {}
    for case in CASES:
        for key, value in run_case(mx, case).items():
            arrays[f"{case[0]}/{key}"] = value
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "reference", "data", "gluon", "rnn_cases.npz")
    np.savez_compressed(path, **arrays)
    print("wrote", len(arrays), "arrays to", os.path.normpath(path))


if __name__ == "__main__":
    main()
