"""``ImageRecordDataset`` and ``ImageFolderDataset``: images decoded on access, as MXNet 1.9.1's.

``ImageRecordDataset(filename, flag=1)``: the records of a ``.rec`` file (with its ``.idx``
beside it) made by ``mx.recordio.pack_img``; a sample is ``(image, header.label)`` with the
image decoded by ``mx.image.imdecode(payload, flag)`` (uint8 HxWx3 RGB, or HxWx1 with
``flag=0``).  ``ImageFolderDataset(root, flag=1)``: one class per sub-folder of ``root``
(``synsets``, sorted), its ``.jpg``/``.jpeg``/``.png`` files (sorted) as ``items``
``(path, label)``; other files and loose files in ``root`` are skipped with a warning, as
MXNet does.  ``transform(image, label)`` is applied to each sample when given.  Decoding
needs Pillow or OpenCV (``mx.image``).
"""
import os
import warnings

from .... import recordio
from ..dataset import Dataset, RecordFileDataset

__all__ = ["ImageRecordDataset", "ImageFolderDataset"]


def _image():
    from .... import image
    return image


class ImageRecordDataset(RecordFileDataset):
    """(decoded image, label) samples of a RecordIO file of images (see the module docstring)."""

    def __init__(self, filename, flag=1, transform=None):
        super().__init__(filename)
        self._flag = flag
        self._transform = transform

    def __getitem__(self, idx):
        header, payload = recordio.unpack(super().__getitem__(idx))
        img = _image().imdecode(payload, self._flag)
        if self._transform is not None:
            return self._transform(img, header.label)
        return img, header.label


class ImageFolderDataset(Dataset):
    """(decoded image, class index) samples of a folder of class folders (see the module docstring)."""

    def __init__(self, root, flag=1, transform=None):
        self._root = os.path.expanduser(root)
        self._flag = flag
        self._transform = transform
        self._exts = [".jpg", ".jpeg", ".png"]
        self._list_images(self._root)

    def _list_images(self, root):
        self.synsets = []
        self.items = []
        for folder in sorted(os.listdir(root)):
            path = os.path.join(root, folder)
            if not os.path.isdir(path):
                warnings.warn(f"Ignoring {path}, which is not a directory.", stacklevel=3)
                continue
            label = len(self.synsets)
            self.synsets.append(folder)
            for filename in sorted(os.listdir(path)):
                filename = os.path.join(path, filename)
                ext = os.path.splitext(filename)[1]
                if ext.lower() not in self._exts:
                    warnings.warn(f"Ignoring {filename} of type {ext}. Only support {', '.join(self._exts)}")
                    continue
                self.items.append((filename, label))

    def __getitem__(self, idx):
        img = _image().imread(self.items[idx][0], self._flag)
        label = self.items[idx][1]
        if self._transform is not None:
            return self._transform(img, label)
        return img, label

    def __len__(self):
        return len(self.items)
