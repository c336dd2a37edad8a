"""gluon.nn layer cases whose numbers, names and reprs were recorded from MXNet 1.9.1.

A case builds one layer (class name under ``gluon.nn``, constructor kwargs) under a fresh
NameManager, initializes it, runs one predict-mode forward on a deterministic input (which
completes deferred initialization), overwrites every parameter with deterministic values,
then runs a recorded forward and ``backward`` with a deterministic head gradient.  It
returns, in this order: the recorded output, the input's gradient (unless ``input_grad`` is
False), the gradient of every parameter whose grad_req is not 'null', and, if some have
grad_req 'null' (BatchNorm's running statistics), their values after the step and the
output of a final predict-mode forward; plus a dict of reprs and parameter names, shapes
and grad_reqs.

``run_lenet`` trains a small LeNet (optionally with BatchNorm) with SGD for two steps;
``run_batchnorm_modes`` reads BatchNorm's running statistics after a forward in each
autograd mode.  This module imports neither mxnet nor mxjax:
``tools/record_mxnet_layers.py`` runs it under real MXNet, ``tests/test_gluon_layers.py``
under mxjax (imperatively and hybridized).
"""
import dataclasses

import numpy as np

from case import integers, make_input, uniform


@dataclasses.dataclass
class LayerCase:
    id: str
    layer: str
    kwargs: dict
    input: tuple
    rtol: float = 1e-5
    atol: float = 1e-5
    input_grad: bool = True     # False: integer-valued input (MXNet's Embedding refuses a gradient)


X1 = uniform((2, 3, 9), seed=1)
X2 = uniform((2, 3, 7, 6), seed=2)
X3 = uniform((2, 2, 4, 5, 4), seed=3)
X2_NHWC = uniform((2, 7, 6, 3), seed=4)

