"""MXNet's old LeNet example, symbolic: Convolution/Pooling/Flatten/FullyConnected with
tanh, SoftmaxOutput, trained by Module.fit on a small fixed image set with every
parameter given from numpy; the epoch log lines, final parameters and predictions."""
# compat: rtol=1e-3 atol=1e-4
import logging

import mxnet as mx
import numpy as np
from compat_emit import emit


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        msg = record.getMessage()
        if "Time cost" not in msg and "Speed" not in msg:
            self.lines.append(msg)


logging.getLogger().setLevel(logging.INFO)
lines = Lines()
logging.getLogger().addHandler(lines)

rng = np.random.RandomState(7)
X = rng.uniform(0, 1, (40, 1, 12, 12)).astype("float32")
y = (X[:, 0, :6, :].mean(axis=(1, 2)) > X[:, 0, 6:, :].mean(axis=(1, 2))).astype("float32")
train = mx.io.NDArrayIter(X[:32], y[:32], batch_size=8)
val = mx.io.NDArrayIter(X[32:], y[32:], batch_size=8)

data = mx.sym.Variable("data")
conv1 = mx.sym.Convolution(data=data, kernel=(3, 3), num_filter=4, name="conv1")
tanh1 = mx.sym.Activation(data=conv1, act_type="tanh")
pool1 = mx.sym.Pooling(data=tanh1, pool_type="max", kernel=(2, 2), stride=(2, 2))
conv2 = mx.sym.Convolution(data=pool1, kernel=(2, 2), num_filter=6, name="conv2")
tanh2 = mx.sym.Activation(data=conv2, act_type="tanh")
pool2 = mx.sym.Pooling(data=tanh2, pool_type="avg", kernel=(2, 2), stride=(2, 2))
flatten = mx.sym.Flatten(data=pool2)
fc1 = mx.sym.FullyConnected(data=flatten, num_hidden=10, name="fc1")
tanh3 = mx.sym.Activation(data=fc1, act_type="tanh")
fc2 = mx.sym.FullyConnected(data=tanh3, num_hidden=2, name="fc2")
lenet = mx.sym.SoftmaxOutput(data=fc2, name="softmax")
emit("arguments", lenet.list_arguments())
arg_shapes, out_shapes, _ = lenet.infer_shape(data=(8, 1, 12, 12))
emit("arg_shapes", arg_shapes)
emit("out_shapes", out_shapes)

init = {name: rng.normal(0, 0.3, shape) for name, shape in zip(lenet.list_arguments(), arg_shapes)
        if name not in ("data", "softmax_label")}
mod = mx.mod.Module(lenet, context=mx.cpu())
mod.fit(train, eval_data=val, optimizer="sgd", optimizer_params={"learning_rate": 0.2, "momentum": 0.5},
        arg_params={k: mx.nd.array(v) for k, v in init.items()}, eval_metric=["acc", "ce"], num_epoch=3)
emit("log_lines", lines.lines)
arg, aux = mod.get_params()
emit("params", {k: arg[k] for k in sorted(arg)})
emit("predict", mod.predict(val))
emit("score", mod.score(val, "acc"))
