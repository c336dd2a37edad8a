"""CustomOps in executors: one with an auxiliary state updated in forward (a running mean,
BatchNorm style), declare_backward_dependency, infer_type; one with need_top_grad=True
and two outputs whose backward combines both head gradients; grad_req 'add' through a
custom op; and the custom op's shapes and types from infer_shape/infer_type."""
import mxnet as mx
import numpy as np
from compat_emit import emit


class Center(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        mean = x.mean(axis=0)
        if is_train:
            aux[0][:] = aux[0] * 0.5 + mx.nd.array(mean) * 0.5
            self.assign(out_data[0], req[0], mx.nd.array(x - mean))
        else:
            self.assign(out_data[0], req[0], in_data[0] - aux[0].reshape((1, -1)))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        g = out_grad[0].asnumpy()
        self.assign(in_grad[0], req[0], mx.nd.array(g - g.mean(axis=0)))


@mx.operator.register("center")
class CenterProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=True)

    def list_auxiliary_states(self):
        return ["running_mean"]

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]], [(in_shape[0][1],)]

    def infer_type(self, in_type):
        return in_type, [in_type[0]], [in_type[0]]

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        return [out_grad[0]]

    def create_operator(self, ctx, shapes, dtypes):
        return Center()


class SplitScale(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * 2)
        self.assign(out_data[1], req[1], in_data[0] * in_data[1])

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0] * 2 + out_grad[1] * in_data[1])
        self.assign(in_grad[1], req[1], out_grad[1] * in_data[0])


@mx.operator.register("split_scale")
class SplitScaleProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["a", "b"]

    def list_outputs(self):
        return ["double", "product"]

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0], in_shape[0]], []

    def create_operator(self, ctx, shapes, dtypes):
        return SplitScale()


rng = np.random.RandomState(41)
x = rng.normal(0, 1, (5, 3)).astype("float32")
data = mx.sym.Variable("data")
w = mx.sym.Variable("w")
centered = mx.sym.Custom(data * w, op_type="center", name="center")
loss = mx.sym.MakeLoss(mx.sym.sum(mx.sym.square(centered)))
emit("aux_names", loss.list_auxiliary_states())
emit("shapes", loss.infer_shape(data=(5, 3), w=(5, 3)))
emit("types", loss.infer_type(data="float64"))
ex = loss.simple_bind(mx.cpu(), data=(5, 3), w=(5, 3))
ex.arg_dict["data"][:] = x
ex.arg_dict["w"][:] = 1.5
for step in range(3):
    ex.forward(is_train=True)
    ex.backward()
    emit(f"step{step}_loss", ex.outputs[0])
    emit(f"step{step}_running_mean", ex.aux_dict["center_running_mean"])
emit("grad_w", ex.grad_dict["w"])
ex.forward(is_train=False)
emit("inference_loss", ex.outputs[0])

a = mx.sym.Variable("a")
b = mx.sym.Variable("b")
pair = mx.sym.Custom(a, b, op_type="split_scale", name="ss")
emit("pair_outputs", pair.list_outputs())
emit("pair_arguments", pair.list_arguments())
ex = pair.simple_bind(mx.cpu(), a=(2, 3), b=(2, 3), grad_req="add")
ex.arg_dict["a"][:] = x[:2]
ex.arg_dict["b"][:] = x[2:4]
for _ in range(2):
    ex.forward(is_train=True)
    ex.backward([mx.nd.ones((2, 3)), mx.nd.array(x[3:5])])
emit("pair_double", ex.outputs[0])
emit("pair_product", ex.outputs[1])
emit("pair_grad_a", ex.grad_dict["a"])
emit("pair_grad_b", ex.grad_dict["b"])
