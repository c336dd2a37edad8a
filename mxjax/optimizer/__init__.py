"""``mx.optimizer``: optimizers with MXNet 1.9.1's names, defaults and update rules."""
from .optimizer import *  # noqa: F401,F403
from .optimizer import Optimizer, create, register, get_updater, Updater  # noqa: F401
