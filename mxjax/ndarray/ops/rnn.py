"""``_rnn_fused``: the multi-layer, optionally bidirectional recurrence of Gluon's RNN layers.

MXNet's Gluon ``RNN``/``LSTM``/``GRU`` layers call the fused ``RNN`` operator on one flat
parameter vector.  mxjax's layers call ``_rnn_fused`` instead, with the parameters as separate
arrays: ``data`` (T, N, C), the begin states (``h0``, and ``c0`` for LSTM, each
(num_layers * directions, N, H)), then for each layer and each direction (forward ``l`` first,
reverse ``r`` second) ``i2h_weight, h2h_weight, i2h_bias, h2h_bias``.  Each direction of each
layer is one ``jax.lax.scan`` (differentiable to any order).

Gate order and formulas are those of MXNet's fused kernel: LSTM gates (i, f, g, o) with
c = f*c + i*g, h = o*tanh(c); GRU gates (r, z, n) with n = tanh(W_in x + b_in + r*(W_hn h + b_hn))
and h = (1 - z)*n + z*h; RNN h = act(W_ih x + b_ih + W_hh h + b_hh).  Dropout with probability
``p`` is applied to the output of every layer but the last, in training mode only.

mxjax differs: the dropout masks come from mxjax's random stream, not MXNet's.
"""
import jax
import jax.numpy as jnp

from ...base import MXNetError
from ..registry import register

_GATES = {"rnn_relu": 1, "rnn_tanh": 1, "lstm": 4, "gru": 3}


def _step_fn(mode, w_hh, b_hh):
    """The per-step update: carry, precomputed input projection -> carry, output."""
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
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
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


def _direction(mode, x, carry, w_ih, w_hh, b_ih, b_hh, reverse):
    xw = jnp.einsum("tnc,gc->tng", x, w_ih) + b_ih
    carry, ys = jax.lax.scan(_step_fn(mode, w_hh, b_hh), carry, xw, reverse=reverse)
    return ys, carry


@register("_rnn_fused", inputs=(), variadic=True, uses_training=True, random=True,
          attrs=dict(mode="lstm", num_layers=1, bidirectional=False, p=0.0))
def _rnn_fused(key, *arrays, mode, num_layers, bidirectional, p, _training):
    """Outputs ``(out, h_n)`` or, for LSTM, ``(out, h_n, c_n)``; out is (T, N, dirs*H)."""
    if mode not in _GATES:
        raise MXNetError(f"_rnn_fused: mode must be one of {sorted(_GATES)}, got {mode!r}")
    n_states = 2 if mode == "lstm" else 1
    dirs = 2 if bidirectional else 1
    want = 1 + n_states + 4 * num_layers * dirs
    if len(arrays) != want:
        raise MXNetError(f"_rnn_fused: expected {want} inputs (data, {n_states} states, "
                         f"{4 * num_layers * dirs} parameters), got {len(arrays)}")
    x, states, params = arrays[0], arrays[1:1 + n_states], arrays[1 + n_states:]
    finals = [[] for _ in range(n_states)]
    dropout = bool(_training) and p > 0 and num_layers > 1
    keys = jax.random.split(key, num_layers - 1) if dropout else None
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            idx = layer * dirs + d
            w_ih, w_hh, b_ih, b_hh = params[4 * idx:4 * idx + 4]
            carry = tuple(s[idx] for s in states)
            ys, carry = _direction(mode, x, carry, w_ih, w_hh, b_ih, b_hh, reverse=d == 1)
            outs.append(ys)
            for k in range(n_states):
                finals[k].append(carry[k])
        x = outs[0] if dirs == 1 else jnp.concatenate(outs, axis=-1)
        if dropout and layer < num_layers - 1:
            keep = jax.random.bernoulli(keys[layer], 1.0 - p, x.shape)
            x = jnp.where(keep, x / jnp.asarray(1.0 - p, x.dtype), 0).astype(x.dtype)
    return (x,) + tuple(jnp.stack(f, axis=0) for f in finals)
