"""Convolution, transposed convolution, pooling and padding layers of ``gluon.nn``.

Names, arguments, defaults, parameter shapes and repr strings are MXNet 1.9.1's: blocks
take the name prefix ``conv<n>_`` / ``pool<n>_``; a convolution's weight is
``(channels, in_channels/groups, *kernel)`` (``(channels, *kernel, in_channels/groups)`` for
the channel-last layouts), a transposed convolution's ``(in_channels, channels/groups,
*kernel)``; with ``in_channels=0`` the unknown size shows as 0 until the first batch gives it
(``infer_shape``).  MXNet's quirks are kept: the repr shows ``weight.shape[1] -> weight.shape[0]``
(so a channel-last or transposed layer shows a kernel size or ``channels/groups`` on the left),
and a transposed layer's repr never shows its output_padding.
"""
from numbers import Number

from ...base import MXNetError
from ..block import HybridBlock
from .basic_layers import Activation

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
           "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D",
           "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D", "ReflectionPad2D"]


def _ntuple(value, n):
    return (value,) * n if isinstance(value, Number) else value


def _weight_shape(op_name, layout, channels, in_channels, groups, kernel):
    """The weight shape MXNet's partial shape inference gives (0 for an unknown size)."""
    channel_last = layout.find("C") == len(layout) - 1
    if op_name == "Convolution":
        out_dim, in_dim = channels, in_channels // groups
    else:
        if in_channels == 0 and groups != 1:   # MXNet's shape check runs at construction
            raise MXNetError("Error in operator deconvolution: Check failed: dshape_nchw[1] % param_.num_group "
                             "== 0U (1 vs. 0) : input num_filter must divide group size")
        out_dim, in_dim = in_channels, channels // groups
    return (out_dim,) + tuple(kernel) + (in_dim,) if channel_last else (out_dim, in_dim) + tuple(kernel)


class _Conv(HybridBlock):
    """N-d (transposed) convolution: ``activation(conv(x, weight) + bias)``."""

    def __init__(self, channels, kernel_size, strides, padding, dilation, groups, layout, in_channels=0,
                 activation=None, use_bias=True, weight_initializer=None, bias_initializer="zeros",
                 op_name="Convolution", adj=None, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        with self.name_scope():
            n = len(kernel_size)
            self._channels = channels
            self._in_channels = in_channels
            self._op_name = op_name
            self._kwargs = {"kernel": kernel_size, "stride": _ntuple(strides, n), "dilate": _ntuple(dilation, n),
                            "pad": _ntuple(padding, n), "num_filter": channels, "num_group": groups,
                            "no_bias": not use_bias, "layout": layout}
            if adj is not None:
                self._kwargs["adj"] = adj
            self.weight = self.params.get(
                "weight", shape=_weight_shape(op_name, layout, channels, in_channels, groups, kernel_size),
                init=weight_initializer, allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(channels,), init=bias_initializer,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            self.act = Activation(activation, prefix=activation + "_") if activation is not None else None

    def _alias(self):
        return "conv"

    def infer_shape(self, x, *args):
        layout = self._kwargs["layout"]
        in_channels = x.shape[layout.find("C")]
        self.weight.shape = _weight_shape(self._op_name, layout, self._channels, in_channels,
                                          self._kwargs["num_group"], self._kwargs["kernel"])

    def hybrid_forward(self, F, x, weight, bias=None):
        op = getattr(F, self._op_name)
        if bias is None:
            out = op(x, weight, name="fwd", **self._kwargs)
        else:
            out = op(x, weight, bias, name="fwd", **self._kwargs)
        return self.act(out) if self.act is not None else out

    def __repr__(self):
        kw = self._kwargs
        n = len(kw["kernel"])
        s = f"{type(self).__name__}({{mapping}}, kernel_size={kw['kernel']}, stride={kw['stride']}"
        if kw["pad"] != (0,) * n:
            s += f", padding={kw['pad']}"
        if kw["dilate"] != (1,) * n:
            s += f", dilation={kw['dilate']}"
        if kw["num_group"] != 1:
            s += f", groups={kw['num_group']}"
        if self.bias is None:
            s += ", bias=False"
        if self.act:
            s += f", {self.act}"
        shape = self.weight.shape
        return (s + ")").format(mapping=f"{shape[1] if shape[1] else None} -> {shape[0]}")


def _check(condition, message):
    """MXNet checks layer arguments with ``assert``; the same AssertionError, also under -O."""
    if not condition:
        raise AssertionError(message)


def _check_layout(layout, allowed, message):
    _check(layout in allowed, message)


def _kernel_tuple(kernel_size, n):
    kernel_size = _ntuple(kernel_size, n)
    _check(len(kernel_size) == n, f"kernel_size must be a number or a list of {n} ints")
    return kernel_size


class Conv1D(_Conv):
    """1-D convolution over (batch, channels, width) data."""

    def __init__(self, channels, kernel_size, strides=1, padding=0, dilation=1, groups=1, layout="NCW",
                 activation=None, use_bias=True, weight_initializer=None, bias_initializer="zeros",
                 in_channels=0, **kwargs):
        _check_layout(layout, ("NCW",), "Only supports 'NCW' layout for now")
        kernel_size = _kernel_tuple(kernel_size, 1)
        op_name = kwargs.pop("op_name", "Convolution")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout, in_channels,
                         activation, use_bias, weight_initializer, bias_initializer, op_name, **kwargs)


class Conv2D(_Conv):
    """2-D convolution over (batch, channels, height, width) data (or NHWC)."""

    def __init__(self, channels, kernel_size, strides=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1,
                 layout="NCHW", activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer="zeros", in_channels=0, **kwargs):
        _check_layout(layout, ("NCHW", "NHWC"), "Only supports 'NCHW' and 'NHWC' layout for now")
        kernel_size = _kernel_tuple(kernel_size, 2)
        op_name = kwargs.pop("op_name", "Convolution")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout, in_channels,
                         activation, use_bias, weight_initializer, bias_initializer, op_name, **kwargs)


