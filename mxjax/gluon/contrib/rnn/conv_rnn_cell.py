"""``mx.gluon.contrib.rnn.conv_rnn_cell``: the convolutional recurrent cells
``Conv{1,2,3}D{RNN,LSTM,GRU}Cell`` (MXNet 1.9.1's names, parameters and semantics)."""
from ...rnn.rnn_cell import HybridRecurrentCell

__all__ = ["Conv1DRNNCell", "Conv2DRNNCell", "Conv3DRNNCell",
           "Conv1DLSTMCell", "Conv2DLSTMCell", "Conv3DLSTMCell",
           "Conv1DGRUCell", "Conv2DGRUCell", "Conv3DGRUCell"]


def _conv_out_size(dimensions, kernels, paddings, dilations):
    """Spatial output size of a stride-1 convolution (0 stays 0: unknown)."""
    return tuple(x + 2 * p - d * (k - 1) if x else 0
                 for x, k, p, d in zip(dimensions, kernels, paddings, dilations))


def _spec(value, dims):
    return (value,) * dims if isinstance(value, (int, float)) else tuple(value)


class _BaseConvRNNCell(HybridRecurrentCell):
    """A recurrent cell whose input-to-hidden and hidden-to-hidden maps are stride-1
    convolutions (MXNet 1.9.1's ``_BaseConvRNNCell``).

    ``input_shape`` is one step's input without the batch axis, in ``conv_layout`` ('NCW',
    'NCHW', 'NCDHW' or the channel-last ones); the states have ``hidden_channels`` channels and
    the spatial size of the i2h convolution's output.  The h2h convolution pads
    ``dilate * (kernel - 1) / 2`` so that it keeps that size (odd ``h2h_kernel`` only).
    Parameters: ``i2h_weight`` (G*hidden, in_channels, *i2h_kernel), ``h2h_weight``
    (G*hidden, hidden, *h2h_kernel), ``i2h_bias`` and ``h2h_bias`` (G*hidden,), G gates, channel
    axis last in the weights for a channel-last layout."""

    _gate_names = ("",)

    def __init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel, i2h_pad, i2h_dilate,
                 h2h_dilate, i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                 h2h_bias_initializer, dims, conv_layout, activation, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._hidden_channels = hidden_channels
        self._input_shape = input_shape
        self._conv_layout = conv_layout
        self._activation = activation
        assert all(isinstance(spec, int) or len(spec) == dims
                   for spec in (i2h_kernel, i2h_pad, i2h_dilate, h2h_kernel, h2h_dilate)), \
            f"For {dims}D convolution, the convolution settings can only be either int or list/tuple of length {dims}"
        self._i2h_kernel = _spec(i2h_kernel, dims)
        self._stride = (1,) * dims
        self._i2h_pad = _spec(i2h_pad, dims)
        self._i2h_dilate = _spec(i2h_dilate, dims)
        self._h2h_kernel = _spec(h2h_kernel, dims)
        assert all(k % 2 == 1 for k in self._h2h_kernel), f"Only support odd number, get h2h_kernel= {h2h_kernel}"
        self._h2h_dilate = _spec(h2h_dilate, dims)
        self._h2h_pad = tuple(d * (k - 1) // 2 for d, k in zip(self._h2h_dilate, self._h2h_kernel))
        self._channel_axis = conv_layout.find("C")
        self._in_channels = input_shape[self._channel_axis - 1]
        channels_first = self._channel_axis == 1
        dimensions = input_shape[1:] if channels_first else input_shape[:-1]
        out_size = _conv_out_size(dimensions, self._i2h_kernel, self._i2h_pad, self._i2h_dilate)
        total = hidden_channels * len(self._gate_names)
        if channels_first:
            i2h_shape = (total, self._in_channels) + self._i2h_kernel
            h2h_shape = (total, hidden_channels) + self._h2h_kernel
            self._state_shape = (hidden_channels,) + out_size
        else:
            i2h_shape = (total,) + self._i2h_kernel + (self._in_channels,)
            h2h_shape = (total,) + self._h2h_kernel + (hidden_channels,)
            self._state_shape = out_size + (hidden_channels,)
        self.i2h_weight = self.params.get("i2h_weight", shape=i2h_shape, init=i2h_weight_initializer,
                                          allow_deferred_init=True)
        self.h2h_weight = self.params.get("h2h_weight", shape=h2h_shape, init=h2h_weight_initializer,
                                          allow_deferred_init=True)
        self.i2h_bias = self.params.get("i2h_bias", shape=(total,), init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get("h2h_bias", shape=(total,), init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def __repr__(self):
        shape = self.i2h_weight.shape
        in_channels = shape[1 if self._channel_axis == 1 else -1]
        return (f"{type(self).__name__}({in_channels if in_channels else None} -> {shape[0]}, "
                f"{self._activation}, {self._conv_layout})")

    def infer_shape(self, inputs, states):
        """An ``input_shape`` with 0 channels takes them from the first input."""
        channels = inputs.shape[self._channel_axis]
        shape = list(self.i2h_weight.shape)
        shape[1 if self._channel_axis == 1 else -1] = channels
        self.i2h_weight.shape = tuple(shape)

    def state_info(self, batch_size=0):
        return [{"shape": (batch_size,) + self._state_shape, "__layout__": self._conv_layout}]

    def _conv_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias, prefix):
        """The input and state convolutions of step ``prefix`` (MXNet's node names t<k>_i2h, t<k>_h2h)."""
        num_filter = self._hidden_channels * len(self._gate_names)
        i2h = F.Convolution(data=inputs, weight=i2h_weight, bias=i2h_bias, num_filter=num_filter,
                            kernel=self._i2h_kernel, stride=self._stride, pad=self._i2h_pad,
                            dilate=self._i2h_dilate, layout=self._conv_layout, name=prefix + "i2h")
        h2h = F.Convolution(data=states[0], weight=h2h_weight, bias=h2h_bias, num_filter=num_filter,
                            kernel=self._h2h_kernel, stride=self._stride, pad=self._h2h_pad,
                            dilate=self._h2h_dilate, layout=self._conv_layout, name=prefix + "h2h")
        return i2h, h2h


class _ConvRNNCell(_BaseConvRNNCell):
    """h' = activation(W_i * x + b_i + R_i * h + b_h)."""

    def _alias(self):
        return "conv_rnn"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = f"t{self._counter}_"   # MXNet's names of step t's nodes
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias, prefix)
        output = self._get_activation(F, i2h + h2h, self._activation, name=prefix + "out")
        return output, [output]


class _ConvLSTMCell(_BaseConvRNNCell):
    """Gates (i, f, c, o) along the channel axis: c' = sigmoid(f) c + sigmoid(i) act(c~),
    h' = sigmoid(o) act(c'); states [h, c]."""

    _gate_names = ("_i", "_f", "_c", "_o")

    def _alias(self):
        return "conv_lstm"

    def state_info(self, batch_size=0):
        info = {"shape": (batch_size,) + self._state_shape, "__layout__": self._conv_layout}
        return [info, dict(info)]

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = f"t{self._counter}_"
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias, prefix)
        gates = F.SliceChannel(i2h + h2h, num_outputs=4, axis=self._channel_axis, name=prefix + "slice")
        in_gate = F.Activation(gates[0], act_type="sigmoid", name=prefix + "i")
        forget_gate = F.Activation(gates[1], act_type="sigmoid", name=prefix + "f")
        in_transform = self._get_activation(F, gates[2], self._activation, name=prefix + "c")
        out_gate = F.Activation(gates[3], act_type="sigmoid", name=prefix + "o")
        next_c = F.elemwise_add(forget_gate * states[1], in_gate * in_transform, name=prefix + "state")
        next_h = F.elemwise_mul(out_gate, self._get_activation(F, next_c, self._activation), name=prefix + "out")
        return next_h, [next_h, next_c]


