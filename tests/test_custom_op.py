"""mx.operator.CustomOp: nd.Custom under autograd, sym.Custom in an Executor, inside a hybridized
block and a compiled training step.  Reference numbers recorded from MXNet 1.9.1 (the classic
softmax CustomOp after a FullyConnected); other gradients checked by finite differences."""
import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, gluon, nd
from mxjax._engine import executor
from mxjax.base import MXNetError


class Softmax(mx.operator.CustomOp):
    """MXNet's classic example: numpy forward, softmax - onehot(label) as the gradient."""

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


@mx.operator.register("test_softmax")
class SoftmaxProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=False)

    def list_arguments(self):
        return ["data", "label"]

    def list_outputs(self):
        return ["output"]

    def infer_shape(self, in_shape):
        return [in_shape[0], (in_shape[0][0],)], [in_shape[0]], []

    def create_operator(self, ctx, shapes, dtypes):
        return Softmax()


class Scaled(mx.operator.CustomOp):
    """y = scale * x**2 and z = x + w, counting forwards in an aux state; records is_train."""
    seen = []

    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def forward(self, is_train, req, in_data, out_data, aux):
        Scaled.seen.append(is_train)
        x, w = in_data
        self.assign(out_data[0], req[0], self.scale * x * x)
        self.assign(out_data[1], req[1], x + w)
        aux[0][:] = aux[0] + 1

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        assert float(aux[0].asnumpy().ravel()[0]) >= 1   # backward sees forward's aux write
        x = in_data[0]
        self.assign(in_grad[0], req[0], 2 * self.scale * x * out_grad[0] + out_grad[1])
        self.assign(in_grad[1], req[1], out_grad[1])


@mx.operator.register("test_scaled")
class ScaledProp(mx.operator.CustomOpProp):
    def __init__(self, scale="1.0"):
        super().__init__(need_top_grad=True)
        assert isinstance(scale, str)   # keyword arguments arrive as strings, as in MXNet
        self.scale = float(scale)

    def list_arguments(self):
        return ["x", "w"]

    def list_outputs(self):
        return ["sq", "sum"]

    def list_auxiliary_states(self):
        return ["count"]

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0], in_shape[0]], [(1,)]

    def create_operator(self, ctx, shapes, dtypes):
        return Scaled(self.scale)


X = np.array([[0.1, 0.5, -0.3], [1.0, -1.0, 0.2]], np.float32)
W = np.array([[0.2, -0.1, 0.4], [0.3, 0.3, -0.2], [-0.5, 0.1, 0.6]], np.float32)
LABEL = np.array([2, 0], np.float32)
# recorded from MXNet 1.9.1 (tools-free: the script is the symbolic block of test_softmax_symbol_executor)
REF_OUT = np.array([[0.29007146, 0.42843, 0.28149858], [0.48072097, 0.31585622, 0.20342287]], np.float32)
REF_W_GRAD = np.array([[-0.49027187, 0.66431475, -0.19087724], [0.3586992, -0.10164122, -0.06535775],
                       [0.13157272, -0.56267357, 0.256235]], np.float32)
REF_DATA_GRAD = np.array([[0.545794, 0.02767171, -0.4007583], [-0.11081037, 0.16702706, -0.14882912]], np.float32)


def test_softmax_nd_autograd_matches_mxnet():
    w = nd.array(W)
    w.attach_grad()
    with autograd.record():
        y = nd.Custom(nd.dot(nd.array(X), w, transpose_b=True), nd.array(LABEL), op_type="test_softmax")
    y.backward()   # need_top_grad=False: a loss layer, the head gradient is not used
    np.testing.assert_allclose(y.asnumpy(), REF_OUT, rtol=1e-5)
    np.testing.assert_allclose(w.grad.asnumpy(), REF_W_GRAD, rtol=1e-5, atol=1e-6)


def test_softmax_symbol_executor_matches_mxnet():
    data = mx.sym.var("data")
    fc = mx.sym.FullyConnected(data, num_hidden=3, no_bias=True, name="fc")
    net = mx.sym.Custom(fc, name="softmax", op_type="test_softmax")
    assert net.list_arguments() == ["data", "fc_weight", "softmax_label"]
    assert net.list_outputs() == ["softmax_output"]
    # the label's shape comes from the Prop's infer_shape
    assert net.infer_shape(data=(2, 3)) == ([(2, 3), (3, 3), (2,)], [(2, 3)], [])
    # the Prop's default infer_type leaves the label's type unknown, as in MXNet
    assert net.infer_type(data=np.float32) == (None, None, None)
    assert net.infer_type(data=np.float64, softmax_label=np.int32) == ([np.float64, np.float64, np.int32],
                                                                        [np.float64], [])
    ex = net.simple_bind(mx.cpu(), data=(2, 3))
    ex.arg_dict["data"][:] = X
    ex.arg_dict["fc_weight"][:] = W
    ex.arg_dict["softmax_label"][:] = LABEL
    ex.forward(is_train=True)
    ex.backward()   # a loss layer: no head gradient needed
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), REF_OUT, rtol=1e-5)
    np.testing.assert_allclose(ex.grad_dict["fc_weight"].asnumpy(), REF_W_GRAD, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ex.grad_dict["data"].asnumpy(), REF_DATA_GRAD, rtol=1e-5, atol=1e-6)
    again = mx.sym.load_json(net.tojson())
    assert again.list_arguments() == net.list_arguments()
    assert '"op_type": "test_softmax"' in net.tojson()


