"""ArrayDataset + DataLoader: batching, last_batch keep/discard/rollover, dtypes of batches."""
import numpy as np
import mxnet as mx
from mxnet import gluon, nd
from compat_emit import emit

X = np.arange(20, dtype=np.float32).reshape((10, 2))
y = np.arange(10, dtype=np.int32)
dataset = gluon.data.ArrayDataset(X, y)
emit("len", len(dataset))
emit("item", dataset[3])
loader = gluon.data.DataLoader(dataset, batch_size=4)
emit("num_batches", len(loader))
for i, (data, label) in enumerate(loader):
    emit(f"batch{i}_data", data)
    emit(f"batch{i}_label", label)
emit("discard", [d.shape for d, _ in gluon.data.DataLoader(dataset, batch_size=4, last_batch='discard')])
emit("rollover", [d.shape for d, _ in gluon.data.DataLoader(dataset, batch_size=4, last_batch='rollover')])
nd_dataset = gluon.data.ArrayDataset(nd.array(X), nd.array(y))
first = next(iter(gluon.data.DataLoader(nd_dataset, batch_size=3)))
emit("nd_batch", first)
f64 = gluon.data.ArrayDataset(np.ones((4, 2)), np.zeros(4, dtype=np.int64))
emit("float64_batch", next(iter(gluon.data.DataLoader(f64, batch_size=2))))
shuffled = gluon.data.DataLoader(dataset, batch_size=10, shuffle=True)
emit("shuffle_is_permutation", sorted(next(iter(shuffled))[1].asnumpy().tolist()))