CASES = [
    # convolutions
    LayerCase("conv1d_all", "Conv1D", {"channels": 4, "kernel_size": 2, "strides": 2, "padding": 1, "dilation": 2,
                                       "activation": "relu"}, X1),
    LayerCase("conv1d_groups", "Conv1D", {"channels": 6, "kernel_size": 3, "groups": 3, "in_channels": 3,
                                          "use_bias": False}, X1),
    LayerCase("conv2d", "Conv2D", {"channels": 4, "kernel_size": 3}, X2),
    LayerCase("conv2d_all", "Conv2D", {"channels": 4, "kernel_size": (3, 2), "strides": (2, 1), "padding": (1, 0),
                                       "dilation": (1, 2), "activation": "tanh"}, X2),
    LayerCase("conv2d_groups", "Conv2D", {"channels": 4, "kernel_size": 2, "groups": 2, "use_bias": False,
                                          "weight_initializer": "ones"}, uniform((2, 4, 5, 5), seed=5)),
    LayerCase("conv3d_all", "Conv3D", {"channels": 4, "kernel_size": (2, 3, 2), "strides": 2, "padding": 1,
                                       "activation": "sigmoid", "in_channels": 2}, X3),
    LayerCase("conv1d_transpose_all", "Conv1DTranspose", {"channels": 4, "kernel_size": 3, "strides": 2, "padding": 1,
                                                          "output_padding": 1, "dilation": 2}, X1),
    LayerCase("conv2d_transpose", "Conv2DTranspose", {"channels": 2, "kernel_size": 3}, X2),
    LayerCase("conv2d_transpose_all", "Conv2DTranspose", {"channels": 4, "kernel_size": (3, 2), "strides": (2, 3),
                                                          "padding": (1, 0), "output_padding": (1, 2), "groups": 2,
                                                          "in_channels": 4, "activation": "relu"},
              uniform((2, 4, 3, 4), seed=6)),
    LayerCase("conv3d_transpose", "Conv3DTranspose", {"channels": 2, "kernel_size": 2, "strides": (1, 2, 1),
                                                      "use_bias": False}, X3),
    # pooling
    LayerCase("maxpool1d", "MaxPool1D", {}, X1),
    LayerCase("maxpool1d_all", "MaxPool1D", {"pool_size": 3, "strides": 2, "padding": 1, "ceil_mode": True}, X1),
    LayerCase("maxpool1d_nwc", "MaxPool1D", {"pool_size": 2, "layout": "NWC"}, uniform((2, 6, 3), seed=7)),
    LayerCase("maxpool2d", "MaxPool2D", {}, X2),
    LayerCase("maxpool2d_all", "MaxPool2D", {"pool_size": 3, "strides": (2, 1), "padding": 1, "ceil_mode": True}, X2),
    LayerCase("maxpool2d_nhwc", "MaxPool2D", {"pool_size": (2, 3), "layout": "NHWC"}, X2_NHWC),
    LayerCase("maxpool3d", "MaxPool3D", {"pool_size": 2, "strides": 1}, X3),
    LayerCase("avgpool1d", "AvgPool1D", {}, X1),
    LayerCase("avgpool1d_pad_exclude", "AvgPool1D", {"pool_size": 3, "strides": 2, "padding": 1,
                                                     "count_include_pad": False}, X1),
    LayerCase("avgpool2d", "AvgPool2D", {"pool_size": 3}, X2),
    LayerCase("avgpool2d_ceil_pad", "AvgPool2D", {"pool_size": 2, "padding": 1, "ceil_mode": True}, X2),
    LayerCase("avgpool2d_ceil_exclude", "AvgPool2D", {"pool_size": 3, "strides": 2, "padding": 1, "ceil_mode": True,
                                                      "count_include_pad": False}, X2),
    LayerCase("avgpool2d_nhwc", "AvgPool2D", {"layout": "NHWC"}, X2_NHWC),
    LayerCase("avgpool3d", "AvgPool3D", {"pool_size": (2, 3, 2), "padding": (1, 1, 0),
                                         "count_include_pad": False}, X3),
    LayerCase("global_maxpool1d", "GlobalMaxPool1D", {}, X1),
    LayerCase("global_maxpool2d", "GlobalMaxPool2D", {}, X2),
    LayerCase("global_maxpool2d_nhwc", "GlobalMaxPool2D", {"layout": "NHWC"}, X2_NHWC),
    LayerCase("global_maxpool3d", "GlobalMaxPool3D", {}, X3),
    LayerCase("global_avgpool1d", "GlobalAvgPool1D", {}, X1),
    LayerCase("global_avgpool2d", "GlobalAvgPool2D", {}, X2),
    LayerCase("global_avgpool3d", "GlobalAvgPool3D", {}, X3),
    LayerCase("reflection_pad2d", "ReflectionPad2D", {"padding": 2}, uniform((1, 2, 4, 5), seed=8)),
    # activations
    LayerCase("leaky_relu", "LeakyReLU", {"alpha": 0.1}, X2),
    LayerCase("prelu", "PReLU", {}, X2),
    LayerCase("prelu_channels", "PReLU", {"in_channels": 3}, X2),
    LayerCase("elu", "ELU", {}, uniform((3, 4), -3, 3, seed=9)),
    LayerCase("elu_alpha", "ELU", {"alpha": 0.5}, uniform((3, 4), -3, 3, seed=9)),
    LayerCase("selu", "SELU", {}, uniform((3, 4), -3, 3, seed=10)),
    LayerCase("gelu", "GELU", {}, uniform((3, 4), -3, 3, seed=11)),
    LayerCase("swish", "Swish", {}, uniform((3, 4), -3, 3, seed=12)),
    LayerCase("swish_beta", "Swish", {"beta": 2.0}, uniform((3, 4), -3, 3, seed=12)),
    # normalization
    LayerCase("batchnorm", "BatchNorm", {}, uniform((4, 3, 5), -2, 3, seed=13)),
    LayerCase("batchnorm_4d", "BatchNorm", {"momentum": 0.5, "epsilon": 1e-3}, X2),
    LayerCase("batchnorm_axis_last", "BatchNorm", {"axis": -1, "in_channels": 6}, X2),
    LayerCase("batchnorm_no_scale_center", "BatchNorm", {"scale": False, "center": False},
              uniform((4, 3, 5), seed=14)),
    LayerCase("batchnorm_global_stats", "BatchNorm", {"use_global_stats": True}, uniform((4, 3, 5), seed=15)),
    LayerCase("batchnorm_initializers", "BatchNorm", {"beta_initializer": "ones", "gamma_initializer": "zeros",
                                                      "running_mean_initializer": "ones",
                                                      "running_variance_initializer": "zeros"},
              uniform((4, 3, 5), seed=16)),
    LayerCase("batchnorm_relu", "BatchNormReLU", {}, uniform((2, 3, 4, 5), seed=17)),
    LayerCase("sync_batchnorm", "contrib.SyncBatchNorm", {"num_devices": 1}, uniform((4, 3, 5), seed=18)),
    LayerCase("instancenorm", "InstanceNorm", {}, uniform((2, 3, 5), seed=19)),
    LayerCase("instancenorm_axis2_scale", "InstanceNorm", {"axis": 2, "scale": True, "epsilon": 1e-3},
              uniform((2, 3, 4, 2), seed=20)),
    LayerCase("layernorm", "LayerNorm", {}, uniform((2, 3, 5), seed=21)),
    LayerCase("layernorm_axis1", "LayerNorm", {"axis": 1, "in_channels": 3, "center": False}, X2),
    LayerCase("groupnorm", "GroupNorm", {"num_groups": 2}, uniform((2, 4, 3), seed=22)),
    LayerCase("groupnorm_4d", "GroupNorm", {"num_groups": 3, "epsilon": 1e-3, "scale": False},
              uniform((2, 6, 2, 3), seed=23)),
    # embedding
    LayerCase("embedding", "Embedding", {"input_dim": 10, "output_dim": 4}, integers((2, 3), 0, 10, seed=24),
              input_grad=False),
    LayerCase("embedding_float64", "Embedding", {"input_dim": 6, "output_dim": 3, "dtype": "float64",
                                                 "sparse_grad": False}, integers((5,), 0, 6, seed=25),
              input_grad=False),
]


