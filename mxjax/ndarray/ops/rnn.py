"""``_rnn_fused`` (the multi-layer, optionally bidirectional recurrence of Gluon's RNN layers)
and MXNet's ``RNN`` operator (the same on one flat parameter vector).

MXNet's Gluon ``RNN``/``LSTM``/``GRU`` layers call the fused ``RNN`` operator on one flat
parameter vector.  mxjax's layers call ``_rnn_fused`` instead, with the parameters as separate
arrays: ``data`` (T, N, C), the begin states (``h0``, and ``c0`` for LSTM, each
(num_layers * directions, N, H)), then for each layer and each direction (forward ``l`` first,
reverse ``r`` second) ``i2h_weight, h2h_weight, i2h_bias, h2h_bias`` (then ``h2r_weight`` for
an LSTM with a projection), and last the sequence lengths with ``use_sequence_length``.  Each
direction of each layer is one ``jax.lax.scan`` (differentiable to any order).

Gate order and formulas are those of MXNet's fused kernel: LSTM gates (i, f, g, o) with
c = f*c + i*g, h = o*tanh(c); GRU gates (r, z, n) with n = tanh(W_in x + b_in + r*(W_hn h + b_hn))
and h = (1 - z)*n + z*h; RNN h = act(W_ih x + b_ih + W_hh h + b_hh).  Dropout with probability
``p`` is applied to the output of every layer but the last, in training mode only.

mxjax differs: the dropout masks come from mxjax's random stream, not MXNet's.
"""
import jax
import jax.numpy as jnp
import numpy as np

from ...base import MXNetError
from ..registry import REQUIRED, register
from .shape import _concat

_GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def _step_fn(mode, w_hh, b_hh, w_hr=None, clip=None):
    """The per-step update: carry, precomputed input projection -> carry, output.  LSTM only:
    ``w_hr`` projects the output (LSTMP), ``clip`` (min, max) clips the cell state."""
    if mode in ("rnn_relu", "rnn_tanh"):
        act = jax.nn.relu if mode == "rnn_relu" else jnp.tanh

        def step(carry, xw):
            (h,) = carry
            h = act(xw + h @ w_hh.T + b_hh)
            return (h,), h
    elif mode == "lstm":
        def step(carry, xw):
            h, c = carry
            gates = xw + h @ w_hh.T + b_hh
            i, f, g, o = jnp.split(gates, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            if clip is not None:
                c = jnp.clip(c, *clip)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            if w_hr is not None:        # LSTMP: the recurrent state is the projection of h
                h = h @ w_hr.T
            return (h, c), h
    else:
        def step(carry, xw):
            (h,) = carry
            hw = h @ w_hh.T + b_hh
            x_r, x_z, x_n = jnp.split(xw, 3, axis=-1)
            h_r, h_z, h_n = jnp.split(hw, 3, axis=-1)
            r = jax.nn.sigmoid(x_r + h_r)
            z = jax.nn.sigmoid(x_z + h_z)
            n = jnp.tanh(x_n + r * h_n)
            h = (1 - z) * n + z * h
            return (h,), h
    return step


def _direction(mode, x, carry, w_ih, w_hh, b_ih, b_hh, reverse, w_hr=None, clip=None, lengths=None):
    """One direction of one layer over x (T, N, C).  With ``lengths`` (N,), steps at or past
    a sequence's length leave its state unchanged and output zeros (so the reverse direction
    starts at each sequence's last valid step)."""
    xw = jnp.einsum("tnc,gc->tng", x, w_ih) + b_ih
    step = _step_fn(mode, w_hh, b_hh, w_hr, clip)
    if lengths is None:
        carry, ys = jax.lax.scan(step, carry, xw, reverse=reverse)
        return ys, carry

    def masked(carry, inputs):
        xw_t, t = inputs
        new, y = step(carry, xw_t)
        live = (t < lengths)[:, None]
        return tuple(jnp.where(live, n, o) for n, o in zip(new, carry)), jnp.where(live, y, 0).astype(y.dtype)
    carry, ys = jax.lax.scan(masked, carry, (xw, jnp.arange(x.shape[0])), reverse=reverse)
    return ys, carry


def _layers(key, mode, x, states, groups, num_layers, dirs, p, training, clip=None, lengths=None):
    """The stacked recurrence: ``groups[layer * dirs + d]`` is ``(w_ih, w_hh, b_ih, b_hh, w_hr)``
    (``w_hr`` None without a projection).  Dropout with probability ``p`` on every layer's
    output but the last, in training mode.  Returns the output and the final states stacked
    (num_layers * dirs, N, ...)."""
    finals = [[] for _ in states]
    dropout = bool(training) and p > 0 and num_layers > 1
    keys = jax.random.split(key, num_layers - 1) if dropout else None
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            idx = layer * dirs + d
            w_ih, w_hh, b_ih, b_hh, w_hr = groups[idx]
            ys, carry = _direction(mode, x, tuple(s[idx] for s in states), w_ih, w_hh, b_ih, b_hh, d == 1,
                                   w_hr, clip, lengths)
            outs.append(ys)
            for k, c in enumerate(carry):
                finals[k].append(c)
        x = outs[0] if dirs == 1 else jnp.concatenate(outs, axis=-1)
        if dropout and layer < num_layers - 1:
            keep = jax.random.bernoulli(keys[layer], 1.0 - p, x.shape)
            x = jnp.where(keep, x / jnp.asarray(1.0 - p, x.dtype), 0).astype(x.dtype)
    return x, tuple(jnp.stack(f, axis=0) for f in finals)


def _clip_bounds(mode, clip_min, clip_max):
    return (clip_min, clip_max) if mode == "lstm" and clip_min is not None and clip_max is not None else None


@register("_rnn_fused", inputs=(), variadic=True, uses_training=True, random=True,
          attrs=dict(mode="lstm", num_layers=1, bidirectional=False, p=0.0, projection=False,
                     lstm_state_clip_min=None, lstm_state_clip_max=None, use_sequence_length=False))
def _rnn_fused(key, *arrays, mode, num_layers, bidirectional, p, projection, lstm_state_clip_min,
               lstm_state_clip_max, use_sequence_length, _training):
    """Outputs ``(out, h_n)`` or, for LSTM, ``(out, h_n, c_n)``; out is (T, N, dirs*H), or
    (T, N, dirs*P) with a projection (LSTM only: each group then ends with ``h2r_weight``
    (P, H)).  With ``use_sequence_length`` the last input is the lengths (N,)."""
    if mode not in _GATES:
        raise MXNetError(f"_rnn_fused: mode must be one of {sorted(_GATES)}, got {mode!r}")
    n_states = 2 if mode == "lstm" else 1
    dirs = 2 if bidirectional else 1
    per_group = 5 if projection else 4
    want = 1 + n_states + per_group * num_layers * dirs + bool(use_sequence_length)
    if len(arrays) != want:
        raise MXNetError(f"_rnn_fused: expected {want} inputs (data, {n_states} states, "
                         f"{per_group * num_layers * dirs} parameters"
                         f"{', lengths' if use_sequence_length else ''}), got {len(arrays)}")
    x, states = arrays[0], arrays[1:1 + n_states]
    params = arrays[1 + n_states:1 + n_states + per_group * num_layers * dirs]
    groups = [tuple(params[per_group * i:per_group * i + 4]) + (params[per_group * i + 4] if projection else None,)
              for i in range(num_layers * dirs)]
    lengths = arrays[-1].astype(jnp.int32) if use_sequence_length else None
    out, finals = _layers(key, mode, x, states, groups, num_layers, dirs, p, _training,
                          _clip_bounds(mode, lstm_state_clip_min, lstm_state_clip_max), lengths)
    return (out,) + finals


def _flat_layout(mode, num_layers, dirs, input_size, state_size, projection_size):
    """MXNet's flat parameter vector: for each layer and direction (forward first) the
    weights i2h (G*H, in), h2h (G*H, P or H) and, with a projection, h2r (P, H); then for each
    layer and direction the biases i2h (G*H) and h2h (G*H).  Returns the shapes in order."""
    gates, out = _GATES[mode] * state_size, projection_size or state_size
    weights, biases = [], []
    for layer in range(num_layers):
        width = input_size if layer == 0 else out * dirs
        for _ in range(dirs):
            weights.append([(gates, width), (gates, out)] + ([(out, state_size)] if projection_size else []))
            biases.append([(gates,), (gates,)])
    return weights, biases


@register("_rnn_param_concat", inputs=(), variadic=True, attrs=dict(dim=1))
def _rnn_param_concat(*data, dim):
    """MXNet's concatenation of the flattened parameters of Gluon's RNN layers into ``RNN``'s
    one vector (``concat``, under the name MXNet's exported graphs use)."""
    return _concat(*data, dim=dim)


@register("RNN", inputs=("data", "parameters", "state", "state_cell?", "sequence_length?"), uses_training=True,
          random=True, attrs=dict(state_size=REQUIRED, num_layers=REQUIRED, bidirectional=False, mode=REQUIRED, p=0.0,
                                  state_outputs=False, projection_size=None, lstm_state_clip_min=None,
                                  lstm_state_clip_max=None, lstm_state_clip_nan=False, use_sequence_length=False))
def _rnn(key, data, parameters, state, state_cell=None, sequence_length=None, *, state_size, num_layers,
         bidirectional, mode, p, state_outputs, projection_size, lstm_state_clip_min, lstm_state_clip_max,
         lstm_state_clip_nan, use_sequence_length, _training):
    """MXNet's fused recurrent operator on data (T, N, C) with all parameters in one flat
    vector (``_flat_layout``), begin states (L*D, N, P or H) and, for LSTM, cells (L*D, N, H);
    ``sequence_length`` (N,) with ``use_sequence_length``.  Returns out (T, N, D*(P or H)) and,
    with ``state_outputs``, the last states (and cells).  LSTM's cell state is clipped to
    [lstm_state_clip_min, lstm_state_clip_max] when both are given (mxjax differs: MXNet
    1.9.1's CPU kernel ignores the clip, cuDNN applies it; ``lstm_state_clip_nan`` is
    accepted, NaN cells stay NaN)."""
    op = "RNN"
    if mode not in _GATES:
        raise MXNetError(f"{op}: mode must be one of {sorted(_GATES)}, got {mode!r}")
    if mode != "lstm":
        if projection_size:
            raise MXNetError(f"{op}: projection_size is only supported for mode 'lstm'")
        if sequence_length is None and state_cell is not None:   # positional: the 4th input is the lengths
            state_cell, sequence_length = None, state_cell
    elif state_cell is None:
        raise MXNetError(f"{op}: mode 'lstm' needs the state_cell input")
    if use_sequence_length != (sequence_length is not None):
        raise MXNetError(f"{op}: give sequence_length exactly when use_sequence_length=True")
    dirs = 2 if bidirectional else 1
    weights, biases = _flat_layout(mode, num_layers, dirs, data.shape[2], state_size, projection_size)
    shapes = [s for group in weights + biases for s in group]
    total = sum(int(np.prod(s)) for s in shapes)
    if parameters.shape != (total,):
        raise MXNetError(f"{op}: parameters must be a vector of {total} values for this configuration, got shape "
                         f"{parameters.shape}")
    pieces, offset = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        pieces.append(parameters[offset:offset + size].reshape(shape))
        offset += size
    per_direction = 3 if projection_size else 2
    w = [pieces[i * per_direction:(i + 1) * per_direction] for i in range(len(weights))]
    b = [pieces[len(weights) * per_direction + 2 * i:len(weights) * per_direction + 2 * i + 2]
         for i in range(len(biases))]
    groups = [(wi[0], wi[1], bi[0], bi[1], wi[2] if projection_size else None) for wi, bi in zip(w, b)]
    lengths = None if sequence_length is None else sequence_length.astype(jnp.int32)
    states = (state,) if mode != "lstm" else (state, state_cell)
    x, finals = _layers(key, mode, data, states, groups, num_layers, dirs, p, _training,
                        _clip_bounds(mode, lstm_state_clip_min, lstm_state_clip_max), lengths)
    return (x,) + finals if state_outputs else x
