"""SqueezeNet 1.0 (https://arxiv.org/abs/1602.07360) and 1.1 (DeepScale's repository) as MXNet
1.9.1 builds them; the final 13x13 average pool expects 224x224 inputs."""
from ....context import cpu
from ...block import HybridBlock
from ... import nn
from ...contrib.nn import HybridConcurrent
from ..model_store import DEFAULT_ROOT, load_pretrained

__all__ = ["SqueezeNet", "squeezenet1_0", "squeezenet1_1"]


def _fire_conv(channels, kernel_size, padding=0):
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(channels, kernel_size, padding=padding), nn.Activation("relu"))
    return out


def _fire(squeeze_channels, expand1x1_channels, expand3x3_channels):
    """A 1x1 squeeze convolution, then 1x1 and 3x3 expand convolutions concatenated."""
    out = nn.HybridSequential(prefix="")
    out.add(_fire_conv(squeeze_channels, 1))
    paths = HybridConcurrent(axis=1, prefix="")
    paths.add(_fire_conv(expand1x1_channels, 1), _fire_conv(expand3x3_channels, 3, 1))
    out.add(paths)
    return out


def _pool():
    return nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True)


class SqueezeNet(HybridBlock):
    """``version`` '1.0' or '1.1'; ``features`` (convolution, fire modules, pools, Dropout(0.5)),
    ``output`` = 1x1 convolution to ``classes``, relu, 13x13 average pool, Flatten."""

    def __init__(self, version, classes=1000, **kwargs):
        super().__init__(**kwargs)
        assert version in ["1.0", "1.1"], ("Unsupported SqueezeNet version {version}:"
                                           "1.0 or 1.1 expected".format(version=version))
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            if version == "1.0":
                self.features.add(nn.Conv2D(96, kernel_size=7, strides=2), nn.Activation("relu"), _pool())
                self.features.add(_fire(16, 64, 64), _fire(16, 64, 64), _fire(32, 128, 128), _pool())
                self.features.add(_fire(32, 128, 128), _fire(48, 192, 192), _fire(48, 192, 192),
                                  _fire(64, 256, 256), _pool(), _fire(64, 256, 256))
            else:
                self.features.add(nn.Conv2D(64, kernel_size=3, strides=2), nn.Activation("relu"), _pool())
                self.features.add(_fire(16, 64, 64), _fire(16, 64, 64), _pool())
                self.features.add(_fire(32, 128, 128), _fire(32, 128, 128), _pool())
                self.features.add(_fire(48, 192, 192), _fire(48, 192, 192), _fire(64, 256, 256),
                                  _fire(64, 256, 256))
            self.features.add(nn.Dropout(0.5))
            self.output = nn.HybridSequential(prefix="")
            self.output.add(nn.Conv2D(classes, kernel_size=1), nn.Activation("relu"), nn.AvgPool2D(13),
                            nn.Flatten())

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_squeezenet(version, pretrained=False, ctx=cpu(), root=DEFAULT_ROOT, **kwargs):
    """SqueezeNet ``version`` ('1.0', '1.1'); ``pretrained=True`` loads
    ``squeezenet{version}-{hash}.params`` from ``root``."""
    net = SqueezeNet(version, **kwargs)
    return load_pretrained(net, f"squeezenet{version}", ctx, root) if pretrained else net


def squeezenet1_0(**kwargs):
    """SqueezeNet 1.0."""
    return get_squeezenet("1.0", **kwargs)


def squeezenet1_1(**kwargs):
    """SqueezeNet 1.1: 2.4x less computation than 1.0, about the same accuracy."""
    return get_squeezenet("1.1", **kwargs)
