"""mx.sym executors: bind/simple_bind, forward/backward with every grad_req, auxiliary states,
reshape and compile-once, against MXNet 1.9.1 (tests/reference/symbol_reference.json, recorded
by tools/record_symbol_reference.py)."""
import json
import os

import numpy as np
import pytest

import mxjax as mx
from mxjax.symbol import executor as executor_module

REF = json.load(open(os.path.join(os.path.dirname(__file__), "reference", "symbol_reference.json")))["executor"]


def mlp():
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data=data, name="fc1", num_hidden=8)
    act = mx.sym.Activation(fc1, act_type="relu", name="relu1")
    fc2 = mx.sym.FullyConnected(act, name="fc2", num_hidden=3)
    return mx.sym.SoftmaxOutput(fc2, name="softmax")


def test_bind_forward_backward_with_write_add_null():
    args = {k: np.array(v, np.float32) for k, v in REF["args"].items()}
    grads = {k: mx.nd.ones(v.shape) for k, v in args.items()}
    reqs = {"data": "null", "fc1_weight": "add", "fc1_bias": "write", "fc2_weight": "write", "fc2_bias": "add",
            "softmax_label": "null"}
    exe = mlp().bind(mx.cpu(), {k: mx.nd.array(v) for k, v in args.items()}, args_grad=grads, grad_req=reqs)
    out = exe.forward(is_train=True)
    np.testing.assert_allclose(out[0].asnumpy(), REF["output"], rtol=1e-5, atol=1e-6)
    exe.backward()
    for name, expected in REF["grads"].items():
        np.testing.assert_allclose(exe.grad_dict[name].asnumpy(), expected, rtol=1e-5, atol=1e-6, err_msg=name)
    assert exe.grad_dict["fc1_weight"] is grads["fc1_weight"]   # written in place


def test_batchnorm_training_head_gradients_and_aux_update():
    ref = REF["bn"]
    x = mx.sym.var("x")
    bn = mx.sym.BatchNorm(x * 2, name="bn", fix_gamma=False, momentum=0.5)
    net = mx.sym.Group([mx.sym.sum(bn * bn, axis=1), mx.sym.tanh(x)])
    exe = net.simple_bind(mx.cpu(), x=(3, 4))
    assert sorted(exe.grad_dict) == ["bn_beta", "bn_gamma", "x"]
    exe.arg_dict["bn_gamma"][:] = np.array([1.0, 2.0, 0.5, 1.5], np.float32)
    exe.arg_dict["bn_beta"][:] = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    exe.aux_dict["bn_moving_var"][:] = 1
    exe.forward(is_train=True, x=np.array(ref["x"], np.float32))
    exe.backward([mx.nd.array([1.0, -1.0, 0.5]), mx.nd.ones((3, 4)) * 0.25])
    for got, expected in zip(exe.outputs, ref["outputs"]):
        np.testing.assert_allclose(got.asnumpy(), expected, rtol=1e-5, atol=1e-5)
    for name, expected in ref["grads"].items():
        np.testing.assert_allclose(exe.grad_dict[name].asnumpy(), expected, rtol=1e-4, atol=1e-5, err_msg=name)
    for name, expected in ref["aux"].items():
        np.testing.assert_allclose(exe.aux_dict[name].asnumpy(), expected, rtol=1e-5, atol=1e-6, err_msg=name)
    exe.forward(is_train=False, x=np.array(ref["x"], np.float32))
    for got, expected in zip(exe.outputs, ref["predict"]):
        np.testing.assert_allclose(got.asnumpy(), expected, rtol=1e-5, atol=1e-5)


