"""A Module over a Group of two heads (a SoftmaxOutput classifier and a
LinearRegressionOutput regressor sharing one hidden layer), with a BlockGrad'ed
feature as a third output: output names and shapes, get_outputs after forward, the
gradients that reach the shared layer, and a manual training loop with update_metric."""
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(11)
X = rng.normal(0, 1, (24, 5)).astype("float32")
cls = (X[:, 0] > 0).astype("float32")
reg = (X[:, 1] * 0.5 + X[:, 2]).astype("float32").reshape(-1, 1)

data = mx.sym.Variable("data")
hidden = mx.sym.FullyConnected(data, num_hidden=6, name="shared")
hidden = mx.sym.Activation(hidden, act_type="relu", name="shared_relu")
logits = mx.sym.FullyConnected(hidden, num_hidden=2, name="cls_fc")
value = mx.sym.FullyConnected(hidden, num_hidden=1, name="reg_fc")
net = mx.sym.Group([mx.sym.SoftmaxOutput(logits, name="cls"),
                    mx.sym.LinearRegressionOutput(value, name="reg"),
                    mx.sym.BlockGrad(hidden, name="feature")])
emit("outputs", net.list_outputs())
emit("arguments", net.list_arguments())
emit("infer", net.infer_shape(data=(8, 5), cls_label=(8,), reg_label=(8, 1)))

it = mx.io.NDArrayIter({"data": X}, {"cls_label": cls, "reg_label": reg}, batch_size=8)
emit("provide_label", [(d.name, d.shape) for d in it.provide_label])
mod = mx.mod.Module(net, data_names=["data"], label_names=["cls_label", "reg_label"])
mod.bind(it.provide_data, it.provide_label)
params = {"shared_weight": rng.normal(0, 0.4, (6, 5)), "shared_bias": np.zeros(6),
          "cls_fc_weight": rng.normal(0, 0.4, (2, 6)), "cls_fc_bias": np.zeros(2),
          "reg_fc_weight": rng.normal(0, 0.4, (1, 6)), "reg_fc_bias": np.zeros(1)}
mod.init_params(arg_params={k: mx.nd.array(v) for k, v in params.items()})
mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.1})
emit("output_shapes", mod.output_shapes)

metric = mx.metric.CompositeEvalMetric()
metric.add(mx.metric.Accuracy(output_names=["cls_output"], label_names=["cls_label"]))
metric.add(mx.metric.MSE(output_names=["reg_output"], label_names=["reg_label"]))
for epoch in range(3):
    it.reset()
    metric.reset()
    for batch in it:
        mod.forward(batch, is_train=True)
        mod.update_metric(metric, batch.label)
        mod.backward()
        mod.update()
    emit(f"epoch{epoch}_metric", metric.get_name_value())

it.reset()
batch = next(it)
mod.forward(batch, is_train=True)
outs = mod.get_outputs()
emit("n_outputs", len(outs))
emit("cls_out", outs[0])
emit("reg_out", outs[1])
emit("feature", outs[2])
mod.backward()
arg, _ = mod.get_params()
emit("params", {k: arg[k] for k in sorted(arg)})
