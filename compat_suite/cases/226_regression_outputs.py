"""The regression loss layers and loss helpers of old MXNet scripts, through executors:
LinearRegressionOutput, LogisticRegressionOutput, MAERegressionOutput (with grad_scale),
MakeLoss (grad_scale, normalization), BlockGrad stopping a gradient, and a small Module
fitting a logistic regression with its final parameters."""
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(21)
x = rng.normal(0, 1, (5, 3)).astype("float32")
y = rng.uniform(0, 1, (5, 3)).astype("float32")
data = mx.sym.Variable("data")

for name, op in [("linear", mx.sym.LinearRegressionOutput), ("logistic", mx.sym.LogisticRegressionOutput),
                 ("mae", mx.sym.MAERegressionOutput)]:
    for scale in [1.0, 0.5]:
        sym = op(data, name="out", grad_scale=scale)
        ex = sym.simple_bind(mx.cpu(), data=(5, 3))
        ex.arg_dict["data"][:] = x
        ex.arg_dict["out_label"][:] = y
        ex.forward(is_train=True)
        ex.backward()
        emit(f"{name}_{scale}_arguments", sym.list_arguments())
        emit(f"{name}_{scale}_out", ex.outputs[0])
        emit(f"{name}_{scale}_grad", ex.grad_dict["data"])

w = mx.sym.Variable("w")
for norm in ["null", "batch", "valid"]:
    loss = mx.sym.MakeLoss(mx.sym.square(data * w), grad_scale=2.0, normalization=norm)
    ex = loss.simple_bind(mx.cpu(), data=(5, 3), w=(5, 3))
    ex.arg_dict["data"][:] = x
    ex.arg_dict["w"][:] = np.where(y > 0.5, y, 0).astype("float32")
    ex.forward(is_train=True)
    ex.backward()
    emit(f"makeloss_{norm}_out", ex.outputs[0])
    emit(f"makeloss_{norm}_grad_w", ex.grad_dict["w"])

a = mx.sym.Variable("a")
b = mx.sym.Variable("b")
loss = mx.sym.MakeLoss(mx.sym.sum(a * mx.sym.BlockGrad(b) + b * b))
ex = loss.simple_bind(mx.cpu(), a=(2, 2), b=(2, 2))
ex.arg_dict["a"][:] = np.array([[1, 2], [3, 4]])
ex.arg_dict["b"][:] = np.array([[0.5, -1], [2, 0]])
ex.forward(is_train=True)
ex.backward()
emit("blockgrad_out", ex.outputs[0])
emit("blockgrad_grad_a", ex.grad_dict["a"])
emit("blockgrad_grad_b", ex.grad_dict["b"])

X = rng.normal(0, 1, (40, 4)).astype("float32")
Y = (X @ np.array([1.0, -2.0, 0.5, 0.0], dtype="float32") > 0).astype("float32")
net = mx.sym.LogisticRegressionOutput(mx.sym.FullyConnected(data, num_hidden=1, name="fc"), name="lro")
it = mx.io.NDArrayIter(X, Y.reshape(-1, 1), batch_size=10, label_name="lro_label")
mod = mx.mod.Module(net, label_names=["lro_label"])
mod.fit(it, num_epoch=5, optimizer="sgd", optimizer_params={"learning_rate": 0.5},
        initializer=mx.init.Zero(), eval_metric="mae")
arg, _ = mod.get_params()
emit("lro_params", {k: arg[k] for k in sorted(arg)})
emit("lro_score", mod.score(it, ["mae", "rmse"]))
