"""Dive into Deep Learning (MXNet edition), "Dropout": dropout_layer from scratch (a mask
from np.random.uniform) and nn.Dropout in a concise MLP, under npx.set_np().  Masks come from
each framework's own random stream, so only their invariants are emitted; predict-mode
outputs and the rate-0 / rate-1 cases are exact."""
import numpy as onp
from mxnet import autograd, gluon, np, npx
from compat_emit import emit

npx.set_np()


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return np.zeros_like(X)
    if dropout == 0:
        return X
    mask = np.random.uniform(0, 1, X.shape) > dropout
    return mask.astype(np.float32) * X / (1.0 - dropout)


X = np.arange(16).reshape(2, 8)
emit("p0", dropout_layer(X, 0))
emit("p1", dropout_layer(X, 1))
half = dropout_layer(X, 0.5).asnumpy()
emit("p05_values_ok", bool(onp.all((half == 0) | (half == 2 * X.asnumpy()))))
emit("p05_shape", half.shape)

rng = onp.random.RandomState(1)
net = gluon.nn.Sequential()
net.add(gluon.nn.Dense(16, activation="relu"), gluon.nn.Dropout(0.2),
        gluon.nn.Dense(16, activation="relu"), gluon.nn.Dropout(0.5), gluon.nn.Dense(4))
net.initialize()
Xd = np.array(rng.normal(0, 1, (32, 10)).astype("float32"))
yd = np.array(rng.randint(0, 4, 32).astype("float32"))
net(Xd[:1])
for p in net.collect_params().values():
    p.set_data(np.array(rng.normal(0, 0.3, p.shape).astype("float32")))
emit("predict", net(Xd[:4]))
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
with autograd.record():
    out = net(Xd)
    l = loss(out, yd)
l.backward()
trainer.step(32)
emit("train_out_shape", out.shape)
emit("train_loss_finite", bool(onp.isfinite(l.asnumpy()).all()))
emit("dropout_repr", str(net[1]))
