"""``mx.gluon.contrib.rnn``: MXNet 1.9.1's contributed recurrent cells: ``LSTMPCell``,
``VariationalDropoutCell``, ``dynamic_unroll`` (module ``rnn_cell``) and the convolutional
cells ``Conv{1,2,3}D{RNN,LSTM,GRU}Cell`` (module ``conv_rnn_cell``)."""
from . import conv_rnn_cell, rnn_cell
from .conv_rnn_cell import *  # noqa: F401,F403
from .rnn_cell import *  # noqa: F401,F403

__all__ = conv_rnn_cell.__all__ + rnn_cell.__all__
