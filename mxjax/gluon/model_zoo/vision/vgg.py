"""VGG 11/13/16/19 with and without BatchNorm (https://arxiv.org/abs/1409.1556), as MXNet 1.9.1
builds them: convolutions Xavier(gaussian, out, 2)-initialised, Dense layers 'normal'."""
from ....context import cpu
from ....initializer import Xavier
from ...block import HybridBlock
from ... import nn
from ..model_store import DEFAULT_ROOT, load_pretrained

__all__ = ["VGG", "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
           "get_vgg"]


class VGG(HybridBlock):
    """``layers[i]`` 3x3 convolutions of ``filters[i]`` channels (each followed by BatchNorm when
    ``batch_norm``, then relu) and a 2x2 max-pool per stage, two Dense(4096)+Dropout(0.5) in
    ``features``, ``output`` = Dense(classes)."""

    def __init__(self, layers, filters, classes=1000, batch_norm=False, **kwargs):
        super().__init__(**kwargs)
        assert len(layers) == len(filters)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            for num, channels in zip(layers, filters):
                for _ in range(num):
                    self.features.add(nn.Conv2D(channels, kernel_size=3, padding=1,
                                                weight_initializer=Xavier(rnd_type="gaussian", factor_type="out",
                                                                          magnitude=2),
                                                bias_initializer="zeros"))
                    if batch_norm:
                        self.features.add(nn.BatchNorm())
                    self.features.add(nn.Activation("relu"))
                self.features.add(nn.MaxPool2D(strides=2))
            for _ in range(2):
                self.features.add(nn.Dense(4096, activation="relu", weight_initializer="normal",
                                           bias_initializer="zeros"))
                self.features.add(nn.Dropout(rate=0.5))
            self.output = nn.Dense(classes, weight_initializer="normal", bias_initializer="zeros")

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


vgg_spec = {11: ([1, 1, 2, 2, 2], [64, 128, 256, 512, 512]),
            13: ([2, 2, 2, 2, 2], [64, 128, 256, 512, 512]),
            16: ([2, 2, 3, 3, 3], [64, 128, 256, 512, 512]),
            19: ([2, 2, 4, 4, 4], [64, 128, 256, 512, 512])}


def get_vgg(num_layers, pretrained=False, ctx=cpu(), root=DEFAULT_ROOT, **kwargs):
    """VGG-``num_layers`` (11, 13, 16, 19); ``batch_norm=True`` for the ``_bn`` variant;
    ``pretrained=True`` loads ``vgg{n}[_bn]-{hash}.params`` from ``root``."""
    layers, filters = vgg_spec[num_layers]
    net = VGG(layers, filters, **kwargs)
    if not pretrained:
        return net
    return load_pretrained(net, f"vgg{num_layers}{'_bn' if kwargs.get('batch_norm') else ''}", ctx, root)


def vgg11(**kwargs):
    """VGG-11 (``get_vgg(11, ...)``)."""
    return get_vgg(11, **kwargs)


def vgg13(**kwargs):
    """VGG-13 (``get_vgg(13, ...)``)."""
    return get_vgg(13, **kwargs)


def vgg16(**kwargs):
    """VGG-16 (``get_vgg(16, ...)``)."""
    return get_vgg(16, **kwargs)


def vgg19(**kwargs):
    """VGG-19 (``get_vgg(19, ...)``)."""
    return get_vgg(19, **kwargs)


def vgg11_bn(**kwargs):
    """VGG-11 with BatchNorm."""
    return get_vgg(11, **dict(kwargs, batch_norm=True))


def vgg13_bn(**kwargs):
    """VGG-13 with BatchNorm."""
    return get_vgg(13, **dict(kwargs, batch_norm=True))


def vgg16_bn(**kwargs):
    """VGG-16 with BatchNorm."""
    return get_vgg(16, **dict(kwargs, batch_norm=True))


def vgg19_bn(**kwargs):
    """VGG-19 with BatchNorm."""
    return get_vgg(19, **dict(kwargs, batch_norm=True))
