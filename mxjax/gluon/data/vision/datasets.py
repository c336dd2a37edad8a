"""MNIST, FashionMNIST, CIFAR10 and CIFAR100 read from their standard files in ``root``.

The files and the arrays are MXNet's: images as one uint8 NDArray of shape (N, H, W, C),
labels as a numpy int32 array; a sample is ``(image NDArray, numpy int32 label)``, or
``transform(image, label)``.  MXNet downloads missing files from its repository; mxjax
never downloads, so a missing file raises MXNetError naming the files to place in
``root``.  A CIFAR archive (``cifar-10-binary.tar.gz`` / ``cifar-100-binary.tar.gz``,
MXNet's or the original one whose members sit in ``cifar-10-batches-bin/`` or
``cifar-100-binary/``) lying in ``root`` is extracted, as MXNet does after downloading it.
Existing files are used as they are (MXNet re-downloads a file whose SHA-1 differs from the
published one).
"""
import os
import tarfile

import numpy as np

from .... import ndarray as nd
from ...._idx import read_idx
from ....base import MXNetError
from ...utils import _get_repo_file_url
from .. import dataset

__all__ = ["MNIST", "FashionMNIST", "CIFAR10", "CIFAR100"]


def _data_dir():
    """MXNet's data directory: ``$MXNET_HOME``, or ``~/.mxnet``."""
    return os.getenv("MXNET_HOME", os.path.join(os.path.expanduser("~"), ".mxnet"))


def _missing_files_error(name, root, files, namespace):
    urls = ", ".join(_get_repo_file_url("gluon/dataset/" + namespace, f) for f in files)
    return MXNetError(f"{name}: missing file(s) {', '.join(files)} in {root}. mxjax does not download datasets: "
                      f"fetch them ({urls}) on a machine with network access and put them in {root}.")


class MNIST(dataset._DownloadedDataset):
    """The MNIST handwritten digits: 28x28x1 uint8 images, int32 labels 0-9, read from
    ``train-images-idx3-ubyte.gz`` / ``train-labels-idx1-ubyte.gz`` (``train=True``) or
    ``t10k-images-idx3-ubyte.gz`` / ``t10k-labels-idx1-ubyte.gz`` in ``root``."""

    def __init__(self, root=os.path.join(_data_dir(), "datasets", "mnist"), train=True, transform=None):
        self._train = train
        self._train_data = ("train-images-idx3-ubyte.gz", "6c95f4b05d2bf285e1bfb0e7960c31bd3b3f8a7d")
        self._train_label = ("train-labels-idx1-ubyte.gz", "2a80914081dc54586dbdf242f9805a6b8d2a15fc")
        self._test_data = ("t10k-images-idx3-ubyte.gz", "c3a25af1f52dad7f726cce8cacb138654b760d48")
        self._test_label = ("t10k-labels-idx1-ubyte.gz", "763e7fa3757d93b0cdec073cef058b2004252c17")
        self._namespace = "mnist"
        super().__init__(root, transform)

    def _get_data(self):
        data, label = (self._train_data, self._train_label) if self._train else (self._test_data, self._test_label)
        missing = [name for name, _ in (data, label) if not os.path.exists(os.path.join(self._root, name))]
        if missing:
            raise _missing_files_error(type(self).__name__, self._root, missing, self._namespace)
        data_path, label_path = os.path.join(self._root, data[0]), os.path.join(self._root, label[0])
        label = read_idx(label_path).astype(np.int32)
        data = read_idx(data_path)
        if data.ndim != 3 or data.shape[0] != len(label):
            raise MXNetError(f"{type(self).__name__}: {data_path} holds images of shape {data.shape}; expected "
                             f"({len(label)}, rows, columns), one image per label of {label_path}")
        self._data = nd.array(data[..., None], dtype=data.dtype)
        self._label = label


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: MNIST's file names and format, in ``root``."""

    def __init__(self, root=os.path.join(_data_dir(), "datasets", "fashion-mnist"), train=True, transform=None):
        self._train = train
        self._train_data = ("train-images-idx3-ubyte.gz", "0cf37b0d40ed5169c6b3aba31069a9770ac9043d")
        self._train_label = ("train-labels-idx1-ubyte.gz", "236021d52f1e40852b06a4c3008d8de8aef1e40b")
        self._test_data = ("t10k-images-idx3-ubyte.gz", "626ed6a7c06dd17c0eec72fa3be1740f146a2863")
        self._test_label = ("t10k-labels-idx1-ubyte.gz", "17f9ab60e7257a1620f4ad76bbbaf857c3920701")
        self._namespace = "fashion-mnist"
        dataset._DownloadedDataset.__init__(self, root, transform)


