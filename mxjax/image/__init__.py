"""``mx.image`` (alias ``mx.img``): MXNet 1.9.1's image decoding, resizing, cropping,
augmenters and ``ImageIter``.

Decoding and resampling need OpenCV (``cv2``, what MXNet itself uses) or Pillow
(``pip install 'mxjax[image]'``); the rest is NDArray arithmetic.  MXNet's detection
iterator (``mx.image.ImageDetIter`` and ``mx.image.detection``) is not provided.
"""
from .. import base as _base
from . import image  # noqa: F401
from .image import *  # noqa: F401,F403
from .image import __all__

__getattr__ = _base.missing_api(__name__)
