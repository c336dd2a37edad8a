"""gluon.rnn.GRU and RNN layers, GRUCell/RNNCell steps, with constant weights."""
import mxnet as mx
from mxnet import nd
from mxnet.gluon import rnn
from compat_emit import emit

x = nd.arange(4 * 2 * 3).reshape((4, 2, 3)) / 24.0
gru = rnn.GRU(3, num_layers=2, input_size=3)
gru.initialize(mx.init.Constant(0.2))
emit("gru_params", list(gru.collect_params().keys()))
out, h = gru(x, gru.begin_state(batch_size=2))
emit("gru_out", out)
emit("gru_h", h)

simple = rnn.RNN(2, activation='tanh', input_size=3)
simple.initialize(mx.init.Constant(-0.1))
emit("rnn_out", simple(x))

cell = rnn.GRUCell(2, input_size=3)
cell.initialize(mx.init.Constant(0.3))
state = cell.begin_state(batch_size=2)
for t in range(2):
    y, state = cell(x[t], state)
emit("grucell", y)
rcell = rnn.RNNCell(2, activation='relu', input_size=3)
rcell.initialize(mx.init.One())
y, s = rcell(x[0], rcell.begin_state(batch_size=2))
emit("rnncell", y)
