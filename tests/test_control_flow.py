"""nd.contrib.foreach / while_loop / cond: values and gradients recorded from MXNet 1.9.1,
imperative and inside a hybridized block (where they become lax.scan / lax.cond)."""
import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, gluon, nd
from mxjax.ndarray import control_flow


def test_foreach_while_loop_cond_values_as_mxnet():
    outs, states = nd.contrib.foreach(lambda d, s: (d + s[0], [s[0] * 2]),
                                      nd.array(np.arange(6).reshape(2, 3)), [nd.array([1., 2, 3])])
    np.testing.assert_array_equal(outs.asnumpy(), [[1, 3, 5], [5, 8, 11]])
    np.testing.assert_array_equal(states[0].asnumpy(), [4, 8, 12])

    loop_vars = (nd.array([0], dtype="int64"), nd.array([1], dtype="int64"))
    outputs, states = nd.contrib.while_loop(lambda i, s: i <= 5, lambda i, s: ([i + s], [i + 1, s + i]),
                                            loop_vars, max_iterations=10)
    assert outputs[0].shape == (10, 1) and outputs[0].dtype == np.int64
    np.testing.assert_array_equal(outputs[0].asnumpy()[:6].ravel(), [1, 2, 4, 7, 11, 16])
    assert [s.asnumpy().tolist() for s in states] == [[6], [16]]

    a, b = nd.array([1]), nd.array([2])
    assert nd.contrib.cond(a * b < 5, lambda: (a + 5) * (b + 5), lambda: (a - 5) * (b - 5)).asscalar() == 42


def test_errors_as_mxnet():
    x = nd.ones((1,))
    with pytest.raises(ValueError, match="max_iterations should be specified"):
        nd.contrib.while_loop(lambda v: v < 2, lambda v: (v, v + 1), [x])
    with pytest.raises(ValueError, match="length of loop_vars"):
        nd.contrib.while_loop(lambda v: v < 2, lambda v: (v, [v, v]), [x], max_iterations=3)
    with pytest.raises(AssertionError, match="foreach input"):
        nd.contrib.foreach(lambda d, s: (d, s), "data", [x])


class _Loops(gluon.HybridBlock):
    def hybrid_forward(self, F, x, h):
        o, s = F.contrib.foreach(lambda d, st: (d * st[0], [st[0] * d + 1]), x, [h])
        out, vs = F.contrib.while_loop(lambda i, v: (i < 3).sum(), lambda i, v: ([v * 2], [i + 1, v * 2]),
                                       [h * 0, h], max_iterations=5)
        c = F.contrib.cond(h.sum() > 0, lambda: s[0] * 2, lambda: s[0] * 3)
        return o.sum() + c.sum() + out[0].sum() + vs[1].sum()


@pytest.mark.parametrize("hybridize", [False, True])
def test_gradients_imperative_and_hybridized_as_mxnet(hybridize, monkeypatch):
    """MXNet 1.9.1 (its hybridized block runs the symbolic control-flow operators): loss 284.5
    and these gradients.  Hybridized, mxjax traces the loops as lax.scan / lax.cond."""
    traced = []
    monkeypatch.setattr(control_flow, "_traced_while",
                        lambda *a, f=control_flow._traced_while: traced.append(1) or f(*a))
    net = _Loops()
    if hybridize:
        net.hybridize()
    x = nd.array([[1., 2], [3, 4], [5, 6]])
    x.attach_grad()
    for _ in range(2):      # the second call runs the compiled structure
        with autograd.record():
            loss = net(x, nd.array([0.5, 0.5]))
        loss.backward()
        assert loss.asscalar() == 284.5
        np.testing.assert_allclose(x.grad.asnumpy(), [[24.5, 38.5], [24, 38], [16.5, 27]])
    assert bool(traced) == hybridize


def test_hybridized_branch_follows_the_data():
    net = _Loops()
    net.hybridize()
    x = nd.array([[1., 2], [3, 4], [5, 6]])
    for h in ([0.3, -0.9], [0.5, 0.5], [-1., 0.2]):
        np.testing.assert_allclose(net(x, nd.array(h)).asnumpy(), _Loops()(x, nd.array(h)).asnumpy(), rtol=1e-6)


def test_foreach_gradient_matches_finite_differences():
    rng = np.random.RandomState(0)
    data, h0 = rng.rand(4, 3), rng.rand(3)

    def loss(d):
        out, states = nd.contrib.foreach(lambda x, s: (nd.tanh(x * s[0]), [s[0] + x * x]), d, [nd.array(h0, dtype=np.float64)])
        return (out.sum() + states[0].sum()).asscalar()
    x = nd.array(data, dtype=np.float64)
    x.attach_grad()
    with autograd.record():
        out, states = nd.contrib.foreach(lambda d, s: (nd.tanh(d * s[0]), [s[0] + d * d]), x,
                                         [nd.array(h0, dtype=np.float64)])
        total = out.sum() + states[0].sum()
    total.backward()
    eps, numeric = 1e-6, np.zeros_like(data)
    for idx in np.ndindex(*data.shape):
        plus, minus = data.copy(), data.copy()
        plus[idx] += eps
        minus[idx] -= eps
        numeric[idx] = (loss(nd.array(plus, dtype=np.float64)) - loss(nd.array(minus, dtype=np.float64))) / (2 * eps)
    np.testing.assert_allclose(x.grad.asnumpy(), numeric, rtol=1e-5)
