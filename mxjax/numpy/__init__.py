"""``mx.np``: MXNet 1.9.1's NumPy-compatible array API.

``mx.np.ndarray`` (``multiarray.py``) is a second facade over the same trace and engine as
``mx.nd.NDArray``: autograd, hybridize and the compiled tiers work on it unchanged.  The
functions come from one table (``_functions.py``: NumPy name -> JAX implementation, with
NumPy's argument names) run by the registry operator ``_npi_op``; creation functions build
concrete arrays (float32 unless ``dtype`` is given, as MXNet's); ``mx.np.random`` and
``mx.np.linalg`` come from the same table.  MXNet's *fallback* functions (``fallback.py``:
``allclose``, ``polyfit``...) call official NumPy on the host and return mx.np arrays, as
MXNet's do, outside autograd.  A name MXNet 1.9.1's ``mxnet.numpy`` does not have raises
AttributeError, as there.
"""
import builtins as _builtins
import math as _math

import numpy as _onp

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

from . import _op  # noqa: E402,F401  (registers _npi_op and _npi_random)
from . import multiarray  # noqa: E402
from .multiarray import ndarray, array  # noqa: E402
from . import _functions  # noqa: E402
from . import indexing as _indexing  # noqa: E402,F401  (registers _npi_getitem)
from ._functions import (average, einsum, where, nonzero, unique, bincount, histogram,  # noqa: E402,F401
                         shares_memory, may_share_memory)
from .creation import (zeros, ones, full, empty, arange, linspace, logspace, eye, identity,  # noqa: E402,F401
                       indices, blackman, hamming, hanning, diag_indices_from)
from . import random, linalg  # noqa: E402,F401
from . import fallback  # noqa: E402
from .fallback import *  # noqa: E402,F401,F403
from .fallback import ndim, shape, size  # noqa: E402,F401

_SPECIAL = {"average", "einsum", "where"}
for _name in _functions.SPECS:
    if not _name.startswith("_") and "." not in _name and _name not in _SPECIAL and _name != "astype":
        globals()[_name] = _functions.make_function(_name)

__all__ = ["ndarray", "array", "random", "linalg"] + sorted(
    n for n in globals() if not n.startswith("_") and callable(globals()[n]) and n not in (
        "ndarray", "array", "random", "linalg", "finfo", "fallback"))

#: every public name of MXNet 1.9.1's ``mxnet.numpy`` (a name listed here that mxjax lacks
#: raises NotImplementedForMXJax; any other missing name AttributeError, as MXNet's module)
_MXNET_NAMES = frozenset("""
abs absolute add all allclose alltrue amax amin any append apply_along_axis apply_over_axes arange arccos
arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin argpartition argsort argwhere around array
array_equal array_equiv array_split atleast_1d atleast_2d atleast_3d average bincount bitwise_and bitwise_not
bitwise_or bitwise_xor blackman broadcast_arrays broadcast_to cbrt ceil choose clip column_stack compress
concatenate copy copysign corrcoef correlate cos cosh count_nonzero cov cumsum deg2rad degrees delete diag
diag_indices_from diagflat diagonal diff digitize divide divmod dot dsplit dstack ediff1d einsum empty
empty_like equal exp expand_dims expm1 extract eye fabs fix flatnonzero flip fliplr flipud float_power floor
frexp full full_like genfromtxt greater greater_equal hamming hanning heaviside histogram histogram2d
histogram_bin_edges histogramdd hsplit hstack hypot i0 identity in1d indices inner insert interp intersect1d
invert isclose isfinite isin isinf isnan isneginf isposinf ix_ lcm ldexp less less_equal lexsort linspace log
log10 log1p log2 logical_not logspace matmul max maximum may_share_memory mean meshgrid min min_scalar_type
minimum mirr mod modf moveaxis msort multiply nan_to_num nanargmax nanargmin nancumprod nancumsum nanmax
nanmedian nanmin nanpercentile nanprod nanquantile ndarray ndim negative nonzero not_equal npv ones ones_like
outer packbits pad partition percentile piecewise poly polyadd polydiv polyfit polyint polymul polysub polyval
positive power ppmt prod product promote_types ptp pv quantile rad2deg radians rate ravel real reciprocal
remainder repeat reshape resize result_type rint roll rollaxis roots rot90 round round_ row_stack searchsorted
select set_printoptions setdiff1d setxor1d shape shares_memory sign signbit sin sinh size sometrue sort
spacing split sqrt square squeeze stack std subtract sum swapaxes take take_along_axis tan tanh tensordot
tile trace transpose trapz tril tril_indices_from trim_zeros triu_indices_from true_divide trunc union1d
unique unpackbits unravel_index unwrap vander var vdot vsplit vstack where zeros zeros_like
""".split())
_MXNET_ONLY = frozenset(n for n in globals() if n not in _MXNET_NAMES and not n.startswith("_")) - frozenset(
    __all__[:4]) - {"float16", "float32", "float64", "uint8", "int32", "int8", "int64", "bool_", "bool", "pi",
                    "e", "inf", "PINF", "NINF", "nan", "NAN", "NaN", "PZERO", "NZERO", "newaxis", "finfo",
                    "fallback", "creation", "multiarray", "indexing"}
for _name in _MXNET_ONLY:   # NumPy names of the table that MXNet 1.9.1's mx.np lacks (kron, fmax...)
    del globals()[_name]
__all__ = [n for n in __all__ if n not in _MXNET_ONLY]


def __getattr__(name):
    """``mx.np.<name>``: MXNet's names that mxjax does not provide raise NotImplementedForMXJax;
    names that MXNet 1.9.1's module does not have either raise AttributeError, as there."""
    if name in _MXNET_NAMES:
        from ..base import NotImplementedForMXJax
        raise NotImplementedForMXJax(f"mxnet.numpy.{name} is not provided by mxjax yet")
    raise AttributeError(f"module 'mxnet.numpy' has no attribute '{name}'")


multiarray._wrap_inherited()