class _ConvGRUCell(_BaseConvRNNCell):
    """Gates (r, z, o) along the channel axis: n = act(i2h_o + sigmoid(r) h2h_o),
    h' = (1 - sigmoid(z)) n + sigmoid(z) h."""

    _gate_names = ("_r", "_z", "_o")

    def _alias(self):
        return "conv_gru"

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = f"t{self._counter}_"
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias, prefix)
        i2h_r, i2h_z, i2h = F.SliceChannel(i2h, num_outputs=3, axis=self._channel_axis, name=prefix + "i2h_slice")
        h2h_r, h2h_z, h2h = F.SliceChannel(h2h, num_outputs=3, axis=self._channel_axis, name=prefix + "h2h_slice")
        reset_gate = F.Activation(i2h_r + h2h_r, act_type="sigmoid", name=prefix + "r_act")
        update_gate = F.Activation(i2h_z + h2h_z, act_type="sigmoid", name=prefix + "z_act")
        candidate = self._get_activation(F, i2h + reset_gate * h2h, self._activation, name=prefix + "h_act")
        next_h = F.elemwise_add((1. - update_gate) * candidate, update_gate * states[0], name=prefix + "out")
        return next_h, [next_h]


_LAYOUTS = {1: "NCW", 2: "NCHW", 3: "NCDHW"}


def _conv_cell_class(base, dims, kind):
    """The public ``Conv{dims}D...Cell`` over ``base``, with MXNet's signature and defaults
    (``i2h_pad`` 0, dilations 1, zero biases, ``conv_layout`` channels-first, tanh)."""

    def __init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel, i2h_pad=(0,) * dims,
                 i2h_dilate=(1,) * dims, h2h_dilate=(1,) * dims, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer="zeros", h2h_bias_initializer="zeros",
                 conv_layout=_LAYOUTS[dims], activation="tanh", prefix=None, params=None):
        base.__init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel, i2h_pad, i2h_dilate,
                      h2h_dilate, i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                      h2h_bias_initializer, dims, conv_layout, activation, prefix=prefix, params=params)

    name = f"Conv{dims}D{kind}Cell"
    doc = (f"{dims}D convolutional {kind} cell: {base.__doc__}  ``input_shape`` is "
           f"{('(C, W)', '(C, H, W)', '(C, D, H, W)')[dims - 1]} for the default layout {_LAYOUTS[dims]}.")
    return type(name, (base,), {"__init__": __init__, "__module__": __name__, "__qualname__": name,
                                "__doc__": doc})


Conv1DRNNCell = _conv_cell_class(_ConvRNNCell, 1, "RNN")
Conv2DRNNCell = _conv_cell_class(_ConvRNNCell, 2, "RNN")
Conv3DRNNCell = _conv_cell_class(_ConvRNNCell, 3, "RNN")
Conv1DLSTMCell = _conv_cell_class(_ConvLSTMCell, 1, "LSTM")
Conv2DLSTMCell = _conv_cell_class(_ConvLSTMCell, 2, "LSTM")
Conv3DLSTMCell = _conv_cell_class(_ConvLSTMCell, 3, "LSTM")
Conv1DGRUCell = _conv_cell_class(_ConvGRUCell, 1, "GRU")
Conv2DGRUCell = _conv_cell_class(_ConvGRUCell, 2, "GRU")
Conv3DGRUCell = _conv_cell_class(_ConvGRUCell, 3, "GRU")
