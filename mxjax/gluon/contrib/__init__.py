"""``mx.gluon.contrib``: MXNet's contributed Gluon blocks.  mxjax has ``nn``'s containers
(``Concurrent``, ``HybridConcurrent``, ``Identity``), which the model zoo is built from, and
``SyncBatchNorm``; other names fail naming the MXNet API."""
from . import nn  # noqa: F401


from ...base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
