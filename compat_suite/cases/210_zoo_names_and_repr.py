"""gluon.model_zoo.vision: parameter names (prefixed and structural), reprs, get_model errors."""
import mxnet as mx
from mxnet.gluon.model_zoo import vision
from compat_emit import emit, emit_error

for name in ["resnet18_v1", "resnet50_v2", "squeezenet1.0", "mobilenetv2_0.25"]:
    with mx.name.NameManager():
        net = vision.get_model(name)
    emit(name + "_names", list(net.collect_params().keys()))
    emit(name + "_structural", sorted(net._collect_params_with_prefix().keys()))
emit("repr_squeezenet1.1", str(vision.squeezenet1_1(classes=7)))
emit("repr_mobilenet0.5", str(vision.mobilenet0_5()))
emit("repr_vgg11_bn", str(vision.vgg11_bn()))
emit("repr_thumbnail", str(vision.ResNetV1(vision.BottleneckV1, [1, 1], [16, 32, 64], thumbnail=True)))
emit("prefixes", [vision.get_model(n).prefix for n in ["alexnet", "alexnet", "mobilenet1.0", "inceptionv3"]])
emit_error("unknown_model", lambda: vision.get_model("resnet19_v1"))
emit_error("bad_resnet_layers", lambda: vision.get_resnet(1, 19))
emit_error("bad_squeezenet_version", lambda: vision.SqueezeNet("1.2"))
