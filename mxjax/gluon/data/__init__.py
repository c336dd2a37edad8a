"""``gluon.data``: datasets, samplers, the DataLoader and the vision datasets/transforms."""
from .dataset import *  # noqa: F401,F403
from .sampler import *  # noqa: F401,F403
from .dataloader import *  # noqa: F401,F403
from . import vision  # noqa: F401


from ...base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
