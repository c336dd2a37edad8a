"""MXNet 1.9.1's ``mx.np`` fallback functions: official NumPy on the host.

As MXNet's ``numpy/fallback.py``: the arguments' ``mx.np.ndarray``s are copied to NumPy
arrays, the NumPy function runs, and array results come back as ``mx.np.ndarray`` (with
NumPy's dtype) on the first argument's context.  They are not differentiable (outside
autograd), as in MXNet.
"""
import functools

import numpy as onp

from ..context import current_context
from ..ndarray.ndarray import NDArray
from .multiarray import array

__all__ = ["allclose", "alltrue", "apply_along_axis", "apply_over_axes", "argpartition", "argwhere",
           "array_equal", "array_equiv", "choose", "compress", "corrcoef", "correlate", "count_nonzero", "cov",
           "digitize", "divmod", "extract", "flatnonzero", "frexp", "histogram2d", "histogram_bin_edges",
           "histogramdd", "i0", "in1d", "interp", "intersect1d", "isclose", "isin", "ix_", "lexsort",
           "min_scalar_type", "modf", "msort", "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax",
           "nanmedian", "nanmin", "nanpercentile", "nanprod", "nanquantile", "ndim", "partition", "piecewise",
           "packbits", "poly", "polyadd", "polydiv", "polyfit", "polyint", "polymul", "polysub", "polyval",
           "promote_types", "ptp", "result_type", "roots", "searchsorted", "select", "setdiff1d", "setxor1d",
           "shape", "size", "spacing", "trapz", "tril_indices_from", "trim_zeros", "triu_indices_from",
           "union1d", "unpackbits", "unravel_index", "unwrap", "vander", "real", "genfromtxt",
           "set_printoptions"]

#: MXNet's NumPy-1.17-era names that newer NumPy moved (``msort``, ``trapz``, ``in1d``...)
_MOVED = {"msort": lambda a: onp.sort(a, axis=0), "trapz": getattr(onp, "trapezoid", None),
          "alltrue": onp.all, "in1d": onp.isin}


def _to_host(x):
    if isinstance(x, NDArray):
        return x.asnumpy()
    if isinstance(x, (list, tuple)):
        return type(x)(_to_host(v) for v in x)
    return x


def _to_device(x, ctx):
    if isinstance(x, onp.ndarray):
        return array(x, ctx=ctx)
    if isinstance(x, tuple):
        return tuple(_to_device(v, ctx) for v in x)
    if isinstance(x, list):
        return [_to_device(v, ctx) for v in x]
    return x


def _fallback(name):
    func = getattr(onp, name, None) or _MOVED[name]

    @functools.wraps(func)
    def fallback(*args, **kwargs):
        ctx = next((a.context for a in args if isinstance(a, NDArray)), None) or current_context()
        return _to_device(func(*_to_host(args), **{k: _to_host(v) for k, v in kwargs.items()}), ctx)
    fallback.__doc__ = f"``mx.np.{name}``: NumPy's {name} on the host (MXNet's fallback).\n\n{func.__doc__ or ''}"
    return fallback


for _name in __all__:
    globals()[_name] = _fallback(_name)
set_printoptions = onp.set_printoptions   # mx.np arrays print through NumPy
