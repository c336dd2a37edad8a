"""Dive into Deep Learning (MXNet edition), "Linear Regression Implementation from Scratch"
and "Concise Implementation of Linear Regression", under npx.set_np(): the book's synthetic
data (y = Xw + b + noise), its minibatch iterator, squared loss and sgd, then the concise
version with gluon.data, nn.Dense(1), init.Normal, L2Loss and Trainer; the random stream is
numpy's so both frameworks see the same numbers."""
import random

import numpy as onp
from mxnet import autograd, gluon, init, np, npx
from compat_emit import emit

npx.set_np()
rng = onp.random.RandomState(0)


def synthetic_data(w, b, num_examples):
    X = np.array(rng.normal(0, 1, (num_examples, len(w))).astype("float32"))
    y = np.dot(X, w) + b
    y += np.array(rng.normal(0, 0.01, y.shape).astype("float32"))
    return X, y.reshape((-1, 1))


true_w = np.array([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
emit("features0", features[0])
emit("labels0", labels[0])


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.Random(1).shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = np.array(indices[i:min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


w = np.array(rng.normal(0, 0.01, (2, 1)).astype("float32"))
b = np.zeros(1)
w.attach_grad()
b.attach_grad()


def linreg(X, w, b):
    return np.dot(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size


lr, num_epochs, batch_size = 0.03, 3, 10
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        with autograd.record():
            l = squared_loss(linreg(X, w, b), y)
        l.backward()
        sgd([w, b], lr, batch_size)
    train_l = squared_loss(linreg(features, w, b), labels)
    emit(f"epoch{epoch}_loss", float(train_l.mean()))
emit("w", w)
emit("b", b)
emit("w_error", true_w - w.reshape(true_w.shape))

dataset = gluon.data.ArrayDataset(features, labels)
data_iter_concise = gluon.data.DataLoader(dataset, batch_size, shuffle=False)
emit("first_batch", next(iter(data_iter_concise))[0])
net = gluon.nn.Sequential()
net.add(gluon.nn.Dense(1))
net.initialize(init.Normal(sigma=0.01))
net(features[:1])
net[0].weight.set_data(np.array(rng.normal(0, 0.01, (1, 2)).astype("float32")))
loss = gluon.loss.L2Loss()
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.03})
for epoch in range(num_epochs):
    for X, y in data_iter_concise:
        with autograd.record():
            l = loss(net(X), y)
        l.backward()
        trainer.step(batch_size)
    emit(f"concise_epoch{epoch}_loss", float(loss(net(features), labels).mean()))
emit("concise_w", net[0].weight.data())
emit("concise_b", net[0].bias.data())
emit("types", [type(net[0].weight.data()).__name__, str(net[0].weight.data().dtype), str(features.dtype)])
