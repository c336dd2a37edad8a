"""Dataset.transform / transform_first, SimpleDataset, lazy transforms, batchify with a custom fn."""
import numpy as np
import mxnet as mx
from mxnet import gluon, nd
from compat_emit import emit

X = np.arange(12, dtype=np.float32).reshape((6, 2))
y = np.arange(6, dtype=np.float32)
ds = gluon.data.ArrayDataset(X, y)
t = ds.transform_first(lambda x: x * 10)
emit("transform_first", t[2])
t2 = ds.transform(lambda x, lab: (x.sum(), lab))
emit("transform", t2[1])
simple = gluon.data.SimpleDataset([1, 2, 3, 4, 5])
emit("simple", [simple[i] for i in range(len(simple))])
emit("simple_transform", list(simple.transform(lambda v: v * v)))
emit("take", list(simple.take(2)))
emit("filter", list(simple.filter(lambda v: v % 2 == 1)))
emit("shard", list(simple.shard(2, 1)))


def batchify(samples):
    data = nd.array([s[0] for s in samples])
    return data, len(samples)


loader = gluon.data.DataLoader(ds, batch_size=4, batchify_fn=batchify)
emit("custom_batchify", [(d.shape, n) for d, n in loader])
loader = gluon.data.DataLoader(t, batch_size=3)
emit("transformed_loader", [d for d, _ in loader])
