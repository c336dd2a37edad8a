"""``mx.rnn``: MXNet 1.9.1's legacy symbolic recurrent cells and bucketing sentence iterator.

Provided: RNNParams, BaseRNNCell, RNNCell, LSTMCell, GRUCell, FusedRNNCell, SequentialRNNCell,
BidirectionalCell, DropoutCell, encode_sentences, BucketSentenceIter.  ZoneoutCell, ResidualCell
and the checkpoint helpers of ``mx.rnn.rnn`` are not provided.
"""
from . import io, rnn_cell  # noqa: F401
from .io import BucketSentenceIter, encode_sentences  # noqa: F401
from .rnn_cell import (BaseRNNCell, BidirectionalCell, DropoutCell, FusedRNNCell, GRUCell, LSTMCell,  # noqa: F401
                       RNNCell, RNNParams, SequentialRNNCell)

from ..base import missing_api as _missing_api

__getattr__ = _missing_api(__name__)
