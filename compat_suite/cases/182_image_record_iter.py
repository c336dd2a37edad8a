"""An ImageNet-style pipeline in miniature: images packed into an indexed .rec with
mx.recordio.pack_img (lossless PNG so every decoder agrees), read back with
mx.io.ImageRecordIter (resize, mean/std normalisation, fixed order) for three epochs (the last batch wrapping around as MXNet's does), and with
mx.image.ImageIter over the same file."""
import numpy as np
import mxnet as mx
from compat_emit import emit

rs = np.random.RandomState(3)
record = mx.recordio.MXIndexedRecordIO("train.idx", "train.rec", "w")
images = []
for i in range(7):
    img = rs.randint(0, 256, (20 + i, 18, 3)).astype(np.uint8)
    images.append(img)
    header = mx.recordio.IRHeader(0, float(i % 3), i, 0)
    record.write_idx(i, mx.recordio.pack_img(header, img, quality=3, img_fmt=".png"))
record.close()

reader = mx.recordio.MXIndexedRecordIO("train.idx", "train.rec", "r")
header, decoded = mx.recordio.unpack_img(reader.read_idx(4))
emit("unpacked_header", [header.flag, float(header.label), header.id])
emit("unpacked_equal", bool((decoded == images[4]).all()))
emit("unpacked_shape", list(decoded.shape))
reader.close()

it = mx.io.ImageRecordIter(path_imgrec="train.rec", data_shape=(3, 16, 16), batch_size=3,
                           resize=16, mean_r=120.0, mean_g=110.0, mean_b=100.0, std_r=60.0,
                           std_g=55.0, std_b=50.0, preprocess_threads=1)
emit("provide_data", [(d.name, d.shape) for d in it.provide_data])
emit("provide_label", [(d.name, d.shape) for d in it.provide_label])
for epoch in range(3):   # the last batch wraps around; the next epoch starts after the wrapped records
    for n, batch in enumerate(it):
        emit(f"e{epoch}_b{n}_label", batch.label[0])
        emit(f"e{epoch}_b{n}_pad", batch.pad)
        emit(f"e{epoch}_b{n}_corner", batch.data[0][:, :, :2, :2])
        emit(f"e{epoch}_b{n}_mean", batch.data[0].mean(axis=(1, 2, 3)))
    it.reset()

image_iter = mx.image.ImageIter(batch_size=4, data_shape=(3, 12, 12), path_imgrec="train.rec",
                                path_imgidx="train.idx", aug_list=mx.image.CreateAugmenter((3, 12, 12), resize=12))
for n, batch in enumerate(image_iter):
    emit(f"imageiter_b{n}", [batch.data[0].shape, batch.label[0], batch.pad])
    emit(f"imageiter_b{n}_sum", batch.data[0].sum(axis=(1, 2, 3)))
