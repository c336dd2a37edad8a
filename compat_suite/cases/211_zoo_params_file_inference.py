"""Pretrained-style inference: a zoo net's parameters saved, loaded into a fresh net, outputs
unhybridized and hybridized; the params file's structural names and bytes."""
import hashlib

import numpy as np
import mxnet as mx
from mxnet import nd
from mxnet.gluon.model_zoo import vision
from compat_emit import emit


def deterministic(net, x):
    net.initialize(mx.init.Zero())
    net(x)
    rng = np.random.RandomState(0)
    for name, param in sorted(net.collect_params().items()):
        shape = param.shape
        if name.endswith("running_var") or name.endswith("gamma"):
            value = rng.uniform(0.8, 1.2, shape)
        elif name.endswith("weight"):
            value = rng.uniform(-1, 1, shape) * np.sqrt(6.0 / np.prod(shape[1:]))
        else:
            value = rng.uniform(-0.1, 0.1, shape)
        param.set_data(nd.array(value))


x = nd.array(np.random.RandomState(1).uniform(0, 1, (2, 3, 32, 32)))
for name in ["resnet18_v1", "mobilenetv2_0.25"]:
    net = vision.get_model(name, classes=10)
    deterministic(net, x)
    net.save_parameters(name + ".params")
    with open(name + ".params", "rb") as fh:
        emit(name + "_file_sha1", hashlib.sha1(fh.read()).hexdigest())
    emit(name + "_file_keys", list(nd.load(name + ".params").keys())[:12])
    fresh = vision.get_model(name, classes=10)
    fresh.load_parameters(name + ".params", ctx=mx.cpu())
    emit(name + "_out", fresh(x))
    fresh.hybridize()
    emit(name + "_out_hybrid", fresh(x))
    emit(name + "_top1", fresh(x).argmax(axis=1))
