"""What MXNet's monitors report: ``HybridBlock.register_op_hook`` and
``Executor.set_monitor_callback(monitor_all=True)``.  The expected names were recorded from
MXNet 1.9.1 (inputs are named by the operator's FListInputNames, or ``input<k>`` for operators without
it: ``tools/record_monitor_input_names.py``)."""
import numpy as np
import pytest

import mxjax as mx
from mxjax.gluon import nn


def _net():
    net = nn.HybridSequential(prefix="m_")
    with net.name_scope():
        net.add(nn.Dense(3), nn.BatchNorm(), nn.Activation("relu"))
    net.initialize(mx.init.Uniform(0.5))
    net.hybridize()
    return net


def _hooked(net, monitor_all, train):
    seen = []
    net.register_op_hook(lambda name, op, arr: seen.append((name, op, arr)), monitor_all)
    x = mx.nd.array(np.arange(8).reshape(2, 4) / 8)
    with mx.autograd.record(train_mode=train):
        y = net(x)
    return x, y, seen


def test_op_hook_reports_inputs_then_outputs_with_mxnets_names():
    net = _net()
    x, y, seen = _hooked(net, True, True)
    # recorded from MXNet 1.9.1 (the hidden BatchNorm outputs m_batchnorm0_fwd_mean/var left out)
    assert [(n, o) for n, o, _ in seen] == [
        (b"m_dense0_fwd_data", b"FullyConnected"), (b"m_dense0_fwd_weight", b"FullyConnected"),
        (b"m_dense0_fwd_bias", b"FullyConnected"), (b"m_dense0_fwd_output", b"FullyConnected"),
        (b"m_batchnorm0_fwd_data", b"BatchNorm"), (b"m_batchnorm0_fwd_gamma", b"BatchNorm"),
        (b"m_batchnorm0_fwd_beta", b"BatchNorm"), (b"m_batchnorm0_fwd_moving_mean", b"BatchNorm"),
        (b"m_batchnorm0_fwd_moving_var", b"BatchNorm"), (b"m_batchnorm0_fwd_output", b"BatchNorm"),
        (b"m_relu0_fwd_input0", b"Activation"), (b"m_relu0_fwd_output", b"Activation")]
    arrays = {n: a.asnumpy() for n, _, a in seen}
    np.testing.assert_array_equal(arrays[b"m_dense0_fwd_data"], x.asnumpy())
    np.testing.assert_array_equal(arrays[b"m_dense0_fwd_weight"], net[0].weight.data().asnumpy())
    dense = x.asnumpy() @ net[0].weight.data().asnumpy().T + net[0].bias.data().asnumpy()
    np.testing.assert_allclose(arrays[b"m_dense0_fwd_output"], dense, rtol=1e-5)
    np.testing.assert_allclose(arrays[b"m_relu0_fwd_output"], y.asnumpy(), rtol=1e-5, atol=1e-6)
    # the moving statistics are reported as they were before the call updated them
    np.testing.assert_array_equal(arrays[b"m_batchnorm0_fwd_moving_mean"], np.zeros(3, np.float32))


def test_op_hook_outputs_only_and_only_for_a_hybridized_call():
    net = _net()
    _, y, seen = _hooked(net, False, False)
    assert [n for n, _, _ in seen] == [b"m_dense0_fwd_output", b"m_batchnorm0_fwd_output", b"m_relu0_fwd_output"]
    np.testing.assert_allclose(seen[-1][2].asnumpy(), y.asnumpy(), rtol=1e-5, atol=1e-6)
    net.hybridize(False)
    assert _hooked(net, False, False)[2] == []
    # a child's hook does not act when the child runs inside its parent's graph (MXNet too)
    net.hybridize()
    net.register_op_hook(None)
    net[0].register_op_hook(lambda *a: pytest.fail("called"))
    net(mx.nd.ones((2, 4)))


def test_executor_monitor_all_reports_variables_and_named_inputs():
    x, y = mx.sym.var("x"), mx.sym.var("y")
    s = mx.sym.relu(mx.sym.broadcast_add(x, y, name="b"), name="r")
    s = mx.sym.FullyConnected(mx.sym.Concat(s, x, dim=0, name="c"), num_hidden=2, name="fc")
    with mx.name.NameManager():   # auto names count from 0, as in a fresh process
        s = mx.sym.where(s, s, s ** 2, name="w")
    exe = s.simple_bind(mx.cpu(), x=(2, 3), y=(2, 3))
    names = []
    exe.set_monitor_callback(lambda name, arr: names.append(name), True)
    exe.forward()
    # recorded from MXNet 1.9.1
    assert names == [
        b"x", b"b_lhs", b"y", b"b_rhs", b"b_output", b"r_input0", b"r_output", b"c_arg0", b"x", b"c_arg1",
        b"c_output", b"fc_data", b"fc_weight", b"fc_weight", b"fc_bias", b"fc_bias", b"fc_output",
        b"_powerscalar0_input0", b"_powerscalar0_output", b"w_condition", b"w_x", b"w_y", b"w_output"]
    names.clear()
    exe.set_monitor_callback(lambda name, arr: names.append(name))
    exe.forward()
    assert names == [b"b_output", b"r_output", b"c_output", b"fc_output", b"_powerscalar0_output", b"w_output"]
