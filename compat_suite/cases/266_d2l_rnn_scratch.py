"""Dive into Deep Learning (MXNet edition), "Implementation of Recurrent Neural Networks from
Scratch": one-hot inputs (npx.one_hot), get_params / init_rnn_state / rnn with np.tanh and
np.dot, RNNModelScratch, gradient clipping, sequential minibatches and perplexity, under
npx.set_np(), on a synthetic token stream standing in for The Time Machine."""
# compat: rtol=1e-3 atol=1e-5
import math

import numpy as onp
from mxnet import autograd, gluon, np, npx
from compat_emit import emit

npx.set_np()
vocab_size, num_hiddens, batch_size, num_steps = 12, 16, 4, 6
rng = onp.random.RandomState(7)
corpus = [int(t) for t in (onp.arange(200) * 7 + rng.randint(0, 3, 200)) % vocab_size]

emit("one_hot", npx.one_hot(np.array([0, 2]), 4))


def get_params(vocab_size, num_hiddens):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return np.array(rng.normal(0, 0.01, shape).astype("float32"))
    W_xh = normal((num_inputs, num_hiddens))
    W_hh = normal((num_hiddens, num_hiddens))
    b_h = np.zeros(num_hiddens)
    W_hq = normal((num_hiddens, num_outputs))
    b_q = np.zeros(num_outputs)
    params = [W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.attach_grad()
    return params


def init_rnn_state(batch_size, num_hiddens):
    return (np.zeros((batch_size, num_hiddens)),)


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = np.tanh(np.dot(X, W_xh) + np.dot(H, W_hh) + b_h)
        Y = np.dot(H, W_hq) + b_q
        outputs.append(Y)
    return np.concatenate(outputs, axis=0), (H,)


class RNNModelScratch:
    def __init__(self, vocab_size, num_hiddens, get_params, init_state, forward_fn):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X, state):
        X = npx.one_hot(X.T, self.vocab_size)
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size):
        return self.init_state(batch_size, self.num_hiddens)


net = RNNModelScratch(vocab_size, num_hiddens, get_params, init_rnn_state, rnn)
X = np.arange(10).reshape((2, 5))
state = net.begin_state(X.shape[0])
Y, new_state = net(X, state)
emit("shapes", [Y.shape, len(new_state), new_state[0].shape])


def grad_clipping(params, theta):
    norm = math.sqrt(sum((p.grad ** 2).sum() for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm


def seq_data_iter_sequential(corpus, batch_size, num_steps):
    num_tokens = ((len(corpus) - 1) // batch_size) * batch_size
    Xs = np.array(corpus[0: num_tokens])
    Ys = np.array(corpus[1: 1 + num_tokens])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        yield Xs[:, i: i + num_steps], Ys[:, i: i + num_steps]


def sgd(params, lr, batch_size):
    for param in params:
        param[:] = param - lr * param.grad / batch_size


loss = gluon.loss.SoftmaxCrossEntropyLoss()
for epoch in range(3):
    state, total, n = None, 0.0, 0
    for X, Y in seq_data_iter_sequential(corpus, batch_size, num_steps):
        if state is None:
            state = net.begin_state(batch_size=X.shape[0])
        else:
            for s in state:
                s.detach()
        y = Y.T.reshape(-1)
        with autograd.record():
            y_hat, state = net(X, state)
            l = loss(y_hat, y).mean()
        l.backward()
        grad_clipping(net.params, 1)
        sgd(net.params, 1, batch_size=1)
        total += float(l) * y.size
        n += y.size
    emit(f"perplexity{epoch}", math.exp(total / n))


def predict(prefix, num_preds, net):
    state = net.begin_state(batch_size=1)
    outputs = [prefix[0]]
    get_input = lambda: np.array([outputs[-1]]).reshape((1, 1))
    for y in prefix[1:]:
        _, state = net(get_input(), state)
        outputs.append(y)
    for _ in range(num_preds):
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(axis=1).reshape(1)))
    return outputs


emit("predict", predict([1, 8, 3], 6, net))
