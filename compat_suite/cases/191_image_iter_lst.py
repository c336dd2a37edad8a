"""mx.image.ImageIter over image files listed in a .lst file (index, labels, relative path) with
path_root, as im2rec's list format has it: two labels per image, the standard evaluation
augmenters, the last batch padded; and the same images given as an in-memory imglist."""
import os

import numpy as np
import mxnet as mx
from compat_emit import emit

rs = np.random.RandomState(9)
os.makedirs("images/sub")
lines = []
for i in range(5):
    img = rs.randint(0, 256, (10 + i, 14, 3)).astype(np.uint8)
    png = mx.recordio.unpack(mx.recordio.pack_img(mx.recordio.IRHeader(0, 0, 0, 0), img, img_fmt=".png"))[1]
    name = f"sub/img{i}.png"
    with open(os.path.join("images", name), "wb") as fh:
        fh.write(png)
    lines.append(f"{i}\t{i % 2}\t{i * 0.5}\t{name}\n")
with open("images.lst", "w") as fh:
    fh.writelines(lines)

it = mx.image.ImageIter(batch_size=2, data_shape=(3, 8, 8), label_width=2, path_imglist="images.lst",
                        path_root="images", aug_list=mx.image.CreateAugmenter((3, 8, 8), resize=9, mean=True))
emit("provide", [it.provide_data, it.provide_label])
for epoch in range(2):
    for n, batch in enumerate(it):
        emit(f"e{epoch}_b{n}_label", batch.label[0])
        emit(f"e{epoch}_b{n}_pad", batch.pad)
        emit(f"e{epoch}_b{n}_sum", batch.data[0].sum(axis=(1, 2, 3)))
    it.reset()

imglist = [[float(i), f"sub/img{i}.png"] for i in (4, 2, 0)]
listed = mx.image.ImageIter(batch_size=3, data_shape=(3, 10, 10), imglist=imglist, path_root="images",
                            aug_list=[mx.image.ForceResizeAug((10, 10))])
batch = listed.next()
emit("imglist_label", batch.label[0])
emit("imglist_corner", batch.data[0][:, :, :2, :2])
