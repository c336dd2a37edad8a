"""``mx.rnn.FusedRNNCell``: a whole stack of recurrent layers as ONE ``RNN`` operator.

MXNet 1.9.1 semantics: the parameters are one flat Variable ``PREFIXparameters`` laid out as
the ``RNN`` operator expects (all weights layer by layer, direction by direction, i2h gates
then h2h gates; then all biases in the same order).  ``unpack_weights`` slices it into the
names an unfused stack uses (``PREFIXl0_i2h_i_weight``, ``PREFIXr1_h2h_o_bias``...), so
``fused.unpack_weights`` then ``stack.pack_weights`` moves trained weights between the two;
``unfuse()`` builds that stack.  The cell cannot be stepped, only unrolled.  Begin states are
``(layers * directions, batch, hidden)`` zeros whose batch size shape inference decides.
"""
import warnings

from .. import init, ndarray, symbol
from .rnn_cell import (BaseRNNCell, GRUCell, LSTMCell, RNNCell, SequentialRNNCell, DropoutCell,
                       _normalize_sequence)
from .composite_cells import BidirectionalCell

__all__ = ["FusedRNNCell"]

_GATES = {"rnn_relu": [""], "rnn_tanh": [""], "lstm": ["_i", "_f", "_c", "_o"], "gru": ["_r", "_z", "_o"]}


class FusedRNNCell(BaseRNNCell):
    """``num_layers`` layers of ``mode`` ('rnn_relu', 'rnn_tanh', 'lstm', 'gru') fused into one
    ``RNN`` node named ``PREFIXrnn`` (prefix default ``'MODE_'``); output width doubles when
    ``bidirectional``; ``dropout`` between layers in training; ``get_next_state`` also returns
    the last states."""

    def __init__(self, num_hidden, num_layers=1, mode="lstm", bidirectional=False, dropout=0.,
                 get_next_state=False, forget_bias=1.0, prefix=None, params=None):
        if prefix is None:
            prefix = f"{mode}_"
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._dropout = dropout
        self._get_next_state = get_next_state
        self._directions = ["l", "r"] if bidirectional else ["l"]
        initializer = init.FusedRNN(None, num_hidden, num_layers, mode, bidirectional, forget_bias)
        self._parameter = self.params.get("parameters", init=initializer)

    @property
    def state_info(self):
        layers = (self._bidirectional + 1) * self._num_layers
        count = 2 if self._mode == "lstm" else 1
        return [{"shape": (layers, 0, self._num_hidden), "__layout__": "LNC"} for _ in range(count)]

    @property
    def _gate_names(self):
        return _GATES[self._mode]

    def _layout(self, num_input, hidden):
        """(name, shape) of every per-gate weight and bias, in the flat vector's order."""
        dirs = len(self._directions)
        weights, biases = [], []
        for layer in range(self._num_layers):
            width = num_input if layer == 0 else dirs * hidden
            for direction in self._directions:
                for group, cols in (("i2h", width), ("h2h", hidden)):
                    for gate in self._gate_names:
                        name = f"{self._prefix}{direction}{layer}_{group}{gate}"
                        weights.append((name + "_weight", (hidden, cols)))
                        biases.append((name + "_bias", (hidden,)))
        return weights + biases

    def unpack_weights(self, args):
        args = args.copy()
        arr = args.pop(self._parameter.name)
        dirs, gates, h = len(self._directions), len(self._gate_names), self._num_hidden
        num_input = arr.size // dirs // h // gates - (self._num_layers - 1) * (h + dirs * h + 2) - h - 2
        p = 0
        for name, shape in self._layout(num_input, h):
            size = shape[0] * (shape[1] if len(shape) > 1 else 1)
            args[name] = arr[p:p + size].reshape(shape).copy()
            p += size
        assert p == arr.size, "Invalid parameters size for FusedRNNCell"
        return args

    def pack_weights(self, args):
        args = args.copy()
        w0 = args[f"{self._prefix}l0_i2h{self._gate_names[0]}_weight"]
        layout = self._layout(w0.shape[1], self._num_hidden)
        pieces = [args.pop(name).reshape((-1,)).astype(w0.dtype) for name, _ in layout]
        args[self._parameter.name] = ndarray.concatenate(pieces)
        return args

    def __call__(self, inputs, states):
        raise NotImplementedError("FusedRNNCell cannot be stepped. Please use unroll")

    def unroll(self, length, inputs, begin_state=None, layout="NTC", merge_outputs=None):
        self.reset()
        inputs, axis = _normalize_sequence(length, inputs, layout, True)
        if axis == 1:
            warnings.warn("NTC layout detected. Consider using TNC for FusedRNNCell for faster speed")
            inputs = symbol.swapaxes(inputs, dim1=0, dim2=1)
        else:
            assert axis == 0, f"Unsupported layout {layout}"
        if begin_state is None:
            begin_state = self.begin_state()
        states = {"state": begin_state[0]}
        if self._mode == "lstm":
            states["state_cell"] = begin_state[1]
        rnn = symbol.RNN(data=inputs, parameters=self._parameter, state_size=self._num_hidden,
                         num_layers=self._num_layers, bidirectional=self._bidirectional, p=self._dropout,
                         state_outputs=self._get_next_state, mode=self._mode, name=self._prefix + "rnn",
                         **states)
        if not self._get_next_state:
            outputs, states = rnn, []
        else:
            count = 2 if self._mode == "lstm" else 1
            states = [rnn[i + 1] for i in range(count)]
            for state in states:
                state._set_attr(__layout__="LNC")
            outputs = rnn[0]
        if axis == 1:
            outputs = symbol.swapaxes(outputs, dim1=0, dim2=1)
        outputs, _ = _normalize_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def unfuse(self):
        """The same network as a SequentialRNNCell of step cells (named as ``unpack_weights``
        names the weights), with DropoutCells between layers when ``dropout`` > 0."""
        def make(prefix):
            if self._mode == "lstm":
                return LSTMCell(self._num_hidden, prefix=prefix)
            if self._mode == "gru":
                return GRUCell(self._num_hidden, prefix=prefix)
            return RNNCell(self._num_hidden, activation=self._mode[4:], prefix=prefix)

        stack = SequentialRNNCell()
        for i in range(self._num_layers):
            if self._bidirectional:
                stack.add(BidirectionalCell(make(f"{self._prefix}l{i}_"), make(f"{self._prefix}r{i}_"),
                                            output_prefix=f"{self._prefix}bi_l{i}_"))
            else:
                stack.add(make(f"{self._prefix}l{i}_"))
            if self._dropout > 0 and i != self._num_layers - 1:
                stack.add(DropoutCell(self._dropout, prefix=f"{self._prefix}_dropout{i}_"))
        return stack