class Conv3D(_Conv):
    """3-D convolution over (batch, channels, depth, height, width) data (or NDHWC)."""

    def __init__(self, channels, kernel_size, strides=(1, 1, 1), padding=(0, 0, 0), dilation=(1, 1, 1),
                 groups=1, layout="NCDHW", activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer="zeros", in_channels=0, **kwargs):
        _check_layout(layout, ("NCDHW", "NDHWC"), "Only supports 'NCDHW' and 'NDHWC' layout for now")
        kernel_size = _kernel_tuple(kernel_size, 3)
        op_name = kwargs.pop("op_name", "Convolution")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout, in_channels,
                         activation, use_bias, weight_initializer, bias_initializer, op_name, **kwargs)


class _ConvTranspose(_Conv):
    """Transposed convolution (``Deconvolution``); out = (x-1)*stride - 2*pad + kernel + output_padding."""

    def __init__(self, n, channels, kernel_size, strides, padding, output_padding, dilation, groups, layout,
                 activation, use_bias, weight_initializer, bias_initializer, in_channels, **kwargs):
        kernel_size = _ntuple(kernel_size, n)
        output_padding = _ntuple(output_padding, n)
        _check(len(kernel_size) == n, f"kernel_size must be a number or a list of {n} ints")
        _check(len(output_padding) == n, f"output_padding must be a number or a list of {n} ints")
        op_name = kwargs.pop("op_name", "Deconvolution")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout, in_channels,
                         activation, use_bias, weight_initializer, bias_initializer, op_name=op_name,
                         adj=output_padding, **kwargs)
        self.outpad = output_padding


class Conv1DTranspose(_ConvTranspose):
    def __init__(self, channels, kernel_size, strides=1, padding=0, output_padding=0, dilation=1, groups=1,
                 layout="NCW", activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer="zeros", in_channels=0, **kwargs):
        _check_layout(layout, ("NCW",), "Only supports 'NCW' layout for now")
        super().__init__(1, channels, kernel_size, strides, padding, output_padding, dilation, groups, layout,
                         activation, use_bias, weight_initializer, bias_initializer, in_channels, **kwargs)


class Conv2DTranspose(_ConvTranspose):
    def __init__(self, channels, kernel_size, strides=(1, 1), padding=(0, 0), output_padding=(0, 0),
                 dilation=(1, 1), groups=1, layout="NCHW", activation=None, use_bias=True,
                 weight_initializer=None, bias_initializer="zeros", in_channels=0, **kwargs):
        _check_layout(layout, ("NCHW", "NHWC"), "Only supports 'NCHW' and 'NHWC' layout for now")
        super().__init__(2, channels, kernel_size, strides, padding, output_padding, dilation, groups, layout,
                         activation, use_bias, weight_initializer, bias_initializer, in_channels, **kwargs)


class Conv3DTranspose(_ConvTranspose):
    def __init__(self, channels, kernel_size, strides=(1, 1, 1), padding=(0, 0, 0), output_padding=(0, 0, 0),
                 dilation=(1, 1, 1), groups=1, layout="NCDHW", activation=None, use_bias=True,
                 weight_initializer=None, bias_initializer="zeros", in_channels=0, **kwargs):
        _check_layout(layout, ("NCDHW", "NDHWC"), "Only supports 'NCDHW' and 'NDHWC' layout for now")
        super().__init__(3, channels, kernel_size, strides, padding, output_padding, dilation, groups, layout,
                         activation, use_bias, weight_initializer, bias_initializer, in_channels, **kwargs)


# ---- pooling ----------------------------------------------------------------------------------------

