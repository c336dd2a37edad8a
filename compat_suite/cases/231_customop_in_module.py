"""A CustomOp loss layer inside a Module, as in MXNet's example/numpy-ops: a numpy
weighted logistic loss (need_top_grad=False, keyword arguments through the Prop) on top
of a symbolic MLP, trained by Module.fit, then scored and predicted."""
import mxnet as mx
import numpy as np
from compat_emit import emit


class WeightedLogistic(mx.operator.CustomOp):
    def __init__(self, pos_weight):
        super().__init__()
        self.pos_weight = pos_weight

    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        self.assign(out_data[0], req[0], mx.nd.array(1.0 / (1.0 + np.exp(-x))))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        p = out_data[0].asnumpy()
        y = in_data[1].asnumpy().reshape(p.shape)
        w = np.where(y > 0.5, self.pos_weight, 1.0)
        self.assign(in_grad[0], req[0], mx.nd.array(w * (p - y) / p.shape[0]))
        self.assign(in_grad[1], req[1], mx.nd.zeros_like(in_data[1]))


@mx.operator.register("weighted_logistic")
class WeightedLogisticProp(mx.operator.CustomOpProp):
    def __init__(self, pos_weight=1.0):
        super().__init__(need_top_grad=False)
        self.pos_weight = float(pos_weight)

    def list_arguments(self):
        return ["data", "label"]

    def list_outputs(self):
        return ["output"]

    def infer_shape(self, in_shape):
        return [in_shape[0], in_shape[0]], [in_shape[0]], []

    def create_operator(self, ctx, shapes, dtypes):
        return WeightedLogistic(self.pos_weight)


rng = np.random.RandomState(31)
X = rng.normal(0, 1, (48, 4)).astype("float32")
Y = ((X[:, 0] - X[:, 3]) > 0.3).astype("float32").reshape(-1, 1)
train = mx.io.NDArrayIter(X, Y, batch_size=12, label_name="wl_label")

data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, num_hidden=5, name="fc1")
net = mx.sym.Activation(net, act_type="sigmoid")
net = mx.sym.FullyConnected(net, num_hidden=1, name="fc2")
net = mx.sym.Custom(net, mx.sym.Variable("wl_label"), op_type="weighted_logistic", pos_weight=3, name="wl")
emit("arguments", net.list_arguments())
emit("outputs", net.list_outputs())
emit("attr", net.attr("op_type"))

init = {"fc1_weight": rng.normal(0, 0.5, (5, 4)), "fc1_bias": np.zeros(5),
        "fc2_weight": rng.normal(0, 0.5, (1, 5)), "fc2_bias": np.zeros(1)}
mod = mx.mod.Module(net, label_names=["wl_label"])
mod.fit(train, num_epoch=4, optimizer="sgd", optimizer_params={"learning_rate": 1.0},
        arg_params={k: mx.nd.array(v) for k, v in init.items()}, eval_metric="mse")
arg, _ = mod.get_params()
emit("params", {k: arg[k] for k in sorted(arg)})
emit("score", mod.score(train, "mse"))
emit("predict", mod.predict(train, num_batch=1))
