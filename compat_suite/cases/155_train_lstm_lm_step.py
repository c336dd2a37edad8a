"""One step of a tiny LSTM language model (Embedding -> LSTM -> Dense) with gradient clipping."""
# compat: rtol=1e-3 atol=1e-5
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn, rnn
from compat_emit import emit


class RNNModel(gluon.Block):
    def __init__(self, vocab, hidden, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        with self.name_scope():
            self.embedding = nn.Embedding(vocab, 4)
            self.rnn = rnn.LSTM(hidden, input_size=4)
            self.decoder = nn.Dense(vocab, in_units=hidden, flatten=False)

    def forward(self, inputs, hidden):
        emb = self.embedding(inputs)
        output, hidden = self.rnn(emb, hidden)
        return self.decoder(output), hidden


rng = np.random.RandomState(5)
model = RNNModel(7, 5)
model.initialize(mx.init.Xavier())
for p in model.collect_params().values():
    p.set_data(nd.array(rng.uniform(-0.2, 0.2, size=p.shape)))
data = nd.array(rng.randint(0, 7, size=(6, 2)))
target = nd.array(rng.randint(0, 7, size=(6, 2)))
hidden = model.rnn.begin_state(batch_size=2)
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(model.collect_params(), 'sgd', {'learning_rate': 1.0})
with autograd.record():
    output, hidden = model(data, hidden)
    loss = loss_fn(output.reshape((-3, -1)), target.reshape((-1,)))
loss.backward()
grads = [p.grad() for p in model.collect_params().values()]
norm = gluon.utils.clip_global_norm(grads, 0.5)
emit("global_norm", norm)
trainer.step(12)
emit("loss", loss.mean())
emit("decoder_weight", model.decoder.weight.data())
emit("hidden", hidden[0])
