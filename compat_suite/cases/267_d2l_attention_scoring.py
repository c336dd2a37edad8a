"""Dive into Deep Learning (MXNet edition), "Attention Scoring Functions": masked_softmax
(npx.sequence_mask with value=-1e6 and npx.softmax), AdditiveAttention and
DotProductAttention as Gluon blocks under npx.set_np(), with fixed weights."""
import math

import numpy as onp
from mxnet import autograd, gluon, init, np, npx
from compat_emit import emit

npx.set_np()


def masked_softmax(X, valid_lens):
    if valid_lens is None:
        return npx.softmax(X)
    shape = X.shape
    if valid_lens.ndim == 1:
        valid_lens = valid_lens.repeat(shape[1])
    else:
        valid_lens = valid_lens.reshape(-1)
    X = npx.sequence_mask(X.reshape(-1, shape[-1]), valid_lens, True, value=-1e6, axis=1)
    return npx.softmax(X).reshape(shape)


rng = onp.random.RandomState(8)
S = np.array(rng.uniform(0, 1, (2, 2, 4)).astype("float32"))
emit("masked_1d", masked_softmax(S, np.array([2, 3])))
emit("masked_2d", masked_softmax(S, np.array([[1, 3], [2, 4]])))


class AdditiveAttention(gluon.nn.Block):
    def __init__(self, num_hiddens, dropout, **kwargs):
        super().__init__(**kwargs)
        self.W_k = gluon.nn.Dense(num_hiddens, use_bias=False, flatten=False)
        self.W_q = gluon.nn.Dense(num_hiddens, use_bias=False, flatten=False)
        self.w_v = gluon.nn.Dense(1, use_bias=False, flatten=False)
        self.dropout = gluon.nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        features = np.expand_dims(queries, axis=2) + np.expand_dims(keys, axis=1)
        features = np.tanh(features)
        scores = np.squeeze(self.w_v(features), axis=-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return npx.batch_dot(self.dropout(self.attention_weights), values)


queries = np.array(rng.normal(0, 1, (2, 1, 20)).astype("float32"))
keys = np.ones((2, 10, 2))
values = np.arange(40).reshape(1, 10, 4).repeat(2, axis=0)
valid_lens = np.array([2, 6])
attention = AdditiveAttention(num_hiddens=8, dropout=0.1)
attention.initialize()
attention(queries, keys, values, valid_lens)
for p in attention.collect_params().values():
    p.set_data(np.array(rng.normal(0, 0.5, p.shape).astype("float32")))
emit("additive", attention(queries, keys, values, valid_lens))
emit("additive_weights", attention.attention_weights)


class DotProductAttention(gluon.nn.Block):
    def __init__(self, dropout, **kwargs):
        super().__init__(**kwargs)
        self.dropout = gluon.nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        scores = npx.batch_dot(queries, keys, transpose_b=True) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return npx.batch_dot(self.dropout(self.attention_weights), values)


queries = np.array(rng.normal(0, 1, (2, 1, 2)).astype("float32"))
attention = DotProductAttention(dropout=0.5)
attention.initialize()
emit("dot", attention(queries, keys, values, valid_lens))
emit("dot_weights", attention.attention_weights)
q = np.array(rng.normal(0, 1, (2, 3, 4)).astype("float32"))
q.attach_grad()
with autograd.record(train_mode=False):   # dropout off: the gradient is exact
    out = attention(q, q, q, np.array([[1, 2, 3], [3, 3, 1]]))
out.backward()
emit("dot_grad_eval", q.grad)
