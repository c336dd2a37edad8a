"""A Gluon data pipeline as MXNet scripts write it: an NDArray dataset, a per-sample transform
(reshape, cast, scale), shuffled and sequential DataLoaders, and the batches' contents."""
import numpy as np
import mxnet as mx
from mxnet import gluon, nd
from compat_emit import emit

images = nd.array(np.random.RandomState(0).randint(0, 256, (300, 4, 4, 1)), dtype=np.uint8)
labels = np.arange(300) % 7
dataset = gluon.data.ArrayDataset(images, labels).transform(
    lambda x, y: (x.reshape((-1,)).astype(np.float32) / 255, y))
loader = gluon.data.DataLoader(dataset, batch_size=64, last_batch="keep")
for i, (data, label) in enumerate(loader):
    emit(f"batch_{i}", [data.shape, str(data.dtype), float(data.sum().asscalar()), label.asnumpy().tolist()])
mx.random.seed(1)
shuffled = gluon.data.DataLoader(dataset, batch_size=50, shuffle=True, last_batch="discard")
total = sum(float(d.sum().asscalar()) for d, _ in shuffled)
emit("shuffled_batches", len(shuffled))
emit("shuffled_total", round(total, 2))
