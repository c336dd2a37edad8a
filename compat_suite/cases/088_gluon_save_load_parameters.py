"""save_parameters/load_parameters round trip in a temp dir; load into a fresh net; ctx and cast."""
import os
import tempfile

import numpy as np
import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn
from compat_emit import emit, emit_error


def build():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(4, activation='relu'), nn.BatchNorm(), nn.Dense(2))
    return net


rng = np.random.RandomState(0)
net = build()
net.initialize()
x = nd.array(rng.normal(size=(3, 5)))
net(x)
for p in net.collect_params().values():
    p.set_data(nd.array(rng.uniform(0.1, 1.0, size=p.shape)))
expected = net(x)
tmp = tempfile.mkdtemp()
path = os.path.join(tmp, 'net.params')
net.save_parameters(path)
emit("saved", os.path.exists(path))

fresh = build()
fresh.load_parameters(path, ctx=mx.cpu())
emit("loaded_out", fresh(x))
emit("same", bool(np.allclose(fresh(x).asnumpy(), expected.asnumpy())))
emit("loaded_keys", sorted(k for k in nd.load(path)))

other = nn.HybridSequential()
with other.name_scope():
    other.add(nn.Dense(4, activation='relu'), nn.Dense(2))
emit_error("load_mismatched", lambda: other.load_parameters(path))
other2 = nn.HybridSequential()
with other2.name_scope():
    other2.add(nn.Dense(4, activation='relu'), nn.BatchNorm(), nn.Dense(2), nn.Dense(1))
emit_error("load_missing", lambda: other2.load_parameters(path))
other2.load_parameters(path, allow_missing=True, ignore_extra=True)
emit("allow_missing_ok", other2[0].weight.data())

net.collect_params().save(os.path.join(tmp, 'pd.params'))
emit("paramdict_keys", sorted(nd.load(os.path.join(tmp, 'pd.params')).keys()))
