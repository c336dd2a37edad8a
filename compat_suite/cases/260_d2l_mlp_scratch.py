"""Dive into Deep Learning (MXNet edition), "Implementation of Multilayer Perceptrons from
Scratch" and the concise version, under npx.set_np(), on synthetic 10-class data standing in
for Fashion-MNIST (no download); parameters drawn from a fixed numpy stream."""
import numpy as onp
from mxnet import autograd, gluon, init, np, npx
from compat_emit import emit

npx.set_np()
rng = onp.random.RandomState(0)
X_all = np.array(rng.normal(0, 1, (256, 1, 8, 8)).astype("float32"))
y_all = np.array(rng.randint(0, 10, 256).astype("int32"))
batch_size = 64
train_iter = gluon.data.DataLoader(gluon.data.ArrayDataset(X_all, y_all), batch_size, shuffle=False)

num_inputs, num_outputs, num_hiddens = 64, 10, 32
W1 = np.array(rng.normal(0, 0.01, (num_inputs, num_hiddens)).astype("float32"))
b1 = np.zeros(num_hiddens)
W2 = np.array(rng.normal(0, 0.01, (num_hiddens, num_outputs)).astype("float32"))
b2 = np.zeros(num_outputs)
params = [W1, b1, W2, b2]
for param in params:
    param.attach_grad()


def relu(X):
    return np.maximum(X, 0)


def net(X):
    X = X.reshape((-1, num_inputs))
    H = relu(np.dot(X, W1) + b1)
    return np.dot(H, W2) + b2


loss = gluon.loss.SoftmaxCrossEntropyLoss()


def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size


def accuracy(y_hat, y):
    y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.astype(y.dtype) == y
    return float(cmp.astype(y.dtype).sum())


emit("relu", relu(np.array([-1.0, 0.0, 2.5])))
for epoch in range(3):
    total, correct, n = 0.0, 0.0, 0
    for X, y in train_iter:
        with autograd.record():
            l = loss(net(X), y)
        l.backward()
        sgd(params, 0.5, batch_size)
        total += float(l.sum())
        correct += accuracy(net(X), y)
        n += y.size
    emit(f"epoch{epoch}", [total / n, correct / n])
emit("W2.grad", W2.grad)

concise = gluon.nn.Sequential()
concise.add(gluon.nn.Dense(num_hiddens, activation="relu"), gluon.nn.Dense(num_outputs))
concise.initialize(init.Normal(sigma=0.01))
concise(X_all[:1])
for p in concise.collect_params().values():
    p.set_data(np.array(rng.normal(0, 0.01, p.shape).astype("float32")))
trainer = gluon.Trainer(concise.collect_params(), "sgd", {"learning_rate": 0.5})
for epoch in range(3):
    for X, y in train_iter:
        with autograd.record():
            l = loss(concise(X), y)
        l.backward()
        trainer.step(batch_size)
    emit(f"concise_epoch{epoch}", [float(loss(concise(X_all), y_all).mean()), accuracy(concise(X_all), y_all)])
emit("types", [type(concise(X_all[:2])).__name__, str(concise[0].weight.data().dtype)])