def _finite_difference(f, x, eps=1e-3):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        grad[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return grad


def test_multiple_outputs_aux_and_gradient_against_finite_differences():
    rng = np.random.RandomState(0)
    xv, wv, hv = (rng.uniform(-1, 1, (2, 3)) for _ in range(3))
    count = nd.zeros((1,))
    x, w = nd.array(xv, dtype="float64"), nd.array(wv, dtype="float64")
    x.attach_grad()
    w.attach_grad()
    with autograd.record():
        sq, total = nd.Custom(x, w, nd.zeros((1,), dtype="float64"), op_type="test_scaled", scale=1.5)
        loss = (sq * nd.array(hv, dtype="float64")).sum() + (total * total).sum()
    loss.backward()

    def f_x(v):
        return float((1.5 * v * v * hv).sum() + ((v + wv) ** 2).sum())

    def f_w(v):
        return float((1.5 * xv * xv * hv).sum() + ((xv + v) ** 2).sum())
    np.testing.assert_allclose(x.grad.asnumpy(), _finite_difference(f_x, xv), rtol=1e-6)
    np.testing.assert_allclose(w.grad.asnumpy(), _finite_difference(f_w, wv), rtol=1e-6)
    # the aux state is written back in place
    nd.Custom(x, w, count, op_type="test_scaled")
    nd.Custom(x, w, count, op_type="test_scaled")
    assert count.asnumpy().tolist() == [2.0]


def test_is_train_follows_autograd_and_executor():
    x, w, aux = nd.ones((2,)), nd.ones((2,)), nd.zeros((1,))
    Scaled.seen.clear()
    with autograd.record():
        nd.Custom(x, w, aux, op_type="test_scaled")[0].wait_to_read()
    with autograd.record(train_mode=False):
        nd.Custom(x, w, aux, op_type="test_scaled", scale=2)[0].wait_to_read()
    nd.Custom(x, w, aux, op_type="test_scaled", scale=3)[0].wait_to_read()
    assert Scaled.seen == [1, 0, 0]


def test_symbol_aux_states_multiple_outputs_and_grad_req_add():
    x = mx.sym.var("x")
    op = mx.sym.Custom(x, op_type="test_scaled", scale="2", name="sc")
    assert op.list_arguments() == ["x", "sc_w"]
    assert op.list_outputs() == ["sc_sq", "sc_sum"]
    assert op.list_auxiliary_states() == ["sc_count"]
    assert op.infer_shape(x=(2, 2), sc_w=(2, 2)) == ([(2, 2), (2, 2)], [(2, 2), (2, 2)], [(1,)])
    ex = op.simple_bind(mx.cpu(), x=(2, 2), sc_w=(2, 2), grad_req="add")
    ex.arg_dict["x"][:] = nd.array([[1, 2], [3, 4]])
    ex.arg_dict["sc_w"][:] = 1
    for _ in range(2):
        ex.forward(is_train=True)
        ex.backward([nd.ones((2, 2)), nd.ones((2, 2))])
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), [[2, 8], [18, 32]])
    np.testing.assert_allclose(ex.outputs[1].asnumpy(), [[2, 3], [4, 5]])
    # d/dx (2 x^2 + x + w) = 4x + 1, added twice
    np.testing.assert_allclose(ex.grad_dict["x"].asnumpy(), 2 * (4 * np.array([[1, 2], [3, 4]]) + 1))
    np.testing.assert_allclose(ex.grad_dict["sc_w"].asnumpy(), 2 * np.ones((2, 2)))
    assert ex.aux_dict["sc_count"].asnumpy().tolist() == [2.0]


def test_assign_requests():
    op = mx.operator.CustomOp()
    dst = nd.ones((2,))
    op.assign(dst, "write", nd.array([3, 4]))
    assert dst.asnumpy().tolist() == [3, 4]
    op.assign(dst, "add", nd.array([1, 1]))
    assert dst.asnumpy().tolist() == [4, 5]
    op.assign(dst, "inplace", nd.array([0, 1]))
    assert dst.asnumpy().tolist() == [0, 1]
    op.assign(dst, "null", nd.array([9, 9]))
    assert dst.asnumpy().tolist() == [0, 1]


class _Net(gluon.HybridBlock):
    def __init__(self):
        super().__init__()
        with self.name_scope():
            self.fc = gluon.nn.Dense(3, in_units=4)

    def hybrid_forward(self, F, x, label):
        return F.Custom(self.fc(x), label, op_type="test_softmax")


def _train(net, trainer, x, label, steps):
    for _ in range(steps):
        with autograd.record():
            y = net(x, label)
        y.backward()
        trainer.step(x.shape[0])


