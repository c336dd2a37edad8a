"""Dive into Deep Learning (MXNet edition), "Implementation of Softmax Regression from
Scratch" and the concise version, under npx.set_np(), on synthetic 10-class data standing in
for Fashion-MNIST (no download): the book's softmax, cross_entropy by fancy indexing,
accuracy, Accumulator and evaluate loop; then nn.Flatten + nn.Dense(10) with
SoftmaxCrossEntropyLoss and Trainer."""
import numpy as onp
from mxnet import autograd, gluon, init, np, npx
from compat_emit import emit

npx.set_np()
rng = onp.random.RandomState(3)
X_all = np.array(rng.uniform(0, 1, (300, 1, 6, 6)).astype("float32"))
centers = rng.normal(0, 1, (10, 36)).astype("float32")
y_np = rng.randint(0, 10, 300)
X_all = X_all + np.array(centers[y_np].reshape(300, 1, 6, 6))
y_all = np.array(y_np.astype("int32"))
batch_size = 50
train_iter = gluon.data.DataLoader(gluon.data.ArrayDataset(X_all[:250], y_all[:250]), batch_size, shuffle=False)
test_iter = gluon.data.DataLoader(gluon.data.ArrayDataset(X_all[250:], y_all[250:]), batch_size, shuffle=False)

num_inputs, num_outputs = 36, 10
W = np.array(rng.normal(0, 0.01, (num_inputs, num_outputs)).astype("float32"))
b = np.zeros(num_outputs)
W.attach_grad()
b.attach_grad()


def softmax(X):
    X_exp = np.exp(X)
    partition = X_exp.sum(1, keepdims=True)
    return X_exp / partition


X = np.array(rng.normal(0, 1, (2, 5)).astype("float32"))
X_prob = softmax(X)
emit("softmax", [X_prob, X_prob.sum(1)])


def net(X):
    return softmax(np.dot(X.reshape((-1, W.shape[0])), W) + b)


y = np.array([0, 2])
y_hat = np.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
emit("pick", y_hat[[0, 1], y])


def cross_entropy(y_hat, y):
    return - np.log(y_hat[range(len(y_hat)), y])


emit("cross_entropy", cross_entropy(y_hat, y))


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.astype(y.dtype) == y
    return float(cmp.astype(y.dtype).sum())


emit("accuracy", accuracy(y_hat, y) / len(y))


class Accumulator:
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def __getitem__(self, idx):
        return self.data[idx]


def evaluate_accuracy(net, data_iter):
    metric = Accumulator(2)
    for X, y in data_iter:
        metric.add(accuracy(net(X), y), y.size)
    return metric[0] / metric[1]


def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size


for epoch in range(3):
    metric = Accumulator(3)
    for X, y in train_iter:
        with autograd.record():
            l = cross_entropy(net(X), y)
        l.backward()
        sgd([W, b], 0.1, batch_size)
        metric.add(float(l.sum()), accuracy(net(X), y), y.size)
    emit(f"epoch{epoch}", [metric[0] / metric[2], metric[1] / metric[2], evaluate_accuracy(net, test_iter)])
emit("b", b)

concise = gluon.nn.Sequential()
concise.add(gluon.nn.Flatten(), gluon.nn.Dense(10))
concise.initialize(init.Normal(sigma=0.01))
concise(X_all[:1])
concise[1].weight.set_data(np.array(rng.normal(0, 0.01, (10, 36)).astype("float32")))
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(concise.collect_params(), "sgd", {"learning_rate": 0.1})
for epoch in range(3):
    for X, y in train_iter:
        with autograd.record():
            l = loss(concise(X), y)
        l.backward()
        trainer.step(batch_size)
    emit(f"concise_epoch{epoch}", [float(loss(concise(X_all[:250]), y_all[:250]).mean()), evaluate_accuracy(concise, test_iter)])
emit("concise_b", concise[1].bias.data())
