"""Dive into Deep Learning (MXNet edition), "Weight Decay": high-dimensional linear
regression (20 training examples, 200 inputs) with an L2 penalty from scratch, then the
concise version with the Trainer's wd, under npx.set_np(); synthetic data from numpy."""
import numpy as onp
from mxnet import autograd, gluon, init, np, npx
from compat_emit import emit

npx.set_np()
rng = onp.random.RandomState(2)
n_train, n_test, num_inputs, batch_size = 20, 100, 200, 5
true_w, true_b = np.ones((num_inputs, 1)) * 0.01, 0.05


def synthetic(n):
    X = np.array(rng.normal(0, 1, (n, num_inputs)).astype("float32"))
    y = np.dot(X, true_w) + true_b + np.array(rng.normal(0, 0.01, (n, 1)).astype("float32"))
    return X, y


train_data, test_data = synthetic(n_train), synthetic(n_test)
train_iter = gluon.data.DataLoader(gluon.data.ArrayDataset(*train_data), batch_size, shuffle=False)


def linreg(X, w, b):
    return np.dot(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def l2_penalty(w):
    return (w ** 2).sum() / 2


def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size


def train(lambd):
    w = np.array(rng.normal(0, 1, (num_inputs, 1)).astype("float32"))
    b = np.zeros(1)
    w.attach_grad()
    b.attach_grad()
    for epoch in range(20):
        for X, y in train_iter:
            with autograd.record():
                l = squared_loss(linreg(X, w, b), y) + lambd * l2_penalty(w)
            l.backward()
            sgd([w, b], 0.003, batch_size)
    return [float(squared_loss(linreg(*test_data[:1], w, b), test_data[1]).mean()), float(np.linalg.norm(w))]


emit("no_decay", train(0))
emit("decay3", train(3))


def train_concise(wd):
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Dense(1))
    net.initialize(init.Normal(sigma=1))
    net(train_data[0][:1])
    net[0].weight.set_data(np.array(rng.normal(0, 1, (1, num_inputs)).astype("float32")))
    loss = gluon.loss.L2Loss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.003, "wd": wd})
    net.collect_params(".*bias").setattr("wd_mult", 0)
    for epoch in range(20):
        for X, y in train_iter:
            with autograd.record():
                l = loss(net(X), y)
            l.backward()
            trainer.step(batch_size)
    return [float(loss(net(test_data[0]), test_data[1]).mean()), float(np.linalg.norm(net[0].weight.data()))]


emit("concise_wd0", train_concise(0))
emit("concise_wd3", train_concise(3))
