"""Sequence operators: SequenceMask, SequenceLast, SequenceReverse.

``data`` is laid out [max_sequence_length, batch, ...] (``axis=0``) or [batch,
max_sequence_length, ...] (``axis=1``); ``sequence_length`` (a float array of shape
(batch,), as in MXNet) is read only when ``use_sequence_length`` is True and has a zero
gradient.  Lengths are truncated toward zero, as MXNet's cast does.
"""
import jax.numpy as jnp

from ...base import MXNetError
from ..registry import register

_ATTRS = dict(use_sequence_length=False, axis=0)


def _lengths(op, data, sequence_length, use_sequence_length, axis, axes=(0, 1)):
    """int32 lengths of shape (batch,), or None when the whole sequence is used."""
    if axis not in axes:
        raise MXNetError(f"{op}: axis={axis} is not supported: expects axis to be "
                         f"{' or '.join(str(a) for a in axes)}")
    if data.ndim < 2:
        raise MXNetError(f"{op}: the data array must be of rank 2 or greater, got shape {data.shape}")
    if not use_sequence_length:
        if sequence_length is not None:
            raise MXNetError(f"{op}: sequence_length was given but use_sequence_length is False")
        return None
    if sequence_length is None:
        raise MXNetError(f"{op}: use_sequence_length=True needs the sequence_length input")
    batch = data.shape[1 - axis]
    if sequence_length.shape != (batch,):
        raise MXNetError(f"{op}: sequence_length of shape {sequence_length.shape} does not match the batch "
                         f"size: expected ({batch},)")
    return sequence_length.astype(jnp.int32)


def _time_index(data, axis):
    """Time step of every element, shaped to broadcast against ``data``: [T, 1, ...] or [1, T, ...]."""
    shape = [1] * data.ndim
    shape[axis] = data.shape[axis]
    return jnp.arange(data.shape[axis], dtype=jnp.int32).reshape(shape)


def _per_batch(lengths, data, axis):
    """``lengths`` shaped to broadcast against ``data`` along the batch axis."""
    shape = [1] * data.ndim
    shape[1 - axis] = data.shape[1 - axis]
    return lengths.reshape(shape)


@register("SequenceMask", inputs=("data", "sequence_length?"), attrs=dict(use_sequence_length=False, value=0.0, axis=0))
def _sequence_mask(data, sequence_length=None, *, use_sequence_length, value, axis):
    """Steps at or beyond each sequence's length are set to ``value`` (cast to the data's dtype)."""
    lengths = _lengths("SequenceMask", data, sequence_length, use_sequence_length, axis)
    if lengths is None:
        return data
    keep = _time_index(data, axis) < _per_batch(lengths, data, axis)
    return jnp.where(keep, data, jnp.asarray(value).astype(data.dtype))


@register("SequenceLast", inputs=("data", "sequence_length?"), attrs=_ATTRS)
def _sequence_last(data, sequence_length=None, *, use_sequence_length, axis):
    """The last valid step of each sequence: shape ``data.shape`` without ``axis``.
    mxjax differs: a length outside [1, max_sequence_length] is clipped into it (MXNet reads
    out of bounds)."""
    lengths = _lengths("SequenceLast", data, sequence_length, use_sequence_length, axis)
    steps = data.shape[axis]
    if lengths is None:
        return jnp.take(data, steps - 1, axis=axis)
    last = jnp.clip(lengths - 1, 0, steps - 1)
    index = jnp.broadcast_to(_per_batch(last, data, axis), data.shape[:axis] + (1,) + data.shape[axis + 1:])
    return jnp.squeeze(jnp.take_along_axis(data, index, axis=axis, mode="promise_in_bounds"), axis)


@register("SequenceReverse", inputs=("data", "sequence_length?"), attrs=_ATTRS)
def _sequence_reverse(data, sequence_length=None, *, use_sequence_length, axis):
    """The first ``length`` steps of each sequence reversed, the rest left in place (axis 0 only).
    mxjax differs: lengths beyond max_sequence_length are clipped to it."""
    lengths = _lengths("SequenceReverse", data, sequence_length, use_sequence_length, axis, axes=(0,))
    if lengths is None:
        return jnp.flip(data, 0)
    steps = data.shape[0]
    t = _time_index(data, 0)
    n = jnp.clip(_per_batch(lengths, data, 0), 0, steps)
    source = jnp.where(t < n, n - 1 - t, t)
    return jnp.take_along_axis(data, jnp.broadcast_to(source, data.shape), axis=0, mode="promise_in_bounds")
