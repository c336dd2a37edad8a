"""Image decoding for ``mx.image``: OpenCV when it is importable (as MXNet, whose C++
``imdecode``/``imread`` are OpenCV's), else Pillow.

Both paths give what MXNet's ``_cvimdecode`` gives: a uint8 ``(H, W, 3)`` array in RGB
order (``to_rgb=True``) or OpenCV's BGR order (``to_rgb=False``) for ``flag`` >= 1, and
``(H, W, 1)`` grayscale for ``flag=0``; EXIF orientation is ignored, as MXNet ignores it.
Grayscale decoding reproduces the conversions OpenCV's decoders make (libjpeg's luma
plane, libpng's truncating weights, ``cvtColor`` for other formats).  JPEG pixels depend
on the JPEG library's IDCT, which can differ between Pillow's and OpenCV's libjpeg builds
(docs/known_differences.md).
"""
import io

import numpy as np

from ..base import MXNetError

__all__ = ["opencv", "decode"]

_INSTALL_HINT = ("mx.image needs an image codec: install Pillow with pip install 'mxjax[image]' "
                 "(or OpenCV: pip install opencv-python-headless)")


def opencv():
    """The ``cv2`` module, or None when OpenCV is not installed."""
    try:
        import cv2
    except ImportError:
        return None
    return cv2


def _pillow():
    try:
        import PIL.Image
    except ImportError:
        raise ImportError(_INSTALL_HINT) from None
    return PIL.Image


def decode(buf, flag=1, to_rgb=True):
    """Decodes the encoded image bytes ``buf`` as MXNet's ``imdecode`` (see the module
    docstring); MXNetError for an empty buffer or bytes that are no image."""
    if int(flag) < 0:
        raise MXNetError(f"Invalid Parameter format for flag expect int (non-negative) but value='{flag}'")
    if len(buf) == 0:
        raise MXNetError("Check failed: len > 0: Input cannot be an empty buffer")
    cv2 = opencv()
    if cv2 is not None:
        img = cv2.imdecode(np.frombuffer(buf, dtype=np.uint8),
                           cv2.IMREAD_GRAYSCALE if flag == 0 else cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
        if img is None:
            raise MXNetError("Check failed: !res.empty(): Decoding failed. Invalid image file.")
        if flag == 0:
            return img[:, :, None]
        return img[:, :, ::-1] if to_rgb else img
    pil = _pillow()
    try:
        image = pil.open(io.BytesIO(bytes(buf)))
        if flag == 0:
            return _gray(image)[:, :, None]
        img = np.asarray(image.convert("RGB"))
    except (OSError, ValueError, SyntaxError) as exc:
        raise MXNetError(f"Check failed: !res.empty(): Decoding failed. Invalid image file. ({exc})") from None
    return img if to_rgb else img[:, :, ::-1]


# Gray conversions OpenCV's decoders use, as integer weights of (R, G, B), a shift and a rounding
# term: libpng's rgb_to_gray with OpenCV's coefficients (0.299, 0.587 in 15 bits, truncated) for
# PNG, and cvtColor's BGR2GRAY (14 bits, rounded) for formats decoded to colour first.
_PNG_GRAY = ((9797, 19234, 3737), 15, 0)
_CV_GRAY = ((4899, 9617, 1868), 14, 1 << 13)


def _gray(image):
    """The grayscale pixels OpenCV's ``IMREAD_GRAYSCALE`` gives for the Pillow ``image``: JPEG's
    luma plane as decoded (libjpeg's own output), else the weighted sum of the RGB pixels."""
    if image.mode in ("L", "1") or (image.mode == "P" and image.palette.mode == "L"):
        return np.asarray(image.convert("L"))
    if image.format == "JPEG":
        image.draft("L", image.size)
        return np.asarray(image.convert("L"))
    weights, shift, rounding = _PNG_GRAY if image.format == "PNG" else _CV_GRAY
    rgb = np.asarray(image.convert("RGB")).astype(np.int64)
    return ((rgb @ np.array(weights) + rounding) >> shift).astype(np.uint8)