def test_compiled_once_per_shape_signature():
    x = mx.sym.var("x")
    y = mx.sym.sum(mx.sym.tanh(x) * x)
    exe = y.simple_bind(mx.cpu(), x=(2, 3))
    graph = exe._graph
    for step in range(3):
        exe.forward(is_train=True, x=np.full((2, 3), step, np.float32))
        exe.backward(mx.nd.ones((1,)))
        exe.forward(is_train=False)
    # the deferred training forward and forward+backward are two engine ops, built once
    assert sorted(key[0][0] for key in graph.instances) == ["forward", "step"]
    forward, compiled = executor_module._forward_fn(graph, False)
    assert compiled and forward._cache_size() == 1   # the first runs were eager (see _warm)
    xs = np.full((2, 3), 2.0, np.float32)
    np.testing.assert_allclose(exe.grad_dict["x"].asnumpy(), np.tanh(xs) + xs / np.cosh(xs) ** 2, rtol=1e-5)
    # a second executor of the same graph shares the compiled code
    exe2 = y.simple_bind(mx.cpu(), x=(2, 3))
    assert exe2._graph is graph


def test_reshape_shares_parameters_and_views_storage():
    x = mx.sym.Variable("x")
    y = mx.sym.FullyConnected(x, num_hidden=4)
    exe = y.simple_bind(mx.cpu(), x=(5, 4), grad_req="null")
    exe.arg_arrays[0][:] = 1
    exe.arg_arrays[1][:] = mx.nd.ones((4, 4))
    exe.arg_arrays[2][:] = 0
    small = exe.reshape(x=(3, 4))
    assert small.arg_arrays[1] is exe.arg_arrays[1]
    small.forward()
    assert np.all(small.outputs[0].asnumpy() == 4)
    assert np.all(exe.outputs[0].asnumpy()[:3] == 4)     # the smaller output is a view
    with pytest.raises(mx.MXNetError, match="allow_up_sizing"):
        exe.reshape(x=(6, 4))
    big = exe.reshape(allow_up_sizing=True, x=(6, 4))
    big.arg_arrays[0][:] = 0
    assert np.all(exe.arg_arrays[0].asnumpy() == 1)


def test_bind_argument_errors_and_copy_params():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    c = a * b
    with pytest.raises(ValueError, match="key `b` is missing in `args`"):
        c.bind(mx.cpu(), {"a": mx.nd.ones((2,))})
    with pytest.raises(ValueError, match="Length of args does not match"):
        c.bind(mx.cpu(), [mx.nd.ones((2,))])
    exe = c.simple_bind(mx.cpu(), a=(2,), b=(2,), grad_req={"a": "write", "b": "null"})
    assert list(exe.grad_dict) == ["a", "b"] and exe.grad_dict["b"] is None   # MXNet keeps null args as None
    exe.copy_params_from({"a": mx.nd.array([1.0, 2.0]), "b": mx.nd.array([3.0, 4.0])})
    exe.forward(is_train=True)
    exe.backward(mx.nd.array([1.0, 10.0]))
    np.testing.assert_array_equal(exe.outputs[0].asnumpy(), [3.0, 8.0])
    np.testing.assert_array_equal(exe.grad_dict["a"].asnumpy(), [3.0, 40.0])
    with pytest.raises(TypeError, match="Unknown argument zz"):
        exe.forward(zz=np.ones(2))
    with pytest.raises(ValueError, match=r"Shape not match! Argument a, need: \(2,\), received: \(3,\)"):
        exe.forward(a=np.ones(3))
    with pytest.raises(mx.MXNetError, match="head_gradient is required"):   # c is not a loss layer
        exe.backward()
    with pytest.raises(ValueError):
        exe.copy_params_from({"zzz": mx.nd.ones((2,))})
    exe.copy_params_from({"zzz": mx.nd.ones((2,))}, allow_extra_params=True)


def test_dropout_mask_shared_by_forward_and_backward():
    x = mx.sym.var("x")
    y = mx.sym.Dropout(x, p=0.5)
    exe = y.simple_bind(mx.cpu(), x=(50,))
    exe.arg_dict["x"][:] = 1
    out = exe.forward(is_train=True)[0].asnumpy()
    exe.backward(mx.nd.ones((50,)))
    np.testing.assert_array_equal(exe.grad_dict["x"].asnumpy(), out)   # both 2 where kept, 0 where dropped
    assert set(np.unique(out)) <= {0.0, 2.0}
    np.testing.assert_array_equal(exe.forward(is_train=False)[0].asnumpy(), np.ones(50))


