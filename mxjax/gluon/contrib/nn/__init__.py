"""``mx.gluon.contrib.nn``: contributed layers (the containers so far)."""
from .basic_layers import *  # noqa: F401,F403


from ....base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
