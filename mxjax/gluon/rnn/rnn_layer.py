"""Gluon's fused recurrent layers ``RNN``, ``LSTM`` and ``GRU`` (MXNet 1.9.1 names and shapes).

Parameters are ``{l|r}{layer}_{i2h|h2h}_{weight|bias}`` (``lstm0_l0_i2h_weight``, reverse
direction ``lstm0_r0_h2h_bias``), weights of shape (gates*H, input) and (gates*H, H).  The whole
recurrence runs as one ``_rnn_fused`` operator (a ``jax.lax.scan`` per layer and direction).

An LSTM with ``projection_size`` P adds ``{l|r}{layer}_h2r_weight`` (P, H) and its recurrent
state h is P wide.  With ``use_sequence_length`` the layer is called as
``layer(inputs, states, sequence_length)``: steps past a sequence's length keep its states and
output zeros.  The cell state is clipped to [state_clip_min, state_clip_max] when both are
given (mxjax differs: MXNet 1.9.1 clips only in its cuDNN kernel and ignores the bounds on CPU).
"""
from ... import ndarray as nd
from ... import symbol
from ...ndarray.ndarray import NDArray
from ..block import HybridBlock

__all__ = ["RNN", "LSTM", "GRU"]


class _RNNLayer(HybridBlock):
    """The fused layers' common implementation."""

    def __init__(self, hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                 i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                 h2h_bias_initializer, mode, projection_size, h2r_weight_initializer,
                 lstm_state_clip_min, lstm_state_clip_max, lstm_state_clip_nan, dtype,
                 use_sequence_length=False, **kwargs):
        super().__init__(**kwargs)
        assert layout in ("TNC", "NTC"), f"Invalid layout {layout}; must be one of ['TNC' or 'NTC']"
        self._hidden_size = hidden_size
        self._projection_size = projection_size or None
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._i2h_weight_initializer = i2h_weight_initializer
        self._h2h_weight_initializer = h2h_weight_initializer
        self._i2h_bias_initializer = i2h_bias_initializer
        self._h2h_bias_initializer = h2h_bias_initializer
        self._h2r_weight_initializer = h2r_weight_initializer
        self._lstm_state_clip_min = lstm_state_clip_min
        self._lstm_state_clip_max = lstm_state_clip_max
        self._lstm_state_clip_nan = lstm_state_clip_nan
        self._dtype = dtype
        self._use_sequence_length = use_sequence_length
        self.skip_states = None
        self._gates = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}[mode]
        ng, ni, nh = self._gates, input_size, hidden_size
        nr = self._projection_size or nh     # the width of the recurrent state h
        for i in range(num_layers):
            for j in ["l", "r"][:self._dir]:
                self._register_param(f"{j}{i}_i2h_weight", (ng * nh, ni), i2h_weight_initializer, dtype)
                self._register_param(f"{j}{i}_h2h_weight", (ng * nh, nr), h2h_weight_initializer, dtype)
                self._register_param(f"{j}{i}_i2h_bias", (ng * nh,), i2h_bias_initializer, dtype)
                self._register_param(f"{j}{i}_h2h_bias", (ng * nh,), h2h_bias_initializer, dtype)
                if self._projection_size:
                    self._register_param(f"{j}{i}_h2r_weight", (nr, nh), h2r_weight_initializer, dtype)
            ni = nr * self._dir

    def _register_param(self, name, shape, init, dtype):
        p = self.params.get(name, shape=shape, init=init, allow_deferred_init=True, dtype=dtype)
        setattr(self, name, p)
        return p

    def __repr__(self):
        s = f"{type(self).__name__}("
        shape = self.l0_i2h_weight.shape
        s += f"{shape[1] if shape[1] else None} -> {shape[0] // self._gates}, {self._layout}"
        if self._num_layers != 1:
            s += f", num_layers={self._num_layers}"
        if self._dropout != 0:
            s += f", dropout={self._dropout}"
        if self._dir == 2:
            s += ", bidirectional"
        return s + ")"

    def _collect_params_with_prefix(self, prefix=""):
        """MXNet saves the fused layers' parameters under their unfused cells' names."""
        if prefix:
            prefix += "."
        bidirectional = self._dir == 2
        ret = {}
        for key, val in self._reg_params.items():
            d, rest = key[0], key[1:]
            layer, name = rest.split("_", 1)
            new = f"_unfused.{layer}.{d}_cell.{name}" if bidirectional else f"_unfused.{layer}.{name}"
            ret[prefix + new] = val
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def state_info(self, batch_size=0):
        raise NotImplementedError

    def _unfuse(self):
        """The same network as a HybridSequentialRNNCell of cells (Bidirectional for two
        directions, DropoutCell between layers) sharing this layer's Parameters, as MXNet's
        (which has no unfused form of a projection or of state clipping either)."""
        assert not self._projection_size, "_unfuse does not support projection layer yet!"
        assert not self._lstm_state_clip_min and not self._lstm_state_clip_max, \
            "_unfuse does not support state clipping yet!"
        from . import rnn_cell
        make = {"rnn_relu": lambda **kw: rnn_cell.RNNCell(self._hidden_size, activation="relu", **kw),
                "rnn_tanh": lambda **kw: rnn_cell.RNNCell(self._hidden_size, activation="tanh", **kw),
                "lstm": lambda **kw: rnn_cell.LSTMCell(self._hidden_size, **kw),
                "gru": lambda **kw: rnn_cell.GRUCell(self._hidden_size, **kw)}[self._mode]
        stack = rnn_cell.HybridSequentialRNNCell(prefix=self.prefix, params=self.params)
        with stack.name_scope():
            ni = self._input_size
            for i in range(self._num_layers):
                kwargs = {"input_size": ni, "i2h_weight_initializer": self._i2h_weight_initializer,
                          "h2h_weight_initializer": self._h2h_weight_initializer,
                          "i2h_bias_initializer": self._i2h_bias_initializer,
                          "h2h_bias_initializer": self._h2h_bias_initializer}
                if self._dir == 2:
                    stack.add(rnn_cell.BidirectionalCell(make(prefix=f"l{i}_", **kwargs),
                                                         make(prefix=f"r{i}_", **kwargs)))
                else:
                    stack.add(make(prefix=f"l{i}_", **kwargs))
                if self._dropout > 0 and i != self._num_layers - 1:
                    stack.add(rnn_cell.DropoutCell(self._dropout))
                ni = self._hidden_size * self._dir
        return stack

    def cast(self, dtype):
        super().cast(dtype)
        self._dtype = dtype

    def begin_state(self, batch_size=0, func=nd.zeros, **kwargs):
        """Initial states (zeros by default), each (num_layers * directions, batch_size, H)."""
        states = []
        for i, info in enumerate(self.state_info(batch_size)):
            info.update(kwargs)
            states.append(func(name=f"{self.prefix}h0_{i}", **info))
        return states

    def infer_shape(self, inputs, *states):
        ni = inputs.shape[2]
        for j in ["l", "r"][:self._dir]:
            getattr(self, f"{j}0_i2h_weight").shape = (self._gates * self._hidden_size, ni)

    def __call__(self, inputs, states=None, sequence_length=None, **kwargs):
        self.skip_states = states is None
        if states is None:
            if isinstance(inputs, NDArray):
                batch_size = inputs.shape[self._layout.find("N")]
                states = self.begin_state(batch_size, ctx=inputs.context, dtype=inputs.dtype)
            else:
                states = self.begin_state(0, func=symbol.zeros)
        if not isinstance(states, (list, tuple)):
            states = [states]
        lengths = [sequence_length] if self._use_sequence_length else []
        return super().__call__(inputs, *states, *lengths)

    def _structure_outputs(self, out):
        """The output, or ``(output, [new states])`` when states were given: MXNet's structure,
        which forward hooks see too (the forward itself returns them flat; a symbolic forward
        without states returns the output alone)."""
        if not isinstance(out, (list, tuple)):
            return out
        return out[0] if self.skip_states else (out[0], list(out[1:]))

    def hybrid_forward(self, F, inputs, *states, **kwargs):
        if F is not nd:
            return self._symbolic_forward_kernel(F, inputs, states, kwargs)
        batch_size = inputs.shape[self._layout.find("N")]
        if self._use_sequence_length:
            *states, lengths = states
            lengths = [lengths]
        else:
            lengths = []
        for state, info in zip(states, self.state_info(batch_size)):
            if state.shape != info["shape"]:
                raise ValueError(f"Invalid recurrent state shape. Expecting {info['shape']}, got {state.shape}.")
        if self._layout == "NTC":
            inputs = F.swapaxes(inputs, 0, 1)
        names = ["i2h_weight", "h2h_weight", "i2h_bias", "h2h_bias"] + ["h2r_weight"] * bool(self._projection_size)
        params = [kwargs[f"{d}{layer}_{name}"]
                  for layer in range(self._num_layers) for d in ["l", "r"][:self._dir] for name in names]
        out = F._internal._rnn_fused(inputs, *states, *params, *lengths, mode=self._mode,
                                     num_layers=self._num_layers, bidirectional=self._dir == 2,
                                     p=float(self._dropout), projection=bool(self._projection_size),
                                     lstm_state_clip_min=self._lstm_state_clip_min,
                                     lstm_state_clip_max=self._lstm_state_clip_max,
                                     use_sequence_length=self._use_sequence_length)
        outputs, new_states = out[0], list(out[1:])
        if self._layout == "NTC":
            outputs = F.swapaxes(outputs, 0, 1)
        return (outputs, *new_states)

    def _symbolic_forward_kernel(self, F, inputs, states, kwargs):
        """MXNet's graph of the layer: the parameters flattened and joined by
        ``_rnn_param_concat`` into the fused ``RNN`` operator's vector (so an exported layer is
        the graph MXNet exports); the output alone when the states were not given."""
        if self._layout == "NTC":
            inputs = F.swapaxes(inputs, 0, 1)
        groups = ("i2h", "h2h", "h2r") if self._projection_size else ("i2h", "h2h")
        params = [kwargs[f"{d}{layer}_{g}_{t}"].reshape(-1)
                  for t in ("weight", "bias") for layer in range(self._num_layers)
                  for d in ["l", "r"][:self._dir] for g in groups if g != "h2r" or t != "bias"]
        params = F._internal._rnn_param_concat(*params, dim=0)
        rnn = F.RNN(inputs, params, *states, use_sequence_length=self._use_sequence_length,
                    state_size=self._hidden_size, projection_size=self._projection_size,
                    num_layers=self._num_layers, bidirectional=self._dir == 2, p=self._dropout,
                    state_outputs=True, mode=self._mode, lstm_state_clip_min=self._lstm_state_clip_min,
                    lstm_state_clip_max=self._lstm_state_clip_max,
                    lstm_state_clip_nan=self._lstm_state_clip_nan)
        outputs, new_states = rnn[0], [rnn[i] for i in range(1, len(rnn))]
        if self._layout == "NTC":
            outputs = F.swapaxes(outputs, 0, 1)
        return outputs if self.skip_states else (outputs, *new_states)


