"""Shape and layout operators (the core set; the full family comes with the operator issue)."""
import jax.numpy as jnp

from ...base import MXNetError, MXNetValueError
from ..registry import REQUIRED, register


@register("transpose", attrs=dict(axes=()), method=True)
def _transpose(data, axes):
    return jnp.transpose(data, axes or None)


@register("expand_dims", attrs=dict(axis=0), method=True)
def _expand_dims(data, axis):
    return jnp.expand_dims(data, axis)


@register("squeeze", attrs=dict(axis=None), method=True)
def _squeeze(data, axis):
    out = jnp.squeeze(data, axis)
    return out.reshape((1,)) if out.ndim == 0 else out


@register("flatten", method=True, aliases=("Flatten",))
def _flatten(data):
    return data.reshape((data.shape[0], -1)) if data.ndim else data.reshape((1, 1))


@register("reshape_like", inputs=("lhs", "rhs"))
def _reshape_like(lhs, rhs):
    return lhs.reshape(rhs.shape)


@register("broadcast_to", attrs=dict(shape=()), method=True)
def _broadcast_to(data, shape):
    target = tuple(d if t == 0 else t for d, t in zip(data.shape, shape)) if len(shape) == data.ndim else shape
    try:
        return jnp.broadcast_to(data, target)
    except ValueError:
        raise MXNetValueError(f"broadcast_to: cannot broadcast shape {data.shape} to {tuple(shape)}: "
                              "operands could not be broadcast together") from None


@register("broadcast_like", inputs=("lhs", "rhs"))
def _broadcast_like(lhs, rhs):
    return jnp.broadcast_to(lhs, rhs.shape)


@register("concat", inputs=(), variadic=True, attrs=dict(dim=1), aliases=("Concat",))
def _concat(*data, dim):
    return jnp.concatenate(data, axis=dim)


@register("stack", inputs=(), variadic=True, attrs=dict(axis=0))
def _stack(*data, axis):
    return jnp.stack(data, axis=axis)


@register("dot", inputs=("lhs", "rhs"), attrs=dict(transpose_a=False, transpose_b=False))
def _dot(lhs, rhs, transpose_a, transpose_b):
    """MXNet's dot: for N-d inputs, contracts the last axis of lhs with the first of rhs."""
    a = lhs.T if transpose_a else lhs
    b = rhs.T if transpose_b else rhs
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[0]:
        raise MXNetError(f"dot shape error: {tuple(lhs.shape)} X {tuple(rhs.shape)} (transpose_a={transpose_a}, "
                         f"transpose_b={transpose_b}): the last axis of lhs must match the first axis of rhs")
    out = jnp.tensordot(a, b, axes=1)
    return out.reshape((1,)) if out.ndim == 0 else out


@register("batch_dot", inputs=("lhs", "rhs"), attrs=dict(transpose_a=False, transpose_b=False))
def _batch_dot(lhs, rhs, transpose_a, transpose_b):
    a = jnp.swapaxes(lhs, -1, -2) if transpose_a else lhs
    b = jnp.swapaxes(rhs, -1, -2) if transpose_b else rhs
    if a.ndim != 3 or b.ndim != 3 or a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise MXNetError(f"batch_dot shape error: {tuple(lhs.shape)} X {tuple(rhs.shape)} "
                         f"(transpose_a={transpose_a}, transpose_b={transpose_b})")
    return jnp.matmul(a, b)


@register("one_hot", inputs=("indices",), attrs=dict(depth=REQUIRED, on_value=1.0, off_value=0.0, dtype="float32"))
def _one_hot(indices, depth, on_value, off_value, dtype):
    hot = jnp.arange(depth) == indices.astype(jnp.int32)[..., None]
    return jnp.where(hot, on_value, off_value).astype(dtype)
