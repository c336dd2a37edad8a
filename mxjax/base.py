"""MXNetError and dtype helpers shared by every module.

MXNet raises ``mxnet.base.MXNetError`` (a RuntimeError) from its C++ checks.
Where MXNet raises a plain Python exception instead (``asscalar`` on a
non-scalar raises ValueError, reusing a ``Function`` raises AssertionError),
mxjax raises a class that derives from both, so code written against either
keeps working.
"""
import numpy as np

__all__ = ["MXNetError", "NotImplementedForMXJax", "numeric_types", "integer_types", "string_types"]

numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)
string_types = (str,)


class MXNetError(RuntimeError):
    """Error raised by mxjax where MXNet 1.9.1 raises ``MXNetError``."""


class MXNetValueError(MXNetError, ValueError):
    """An MXNetError where MXNet itself raises ValueError."""


class MXNetTypeError(MXNetError, TypeError):
    """An MXNetError where MXNet itself raises TypeError."""


class MXNetAssertionError(MXNetError, AssertionError):
    """An MXNetError where MXNet itself raises AssertionError."""


class NotSupportedForSparseNDArray(MXNetError):
    """MXNet's error for an NDArray method that sparse arrays do not have (``reshape``, ``x[i]``)."""

    def __init__(self, function, alias, *args):
        super().__init__()
        self.function = function.__name__
        self.alias = alias
        self.args = [str(type(a)) for a in args]

    def __str__(self):
        msg = f"Function {self.function}"
        if self.alias:
            msg += f' (namely operator "{self.alias}")'
        if self.args:
            msg += " with arguments (" + ", ".join(self.args) + ")"
        return msg + " is not supported for SparseNDArray and only available in NDArray."


class NotImplementedForMXJax(MXNetError, NotImplementedError, AttributeError):
    """An MXNet API that mxjax does not provide (yet).  Also an AttributeError, so that
    ``hasattr(mx, 'something')`` and ``getattr(mx, name, default)`` keep working."""


_DTYPE_ALIASES = {"float": "float32", "double": "float64", "half": "float16", "int": "int32"}


def as_dtype(dtype, default=np.float32):
    """Normalise any MXNet dtype spelling (None, str, numpy type, np.dtype) to a np.dtype."""
    if dtype is None:
        return np.dtype(default)
    if isinstance(dtype, str):
        dtype = _DTYPE_ALIASES.get(dtype, dtype)
    try:
        return np.dtype(dtype)
    except TypeError as exc:
        raise MXNetTypeError(f"Unknown dtype {dtype!r}: use a numpy dtype such as 'float32' or np.int64") from exc