class CIFAR10(dataset._DownloadedDataset):
    """CIFAR-10: 32x32x3 uint8 images, int32 labels 0-9, from the binary batches
    ``data_batch_1.bin`` ... ``data_batch_5.bin`` (``train=True``) or ``test_batch.bin``
    (each record: one label byte, then 3072 bytes of channel-major pixels)."""

    _label_bytes = 1
    _archive_dirs = ("cifar-10-batches-bin",)

    def __init__(self, root=os.path.join(_data_dir(), "datasets", "cifar10"), train=True, transform=None):
        self._train = train
        self._archive_file = ("cifar-10-binary.tar.gz", "fab780a1e191a7eda0f345501ccd62d20f7ed891")
        self._train_data = [("data_batch_1.bin", "aadd24acce27caa71bf4b10992e9e7b2d74c2540"),
                            ("data_batch_2.bin", "c0ba65cce70568cd57b4e03e9ac8d2a5367c1795"),
                            ("data_batch_3.bin", "1dd00a74ab1d17a6e7d73e185b69dbf31242f295"),
                            ("data_batch_4.bin", "aab85764eb3584312d3c7f65fd2fd016e36a258e"),
                            ("data_batch_5.bin", "26e2849e66a845b7f1e4614ae70f4889ae604628")]
        self._test_data = [("test_batch.bin", "67eb016db431130d61cd03c7ad570b013799c88c")]
        self._namespace = "cifar10"
        super().__init__(root, transform)

    def _label_column(self):
        return 0

    def _read_batch(self, filename):
        record = self._label_bytes + 3072
        with open(filename, "rb") as fin:
            data = np.frombuffer(fin.read(), dtype=np.uint8).reshape(-1, record)
        images = data[:, self._label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return images, data[:, self._label_column()].astype(np.int32)

    def _find(self, name):
        """The path of a batch file: in ``root`` or in the original archive's folder."""
        for folder in ("",) + self._archive_dirs:
            path = os.path.join(self._root, folder, name)
            if os.path.exists(path):
                return path
        return None

    def _get_data(self):
        names = [name for name, _ in self._train_data + self._test_data]
        archive = os.path.join(self._root, self._archive_file[0])
        if any(self._find(name) is None for name in names) and os.path.exists(archive):
            with tarfile.open(archive) as tar:
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(self._root, filter="data")
                else:
                    tar.extractall(self._root)
        files = [name for name, _ in (self._train_data if self._train else self._test_data)]
        missing = [name for name in files if self._find(name) is None]
        if missing:
            raise _missing_files_error(type(self).__name__, self._root, missing + [f"(or {self._archive_file[0]})"],
                                       self._namespace)
        data, label = zip(*(self._read_batch(self._find(name)) for name in files))
        data = np.concatenate(data)
        label = np.concatenate(label)
        self._data = nd.array(data, dtype=data.dtype)
        self._label = label


class CIFAR100(CIFAR10):
    """CIFAR-100 from ``train.bin`` / ``test.bin`` (each record: coarse label byte, fine label
    byte, 3072 pixel bytes); ``fine_label=True`` gives the 100 fine classes, else the 20
    coarse ones."""

    _label_bytes = 2
    _archive_dirs = ("cifar-100-binary",)

    def __init__(self, root=os.path.join(_data_dir(), "datasets", "cifar100"), fine_label=False, train=True,
                 transform=None):
        self._train = train
        self._archive_file = ("cifar-100-binary.tar.gz", "a0bb982c76b83111308126cc779a992fa506b90b")
        self._train_data = [("train.bin", "e207cd2e05b73b1393c74c7f5e7bea451d63e08e")]
        self._test_data = [("test.bin", "8fb6623e830365ff53cf14adec797474f5478006")]
        self._fine_label = fine_label
        self._namespace = "cifar100"
        dataset._DownloadedDataset.__init__(self, root, transform)

    def _label_column(self):
        return int(bool(self._fine_label))
