"""The ``mx.sym`` functions MXNet writes in Python rather than generating from an operator:
creation (``zeros``, ``ones``, ``full``, ``arange``), ``histogram``, and the binary functions
that choose between the symbol-symbol and the symbol-scalar operator (``maximum(x, 2)`` is
``_maximum_scalar``)."""
import numpy as np

from .symbol import Symbol, _create_by_name, _is_number


def zeros(shape, dtype=None, **kwargs):
    """A symbol of zeros of ``shape`` (float32 unless ``dtype``)."""
    return _create_by_name("_zeros", "_zeros", (), dict(shape=_shape(shape), dtype=_dtype(dtype), **kwargs))


def ones(shape, dtype=None, **kwargs):
    """A symbol of ones of ``shape`` (float32 unless ``dtype``)."""
    return _create_by_name("_ones", "_ones", (), dict(shape=_shape(shape), dtype=_dtype(dtype), **kwargs))


def full(shape, val, dtype=None, **kwargs):
    """A symbol of ``shape`` filled with ``val``."""
    return _create_by_name("_full", "_full", (),
                           dict(shape=_shape(shape), value=val, dtype=_dtype(dtype), **kwargs))


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None):
    """Evenly spaced values in [start, stop), as ``mx.nd.arange``."""
    return _create_by_name("_arange", "_arange", (),
                           dict(start=start, stop=stop, step=step, repeat=repeat, infer_range=infer_range,
                                name=name, dtype=_dtype(dtype)))


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split ``ary`` along ``axis``: an int gives that many equal parts, a tuple of ints the
    positions to cut at (``_split_v2``'s outputs)."""
    indices, sections = [], 0
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
    elif isinstance(indices_or_sections, tuple):
        indices = [0] + list(indices_or_sections)
    else:
        raise ValueError("indices_or_sections must either int or tuple of ints")
    return _create_by_name("_split_v2", "_split_v2", (ary,),
                           dict(indices=tuple(indices), axis=axis, squeeze_axis=squeeze_axis, sections=sections))


def histogram(a, bins=10, range=None, **kwargs):  # noqa: A002  (MXNet's argument name)
    """(counts, bin edges) of the flattened ``a`` (``_histogram``): ``bins`` a Symbol of edges, or
    a number of equal bins over ``range`` (required in symbol mode, MXNet's ValueError)."""
    if isinstance(bins, Symbol):
        return _create_by_name("_histogram", "_histogram", (a, bins), kwargs)
    if isinstance(bins, (int, np.integer)):
        if range is None:
            raise ValueError("null range is not supported in symbol mode")
        return _create_by_name("_histogram", "_histogram", (a,), dict(bin_cnt=int(bins), range=tuple(range), **kwargs))
    raise ValueError("bins argument should be either an integer or an NDArray")


def _shape(shape):
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)


def _dtype(dtype):
    return np.dtype(dtype if dtype is not None else np.float32).name


def _binary(lhs, rhs, sym_op, scalar_op, rscalar_op, python_fn):
    if isinstance(lhs, Symbol) and isinstance(rhs, Symbol):
        return _create_by_name(sym_op, sym_op.lower(), (lhs, rhs), {})
    if isinstance(lhs, Symbol) and _is_number(rhs):
        return _create_by_name(scalar_op, scalar_op.lower(), (lhs,), {"scalar": rhs})
    if _is_number(lhs) and isinstance(rhs, Symbol):
        return _create_by_name(rscalar_op, rscalar_op.lower(), (rhs,), {"scalar": lhs})
    if _is_number(lhs) and _is_number(rhs):
        return python_fn(lhs, rhs)
    raise TypeError(f"types ({type(lhs).__name__}, {type(rhs).__name__}) not supported")


def maximum(left, right):
    """Element-wise maximum of symbols and/or scalars."""
    return _binary(left, right, "_Maximum", "_MaximumScalar", "_MaximumScalar", max)


def minimum(left, right):
    """Element-wise minimum of symbols and/or scalars."""
    return _binary(left, right, "_Minimum", "_MinimumScalar", "_MinimumScalar", min)


def power(base, exp):
    """``base ** exp`` for symbols and/or scalars."""
    return _binary(base, exp, "_Power", "_PowerScalar", "_RPowerScalar", lambda a, b: a ** b)


pow = power


def hypot(left, right):
    """sqrt(left**2 + right**2) for symbols and/or scalars."""
    return _binary(left, right, "_Hypot", "_HypotScalar", "_HypotScalar", lambda a, b: float(np.hypot(a, b)))
