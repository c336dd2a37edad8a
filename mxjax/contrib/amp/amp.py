"""``mx.contrib.amp.amp``: not provided by mxjax (see ``mxjax.contrib.amp``)."""
from ...base import missing_api as _missing_api

__getattr__ = _missing_api(__name__)
