"""``_square_sum``: the sum of squares MXNet provides for row_sparse arrays (``nd.sparse``)."""
import jax.numpy as jnp

from ..registry import register


@register("_square_sum", attrs=dict(axis=None, keepdims=False, exclude=False), aliases=("square_sum",))
def _square_sum(data, axis, keepdims, exclude):
    """``sum(square(data))``; on a row_sparse array with axis=1 and keepdims MXNet gives a
    row_sparse result (see ``RULES``)."""
    if axis is not None:
        axis = (axis,) if isinstance(axis, int) else tuple(axis)
        if exclude:
            axis = tuple(i for i in range(data.ndim) if i not in {a % data.ndim for a in axis})
    out = jnp.sum(jnp.square(data), axis=axis, keepdims=keepdims)
    return out.reshape(1) if out.ndim == 0 else out
