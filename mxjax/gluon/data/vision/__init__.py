"""``gluon.data.vision``: MNIST, FashionMNIST, CIFAR10/100 from local files, the image datasets
(ImageRecordDataset, ImageFolderDataset) and image transforms."""
from .datasets import *  # noqa: F401,F403
from .image_datasets import *  # noqa: F401,F403
from . import transforms  # noqa: F401


from ....base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
