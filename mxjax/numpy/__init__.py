"""``mx.np``: MXNet 1.9.1's NumPy-compatible array API -- not provided by mxjax yet.

What exists: the constants and dtype names of MXNet's ``mxnet.numpy`` (``float32``, ``pi``,
``newaxis``, ``finfo`` ...), so that modules importing ``mxnet.numpy`` load.  The NumPy
semantics switches live in ``mx.util`` (``is_np_array``, ``set_np``...) and ``mx.npx``.
Every other name (``mx.np.ndarray``, ``mx.np.ones``, ``mx.np.random``...) raises
``NotImplementedForMXJax`` naming it; nothing is faked.
"""
import builtins as _builtins
import math as _math

import numpy as _onp

__all__ = []

float16 = _onp.float16
float32 = _onp.float32
float64 = _onp.float64
uint8 = _onp.uint8
int32 = _onp.int32
int8 = _onp.int8
int64 = _onp.int64
bool_ = _onp.bool_
bool = _builtins.bool   # noqa: A001  (MXNet 1.9.1's numpy<1.24 ``onp.bool`` is Python's bool)

pi = _math.pi
e = _math.e
inf = PINF = float("inf")
NINF = float("-inf")
nan = NAN = NaN = float("nan")
PZERO = 0.0
NZERO = -0.0
newaxis = None
finfo = _onp.finfo

_STR_2_DTYPE_ = {"float16": float16, "float32": float32, "float64": float64, "float": float64,
                 "uint8": uint8, "int8": int8, "int32": int32, "int64": int64, "int": int64,
                 "bool": bool, "bool_": bool_, "None": None}


def __getattr__(name):
    """``mx.np.<name>`` that mxjax does not provide yet."""
    if name.startswith("__"):
        raise AttributeError(name)
    from ..base import NotImplementedForMXJax
    raise NotImplementedForMXJax(f"mxnet.numpy.{name} is not provided by mxjax yet")
