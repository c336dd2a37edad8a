"""mx.np in user HybridBlocks: deferred parameter shapes inferred over the block's graph,
and hybridized gradients equal to the imperative ones (integer inputs of mod, integer
``dtype`` casts), as MXNet 1.9.1 gives them (values recorded there)."""
import numpy as onp
import pytest

import mxjax as mx
from mxjax import autograd, gluon, np, npx


@pytest.fixture
def np_mode():
    npx.set_np()
    yield
    npx.reset_np()


class _Regression(gluon.HybridBlock):
    """Parameters of unknown input size, completed from ``x.dot(w1)``."""

    def __init__(self):
        super().__init__()
        with self.name_scope():
            self.w1 = self.params.get("w1", shape=(0, 5), allow_deferred_init=True)
            self.w2 = self.params.get("w2", shape=(5, 3), allow_deferred_init=True)

    def hybrid_forward(self, F, x, w1, w2):
        return F.npx.relu(x.dot(w1)).dot(w2)


@pytest.mark.parametrize("hybridize", [False, True])
def test_deferred_shapes_from_np_dot(np_mode, hybridize):
    """MXNet infers the deferred (0, 5) parameter as (7, 5) from a (4, 7) input (np.dot's
    backward shape inference); the block then trains."""
    block = _Regression()
    block.initialize(mx.init.Uniform())
    if hybridize:
        block.hybridize()
    x = np.random.uniform(size=(4, 7))
    out = block(x)
    assert block.w1.shape == (7, 5) and out.shape == (4, 3)
    w1, w2 = block.w1.data().asnumpy(), block.w2.data().asnumpy()
    onp.testing.assert_allclose(out.asnumpy(), onp.maximum(x.asnumpy() @ w1, 0) @ w2, rtol=1e-5)
    trainer = gluon.Trainer(block.collect_params(), "sgd", {"learning_rate": 0.1})
    with autograd.record():
        loss = (block(x) ** 2).sum()
    loss.backward()
    trainer.step(1)
    assert not onp.allclose(block.w1.data().asnumpy(), w1)


def test_np_dot_symbolic_shape_inference(np_mode):
    """``infer_shape_partial`` of np.dot completes each operand's contracted dimension from
    the other's (MXNet's NumpyDotShape; the outputs recorded from MXNet 1.9.1)."""
    cases = [((64, 1000), (-1, 100), ((1000, 100), (64, 100))),
             ((5,), (-1,), ((5,), ())),
             ((2, 3, 4), (-1,), ((4,), (2, 3))),
             ((2, 3, 4), (5, -1, 6), ((5, 4, 6), (2, 3, 5, 6))),
             ((-1, 3), (-1, 7), ((3, 7), (-1, 7)))]
    for a, b, (b_inferred, out) in cases:
        x = mx.sym.var("a", shape=a).as_np_ndarray()
        w = mx.sym.var("b", shape=b).as_np_ndarray()
        args, outs, _ = mx.sym.np.dot(x, w).infer_shape_partial()
        assert args == [a, b_inferred] and outs == [out]


class _Mod(gluon.HybridBlock):
    def hybrid_forward(self, F, a, b):
        return F.np.mod(a, b)


@pytest.mark.parametrize("hybridize", [False, True])
def test_integer_mod_has_no_gradient(np_mode, hybridize):
    """MXNet's integer mod kernel gives an integer operand a zero gradient, hybridized too;
    the float operand gets -floor(a / b)."""
    block = _Mod()
    if hybridize:
        block.hybridize()
    a = np.array([5, 7, -3], dtype="int32")
    b = np.array([2.0, 3.0, 2.5], dtype="float32")
    a.attach_grad()
    b.attach_grad()
    for _ in range(2):   # the second call runs the compiled forward
        with autograd.record():
            y = block(a, b)
        y.backward()
    assert y.asnumpy().tolist() == [1.0, 1.0, 2.0]
    assert a.grad.dtype == onp.int32 and a.grad.asnumpy().tolist() == [0, 0, 0]
    assert b.grad.asnumpy().tolist() == [-2.0, -2.0, 2.0]


class _IntMean(gluon.HybridBlock):
    def hybrid_forward(self, F, a):
        return F.np.mean(a, axis=0, dtype="int32")


class _IntSum(gluon.HybridBlock):
    def hybrid_forward(self, F, a):
        return F.np.sum(a * a, dtype="int32")


@pytest.mark.parametrize("hybridize", [False, True])
def test_integer_dtype_reductions_pass_the_gradient(np_mode, hybridize):
    """An integer ``dtype`` casts the result, not the gradient (MXNet: the mean's gradient is
    1/count, the sum's 2a), also when a forward without recording ran first."""
    mean = _IntMean()
    total = _IntSum()
    if hybridize:
        mean.hybridize()
        total.hybridize()
    a = np.array([[1.5, 2.5], [3.0, 4.0], [0.5, 1.0]], dtype="float32")
    assert mean(a).asnumpy().tolist() == [1, 2]
    a.attach_grad()
    with autograd.record():
        y = mean(a)
    y.backward()
    assert y.dtype == onp.int32 and y.asnumpy().tolist() == [1, 2]
    onp.testing.assert_allclose(a.grad.asnumpy(), onp.full((3, 2), 1 / 3), rtol=1e-6)
    v = np.array([1.5, -2.5], dtype="float32")
    assert int(total(v)) == 8
    v.attach_grad()
    with autograd.record():
        y = total(v)
    y.backward()
    assert y.dtype == onp.int32 and int(y) == 8
    assert v.grad.asnumpy().tolist() == [3.0, -5.0]
