"""``gluon.nn``: neural-network layers."""
from .basic_layers import *  # noqa: F401,F403
from .conv_layers import *  # noqa: F401,F403
from .activations import *  # noqa: F401,F403
from .norm_layers import *  # noqa: F401,F403
from .embedding import *  # noqa: F401,F403
from ..block import Block, HybridBlock, SymbolBlock  # noqa: F401


from ...base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
