"""The registry operators behind ``mx.np``: ``_npi_op`` and ``_npi_random``.

MXNet registers one C++ operator per NumPy function (``_npi_add``, ``_np_sum``...).  mxjax
registers two generic operators in the one registry instead: ``_npi_op`` applies the NumPy
function named by its static attribute ``fn`` (looked up in ``FUNCTIONS``, filled from the
table in ``_functions.py``), ``_npi_random`` does the same for samplers and receives a PRNG
key from ``mx.random``'s stream first.  The engine sees ordinary op instances keyed by (op,
attrs, avals): recording, autograd, the compiled tiers and hybridize work on them unchanged.

Attributes: ``fn`` the function's name, ``layout`` how the flat array inputs group into the
function's array arguments (``None``: one array; an int k: a sequence of k arrays, as
``concatenate``'s; ``("scalar", v)``: the Python number ``v``, used by the symbolic front end
``mx.sym.np``, which cannot know the other arguments' dtypes when it builds the graph, so the
number takes its dtype here by the rule ``mx.np`` applies when it is called), ``kwargs`` its
static keyword arguments as a tuple of pairs.
"""
import jax.numpy as jnp
import numpy as onp

from ..ndarray.registry import OPS, REQUIRED, register

#: NumPy function name -> JAX implementation ``impl(*array_args, **static_kwargs)``
FUNCTIONS = {}


def scalar_dtype(value, ref):
    """The dtype a Python number takes as an argument of an np function whose first non-bool
    array argument has dtype ``ref`` (None: there is none): bool for bool, the array's dtype (float32
    for a float with an integer array), else int64 for an int and float32 for a float.
    (A binary function's scalar operand follows ``binary_scalar_dtype``.)"""
    if isinstance(value, (bool, onp.bool_)):
        return onp.dtype(onp.bool_)
    if ref is not None and ref != onp.bool_:
        if isinstance(value, (float, onp.floating)) and onp.dtype(ref).kind not in "fc":
            return onp.dtype(onp.float32)
        return onp.dtype(ref)
    if isinstance(value, (int, onp.integer)):
        return onp.dtype(onp.int64)
    return onp.dtype(onp.float32)


#: np binary functions with a kernel for one Python-number operand (MXNet's ``_npi_*_scalar``)
#: whose result type is the array's: MXNet's ``NumpyBinaryScalarType``
_ARRAY_TYPED = frozenset({"add", "subtract", "multiply", "mod", "remainder", "power", "maximum", "minimum",
                          "hypot", "arctan2", "copysign", "ldexp", "fmod", "fmax", "fmin"})
#: scalar kernels that cast the number to the array's dtype, a bool array's included
#: (comparisons and logical/bitwise functions, lcm/gcd)
_SAME_DTYPE = frozenset({"equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
                         "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
                         "bitwise_xor", "lcm", "gcd"})
#: every np function with such a kernel (true_divide's keeps a float number's value)
BINARY_SCALAR = _ARRAY_TYPED | _SAME_DTYPE | {"true_divide", "divide"}
_BOOL, _INT64, _FLOAT64 = (onp.dtype(d) for d in ("bool", "int64", "float64"))


def binary_scalar_dtype(fn, dtype, value, symbolic=False):
    """The dtype the Python number ``value`` takes as the other operand of binary np function
    ``fn`` (one of ``BINARY_SCALAR``) with an array of ``dtype``: MXNet 1.9.1 passes the
    number to a scalar kernel as a double, which casts it to the array's dtype
    (``np.mod(int32 x, 2.5)`` is int32 ``x % 2``); a bool array computes in int64 (bool for
    comparisons, logical and bitwise functions); true_divide keeps the number (an integer array
    divided by 2.5 is float32).  ``symbolic``: the number of a ``mx.sym.np`` graph, which MXNet
    flags as an int or not: a float with an integer or bool array is float64 there."""
    if fn in _SAME_DTYPE:
        return dtype
    if fn not in _ARRAY_TYPED:   # true_divide
        return scalar_dtype(value, dtype)
    if symbolic and not isinstance(value, (int, onp.integer)) and dtype.kind in "biu":
        return _FLOAT64
    return _INT64 if dtype == _BOOL else dtype


def _group(arrays, layout, fn):
    args, i = [], 0
    binary = fn in BINARY_SCALAR and len(layout) == 2
    for n in layout:
        if n is None:
            args.append(arrays[i])
            i += 1
        elif isinstance(n, tuple):   # ("scalar", v): a number of a symbolic graph
            value = float(n[1]) if isinstance(n[1], str) else n[1]
            if binary and arrays:
                dtype = binary_scalar_dtype(fn, onp.dtype(arrays[0].dtype), value, symbolic=True)
            else:
                dtype = scalar_dtype(value, next((a.dtype for a in arrays if a.dtype != jnp.bool_), None))
            args.append(jnp.asarray(value, dtype))
        else:
            args.append(list(arrays[i:i + n]))
            i += n
    return args


@register("_npi_op", inputs=(), variadic=True, attrs=dict(fn=REQUIRED, layout=(), kwargs=()))
def _npi_op(*arrays, fn, layout, kwargs):
    """Apply NumPy function ``fn`` of mx.np (see ``mxjax/numpy/_functions.py``)."""
    return FUNCTIONS[fn](*_group(arrays, layout, fn), **dict(kwargs))


@register("_npi_random", inputs=(), variadic=True, attrs=dict(fn=REQUIRED, layout=(), kwargs=()), random=True)
def _npi_random(key, *arrays, fn, layout, kwargs):
    """Draw from NumPy sampler ``fn`` of mx.np.random with a key of mx.random's stream."""
    return FUNCTIONS[fn](key, *_group(arrays, layout, fn), **dict(kwargs))


#: NumPy functions whose MXNet integer kernels give an integer operand a zero gradient
#: (``_npi_mod``'s backward: ``x_int % y`` has no gradient with respect to ``x_int``)
NO_INTEGER_GRADIENT = frozenset({"mod", "remainder"})
OPS["_npi_op"].no_integer_gradient = lambda attrs: dict(attrs).get("fn") in NO_INTEGER_GRADIENT
