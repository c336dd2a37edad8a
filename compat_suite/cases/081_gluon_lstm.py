"""gluon.rnn.LSTM layer and LSTMCell with constant weights: outputs, states, parameter names."""
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import rnn
from compat_emit import emit

layer = rnn.LSTM(4, num_layers=1, input_size=3)
layer.initialize(mx.init.Constant(0.1))
emit("params", [(k, v.shape) for k, v in layer.collect_params().items()])
x = nd.arange(2 * 5 * 3).reshape((5, 2, 3)) / 30.0
states = layer.begin_state(batch_size=2)
emit("num_states", len(states))
out, new_states = layer(x, states)
emit("out", out)
emit("h", new_states[0])
emit("c", new_states[1])
emit("out_no_state", layer(x))

cell = rnn.LSTMCell(4, input_size=3)
cell.initialize(mx.init.Constant(0.1))
outputs, st = cell.unroll(5, x, layout='TNC', merge_outputs=True)
emit("cell_unroll", outputs)
emit("cell_params", list(cell.collect_params().keys()))

ntc = rnn.LSTM(2, layout='NTC', input_size=3, bidirectional=True)
ntc.initialize(mx.init.Constant(0.05))
x.attach_grad()
with autograd.record():
    y = ntc(x.transpose((1, 0, 2)))
y.backward()
emit("bidirectional_out", y)
emit("bidirectional_grad", x.grad)
emit("repr", str(rnn.LSTM(10, num_layers=2)))
emit("cell_repr", str(rnn.LSTMCell(5)))
