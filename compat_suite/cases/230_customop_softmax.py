"""MXNet's classic CustomOp example: a numpy softmax whose gradient is softmax - onehot(label)
(need_top_grad=False, a loss layer), trained with autograd through a Dense layer, and the same
op in a symbol graph bound to an executor; plus a CustomOp with an aux state and two outputs,
its keyword argument reaching the Prop as a string.  (MXNet 1.9.1 fails the backward of an
imperative CustomOp with aux states through autograd, "Storage type inconsistent": the aux
op runs without recording here.)"""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from compat_emit import emit, emit_error


class Softmax(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        x = in_data[0].asnumpy()
        y = np.exp(x - x.max(axis=1).reshape((x.shape[0], 1)))
        y /= y.sum(axis=1).reshape((x.shape[0], 1))
        self.assign(out_data[0], req[0], mx.nd.array(y))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        label = in_data[1].asnumpy().ravel().astype(np.int64)
        y = out_data[0].asnumpy()
        y[np.arange(label.shape[0]), label] -= 1.0
        self.assign(in_grad[0], req[0], mx.nd.array(y))


@mx.operator.register("softmax")
class SoftmaxProp(mx.operator.CustomOpProp):
    def __init__(self):
        super(SoftmaxProp, self).__init__(need_top_grad=False)

    def list_arguments(self):
        return ['data', 'label']

    def list_outputs(self):
        return ['output']

    def infer_shape(self, in_shape):
        return [in_shape[0], (in_shape[0][0],)], [in_shape[0]], []

    def infer_type(self, in_type):
        return in_type, [in_type[0]], []

    def create_operator(self, ctx, shapes, dtypes):
        return Softmax()


rng = np.random.RandomState(0)
x = nd.array(rng.uniform(-1, 1, (8, 5)))
label = nd.array(rng.randint(0, 3, 8))
net = gluon.nn.Dense(3, in_units=5)
net.initialize(mx.init.Constant(0.1))
net.weight.set_data(nd.array(rng.uniform(-0.5, 0.5, (3, 5))))
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5})
for step in range(5):
    with autograd.record():
        prob = nd.Custom(net(x), label, op_type="softmax")
    prob.backward()
    trainer.step(8)
    emit(f"step{step}_prob", prob)
emit("weight", net.weight.data())
emit("bias", net.bias.data())

data = mx.sym.var("data")
fc = mx.sym.FullyConnected(data, num_hidden=3, name="fc")
out = mx.sym.Custom(fc, name="softmax", op_type="softmax")
emit("arguments", out.list_arguments())
emit("outputs", out.list_outputs())
emit("shapes", str(out.infer_shape(data=(8, 5))))
ex = out.simple_bind(mx.cpu(), data=(8, 5))
ex.arg_dict["data"][:] = x
ex.arg_dict["fc_weight"][:] = net.weight.data()
ex.arg_dict["fc_bias"][:] = net.bias.data()
ex.arg_dict["softmax_label"][:] = label
ex.forward(is_train=True)
ex.backward()
emit("exec_out", ex.outputs[0])
emit("exec_weight_grad", ex.grad_dict["fc_weight"])
emit("exec_data_grad", ex.grad_dict["data"])


class Count(mx.operator.CustomOp):
    def __init__(self, scale):
        super(Count, self).__init__()
        self.scale = scale

    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] * self.scale)
        self.assign(out_data[1], req[1], in_data[0] + aux[0])
        aux[0][:] = aux[0] + 1

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0] * self.scale + out_grad[1])


KWARG_TYPES = set()


@mx.operator.register("count")
class CountProp(mx.operator.CustomOpProp):
    def __init__(self, scale):
        super(CountProp, self).__init__(need_top_grad=True)
        self.scale = float(scale)
        KWARG_TYPES.add(type(scale).__name__)

    def list_outputs(self):
        return ['scaled', 'shifted']

    def list_auxiliary_states(self):
        return ['counter']

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0], in_shape[0]], [in_shape[0]]

    def create_operator(self, ctx, shapes, dtypes):
        return Count(self.scale)


v = nd.array([1.0, 2.0, 3.0])
counter = nd.zeros((3,))
for _ in range(2):
    scaled, shifted = nd.Custom(v, counter, op_type="count", scale=2.5)
emit("scaled", scaled)
emit("shifted", shifted)
emit("counter", counter)
emit("prop_kwarg_types", sorted(KWARG_TYPES))
c = mx.sym.Custom(mx.sym.var("v"), op_type="count", scale=2, name="cnt")
emit("count_arguments", c.list_arguments())
emit("count_aux", c.list_auxiliary_states())
emit("count_outputs", c.list_outputs())
emit_error("unknown_op_type", lambda: nd.Custom(v, op_type="no_such_op"))
