"""SequentialModule chaining two Modules (a feature MLP, then a classifier head that takes
the labels), trained with fit on fixed parameters; the chained output shapes, parameters
after training, predictions and the error for a module added with take_labels twice."""
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(13)
X = rng.normal(0, 1, (36, 6)).astype("float32")
y = (X[:, :3].sum(axis=1) > 0).astype("float32")
train = mx.io.NDArrayIter(X, y, batch_size=12)

data = mx.sym.Variable("data")
feat = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=5, name="body_fc"), act_type="relu")
head_in = mx.sym.Variable("data")
head = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(head_in, num_hidden=2, name="head_fc"), name="softmax")

body_mod = mx.mod.Module(feat, label_names=None)
head_mod = mx.mod.Module(head)
seq = mx.mod.SequentialModule()
seq.add(body_mod).add(head_mod, take_labels=True, auto_wiring=True)
params = {"body_fc_weight": rng.normal(0, 0.5, (5, 6)), "body_fc_bias": np.zeros(5),
          "head_fc_weight": rng.normal(0, 0.5, (2, 5)), "head_fc_bias": np.zeros(2)}
seq.fit(train, num_epoch=3, optimizer="sgd", optimizer_params={"learning_rate": 0.3},
        arg_params={k: mx.nd.array(v) for k, v in params.items()}, eval_metric="acc")
emit("data_names", seq.data_names)
emit("output_names", seq.output_names)
emit("data_shapes", [(d.name, d.shape) for d in seq.data_shapes])
emit("label_shapes", [(d.name, d.shape) for d in seq.label_shapes])
emit("output_shapes", seq.output_shapes)
arg, aux = seq.get_params()
emit("params", {k: arg[k] for k in sorted(arg)})
emit("body_params", sorted(body_mod.get_params()[0]))
emit("score", seq.score(train, "acc"))
emit("predict", seq.predict(train, num_batch=1))

train.reset()
batch = next(train)
seq.forward(batch, is_train=False)
emit("outputs", seq.get_outputs()[0])
