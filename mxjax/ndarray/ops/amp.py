"""Mixed-precision helpers (MXNet's AMP; amp_cast is with the casts in math.py): amp_multicast,
all_finite, multi_all_finite and multi_sum_sq."""
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError
from ..registry import REQUIRED, register

_HALF, _SINGLE = np.dtype(np.float16), np.dtype(np.float32)


@register("amp_multicast", inputs=(), variadic=True, attrs=dict(num_outputs=REQUIRED, cast_narrow=False))
def _amp_multicast(*data, num_outputs, cast_narrow):
    """The float16/float32 inputs cast to the widest of their types (the narrowest with
    ``cast_narrow``); inputs of other types pass unchanged, as in MXNet."""
    if len(data) != num_outputs:
        raise MXNetError(f"amp_multicast: num_outputs={num_outputs} but {len(data)} inputs were given")
    present = {np.dtype(x.dtype) for x in data} & {_HALF, _SINGLE}
    if not present:
        return data
    target = (_HALF if _HALF in present else _SINGLE) if cast_narrow else (_SINGLE if _SINGLE in present else _HALF)
    return tuple(x.astype(target) if np.dtype(x.dtype) in (_HALF, _SINGLE) else x for x in data)


def _finite(arrays):
    ok = jnp.all(jnp.stack([jnp.all(jnp.isfinite(lax.stop_gradient(x))) for x in arrays]))
    return ok.astype(jnp.float32).reshape(1)


@register("all_finite", attrs=dict(init_output=True))
def _all_finite(data, init_output):
    """[1.] if every element of ``data`` is finite, else [0.] (float32).  ``init_output=False``
    (MXNet: AND into the uninitialised output) is treated as True."""
    return _finite([data])


@register("multi_all_finite", inputs=(), variadic=True, attrs=dict(num_arrays=1, init_output=True))
def _multi_all_finite(*data, num_arrays, init_output):
    """[1.] if every element of every input is finite, else [0.] (float32)."""
    return _finite(data)


@register("multi_sum_sq", inputs=(), variadic=True, attrs=dict(num_arrays=REQUIRED))
def _multi_sum_sq(*data, num_arrays):
    """The sum of squares of each input (all of one dtype), as float32 (num_arrays,)."""
    if len(data) != num_arrays:
        raise MXNetError(f"multi_sum_sq: num_arrays={num_arrays} but {len(data)} arrays were given")
    for i, x in enumerate(data):
        if x.dtype != data[0].dtype:
            raise MXNetError(f"multi_sum_sq requires inputs of one type: array 0 is {data[0].dtype}, array {i} is "
                             f"{x.dtype}")
    return jnp.stack([jnp.sum(jnp.square(x.astype(jnp.float32))) for x in data])
