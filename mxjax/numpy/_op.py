"""The registry operators behind ``mx.np``: ``_npi_op`` and ``_npi_random``.

MXNet registers one C++ operator per NumPy function (``_npi_add``, ``_np_sum``...).  mxjax
registers two generic operators in the one registry instead: ``_npi_op`` applies the NumPy
function named by its static attribute ``fn`` (looked up in ``FUNCTIONS``, filled from the
table in ``_functions.py``), ``_npi_random`` does the same for samplers and receives a PRNG
key from ``mx.random``'s stream first.  The engine sees ordinary op instances keyed by (op,
attrs, avals): recording, autograd, the compiled tiers and hybridize work on them unchanged.

Attributes: ``fn`` the function's name, ``layout`` how the flat array inputs group into the
function's array arguments (``None``: one array; an int k: a sequence of k arrays, as
``concatenate``'s), ``kwargs`` its static keyword arguments as a tuple of pairs.
"""
from ..ndarray.registry import REQUIRED, register

#: NumPy function name -> JAX implementation ``impl(*array_args, **static_kwargs)``
FUNCTIONS = {}


def _group(arrays, layout):
    args, i = [], 0
    for n in layout:
        if n is None:
            args.append(arrays[i])
            i += 1
        else:
            args.append(list(arrays[i:i + n]))
            i += n
    return args


@register("_npi_op", inputs=(), variadic=True, attrs=dict(fn=REQUIRED, layout=(), kwargs=()))
def _npi_op(*arrays, fn, layout, kwargs):
    """Apply NumPy function ``fn`` of mx.np (see ``mxjax/numpy/_functions.py``)."""
    return FUNCTIONS[fn](*_group(arrays, layout), **dict(kwargs))


@register("_npi_random", inputs=(), variadic=True, attrs=dict(fn=REQUIRED, layout=(), kwargs=()), random=True)
def _npi_random(key, *arrays, fn, layout, kwargs):
    """Draw from NumPy sampler ``fn`` of mx.np.random with a key of mx.random's stream."""
    return FUNCTIONS[fn](key, *_group(arrays, layout), **dict(kwargs))