def test_backward_after_an_inference_forward_is_that_forwards_gradient():
    # MXNet 1.9.1: after forward(is_train=False), backward differentiates the inference graph
    # (Dropout is the identity); with mode='always' it reuses the forward's mask
    x = mx.sym.var("x")
    exe = mx.sym.Dropout(x, p=0.5).simple_bind(mx.cpu(), x=(50,))
    exe.arg_dict["x"][:] = 1
    exe.forward(is_train=False)
    exe.backward(mx.nd.ones((50,)), is_train=False)
    np.testing.assert_array_equal(exe.grad_dict["x"].asnumpy(), np.ones(50))
    exe = mx.sym.Dropout(x, p=0.5, mode="always").simple_bind(mx.cpu(), x=(50,))
    exe.arg_dict["x"][:] = 1
    out = exe.forward(is_train=False)[0].asnumpy()
    exe.backward(mx.nd.ones((50,)), is_train=False)
    np.testing.assert_array_equal(exe.grad_dict["x"].asnumpy(), out)


def test_dropout_of_probability_one_is_nan():
    # recorded from MXNet 1.9.1: the mask is 0 * (1 / 0)
    exe = mx.sym.Dropout(mx.sym.var("x"), p=1.0).simple_bind(mx.cpu(), x=(2, 3))
    exe.arg_dict["x"][:] = 1
    assert np.isnan(exe.forward(is_train=True)[0].asnumpy()).all()
    exe.backward(mx.nd.ones((2, 3)))
    assert np.isnan(exe.grad_dict["x"].asnumpy()).all()
    assert np.isnan(mx.nd.Dropout(mx.nd.ones((2, 3)), p=1.0, mode="always").asnumpy()).all()


def test_executor_backward_without_head_gradient_through_a_comparison():
    """MXNet gives comparisons a zero gradient, so backward() needs no head gradient."""
    x, y = mx.sym.var("x"), mx.sym.var("y")
    ex = (x > y).simple_bind(mx.cpu(), x=(2,), y=(2,))
    ex.forward(is_train=True, x=mx.nd.array([1, 2]), y=mx.nd.array([2, 1]))
    ex.backward()
    assert ex.outputs[0].asnumpy().tolist() == [0, 1]
    assert ex.grad_dict["x"].asnumpy().tolist() == [0, 0]


def test_a_new_graph_runs_eagerly_until_it_repeats():
    """A graph bound and run once compiles no program of its own (MXNet's tests bind thousands
    of small new graphs); from its third call it runs as one compiled program."""
    x, w = mx.sym.var("x"), mx.sym.var("w")
    pred = mx.sym.sum(x) < 100.0
    y = mx.sym.contrib.cond(pred, lambda: x * w, lambda: x - w) * 2   # a known predicate: the taken branch only
    exe = y.bind(mx.cpu(), {"x": mx.nd.ones((2, 3)), "w": mx.nd.full((2, 3), 3.0)},
                 args_grad={"x": mx.nd.zeros((2, 3)), "w": mx.nd.zeros((2, 3))})
    exe.forward(is_train=True)
    exe.backward(mx.nd.ones((2, 3)))
    np.testing.assert_allclose(exe.grad_dict["w"].asnumpy(), np.full((2, 3), 2.0))
    np.testing.assert_allclose(exe.outputs[0].asnumpy(), np.full((2, 3), 6.0))
    np.testing.assert_allclose(exe.forward()[0].asnumpy(), np.full((2, 3), 6.0))
    graph = exe._graph
    assert all(inst._fwd is None for inst in graph.instances.values())   # no per-op jit of the step
    assert all(type(v) is int for v in graph.jitted.values())            # nor of the forward
    for _ in range(2):
        exe.forward()
    forward, is_compiled = executor_module._forward_fn(graph, False)
    assert is_compiled and forward._cache_size() == 1
    np.testing.assert_allclose(exe.outputs[0].asnumpy(), np.full((2, 3), 6.0))
