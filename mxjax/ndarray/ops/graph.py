"""Graph operators of MXNet's DGL contrib family over an adjacency matrix: ``nd.contrib.edge_id``.

MXNet stores the graph as a CSR matrix whose values are edge ids and accepts only CSR there;
mxjax takes the matrix CSR or dense, and an entry is an edge where its value is nonzero (so an
explicitly stored zero in a CSR matrix is no edge in mxjax)."""
import jax.numpy as jnp

from ..registry import register


@register("_contrib_edge_id", inputs=("data", "u", "v"))
def _edge_id(data, u, v):
    """output[i] = data[u[i], v[i]] where that entry is an edge (nonzero), else -1; ``u`` and
    ``v`` are 1-D vertex ids.  The output has data's dtype."""
    values = data[u.astype(jnp.int32), v.astype(jnp.int32)]
    return jnp.where(values != 0, values, jnp.asarray(-1, data.dtype))
