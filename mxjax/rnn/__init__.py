"""``mx.rnn``: MXNet 1.9.1's legacy symbolic recurrent cells and bucketing sentence iterator.

Provided: RNNParams, BaseRNNCell, RNNCell, LSTMCell, GRUCell, SequentialRNNCell, DropoutCell,
FusedRNNCell, BidirectionalCell, ModifierCell, ZoneoutCell, ResidualCell, encode_sentences,
BucketSentenceIter.  The convolutional cells and the checkpoint helpers of ``mx.rnn.rnn`` are
not provided.
"""
from . import io, rnn_cell  # noqa: F401
from .io import BucketSentenceIter, encode_sentences  # noqa: F401
from .rnn_cell import (BaseRNNCell, BidirectionalCell, DropoutCell, FusedRNNCell, GRUCell,  # noqa: F401
                       LSTMCell, ModifierCell, ResidualCell, RNNCell, RNNParams, SequentialRNNCell,
                       ZoneoutCell)

from ..base import missing_api as _missing_api

__getattr__ = _missing_api(__name__)
