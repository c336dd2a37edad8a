"""Dropout layers: identity in predict mode, scaled mask in train mode (shapes/values only), axes."""
import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit

mx.random.seed(0)
drop = nn.Dropout(0.25)
x = nd.ones((4, 50))
emit("predict", drop(x).sum())
with autograd.record():
    y = drop(x)
vals = set(np.unique(y.asnumpy()).tolist())
emit("train_values", bool(vals <= {0.0, 1 / 0.75}) and len(vals) == 2)
emit("train_shape", y.shape)
with autograd.train_mode():
    y = drop(x)
emit("train_mode_values", bool(set(np.unique(y.asnumpy()).tolist()) <= {0.0, 1 / 0.75}))
axes = nn.Dropout(0.5, axes=(1,))
with autograd.record():
    y = axes(nd.ones((3, 4))).asnumpy()
emit("axes_rows_equal", bool((y == y[0:1]).all()))
emit("repr", repr(drop))
