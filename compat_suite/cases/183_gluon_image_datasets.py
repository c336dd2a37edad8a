"""Gluon's image datasets on synthetic pictures: an ImageRecordDataset over a .rec written with
mx.recordio.pack_img, an ImageFolderDataset over class folders of PNG files, both through
the vision transforms (Resize, CenterCrop, ToTensor, Normalize) and a DataLoader."""
import os

import numpy as np
import mxnet as mx
from mxnet import gluon
from mxnet.gluon.data.vision import transforms
from compat_emit import emit

rs = np.random.RandomState(5)
pictures = [rs.randint(0, 256, (14 + 2 * i, 12 + i, 3)).astype(np.uint8) for i in range(6)]

record = mx.recordio.MXIndexedRecordIO("pics.idx", "pics.rec", "w")
for i, img in enumerate(pictures):
    record.write_idx(i, mx.recordio.pack_img(mx.recordio.IRHeader(0, float(i % 2), i, 0), img, img_fmt=".png"))
record.close()

for name in ("cat", "dog"):
    os.makedirs(os.path.join("folder", name))
for i, img in enumerate(pictures):
    # the encoded PNG bytes of a packed record, written out as a file
    png = mx.recordio.unpack(mx.recordio.pack_img(mx.recordio.IRHeader(0, 0, 0, 0), img, img_fmt=".png"))[1]
    with open(os.path.join("folder", ("cat", "dog")[i % 2], f"{i}.png"), "wb") as fh:
        fh.write(png)
with open(os.path.join("folder", "dog", "notes.txt"), "w") as fh:
    fh.write("not an image")

records = gluon.data.vision.ImageRecordDataset("pics.rec")
emit("rec_len", len(records))
img, label = records[3]
emit("rec_item", [img.shape, img.dtype.__name__, float(label)])
emit("rec_pixels_equal", bool((img.asnumpy() == pictures[3][:, :, ::-1]).all()))
gray, _ = gluon.data.vision.ImageRecordDataset("pics.rec", flag=0)[3]
emit("rec_gray", gray)

folder = gluon.data.vision.ImageFolderDataset("folder")
emit("synsets", folder.synsets)
emit("items", [(os.path.relpath(path, "folder"), label) for path, label in folder.items])
img, label = folder[2]   # cat/4.png
emit("folder_item", [img.shape, label, bool((img.asnumpy() == pictures[4][:, :, ::-1]).all())])

transform = transforms.Compose([transforms.Resize(12), transforms.CenterCrop(10), transforms.ToTensor(),
                                transforms.Normalize(mean=(0.5, 0.4, 0.3), std=(0.2, 0.25, 0.3))])
for source, dataset in (("rec", records), ("folder", folder)):
    loader = gluon.data.DataLoader(dataset.transform_first(transform), batch_size=4, last_batch="keep")
    for n, (data, label) in enumerate(loader):
        emit(f"{source}_batch{n}", [data.shape, label])
        emit(f"{source}_batch{n}_sum", data.sum(axis=(1, 2, 3)))
        emit(f"{source}_batch{n}_corner", data[:, :, 0, :3])
