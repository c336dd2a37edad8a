"""An old-style MXNet Module program: a symbolic MLP trained with Module.fit on an
NDArrayIter, logging through the logging module, then score, predict and get_params."""
import logging

import mxnet as mx
import numpy as np
from compat_emit import emit


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        if "Time cost" not in record.getMessage() and "Speed" not in record.getMessage():
            self.lines.append(record.getMessage())


logging.getLogger().setLevel(logging.INFO)
lines = Lines()
logging.getLogger().addHandler(lines)

rng = np.random.RandomState(1)
X = rng.uniform(-1, 1, (100, 10)).astype("float32")
y = (X[:, 0] * X[:, 1] > 0).astype("float32") + (X[:, 2] > 0.5)
train = mx.io.NDArrayIter(X[:80], y[:80], batch_size=16, shuffle=False)
val = mx.io.NDArrayIter(X[80:], y[80:], batch_size=16)

data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, name="fc1", num_hidden=32)
net = mx.sym.Activation(net, name="relu1", act_type="relu")
net = mx.sym.FullyConnected(net, name="fc2", num_hidden=3)
net = mx.sym.SoftmaxOutput(net, name="softmax")

init = {"fc1_weight": rng.normal(0, 0.3, (32, 10)), "fc1_bias": np.zeros(32),
        "fc2_weight": rng.normal(0, 0.3, (3, 32)), "fc2_bias": np.zeros(3)}
mod = mx.mod.Module(symbol=net, context=mx.cpu(), data_names=["data"], label_names=["softmax_label"])
mod.fit(train, eval_data=val, optimizer="sgd",
        optimizer_params={"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-4},
        eval_metric="acc", arg_params={k: mx.nd.array(v) for k, v in init.items()},
        batch_end_callback=mx.callback.Speedometer(16, 2), num_epoch=4)
emit("log_lines", lines.lines)
emit("score", [(n, round(float(v), 6)) for n, v in mod.score(val, ["acc", "ce"])])
emit("predict", mod.predict(val))
arg_params, aux_params = mod.get_params()
emit("params", {k: arg_params[k] for k in sorted(arg_params)})
emit("aux", sorted(aux_params))
emit("data_shapes", [(d.name, d.shape) for d in mod.data_shapes])
emit("label_shapes", [(d.name, d.shape) for d in mod.label_shapes])
emit("output_shapes", mod.output_shapes)
