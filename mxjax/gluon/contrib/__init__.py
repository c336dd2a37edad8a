"""``mx.gluon.contrib``: the experimental Gluon layers MXNet 1.9.1 ships (``nn`` so far)."""
from . import nn  # noqa: F401


from ...base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
