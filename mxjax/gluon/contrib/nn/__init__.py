"""``mx.gluon.contrib.nn``: contributed layers (the concurrent containers, ``Identity`` and
``SyncBatchNorm`` so far)."""
from .basic_layers import *  # noqa: F401,F403
from ...nn.norm_layers import SyncBatchNorm  # noqa: F401


from ....base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
