"""The fused RNN operator as cuDNN-style scripts call it: nd.RNN with one flat parameter vector
(all weights layer by layer and direction by direction, then all biases) for LSTM, GRU and
tanh RNNs, stacked and bidirectional, with state outputs and gradients; and the same weights
in gluon.rnn.LSTM."""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from compat_emit import emit

T, N, I, H = 4, 2, 3, 5
GATES = {"lstm": 4, "gru": 3, "rnn_tanh": 1, "rnn_relu": 1}


def param_count(mode, layers, bidirectional):
    g, d = GATES[mode], 2 if bidirectional else 1
    size = 0
    for layer in range(layers):
        inputs = I if layer == 0 else H * d
        size += d * g * H * (inputs + H + 2)
    return size


x = nd.array(np.random.RandomState(0).uniform(-1, 1, (T, N, I)))
for mode, layers, bidirectional in [("lstm", 1, False), ("lstm", 2, True), ("gru", 2, False),
                                    ("rnn_tanh", 1, True), ("rnn_relu", 1, False)]:
    d = 2 if bidirectional else 1
    size = param_count(mode, layers, bidirectional)
    params = nd.array(np.random.RandomState(size).uniform(-0.4, 0.4, size))
    h0 = nd.array(np.random.RandomState(1).uniform(-0.5, 0.5, (layers * d, N, H)))
    args = [x, params, h0]
    if mode == "lstm":
        args.append(nd.array(np.random.RandomState(2).uniform(-0.5, 0.5, (layers * d, N, H))))
    for a in args:
        a.attach_grad()
    with autograd.record():
        outs = nd.RNN(*args, state_size=H, num_layers=layers, bidirectional=bidirectional, mode=mode,
                      state_outputs=True)
        loss = outs[0].sum() + (outs[1] ** 2).sum()
    loss.backward()
    tag = f"{mode}_{layers}_{bidirectional}"
    emit(tag + "_size", size)
    emit(tag + "_out", outs[0])
    emit(tag + "_hn", outs[1])
    if mode == "lstm":
        emit(tag + "_cn", outs[2])
    emit(tag + "_dx", x.grad)
    emit(tag + "_dparams_head", params.grad[:12])
    emit(tag + "_dh0", args[2].grad)

layer = gluon.rnn.LSTM(H, num_layers=1, input_size=I)
layer.initialize()
size = param_count("lstm", 1, False)
flat = np.random.RandomState(size).uniform(-0.4, 0.4, size)
names = ["l0_i2h_weight", "l0_h2h_weight", "l0_i2h_bias", "l0_h2h_bias"]
params = layer.collect_params()
offset = 0
for name in names:
    p = params[layer.prefix + name]
    p.set_data(nd.array(flat[offset:offset + p.data().size].reshape(p.shape)))
    offset += p.data().size
emit("gluon_lstm_param_shapes", [params[layer.prefix + n].shape for n in names])
h0 = nd.array(np.random.RandomState(1).uniform(-0.5, 0.5, (1, N, H)))
c0 = nd.array(np.random.RandomState(2).uniform(-0.5, 0.5, (1, N, H)))
out, (hn, cn) = layer(x, [h0, c0])
emit("gluon_lstm_out", out)
emit("gluon_lstm_hn", hn)
