"""``mx.contrib.ndarray``: MXNet's second name for the contrib operators, ``mx.nd.contrib``."""
from ..ndarray import contrib as _contrib


def __getattr__(name):
    return getattr(_contrib, name)
