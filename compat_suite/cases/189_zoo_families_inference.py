# compat: rtol=1e-3 atol=1e-4
"""Pretrained-style inference for the zoo families a deployment script picks when ResNet is too
big: SqueezeNet 1.0/1.1 and MobileNet v1 0.25 get deterministic weights, are
saved to a .params file, loaded into a fresh net (as with a downloaded file) and run on a
224x224 image, unhybridized and hybridized.  (DenseNet-121 is left out: its first
imperative pass compiles a kernel per layer shape, minutes on a loaded 2-core machine.)"""
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
            value = rng.uniform(-1, 1, shape) * np.sqrt(3.0 / np.prod(shape[1:]))
        else:
            value = rng.uniform(-0.1, 0.1, shape)
        param.set_data(nd.array(value))


x = nd.array(np.random.RandomState(1).uniform(0, 1, (1, 3, 224, 224)))
for name in ["squeezenet1.0", "squeezenet1.1", "mobilenet0.25"]:
    net = vision.get_model(name, classes=10)
    deterministic(net, x)
    net.save_parameters(name + ".params")
    keys = list(nd.load(name + ".params").keys())
    emit(name + "_param_count", len(keys))
    emit(name + "_first_keys", keys[:6])
    fresh = vision.get_model(name, classes=10)
    fresh.load_parameters(name + ".params", ctx=mx.cpu())
    out = fresh(x)
    emit(name + "_out", out)
    fresh.hybridize()
    emit(name + "_out_hybrid", fresh(x))
    emit(name + "_features_shape", fresh.features(x).shape)
    emit(name + "_top3", nd.topk(out, k=3))
