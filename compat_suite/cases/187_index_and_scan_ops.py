"""Indexing and counting operators in data-processing code: cumsum, histogram (bins and
edges), ravel_multi_index/unravel_index, index_copy, boolean_mask, index_array and
arange_like, with gradients where MXNet has them."""
import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array(np.random.RandomState(0).uniform(-2, 2, (3, 4)))
emit("cumsum_flat", nd.cumsum(x))
emit("cumsum_axis0", nd.cumsum(x, axis=0))
emit("cumsum_int", nd.cumsum(nd.array([[1, 2], [3, 4]], dtype="int32"), axis=1, dtype="int64"))
x.attach_grad()
with autograd.record():
    y = (nd.cumsum(x, axis=1) * nd.arange(4)).sum()
y.backward()
emit("cumsum_grad", x.grad)

values = nd.array(np.random.RandomState(1).uniform(0, 10, 50))
counts, edges = nd.histogram(values, bins=5)
emit("hist_bins", [counts, edges])
counts, edges = nd.histogram(values, bins=4, range=(2, 8))
emit("hist_range", [counts, edges])
counts, edges = nd.histogram(values, bins=nd.array([0, 1, 5, 9, 10]))
emit("hist_edges", [counts, edges])

idx = nd.array([[3, 6, 6], [4, 5, 1]])
flat = nd.ravel_multi_index(idx, shape=(7, 6))
emit("ravel", flat)
emit("unravel", nd.unravel_index(flat, shape=(7, 6)))
emit("unravel_other", nd.unravel_index(nd.array([0, 5, 11, 23]), shape=(2, 3, 4)))

old = nd.zeros((5, 3))
new = nd.array([[1, 2, 3], [4, 5, 6]])
index = nd.array([4, 1], dtype="int64")
emit("index_copy", nd.contrib.index_copy(old, index, new))
old.attach_grad()
new.attach_grad()
with autograd.record():
    out = nd.contrib.index_copy(old, index, new)
    (out * nd.arange(15).reshape((5, 3))).sum().backward()
emit("index_copy_grads", [old.grad, new.grad])

data = nd.array(np.arange(12).reshape((4, 3)))
mask = nd.array([0, 1, 0, 1])
emit("boolean_mask", nd.contrib.boolean_mask(data, mask))
data.attach_grad()
with autograd.record():
    picked = nd.contrib.boolean_mask(data, mask)
    (picked * picked).sum().backward()
emit("boolean_mask_grad", data.grad)

emit("index_array", nd.contrib.index_array(nd.zeros((2, 3))))
emit("index_array_axes", nd.contrib.index_array(nd.zeros((2, 3, 2)), axes=(2, 0)))
emit("arange_like", nd.contrib.arange_like(nd.zeros((2, 5)), start=1.5, step=0.5))
emit("arange_like_axis", nd.contrib.arange_like(nd.zeros((2, 5)), axis=1, repeat=2))