class _Pooling(HybridBlock):
    """``Pooling`` with MXNet's layer defaults: strides = pool_size, ceil_mode -> 'full' convention."""

    def __init__(self, pool_size, strides, padding, ceil_mode, global_pool, pool_type, layout,
                 count_include_pad=None, **kwargs):
        super().__init__(**kwargs)
        n = len(pool_size)
        strides = pool_size if strides is None else _ntuple(strides, n)
        self._kwargs = {"kernel": pool_size, "stride": strides, "pad": _ntuple(padding, n),
                        "global_pool": global_pool, "pool_type": pool_type, "layout": layout,
                        "pooling_convention": "full" if ceil_mode else "valid"}
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad

    def _alias(self):
        return "pool"

    def hybrid_forward(self, F, x):
        return F.Pooling(x, name="fwd", **self._kwargs)

    def __repr__(self):
        kw = self._kwargs
        return (f"{type(self).__name__}(size={kw['kernel']}, stride={kw['stride']}, padding={kw['pad']}, "
                f"ceil_mode={kw['pooling_convention'] == 'full'}, global_pool={kw['global_pool']}, "
                f"pool_type={kw['pool_type']}, layout={kw['layout']})")


_LAYOUTS = {1: ("NCW", "NWC"), 2: ("NCHW", "NHWC"), 3: ("NCDHW", "NDHWC")}


def _pool_args(n, layout, pool_size):
    allowed = _LAYOUTS[n]
    _check_layout(layout, allowed, f"Only {allowed[0]} and {allowed[1]} layouts are valid for {n}D Pooling")
    pool_size = _ntuple(pool_size, n)
    _check(len(pool_size) == n, f"pool_size must be a number or a list of {n} ints")
    return pool_size


class MaxPool1D(_Pooling):
    def __init__(self, pool_size=2, strides=None, padding=0, layout="NCW", ceil_mode=False, **kwargs):
        super().__init__(_pool_args(1, layout, pool_size), strides, padding, ceil_mode, False, "max", layout,
                         **kwargs)


class MaxPool2D(_Pooling):
    def __init__(self, pool_size=(2, 2), strides=None, padding=0, layout="NCHW", ceil_mode=False, **kwargs):
        super().__init__(_pool_args(2, layout, pool_size), strides, padding, ceil_mode, False, "max", layout,
                         **kwargs)


class MaxPool3D(_Pooling):
    def __init__(self, pool_size=(2, 2, 2), strides=None, padding=0, ceil_mode=False, layout="NCDHW",
                 **kwargs):
        super().__init__(_pool_args(3, layout, pool_size), strides, padding, ceil_mode, False, "max", layout,
                         **kwargs)


class AvgPool1D(_Pooling):
    def __init__(self, pool_size=2, strides=None, padding=0, layout="NCW", ceil_mode=False,
                 count_include_pad=True, **kwargs):
        super().__init__(_pool_args(1, layout, pool_size), strides, padding, ceil_mode, False, "avg", layout,
                         count_include_pad, **kwargs)


class AvgPool2D(_Pooling):
    def __init__(self, pool_size=(2, 2), strides=None, padding=0, ceil_mode=False, layout="NCHW",
                 count_include_pad=True, **kwargs):
        super().__init__(_pool_args(2, layout, pool_size), strides, padding, ceil_mode, False, "avg", layout,
                         count_include_pad, **kwargs)


class AvgPool3D(_Pooling):
    def __init__(self, pool_size=(2, 2, 2), strides=None, padding=0, ceil_mode=False, layout="NCDHW",
                 count_include_pad=True, **kwargs):
        super().__init__(_pool_args(3, layout, pool_size), strides, padding, ceil_mode, False, "avg", layout,
                         count_include_pad, **kwargs)


class GlobalMaxPool1D(_Pooling):
    def __init__(self, layout="NCW", **kwargs):
        super().__init__(_pool_args(1, layout, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalMaxPool2D(_Pooling):
    def __init__(self, layout="NCHW", **kwargs):
        super().__init__(_pool_args(2, layout, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalMaxPool3D(_Pooling):
    def __init__(self, layout="NCDHW", **kwargs):
        super().__init__(_pool_args(3, layout, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalAvgPool1D(_Pooling):
    def __init__(self, layout="NCW", **kwargs):
        super().__init__(_pool_args(1, layout, 1), None, 0, True, True, "avg", layout, **kwargs)


class GlobalAvgPool2D(_Pooling):
    def __init__(self, layout="NCHW", **kwargs):
        super().__init__(_pool_args(2, layout, 1), None, 0, True, True, "avg", layout, **kwargs)


class GlobalAvgPool3D(_Pooling):
    def __init__(self, layout="NCDHW", **kwargs):
        super().__init__(_pool_args(3, layout, 1), None, 0, True, True, "avg", layout, **kwargs)


class ReflectionPad2D(HybridBlock):
    """Pads the last two axes of NCHW data by reflection (``pad(mode='reflect')``)."""

    def __init__(self, padding=0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, Number):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        _check(len(padding) == 8, "")
        self._padding = padding

    def hybrid_forward(self, F, x):
        return F.pad(x, mode="reflect", pad_width=self._padding)