@pytest.mark.parametrize("hybridize", [False, True])
def test_training_step_with_custom_op_compiles_once(hybridize):
    rng = np.random.RandomState(0)
    x, label = nd.array(rng.rand(5, 4)), nd.array([0, 1, 2, 1, 0])
    net = _Net()
    net.initialize(mx.init.Xavier())
    with autograd.record():
        eager = net(x, label)
    eager.backward()
    eager_grad = net.fc.weight.grad().asnumpy().copy()
    if hybridize:
        net.hybridize()
        with autograd.record():
            y = net(x, label)
        y.backward()
        np.testing.assert_allclose(y.asnumpy(), eager.asnumpy(), rtol=1e-6)
        np.testing.assert_allclose(net.fc.weight.grad().asnumpy(), eager_grad, rtol=1e-6)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    _train(net, trainer, x, label, 8)   # warm-up: cold, compiled, deferred
    compiles, calls = executor.plan_cache.compiles, executor.plan_cache.calls
    _train(net, trainer, x, label, 5)
    assert executor.plan_cache.compiles == compiles
    assert executor.plan_cache.calls == calls + 5   # one compiled call per step, the custom op inside it


def test_errors():
    with pytest.raises(MXNetError, match="Cannot find custom operator nope"):
        nd.Custom(nd.ones((2,)), op_type="nope")
    with pytest.raises(MXNetError, match="Cannot find custom operator nope"):
        mx.sym.Custom(mx.sym.var("x"), op_type="nope")
    with pytest.raises(MXNetError, match="Required argument `op_type` is missing."):
        nd.Custom(nd.ones((2,)))

    class Broken(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            raise ValueError("broken forward")

    @mx.operator.register("test_broken")
    class BrokenProp(mx.operator.CustomOpProp):
        def create_operator(self, ctx, shapes, dtypes):
            return Broken()

    y = nd.Custom(nd.ones((2,)), op_type="test_broken")
    with pytest.raises(MXNetError, match="broken forward"):
        y.wait_to_read()


class Noise(mx.operator.CustomOp):
    """A random forward (numpy), the kind of op whose calls must each run once."""

    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0] + mx.nd.array(np.random.uniform(size=in_data[0].shape)))

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], out_grad[0])


@mx.operator.register("test_noise")
class NoiseProp(mx.operator.CustomOpProp):
    def create_operator(self, ctx, shapes, dtypes):
        return Noise()


def test_each_call_runs_its_forward_once():
    x = nd.zeros((3,))
    x.attach_grad()
    with autograd.record():
        a = nd.Custom(x, op_type="test_noise")
        b = nd.Custom(x, op_type="test_noise")
        total = a + b
    first = a.asnumpy().copy()
    assert not np.array_equal(first, b.asnumpy())   # two calls, two draws
    total.backward()   # the backward's replay reuses each call's forward
    np.testing.assert_array_equal(a.asnumpy(), first)
    np.testing.assert_array_equal(x.grad.asnumpy(), [2, 2, 2])


class Ones(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], np.ones(out_data[0].shape, np.float32))


@mx.operator.register("test_ones")
class OnesProp(mx.operator.CustomOpProp):
    def __init__(self, length, depth):
        super().__init__()
        self.shape = (int(length), int(depth))

    def list_arguments(self):
        return []

    def infer_shape(self, in_shape):
        return [], [self.shape], []

    def infer_type(self, in_type):
        return [], [np.float32], []

    def create_operator(self, ctx, shapes, dtypes):
        return Ones()


def test_op_without_inputs():
    with autograd.record():
        y = nd.Custom(length=2, depth=3, op_type="test_ones")
    np.testing.assert_array_equal(y.asnumpy(), np.ones((2, 3)))
    assert y.dtype == np.float32


class _NumpySquare(mx.operator.NumpyOp):
    def forward(self, in_data, out_data):
        out_data[0][:] = in_data[0] ** 2

    def backward(self, out_grad, in_data, out_data, in_grad):
        in_grad[0][:] = 2 * in_data[0] * out_grad[0]


class _NDArraySquare(mx.operator.NDArrayOp):
    def forward(self, in_data, out_data):
        out_data[0][:] = in_data[0] * in_data[0]

    def backward(self, out_grad, in_data, out_data, in_grad):
        in_grad[0][:] = 2 * in_data[0] * out_grad[0]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("op_class", [_NumpySquare, _NDArraySquare])
def test_deprecated_python_ops(op_class):
    sym = op_class().get_symbol(mx.sym.var("x"), name="sq")
    assert sym.list_arguments() == ["x"]
    x, dx = nd.array([1, 2, 3]), nd.zeros((3,))
    ex = sym.bind(mx.cpu(), args=[x], args_grad={"x": dx})
    ex.forward(is_train=True)
    ex.backward(nd.array([1, 1, 2]))
    np.testing.assert_allclose(ex.outputs[0].asnumpy(), [1, 4, 9])
    np.testing.assert_allclose(dx.asnumpy(), [2, 4, 12])

