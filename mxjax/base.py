"""MXNetError and dtype helpers shared by every module.

MXNet raises ``mxnet.base.MXNetError`` (a RuntimeError) from its C++ checks,
and so does mxjax.  Where MXNet raises a plain Python exception instead
(``asscalar`` on a non-scalar raises ValueError, reusing a ``Function`` raises
AssertionError), mxjax raises that builtin exception itself.
"""
import os
import platform

import numpy as np

__all__ = ["MXNetError", "NotImplementedForMXJax", "numeric_types", "integer_types", "string_types"]

#: MXNet's type tuples (``integer_types`` holds numpy's int32 and int64 only, as in MXNet)
numeric_types = (float, int, np.generic)
integer_types = (int, np.int32, np.int64)
string_types = (str,)
#: MXNet's default real type
mx_real_t = np.float32


def py_str(x):
    """Decode the bytes ``x`` (UTF-8) to str, as MXNet does for strings from its C library
    (monitor callbacks get bytes names, in mxjax too); a str passes unchanged."""
    return x if isinstance(x, str) else x.decode("utf-8")


def _as_list(obj):
    """``obj`` itself if it is a list or tuple, else ``[obj]``."""
    if isinstance(obj, (list, tuple)):
        return obj
    return [obj]


def data_dir_default():
    """MXNet's default data directory: ``%APPDATA%/mxnet`` on Windows, ``~/.mxnet`` elsewhere."""
    if platform.system() == "Windows":
        return os.path.join(os.environ.get("APPDATA"), "mxnet")
    return os.path.join(os.path.expanduser("~"), ".mxnet")


def data_dir():
    """Where downloads (model zoo, datasets) go: ``$MXNET_HOME``, else ``data_dir_default()``."""
    return os.getenv("MXNET_HOME", data_dir_default())


class MXNetError(RuntimeError):
    """Error raised by mxjax where MXNet 1.9.1 raises ``MXNetError``."""


class NotImplementedForSymbol(MXNetError):
    """MXNet's error for an NDArray-only function called on a Symbol.  ``function`` is the
    function object, ``alias`` the operator's name (or None), ``args`` the offending arguments."""

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
            msg += f" with arguments ({', '.join(self.args)})"
        return msg + " is not implemented for Symbol and only available in NDArray."


class NotSupportedForSparseNDArray(MXNetError):
    """MXNet's error for an NDArray method that sparse arrays do not have (``reshape``,
    ``x[i]``); the fields of NotImplementedForSymbol, a sibling class as in MXNet."""

    def __init__(self, function, alias, *args):
        MXNetError.__init__(self)
        self.function = function.__name__
        self.alias = alias
        self.args = [str(type(a)) for a in args]

    def __str__(self):
        return NotImplementedForSymbol.__str__(self).replace("is not implemented for Symbol",
                                                             "is not supported for SparseNDArray")


class NotImplementedForMXJax(MXNetError, NotImplementedError, AttributeError):
    """An MXNet API that mxjax does not provide (yet).  Also an AttributeError, so that
    ``hasattr(mx, 'something')`` and ``getattr(mx, name, default)`` keep working."""


def missing_api(module_name):
    """A module ``__getattr__`` for MXNet names a module of mxjax lacks: ``mx.gluon.model_zoo``
    or ``mx.sym.Variable`` fail naming the MXNet API (``mxnet.gluon.model_zoo is not provided
    by mxjax``), not with a bare AttributeError."""
    public = "mxnet" + module_name[len("mxjax"):]

    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise NotImplementedForMXJax(f"{public}.{name} is not provided by mxjax")
    return __getattr__


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
        raise TypeError(f"Unknown dtype {dtype!r}: use a numpy dtype such as 'float32' or np.int64") from exc