class RNN(_RNNLayer):
    """Multi-layer Elman RNN with ``relu`` (default) or ``tanh``."""

    def __init__(self, hidden_size, num_layers=1, activation="relu", layout="TNC", dropout=0,
                 bidirectional=False, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros", input_size=0,
                 dtype="float32", **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, "rnn_" + activation, None, None, None, None, False,
                         dtype, **kwargs)

    def state_info(self, batch_size=0):
        return [{"shape": (self._num_layers * self._dir, batch_size, self._hidden_size),
                 "__layout__": "LNC", "dtype": self._dtype}]


class LSTM(_RNNLayer):
    """Multi-layer LSTM; states are ``[h, c]``."""

    def __init__(self, hidden_size, num_layers=1, layout="TNC", dropout=0, bidirectional=False,
                 input_size=0, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros", projection_size=None,
                 h2r_weight_initializer=None, state_clip_min=None, state_clip_max=None,
                 state_clip_nan=False, dtype="float32", **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, "lstm", projection_size, h2r_weight_initializer,
                         state_clip_min, state_clip_max, state_clip_nan, dtype, **kwargs)

    def state_info(self, batch_size=0):
        cell = (self._num_layers * self._dir, batch_size, self._hidden_size)
        hidden = cell[:2] + (self._projection_size or self._hidden_size,)
        return [{"shape": hidden, "__layout__": "LNC", "dtype": self._dtype},
                {"shape": cell, "__layout__": "LNC", "dtype": self._dtype}]


class GRU(_RNNLayer):
    """Multi-layer GRU (cuDNN's variant: the reset gate multiplies W_hn h + b_hn)."""

    def __init__(self, hidden_size, num_layers=1, layout="TNC", dropout=0, bidirectional=False,
                 input_size=0, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer="zeros", h2h_bias_initializer="zeros", dtype="float32", **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, "gru", None, None, None, None, False, dtype, **kwargs)

    def state_info(self, batch_size=0):
        return [{"shape": (self._num_layers * self._dir, batch_size, self._hidden_size),
                 "__layout__": "LNC", "dtype": self._dtype}]
