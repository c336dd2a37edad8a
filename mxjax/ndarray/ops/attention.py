"""``nd.contrib`` multi-head attention matmuls on interleaved projections (GluonNLP's
transformer layers): interleaved_matmul_selfatt_qk / _valatt and encdec_qk / _valatt.

Projections are (seq_length, batch, heads * k * head_dim) with, per head, the k projections
(q, k, v for self-attention; k, v for encoder-decoder) of head_dim each; attention maps are
(batch * heads, query_length, key_length)."""
import jax.numpy as jnp

from ...base import MXNetError
from ..registry import REQUIRED, register


def _split(op, x, heads, parts, index):
    """Projection ``index`` of ``parts`` interleaved ones: (batch * heads, seq, head_dim)."""
    length, batch, width = x.shape
    if width % (heads * parts):
        raise MXNetError(f"{op}: the last dimension {width} is not a multiple of heads * {parts} = {heads * parts}")
    y = x.reshape(length, batch, heads, parts, -1)[:, :, :, index, :]
    return jnp.transpose(y, (1, 2, 0, 3)).reshape(batch * heads, length, -1)


def _scores(q, k):
    return jnp.einsum("bqd,bkd->bqk", q / jnp.sqrt(jnp.asarray(q.shape[-1], q.dtype)), k)


def _merge(att, v, heads):
    out = jnp.einsum("bqk,bkd->bqd", att, v)                    # (batch * heads, Lq, d)
    bh, length, d = out.shape
    return jnp.transpose(out.reshape(bh // heads, heads, length, d), (2, 0, 1, 3)).reshape(length, bh // heads, -1)


@register("_contrib_interleaved_matmul_selfatt_qk", inputs=("queries_keys_values",), attrs=dict(heads=REQUIRED))
def _selfatt_qk(queries_keys_values, heads):
    """Scaled scores q k^T / sqrt(head_dim): (batch * heads, seq, seq)."""
    op = "_contrib_interleaved_matmul_selfatt_qk"
    return _scores(_split(op, queries_keys_values, heads, 3, 0), _split(op, queries_keys_values, heads, 3, 1))


@register("_contrib_interleaved_matmul_selfatt_valatt", inputs=("queries_keys_values", "attention"),
          attrs=dict(heads=REQUIRED))
def _selfatt_valatt(queries_keys_values, attention, heads):
    """The attention-weighted values, heads concatenated: (seq, batch, heads * head_dim)."""
    return _merge(attention, _split("_contrib_interleaved_matmul_selfatt_valatt", queries_keys_values, heads, 3, 2),
                  heads)


@register("_contrib_interleaved_matmul_encdec_qk", inputs=("queries", "keys_values"), attrs=dict(heads=REQUIRED))
def _encdec_qk(queries, keys_values, heads):
    """Scaled scores of the queries (Lq, batch, heads * head_dim) against the keys of the
    interleaved keys/values (Lk, batch, heads * 2 * head_dim): (batch * heads, Lq, Lk)."""
    op = "_contrib_interleaved_matmul_encdec_qk"
    return _scores(_split(op, queries, heads, 1, 0), _split(op, keys_values, heads, 2, 0))


@register("_contrib_interleaved_matmul_encdec_valatt", inputs=("keys_values", "attention"),
          attrs=dict(heads=REQUIRED))
def _encdec_valatt(keys_values, attention, heads):
    """The attention-weighted values of the interleaved keys/values: (Lq, batch, heads * head_dim)."""
    return _merge(attention, _split("_contrib_interleaved_matmul_encdec_valatt", keys_values, heads, 2, 1), heads)