def layer_class(mx, name):
    """``gluon.nn.<name>``, or ``gluon.contrib.nn.<name>`` for a ``contrib.`` name."""
    if name.startswith("contrib."):
        contrib = getattr(mx.gluon, "contrib", None)   # mxjax keeps SyncBatchNorm beside BatchNorm
        module = contrib.nn if contrib is not None else mx.gluon.nn.norm_layers
        return getattr(module, name[len("contrib."):])
    return getattr(mx.gluon.nn, name)


def param_value(index, name, shape, dtype):
    """The deterministic value a case gives its index-th parameter."""
    lo, hi = (0.5, 1.5) if name.endswith(("running_var", "gamma")) else (-1.0, 1.0)
    return np.random.RandomState(100 + index).uniform(lo, hi, shape).astype(dtype)


def describe(block):
    params = block.collect_params()
    return {"repr": repr(block),
            "params": [[name, list(p.shape), p.grad_req] for name, p in params.items()]}


def set_params(mx, block, scale=1.0):
    for i, (name, p) in enumerate(block.collect_params().items()):
        value = param_value(i, name, p.shape, np.dtype(p.dtype).name)
        if not name.endswith(("running_var", "running_mean", "gamma")):
            value = value * np.asarray(scale, value.dtype)
        p.set_data(mx.nd.array(value, dtype=value.dtype))


