"""gluon.contrib.rnn convolutional cells: parameter names and shapes, unrolled outputs, states
and gradients of Conv1DGRUCell, Conv2DLSTMCell and Conv2DRNNCell; dynamic_unroll."""
import mxnet as mx
import numpy as np
from mxnet import autograd
from mxnet.gluon.contrib import rnn
from compat_emit import emit

rs = np.random.RandomState(3)
cells = [rnn.Conv1DGRUCell((2, 9), 3, 3, 3, i2h_pad=1, prefix="gru_"),
         rnn.Conv2DLSTMCell((2, 5, 5), 2, (3, 3), (3, 3), i2h_dilate=(1, 2), prefix="lstm_"),
         rnn.Conv2DRNNCell((1, 4, 4), 2, 1, (3, 5), activation="relu", prefix="rnn_")]
for cell in cells:
    cell.initialize()
    for key in sorted(cell.collect_params().keys()):
        p = cell.collect_params()[key]
        p.set_data(mx.nd.array(rs.uniform(-0.5, 0.5, p.shape)))
    emit(cell.prefix + "repr", repr(cell))
    emit(cell.prefix + "params", [(k, p.shape) for k, p in cell.collect_params().items()])
    x = mx.nd.array(rs.uniform(-1, 1, (2, 3) + cell._input_shape))
    x.attach_grad()
    with autograd.record():
        out, states = cell.unroll(3, x, layout="NTC", merge_outputs=True)
        loss = (out * out).sum() + sum((s * 0.5).sum() for s in states)
    loss.backward()
    emit(cell.prefix + "out", out)
    emit(cell.prefix + "states", states)
    emit(cell.prefix + "x_grad", x.grad)
    emit(cell.prefix + "grads", {k: p.grad() for k, p in cell.collect_params().items()})

cell = cells[0]
x = mx.nd.array(rs.uniform(-1, 1, (3, 2, 2, 9)))
out, states = rnn.rnn_cell.dynamic_unroll(cell, x, cell.begin_state(2), layout="TNC",
                                          valid_length=mx.nd.array([1, 3]))
emit("dynamic_unroll_out", out)
emit("dynamic_unroll_states", states)
