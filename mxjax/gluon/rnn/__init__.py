"""``mx.gluon.rnn``: recurrent cells and fused recurrent layers."""
from .rnn_cell import *  # noqa: F401,F403
from .rnn_layer import *  # noqa: F401,F403


from ...base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
