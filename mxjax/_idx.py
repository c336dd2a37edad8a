"""Reading the idx files of MNIST-format datasets, and finding them on disk.

The idx format (yann.lecun.com/exdb/mnist): a 4-byte big-endian magic number whose third
byte is the element type (0x08: unsigned byte, the only type the MNIST files use) and whose
fourth is the number of dimensions, one big-endian int32 per dimension, then the elements.
``train-images-idx3-ubyte`` holds (N, rows, columns) pixels, ``train-labels-idx1-ubyte``
(N,) labels.  A file may be gzip-compressed (MXNet's Gluon datasets and ``get_mnist`` read
the ``.gz`` files, ``MNISTIter`` the uncompressed ones); ``read_idx`` accepts both, telling
them apart by gzip's magic bytes.  One reader serves ``gluon.data.vision.MNIST``,
``mx.io.MNISTIter`` and ``mx.test_utils.get_mnist``.
"""
import gzip
import os

import numpy as np

from .base import MXNetError

_UNSIGNED_BYTE = 0x08


def read_idx(path):
    """The array stored in the idx file ``path`` (uint8, shaped as its header says)."""
    with open(path, "rb") as fin:
        raw = fin.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[:2] != b"\x00\x00":
        raise MXNetError(f"invalid mnist format: {path} is not an idx file (its first bytes must be 0 0 "
                         "type ndim)")
    dtype, ndim = raw[2], raw[3]
    if dtype != _UNSIGNED_BYTE:
        raise MXNetError(f"invalid mnist format: {path} holds elements of idx type 0x{dtype:02x}; only "
                         "unsigned bytes (0x08), the type of the MNIST files, are supported")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise MXNetError(f"invalid mnist format: {path} ends inside its header")
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    size = int(np.prod(shape))
    if len(raw) - header < size:
        raise MXNetError(f"invalid mnist format: {path} declares shape {shape} ({size} bytes) but holds "
                         f"{len(raw) - header} bytes of data")
    return np.frombuffer(raw, dtype=np.uint8, count=size, offset=header).reshape(shape)


def find_idx(name, folders):
    """The first existing ``folder/name`` or its compressed or uncompressed twin
    (``name`` with ``.gz`` added or removed), in the order of ``folders``; None if none."""
    twin = name[:-3] if name.endswith(".gz") else name + ".gz"
    for folder in folders:
        for candidate in (name, twin):
            path = os.path.join(folder, candidate)
            if os.path.isfile(path):
                return path
    return None
