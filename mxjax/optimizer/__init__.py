"""``mx.optimizer``: optimizers with MXNet 1.9.1's names, defaults and update rules."""
from . import optimizer  # noqa: F401
from .optimizer import *  # noqa: F401,F403
from .optimizer import Optimizer, Updater, create, get_updater, register  # noqa: F401


from ..base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
