"""Embedding: lookup and gradient (row-wise accumulation for repeated indices)."""
import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit

emb = nn.Embedding(5, 3)
emb.initialize()
emb.weight.set_data(nd.array(np.arange(15).reshape((5, 3)) / 10.0))
idx = nd.array([[0, 2], [2, 4]])
with autograd.record():
    y = emb(idx)
    loss = (y * nd.arange(12).reshape((2, 2, 3))).sum()
loss.backward()
emit("out", y)
emit("grad", emb.weight.grad())
emit("params", list(emb.collect_params().keys()))
emit("nd_Embedding", nd.Embedding(nd.array([1, 1]), nd.arange(6).reshape((3, 2)), input_dim=3, output_dim=2))
emit("repr", repr(emb))
