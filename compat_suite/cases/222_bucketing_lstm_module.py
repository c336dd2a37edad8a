"""MXNet's bucketing example in miniature: mx.rnn.LSTMCell stacks unrolled per bucket by a
sym_gen, BucketSentenceIter batches, BucketingModule.fit with Perplexity, then the
parameters every bucket shares."""
import random

import mxnet as mx
import numpy as np
from compat_emit import emit

random.seed(3)
np.random.seed(3)
mx.random.seed(3)
sentences = [[random.randint(1, 9) for _ in range(random.randint(2, 4))] for _ in range(48)]
train = mx.rnn.BucketSentenceIter(sentences, 8, buckets=[3, 4], invalid_label=0)
emit("buckets", train.buckets)
emit("default_bucket_key", train.default_bucket_key)
emit("provide_data", [(d.name, d.shape) for d in train.provide_data])

stack = mx.rnn.SequentialRNNCell()
stack.add(mx.rnn.LSTMCell(num_hidden=6, prefix="lstm_l0_"))


def sym_gen(seq_len):
    data = mx.sym.Variable("data")
    label = mx.sym.Variable("softmax_label")
    embed = mx.sym.Embedding(data=data, input_dim=10, output_dim=5, name="embed")
    stack.reset()
    outputs, _ = stack.unroll(seq_len, inputs=embed, merge_outputs=True)
    pred = mx.sym.Reshape(outputs, shape=(-1, 6))
    pred = mx.sym.FullyConnected(data=pred, num_hidden=10, name="pred")
    label = mx.sym.Reshape(label, shape=(-1,))
    return mx.sym.SoftmaxOutput(data=pred, label=label, name="softmax"), ("data",), ("softmax_label",)


emit("arguments", sym_gen(3)[0].list_arguments())
mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=train.default_bucket_key)
mod.bind(train.provide_data, train.provide_label)
mod.init_params(initializer=mx.init.Zero())
arg, _ = mod.get_params()
rng = np.random.RandomState(4)
mod.set_params({k: mx.nd.array(rng.uniform(-0.3, 0.3, v.shape)) for k, v in sorted(arg.items())}, {})
mod.fit(train, eval_metric=mx.metric.Perplexity(0), optimizer="sgd",
        optimizer_params={"learning_rate": 0.5}, num_epoch=2)
arg, _ = mod.get_params()
emit("params", {k: arg[k] for k in sorted(arg)})
emit("score", mod.score(train, mx.metric.Perplexity(0)))
