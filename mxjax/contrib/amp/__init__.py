"""``mx.contrib.amp``: MXNet's automatic mixed precision is not provided by mxjax.

The modules exist so that programs which import them (``from mxnet.contrib.amp import amp``)
and use AMP only on request still run; every AMP function raises NotImplementedForMXJax
naming it."""
from . import amp  # noqa: F401

from ...base import missing_api as _missing_api

__getattr__ = _missing_api(__name__)
