"""The storage operators of MXNet 1.9.1 as graph nodes: ``cast_storage`` and ``_sparse_retain``.

mxjax keeps a sparse array's values dense (docs/sparse.md), so inside a graph (``mx.sym``,
an executor, a hybridized block) ``cast_storage`` is the identity on the values and
``_sparse_retain`` zeroes the rows not listed in ``indices``; their gradients are the
identity and the same row mask, as MXNet's.  ``nd.cast_storage`` and ``nd.sparse.retain``
(``ndarray/sparse.py``) replace the generated ``nd`` functions and give sparse arrays.
"""
import jax.numpy as jnp

from ...base import MXNetError
from ..registry import REQUIRED, register

_STYPES = ("default", "row_sparse", "csr")


@register("cast_storage", inputs=("data",), attrs=dict(stype=REQUIRED))
def _cast_storage(data, stype):
    """Casts ``data`` to storage type ``stype``: the same values."""
    if stype not in _STYPES:
        raise MXNetError(f"Invalid Input: '{stype}', valid values are: {{'csr', 'default', 'row_sparse'}}")
    return data


@register("_sparse_retain", inputs=("data", "indices"))
def _retain(data, indices):
    """The rows of ``data`` listed in ``indices``, the other rows zero."""
    keep = jnp.zeros((data.shape[0],), bool).at[indices.reshape(-1).astype(jnp.int64)].set(True)
    return jnp.where(keep.reshape((-1,) + (1,) * (data.ndim - 1)), data, jnp.zeros((), data.dtype))
