"""The pre-Module API still found in old scripts: mx.model.FeedForward (constructor and
FeedForward.create) with arg_params, fit on numpy arrays and on an iterator, predict,
score, save and FeedForward.load."""
import warnings

import mxnet as mx
import numpy as np
from compat_emit import emit

warnings.simplefilter("ignore")
np.random.seed(0)   # fit on numpy arrays shuffles with np.random
rng = np.random.RandomState(37)
X = rng.normal(0, 1, (30, 4)).astype("float32")
y = (X[:, 0] + X[:, 1] > 0).astype("float32")
data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, num_hidden=4, name="fc1")
net = mx.sym.Activation(net, act_type="tanh")
net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(net, num_hidden=2, name="fc2"), name="softmax")
params = {"fc1_weight": rng.normal(0, 0.5, (4, 4)), "fc1_bias": np.zeros(4),
          "fc2_weight": rng.normal(0, 0.5, (2, 4)), "fc2_bias": np.zeros(2)}

model = mx.model.FeedForward(net, ctx=mx.cpu(), num_epoch=3, optimizer="sgd", learning_rate=0.2,
                             numpy_batch_size=10,
                             arg_params={k: mx.nd.array(v) for k, v in params.items()})
model.fit(X=X, y=y)
emit("fit_numpy_params", {k: model.arg_params[k] for k in sorted(model.arg_params)})
emit("predict_numpy", model.predict(X[:6]))
emit("score_numpy", model.score(mx.io.NDArrayIter(X, y, batch_size=10)))

it = mx.io.NDArrayIter(X, y, batch_size=10)
created = mx.model.FeedForward.create(net, X=it, num_epoch=2, optimizer="sgd", learning_rate=0.1,
                                      momentum=0.9, eval_metric="acc",
                                      arg_params={k: mx.nd.array(v) for k, v in params.items()})
emit("create_params", {k: created.arg_params[k] for k in sorted(created.arg_params)})
it.reset()
emit("create_predict", created.predict(it))
created.save("ff", 2)
loaded = mx.model.FeedForward.load("ff", 2)
emit("loaded_args", sorted(loaded.arg_params))
emit("loaded_predict", loaded.predict(X[:4]))
