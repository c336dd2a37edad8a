"""Module checkpoints the old MXNet way: do_checkpoint during fit, load_checkpoint,
Module.load with optimizer states, resume with begin_epoch, and predict with a module bound
for inference."""
import os

import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(2)
X = rng.normal(0, 1, (60, 6)).astype("float32")
y = X @ rng.normal(0, 1, (6, 1)).astype("float32") + 0.5
train = mx.io.NDArrayIter(X, y, batch_size=12, label_name="lin_label")

data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, num_hidden=8, name="fc1")
net = mx.sym.Activation(net, act_type="tanh", name="tanh1")
net = mx.sym.FullyConnected(net, num_hidden=1, name="fc2")
net = mx.sym.LinearRegressionOutput(net, name="lin")

init = {"fc1_weight": rng.normal(0, 0.5, (8, 6)), "fc1_bias": np.zeros(8),
        "fc2_weight": rng.normal(0, 0.5, (1, 8)), "fc2_bias": np.zeros(1)}
mod = mx.mod.Module(net, label_names=["lin_label"])
mod.fit(train, num_epoch=2, eval_metric="mse", optimizer="adam", optimizer_params={"learning_rate": 0.01},
        arg_params={k: mx.nd.array(v) for k, v in init.items()},
        epoch_end_callback=mx.callback.do_checkpoint("lin"))
mod.save_checkpoint("lin", 2, save_optimizer_states=True)
emit("files", sorted(f for f in os.listdir(".") if f.startswith("lin")))

sym, arg, aux = mx.model.load_checkpoint("lin", 1)
emit("loaded_args", sorted(arg))
emit("loaded_outputs", sym.list_outputs())
emit("epoch1_fc2_weight", arg["fc2_weight"])

resumed = mx.mod.Module.load("lin", 2, load_optimizer_states=True, label_names=["lin_label"])
resumed.bind(train.provide_data, train.provide_label)
resumed.init_optimizer(optimizer="adam", optimizer_params={"learning_rate": 0.01})
resumed.fit(train, num_epoch=4, begin_epoch=2, eval_metric="mse", optimizer="adam",
            optimizer_params={"learning_rate": 0.01})
mod.fit(train, num_epoch=4, begin_epoch=2, eval_metric="mse")
a, b = resumed.get_params()[0], mod.get_params()[0]
emit("resumed_equals_continued", all(np.allclose(a[k].asnumpy(), b[k].asnumpy(), rtol=1e-5) for k in a))
emit("resumed_params", {k: a[k] for k in sorted(a)})
emit("score_mse", mod.score(train, "mse"))

infer = mx.mod.Module(net, label_names=["lin_label"])
infer.bind(data_shapes=[("data", (12, 6))], for_training=False)
infer.set_params(*mod.get_params())
emit("predict_first", infer.predict(mx.io.NDArrayIter(X[:24], batch_size=12)))
