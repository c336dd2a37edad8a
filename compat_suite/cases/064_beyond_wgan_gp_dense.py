# compat: beyond-mxnet
"""WGAN-GP: a gradient penalty through a Dense critic.

MXNet 1.9.1 refuses: "Operator _backward_FullyConnected is non-differentiable".
"""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

rng = np.random.RandomState(3)
W1 = rng.normal(scale=0.5, size=(4, 3))
b1 = rng.normal(scale=0.1, size=(4,))
W2 = rng.normal(scale=0.5, size=(1, 4))
b2 = np.array([0.05])
real = rng.normal(size=(2, 3))
fake = rng.normal(size=(2, 3))
alpha = np.array([[0.3], [0.8]])
x_hat0 = alpha * real + (1 - alpha) * fake

critic = nn.HybridSequential()
critic.add(nn.Dense(4, activation='tanh', in_units=3), nn.Dense(1, in_units=4))
critic.initialize()
for param, value in zip(critic.collect_params().values(), [W1, b1, W2, b2]):
    param.set_data(nd.array(value))


def penalty_np(w1):
    h = np.tanh(x_hat0 @ w1.T + b1)
    grads = ((1 - h ** 2) * W2) @ w1          # d critic / d x_hat, one row per sample
    return np.mean((np.sqrt((grads ** 2).sum(axis=1)) - 1) ** 2)


def numeric(fn, w, h=1e-6):
    g = np.zeros_like(w)
    for i in range(w.size):
        e = np.zeros_like(w)
        e.flat[i] = h
        g.flat[i] = (fn(w + e) - fn(w - e)) / (2 * h)
    return g


x_hat = nd.array(x_hat0)
x_hat.attach_grad()
with autograd.record():
    out = critic(x_hat)
    grads = autograd.grad(out, [x_hat], create_graph=True, retain_graph=True)[0]
    gp = ((grads.norm(axis=1) - 1) ** 2).mean()
gp.backward()
emit("gp", gp)
emit("dense0_weight_grad", critic[0].weight.grad())
emit("check_gp", bool(np.isclose(gp.asscalar(), penalty_np(W1), rtol=1e-4)))
emit("check_weight_grad", bool(np.allclose(critic[0].weight.grad().asnumpy(), numeric(penalty_np, W1),
                                           rtol=1e-3, atol=1e-5)))
trainer = gluon.Trainer(critic.collect_params(), 'adam', {'learning_rate': 0.01})
trainer.step(1)
emit("check_trained", bool(not np.allclose(critic[0].weight.data().asnumpy(), W1)))
