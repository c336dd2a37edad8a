"""``gluon.contrib.cnn``: the 2-D deformable convolution layers of MXNet 1.9.1,
``DeformableConvolution`` (v1) and ``ModulatedDeformableConvolution`` (v2), with MXNet's
arguments, defaults, parameter names (``offset_weight``, ``offset_bias``,
``deformable_conv_weight``, ``deformable_conv_bias``), name prefixes and reprs.

Each layer holds two convolutions: an ordinary one (initialized to zeros by default) computing
the offsets (and, for v2, the modulation mask ``2 * sigmoid(.)``) from the input, and the
deformable one computing the output.  As in MXNet, ``deformable_conv_weight`` shows its input
channels as 0 until the first batch gives them, even when ``in_channels`` is set; only
DeformableConvolution has a layer repr of its own (ModulatedDeformableConvolution shows
Block's)."""
from numbers import Number

from ..block import HybridBlock
from ..nn.basic_layers import Activation
from ..nn.conv_layers import _weight_shape

__all__ = ["DeformableConvolution", "ModulatedDeformableConvolution"]


def _pair(value, n=2):
    return (value,) * n if isinstance(value, Number) else tuple(value)


class _DeformableBase(HybridBlock):
    """The layers' shared construction: ``offset_per_tap`` offset channels per kernel tap and
    deformable group (2 for v1, 3 for v2: dy, dx and the mask)."""
    _op = None
    _offset_per_tap = 2
    _offset_first = True

    def __init__(self, channels, kernel_size=(1, 1), strides=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1,
                 num_deformable_group=1, layout="NCHW", use_bias=True, in_channels=0, activation=None,
                 weight_initializer=None, bias_initializer="zeros", offset_weight_initializer="zeros",
                 offset_bias_initializer="zeros", offset_use_bias=True, op_name=None, adj=None, prefix=None,
                 params=None):
        super().__init__(prefix=prefix, params=params)
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            if layout not in ("NCHW", "NHWC"):
                raise AssertionError("Only supports 'NCHW' and 'NHWC' layout for now")
            kernel_size = _pair(kernel_size)
            n = len(kernel_size)
            strides, padding, dilation = _pair(strides, n), _pair(padding, n), _pair(dilation, n)
            self._op_name = op_name or self._op
            taps = kernel_size[0] * kernel_size[1]
            self.offset_split_index = num_deformable_group * 2 * taps
            offset_channels = num_deformable_group * self._offset_per_tap * taps
            self._kwargs_offset = {"kernel": kernel_size, "stride": strides, "dilate": dilation, "pad": padding,
                                   "num_filter": offset_channels, "num_group": groups,
                                   "no_bias": not offset_use_bias, "layout": layout}
            self._kwargs_deformable_conv = {"kernel": kernel_size, "stride": strides, "dilate": dilation,
                                            "pad": padding, "num_filter": channels, "num_group": groups,
                                            "num_deformable_group": num_deformable_group,
                                            "no_bias": not use_bias, "layout": layout}
            if adj:
                self._kwargs_offset["adj"] = adj
                self._kwargs_deformable_conv["adj"] = adj
            offset_params = (("offset_weight", _weight_shape("Convolution", layout, offset_channels, in_channels,
                                                             groups, kernel_size), offset_weight_initializer, True),
                             ("offset_bias", (offset_channels,), offset_bias_initializer, offset_use_bias))
            conv_params = (("deformable_conv_weight", (channels, 0) + kernel_size, weight_initializer, True),
                           ("deformable_conv_bias", (channels,), bias_initializer, use_bias))
            # MXNet creates v1's offset parameters first, v2's last (the order collect_params shows)
            for name, shape, init, wanted in (offset_params + conv_params if self._offset_first
                                              else conv_params + offset_params):
                setattr(self, name, self.params.get(name, shape=shape, init=init, allow_deferred_init=True)
                        if wanted else None)
            self.act = Activation(activation, prefix=activation + "_") if activation else None

    def infer_shape(self, x, *args):
        kw = self._kwargs_offset
        in_channels = x.shape[kw["layout"].find("C")]
        self.offset_weight.shape = _weight_shape("Convolution", kw["layout"], kw["num_filter"], in_channels,
                                                 kw["num_group"], kw["kernel"])
        self.deformable_conv_weight.shape = (self._channels, in_channels // kw["num_group"]) + tuple(kw["kernel"])

    def _offsets(self, F, x, offset_weight, offset_bias):
        if offset_bias is None:
            return F.Convolution(x, offset_weight, cudnn_off=True, **self._kwargs_offset)
        return F.Convolution(x, offset_weight, offset_bias, cudnn_off=True, **self._kwargs_offset)

    def _finish(self, out):
        return self.act(out) if self.act else out


class DeformableConvolution(_DeformableBase):
    """2-D deformable convolution v1 (Dai et al. 2017): the offsets come from a convolution of
    the input with ``offset_weight``/``offset_bias`` (2 * kh * kw * num_deformable_group
    channels), then ``contrib.DeformableConvolution`` computes the output."""
    _op = "DeformableConvolution"
    _offset_per_tap = 2

    def _alias(self):
        return "deformable_conv"

    def __repr__(self):
        kw = self._kwargs_deformable_conv
        n = len(kw["kernel"])
        s = "{name}({mapping}, kernel_size={kernel}, stride={stride}"
        if kw["pad"] != (0,) * n:
            s += ", padding={pad}"
        if kw["dilate"] != (1,) * n:
            s += ", dilation={dilate}"
        if kw["num_group"] != 1:
            s += ", groups={num_group}"
        if self.deformable_conv_bias is None:
            s += ", bias=False"
        if self.act:
            s += ", {}".format(self.act)
        s += ")"
        shape = self.deformable_conv_weight.shape
        return s.format(name=type(self).__name__, mapping="{0} -> {1}".format(shape[1] if shape[1] else None,
                                                                             shape[0]), **kw)


    def hybrid_forward(self, F, x, offset_weight, deformable_conv_weight, offset_bias=None, deformable_conv_bias=None):
        offset = self._offsets(F, x, offset_weight, offset_bias)
        bias = {} if deformable_conv_bias is None else {"bias": deformable_conv_bias}
        out = F.contrib.DeformableConvolution(data=x, offset=offset, weight=deformable_conv_weight, name="fwd",
                                              **bias, **self._kwargs_deformable_conv)
        return self._finish(out)


class ModulatedDeformableConvolution(_DeformableBase):
    """2-D modulated deformable convolution v2 (Zhu et al. 2018): the offset convolution gives
    3 * kh * kw * num_deformable_group channels, the offsets then the mask (2 * sigmoid), and
    ``contrib.ModulatedDeformableConvolution`` computes the output."""
    _op = "ModulatedDeformableConvolution"
    _offset_per_tap = 3
    _offset_first = False

    def _alias(self):
        return "modulated_deformable_conv"

    def hybrid_forward(self, F, x, offset_weight, deformable_conv_weight, offset_bias=None, deformable_conv_bias=None):
        offset = self._offsets(F, x, offset_weight, offset_bias)
        offset_t = F.slice_axis(offset, axis=1, begin=0, end=self.offset_split_index)
        mask = F.sigmoid(F.slice_axis(offset, axis=1, begin=self.offset_split_index, end=None)) * 2
        bias = {} if deformable_conv_bias is None else {"bias": deformable_conv_bias}
        out = F.contrib.ModulatedDeformableConvolution(data=x, offset=offset_t, mask=mask,
                                                       weight=deformable_conv_weight, name="fwd", **bias,
                                                       **self._kwargs_deformable_conv)
        return self._finish(out)
