"""``mx.gluon.model_zoo``: MXNet 1.9.1's predefined models (``vision``) and the store of their
pretrained parameter files (``model_store``)."""
from . import model_store  # noqa: F401
from . import vision  # noqa: F401
