"""Train an MLP 3 steps with kvstore dist_sync (run by tests/test_distributed.py through
``mxjax launch``); with no job (one process) it trains on the whole batch.  Writes the final
parameters of this worker to OUT_rank.npz."""
import sys

import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd

out = sys.argv[1]
kv = mx.kv.create("dist_sync") if len(sys.argv) < 3 else None
rank, workers = (kv.rank, kv.num_workers) if kv else (0, 1)
mx.random.seed(0)
net = gluon.nn.Sequential()
net.add(gluon.nn.Dense(8, activation="relu"), gluon.nn.Dense(3))
net.initialize(mx.init.Xavier())
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9},
                        kvstore=kv if kv else "device")
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
rng = np.random.RandomState(1)
for step in range(3):
    X, Y = rng.randn(8, 5).astype("float32"), rng.randint(0, 3, 8)
    part = slice(rank * 8 // workers, (rank + 1) * 8 // workers)
    x, y = nd.array(X[part]), nd.array(Y[part])
    with autograd.record():
        loss = loss_fn(net(x), y)
    loss.backward()
    trainer.step(4)
np.savez(f"{out}_{rank}.npz", **{k: p.data().asnumpy() for k, p in net.collect_params().items()})
print("worker", rank, "of", workers, "done")
