"""Array creation: MXNet's ``_zeros``, ``_ones``, ``_full``, ``_eye``, ``_linspace``, ``_arange``
operators (no array inputs), and the ``nd.eye`` / ``nd.linspace`` functions over them.

``install(nd)`` (called once at the end of ``mxjax/ndarray/__init__.py``) attaches this
family's plain functions, which are not generated from the registry: ``nd.eye``,
``nd.linspace``, callable ``nd._internal._zeros(shape=..., ctx=...)`` and friends, MXNet's
scalar-aware ``nd.add``/``nd.power``/... helpers, and ``nd.contrib.boolean_mask`` /
``isnan`` / ``isinf`` / ``isfinite``.
"""
import jax.numpy as jnp
import numpy as np

from ...base import MXNetError
from ..registry import REQUIRED, register
from .math import _dtype_attr, convert


def _shape(op, shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    try:
        shape = tuple(int(s) for s in shape)
    except (TypeError, ValueError):
        raise MXNetError(f"{op}: invalid value for argument 'shape': {shape!r}") from None
    if any(s < 0 for s in shape):
        raise MXNetError(f"{op}: argument 'shape' must not have negative sizes, got {shape}")
    return shape


def _values(op, values, dtype):
    """float64 ``values`` in ``dtype``, converted as MXNet's kernels convert (DType(double))."""
    return convert(jnp.asarray(values, jnp.float64), _dtype_attr(op, dtype))


@register("_zeros", inputs=(), attrs=dict(shape=(), dtype="float32"))
def _zeros(shape, dtype):
    return jnp.zeros(_shape("_zeros", shape), _dtype_attr("_zeros", dtype))


@register("reset_arrays", inputs=(), variadic=True, attrs=dict(num_arrays=REQUIRED), mutates=("data",))
def _reset_arrays(*data, num_arrays):
    """Set every input array to zero in place (``ParameterDict.zero_grad`` uses it); the
    function returns ``[]``.  ``num_arrays`` must be the number of inputs, as in MXNet."""
    if int(num_arrays) != len(data):
        raise MXNetError(f"Operator reset_arrays expects {int(num_arrays)} inputs, but got {len(data)} instead.")
    return tuple(jnp.zeros(a.shape, a.dtype) for a in data)


@register("_ones", inputs=(), attrs=dict(shape=(), dtype="float32"))
def _ones(shape, dtype):
    return jnp.ones(_shape("_ones", shape), _dtype_attr("_ones", dtype))


@register("_full", inputs=(), attrs=dict(shape=(), dtype="float32", value=REQUIRED))
def _full(shape, dtype, value):
    """``value`` converted to ``dtype`` as MXNet does (2.5 in int32 is 2)."""
    return jnp.broadcast_to(_values("_full", float(value), dtype), _shape("_full", shape))


@register("_eye", inputs=(), attrs=dict(N=REQUIRED, M=0, k=0, dtype="float32"))
def _eye(N, M, k, dtype):
    """N x M (M=0: N x N) with ones on diagonal ``k``."""
    if N < 0 or M < 0:
        raise MXNetError(f"_eye: N and M must not be negative, got N={N}, M={M}")
    return jnp.eye(int(N), int(M) or int(N), int(k), dtype=_dtype_attr("_eye", dtype))


@register("_linspace", inputs=(), attrs=dict(start=REQUIRED, stop=REQUIRED, num=REQUIRED, endpoint=True,
                                              dtype="float32"))
def _linspace(start, stop, num, endpoint, dtype):
    """``num`` values start + i * step, computed in float64 and converted to ``dtype``."""
    num = int(num)
    if num < 0:
        raise MXNetError(f"_linspace: argument 'num' must not be negative, got {num}")
    div = (num - 1) if endpoint else num
    step = (float(stop) - float(start)) / div if div > 0 else 0.0
    return _values("_linspace", float(start) + np.arange(num, dtype=np.float64) * step, dtype)


@register("_arange", inputs=(), attrs=dict(start=REQUIRED, stop=None, step=1.0, repeat=1, infer_range=False,
                                            dtype="float32"))
def _arange(start, stop, step, repeat, infer_range, dtype):
    """[start, stop) in steps of ``step``, each value ``repeat`` times (stop=None: [0, start)).
    Values are start + i * step computed in the target dtype, as MXNet does: for an integer
    dtype start and step are truncated first (arange(1.3, 5.6, 1.3, dtype=int32) is [1 2 3 4])
    and values wrap around in unsigned types; the count comes from the float arguments."""
    if stop is None:
        start, stop = 0.0, start
    if step == 0:
        raise MXNetError("_arange: argument 'step' must not be 0")
    dtype = _dtype_attr("_arange", dtype)
    count = max(int(np.ceil((float(stop) - float(start)) / float(step))), 0)
    if np.issubdtype(dtype, np.floating):
        values = dtype.type(start) + np.arange(count, dtype=dtype) * dtype.type(step)
    else:
        values = (int(float(start)) + np.arange(count, dtype=np.int64) * int(float(step))).astype(dtype)
    if repeat != 1:
        values = np.repeat(values, int(repeat))
    return jnp.asarray(values, dtype)


#: operators without array inputs: their nd._internal functions place them on ``ctx``
CREATION_OPS = ("_zeros", "_ones", "_full", "_eye", "_linspace", "_arange")


def _creation_function(op):
    from ...context import current_context
    from ..ndarray import invoke

    def function(*args, ctx=None, out=None, name=None, **kwargs):
        if "shape" in kwargs and isinstance(kwargs["shape"], (int, np.integer)):
            kwargs["shape"] = (int(kwargs["shape"]),)
        if "dtype" in kwargs:
            kwargs["dtype"] = _dtype_attr(op.name, kwargs["dtype"] or "float32").name
        arrays, attrs = op.parse(args, kwargs)
        result = invoke(op, arrays, attrs, ctx=ctx or current_context())
        if out is not None:
            out._assign(result._value)
            return out
        return result
    function.__name__ = function.__qualname__ = op.name
    function.__doc__ = op.__doc__
    return function


def eye(N, M=0, k=0, ctx=None, dtype=None, **kwargs):
    """``nd.eye``: an N x M array (M=0: N x N) with ones on diagonal ``k``; float32 by default."""
    from ..registry import OPS
    return _creation_function(OPS["_eye"])(N=N, M=M, k=k, ctx=ctx, dtype=dtype or "float32", **kwargs)


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=np.float32):
    """``nd.linspace``: ``num`` evenly spaced values from ``start`` to ``stop`` (included unless
    ``endpoint=False``); float32 by default, integer dtypes truncate."""
    from ..registry import OPS
    return _creation_function(OPS["_linspace"])(start=start, stop=stop, num=num, endpoint=endpoint, ctx=ctx,
                                                dtype=dtype or "float32")


def install(nd):
    """Attach the math family's plain functions to the ``nd`` module (see the module docstring)."""
    from ..registry import OPS
    from . import contrib, math
    for name in CREATION_OPS:
        function = _creation_function(OPS[name])
        setattr(nd.op, name, function)
        setattr(nd._internal, name, function)
    nd.eye = eye
    nd.linspace = linspace
    from .indexmath import histogram
    nd.histogram = histogram
    math.install_helpers(nd)
    contrib.install(nd.contrib)
    nd.__all__ = list(nd.__all__) + [n for n in ("eye", "linspace", "histogram", "modulo", "true_divide")
                                     if n not in nd.__all__]
