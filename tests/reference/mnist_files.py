"""Small synthetic MNIST-format idx files, written the same way by the tests and by
tools/record_mxnet_mnist_io.py (which records what real MXNet 1.9.1 reads from them).

Image ``i`` carries its index in pixels (0, 0) and (0, 1) (``i % 256``, ``i // 256``), so a
reader's order can be read back; other pixels and the labels come from a seeded RandomState
(whose legacy stream is the same in every numpy version)."""
import gzip
import os
import struct

import numpy as np


def write_mnist(folder, prefix, n, compressed, rows=28, cols=28):
    """Write ``{prefix}-images-idx3-ubyte`` and ``{prefix}-labels-idx1-ubyte`` (with ``.gz``
    when ``compressed``) holding ``n`` images into ``folder``; returns (images, labels)."""
    rs = np.random.RandomState(n)
    images = rs.randint(0, 256, size=(n, rows, cols)).astype(np.uint8)
    images[:, 0, 0] = np.arange(n) % 256
    images[:, 0, 1] = np.arange(n) // 256
    labels = rs.randint(0, 10, size=n).astype(np.uint8)
    opener, ext = (gzip.open, ".gz") if compressed else (open, "")
    with opener(os.path.join(folder, f"{prefix}-images-idx3-ubyte{ext}"), "wb") as f:
        f.write(struct.pack(">IIII", 2051, n, rows, cols))
        f.write(images.tobytes())
    with opener(os.path.join(folder, f"{prefix}-labels-idx1-ubyte{ext}"), "wb") as f:
        f.write(struct.pack(">II", 2049, n))
        f.write(labels.tobytes())
    return images, labels
