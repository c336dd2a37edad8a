"""gluon.model_zoo.vision cases, run by tools/record_mxnet_model_zoo.py under real MXNet 1.9.1
and by tests/test_model_zoo.py under mxjax (``mx`` is passed in; nothing else is imported).

Parameter values are not recorded: ``deterministic_params`` makes them from the structural
names and shapes of MXNet's parameters with numpy's RandomState (a stream numpy keeps
stable), so both frameworks fill a net with the same numbers; the recorded sha1 of MXNet's
``save_parameters`` file then proves that the file mxjax writes and loads is MXNet's, byte
for byte."""
import hashlib

import numpy as np

# case -> (constructor call on mx.gluon.model_zoo.vision, input shape, slow); every family has a
# case, small configurations of the classes where the smallest constructor is large
OUTPUT_CASES = {
    "alexnet": ("alexnet(classes=10)", (1, 3, 64, 64), True),
    "vgg_bn": ("VGG([1, 1, 1, 1, 1], [8, 8, 16, 16, 16], classes=10, batch_norm=True)", (1, 3, 32, 32), True),
    "resnet_v1_basic": ("ResNetV1(BasicBlockV1, [1, 2, 1, 1], [8, 8, 16, 32, 64], classes=10)", (1, 3, 64, 64),
                        False),
    "resnet_v1_bottleneck_thumbnail": ("ResNetV1(BottleneckV1, [1, 1, 2, 1], [8, 16, 32, 48, 64], classes=10, "
                                       "thumbnail=True)", (1, 3, 32, 32), True),
    "resnet_v2_basic": ("ResNetV2(BasicBlockV2, [1, 2, 1, 1], [8, 8, 16, 32, 64], classes=10)", (1, 3, 64, 64),
                        False),
    "resnet_v2_bottleneck": ("ResNetV2(BottleneckV2, [1, 1, 2, 1], [8, 16, 32, 48, 64], classes=10)",
                             (1, 3, 64, 64), True),
    "densenet": ("DenseNet(16, 8, [2, 3, 2, 2], classes=10, dropout=0.1)", (1, 3, 224, 224), True),
    "squeezenet1.1": ("squeezenet1_1(classes=10)", (1, 3, 224, 224), True),
    "mobilenet0.25": ("mobilenet0_25(classes=10)", (1, 3, 32, 32), False),
    "mobilenetv2_0.25": ("mobilenet_v2_0_25(classes=10)", (1, 3, 32, 32), True),
    "resnet18_v1": ("resnet18_v1(classes=10)", (1, 3, 32, 32), True),
    "squeezenet1.0": ("squeezenet1_0(classes=10)", (1, 3, 224, 224), True),
    "inceptionv3": ("inception_v3(classes=10)", (1, 3, 299, 299), True),
}


def build(mx, call):
    """The net of ``call`` in a fresh NameManager, so prefixes start at 0 as in a new process."""
    vision = mx.gluon.model_zoo.vision
    with mx.name.NameManager():
        return eval("vision." + call, {"vision": vision, **vars(vision)})


def name_digest(names):
    return hashlib.sha1("\n".join(names).encode()).hexdigest()


def names_record(net):
    """Count, digests and a sample of the prefixed (collect_params) and structural names."""
    prefixed = list(net.collect_params().keys())
    structural = list(net._collect_params_with_prefix().keys())
    return {"count": len(prefixed), "prefixed_sha1": name_digest(prefixed),
            "structural_sha1": name_digest(structural), "sample": prefixed[:3] + prefixed[-2:]}


def deterministic_params(named_shapes):
    """name -> float32 array for [(structural name, shape)] in order: He-uniform weights,
    gamma in [0.8, 1.2], beta/bias/running_mean in [-0.1, 0.1], running_var in [0.5, 1.5]."""
    rng = np.random.RandomState(0)
    out = {}
    for name, shape in named_shapes:
        kind = name.rsplit(".", 1)[-1]
        if kind == "weight":
            bound = np.sqrt(6.0 / max(1, int(np.prod(shape[1:]))))
            low, high = -bound, bound
        else:
            low, high = {"gamma": (0.8, 1.2), "running_var": (0.5, 1.5)}.get(kind, (-0.1, 0.1))
        out[name] = rng.uniform(low, high, shape).astype(np.float32)
    return out


def fixed_input(shape):
    return np.random.RandomState(1).uniform(0, 1, shape).astype(np.float32)


def fill(mx, net, shape):
    """Initialises ``net``, resolves deferred shapes with a forward pass, then sets every
    parameter to ``deterministic_params``; returns [(structural name, shape)]."""
    net.initialize()
    net(mx.nd.array(fixed_input(shape)))
    params = net._collect_params_with_prefix()
    shapes = [(name, tuple(p.shape)) for name, p in params.items()]
    values = deterministic_params(shapes)
    for name, param in params.items():
        param.set_data(mx.nd.array(values[name]))
    return shapes


def file_sha1(path):
    with open(path, "rb") as fh:
        return hashlib.sha1(fh.read()).hexdigest()