def run_layer_case(mx, case, hybridize=False):
    """``(arrays, info)``: the numbers listed in the module docstring and a dict with the
    repr and parameters before initialization (``created``) and after the first batch."""
    with mx.name.NameManager():
        layer = layer_class(mx, case.layer)(**case.kwargs)
    info = {"created": describe(layer)}
    layer.initialize()
    if hybridize:
        layer.hybridize()
    data = make_input(case.input)
    x = mx.nd.array(data, dtype=data.dtype)
    layer(x)
    info["initialized"] = describe(layer)
    set_params(mx, layer)
    if case.input_grad:
        x.attach_grad()
    with mx.autograd.record():
        y = layer(x)
    head = np.random.RandomState(7).uniform(-1, 1, y.shape).astype(np.dtype(y.dtype).name)
    y.backward(mx.nd.array(head, dtype=head.dtype))
    params = list(layer.collect_params().values())
    arrays = [y.asnumpy()] + ([x.grad.asnumpy()] if case.input_grad else [])
    arrays += [p.grad().asnumpy() for p in params if p.grad_req != "null"]
    frozen = [p.data().asnumpy() for p in params if p.grad_req == "null"]
    if frozen:   # running statistics: predict mode now uses them
        arrays += frozen + [layer(x).asnumpy()]
    return arrays, info


LENET_INPUT = uniform((4, 1, 12, 12), 0, 1, seed=30)
LENET_LABEL = integers((4,), 0, 10, seed=31)


def lenet(mx, batchnorm=False):
    nn = mx.gluon.nn
    with mx.name.NameManager():
        net = nn.HybridSequential()
        with net.name_scope():
            if batchnorm:
                net.add(nn.Conv2D(6, 3), nn.BatchNorm(), nn.Activation("relu"))
            else:
                net.add(nn.Conv2D(6, 3, activation="relu"))
            net.add(nn.MaxPool2D(), nn.Conv2D(8, 2, activation="relu"), nn.MaxPool2D(), nn.Flatten(),
                    nn.Dense(16, activation="relu"), nn.Dense(10))
    return net


def run_lenet(mx, batchnorm=False, hybridize=False, steps=2):
    """Two SGD steps (momentum, weight decay) of a LeNet on one batch: ``(arrays, info)``
    with the loss of each step, every parameter after training (collect_params order) and
    the predict-mode output after training."""
    net = lenet(mx, batchnorm)
    net.initialize()
    if hybridize:
        net.hybridize()
    x = mx.nd.array(make_input(LENET_INPUT))
    label = mx.nd.array(make_input(LENET_LABEL))
    net(x)
    info = {"initialized": describe(net)}
    set_params(mx, net, scale=0.5)
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-3})
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    arrays = []
    for _ in range(steps):
        with mx.autograd.record():
            loss = loss_fn(net(x), label)
        loss.backward()
        trainer.step(x.shape[0])
        arrays.append(loss.asnumpy())
    arrays += [p.data().asnumpy() for p in net.collect_params().values()]
    arrays.append(net(x).asnumpy())
    return arrays, info


BN_MODES = ["predict", "record", "record_backward", "train_mode", "record_predict_mode", "record_backward_twice"]


def run_batchnorm_modes(mx, mode, hybridize=False):
    """BatchNorm's ``[output, running_mean, running_var]`` after one forward in ``mode``."""
    autograd = mx.autograd
    with mx.name.NameManager():
        bn = mx.gluon.nn.BatchNorm(in_channels=3)
    bn.initialize()
    if hybridize:
        bn.hybridize()
    x = mx.nd.array(make_input(uniform((4, 3, 5), -2, 3, seed=40)))
    if mode == "predict":
        y = bn(x)
    elif mode == "train_mode":
        with autograd.train_mode():
            y = bn(x)
    elif mode == "record_predict_mode":
        with autograd.record(train_mode=False):
            y = bn(x)
        y.backward()
    else:
        with autograd.record():
            y = bn(x)
        if mode == "record_backward":
            y.backward()
        elif mode == "record_backward_twice":
            y.backward(retain_graph=True)
            y.backward()
    return [y.asnumpy(), bn.running_mean.data().asnumpy(), bn.running_var.data().asnumpy()]
