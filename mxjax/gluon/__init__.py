"""``mx.gluon``: the imperative/hybrid neural-network API."""
from .parameter import Constant, DeferredInitializationError, Parameter, ParameterDict  # noqa: F401
from .block import Block, HybridBlock, SymbolBlock  # noqa: F401
from .trainer import Trainer  # noqa: F401
from . import nn, loss  # noqa: F401
from . import data, utils  # noqa: F401
from . import rnn  # noqa: F401
from . import contrib, model_zoo  # noqa: F401


from ..base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
