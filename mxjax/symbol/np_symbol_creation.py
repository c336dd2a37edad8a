"""``mx.sym.np``'s creation functions and ``mx.sym.np.random``: graph nodes without array inputs.

A creation function (``zeros``, ``ones``, ``full``, ``empty``, ``arange``, ``eye``,
``identity``, ``linspace``) is a node of ``_npi_op`` applying the table function
``_creation``: its values are computed on the host by ``mx.np``'s own creation function
(``mxjax/numpy/creation.py``, MXNet's dtypes: float32 unless ``dtype`` is given) when the
graph is bound, so the symbolic and the imperative result are the same array.

A sampler of ``mx.sym.np.random`` is a node of ``_npi_random`` with ``mx.np.random``'s table
function: each run of the graph draws a fresh key from ``mx.random``'s stream.  Parameters are
numbers or Symbols; ``size`` is required where a parameter is a Symbol (a graph's shapes are
static here, while MXNet infers the broadcast shape when it binds).
"""
import types

import jax
import jax.numpy as jnp
import numpy as onp

from ..ndarray.registry import OPS
from ..numpy import _functions, creation
from . import np_symbol
from .symbol import Symbol, create

_FUNCTIONS = {"zeros": creation.zeros, "ones": creation.ones, "full": creation.full, "empty": creation.empty,
              "arange": creation.arange, "eye": creation.eye, "identity": creation.identity,
              "linspace": creation.linspace}


def _host_values(function, args):
    with jax.ensure_compile_time_eval():   # concrete values while the graph is traced
        return jnp.asarray(_FUNCTIONS[function](*args).asnumpy())


_functions.define("_creation", lambda function, args: _host_values(function, args), (), function=None, args=())


def _creation_function(name):
    def function(*args, **kwargs):
        kwargs.pop("ctx", None)
        node_name = kwargs.pop("name", None)
        bound = _SIGNATURES[name].bind(*args, **kwargs)
        bound.apply_defaults()
        values = tuple(v.name if isinstance(v, onp.dtype) else v for v in bound.arguments.values())
        return np_symbol.call("_creation", (), {"function": name, "args": _hashable_args(values),
                                                "name": node_name})
    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"``mx.sym.np.{name}``: a graph node of ``mx.np.{name}``'s array (no inputs)."
    return function


def _hashable_args(values):
    out = []
    for v in values:
        if isinstance(v, list):
            v = tuple(v)
        elif isinstance(v, type):
            v = onp.dtype(v).name
        out.append(v)
    return tuple(out)


def _signature(fn):
    import inspect
    sig = inspect.signature(fn)
    return sig.replace(parameters=[p for n, p in sig.parameters.items() if n not in ("ctx", "out", "kwargs")])


_SIGNATURES = {name: _signature(fn) for name, fn in _FUNCTIONS.items()}

_RANDOM = OPS["_npi_random"]
#: sampler -> its parameter names and defaults (as mx.np.random's)
_SAMPLERS = {"uniform": (("low", 0.0), ("high", 1.0)), "normal": (("loc", 0.0), ("scale", 1.0)),
             "lognormal": (("mean", 0.0), ("sigma", 1.0)), "logistic": (("loc", 0.0), ("scale", 1.0)),
             "gumbel": (("loc", 0.0), ("scale", 1.0)), "laplace": (("loc", 0.0), ("scale", 1.0)),
             "exponential": (("scale", 1.0),), "rayleigh": (("scale", 1.0),), "weibull": (("a", None),),
             "pareto": (("a", None),), "power": (("a", None),), "gamma": (("shape", 1.0), ("scale", 1.0)),
             "chisquare": (("df", None),), "beta": (("a", None), ("b", None)),
             "randint": (("low", None), ("high", None))}


def _sampler(name):
    params = _SAMPLERS[name]

    def sampler(*args, size=None, dtype=None, ctx=None, name=None, **kwargs):
        values = dict(zip([p for p, _ in params], args))
        for p, default in params:
            values.setdefault(p, kwargs.pop(p, default))
            if values[p] is None and not (sampler.__name__ == "randint" and p == "high"):
                raise TypeError(f"mx.sym.np.random.{sampler.__name__}() missing required argument '{p}'")
        if kwargs:
            raise TypeError(f"mx.sym.np.random.{sampler.__name__}() got an unexpected keyword argument "
                            f"'{next(iter(kwargs))}'")
        numbers = [values[p] for p, _ in params]
        if sampler.__name__ == "randint" and numbers[1] is None:
            numbers = [0, numbers[0]]
        integer = sampler.__name__ == "randint"
        dtype = onp.dtype(dtype or (onp.int64 if integer else onp.float32))
        if size is None:
            if any(isinstance(v, Symbol) for v in numbers):
                raise TypeError(f"mx.sym.np.random.{sampler.__name__}: give size= where a parameter is a Symbol "
                                "(mxjax's graphs have static shapes)")
            shape = ()
        else:
            shape = (int(size),) if isinstance(size, (int, onp.integer)) else tuple(int(s) for s in size)
        flat, layout = [], []
        for v in numbers:
            if isinstance(v, Symbol):
                flat.append(v)
                layout.append(None)
            else:
                layout.append(np_symbol._scalar_entry(int(v) if integer else float(v)))
        attrs = {"fn": "random." + sampler.__name__, "layout": tuple(layout),
                 "kwargs": (("shape", shape), ("dtype", dtype.name)), "name": name}
        return np_symbol._Symbol(create(_RANDOM, sampler.__name__, flat, attrs)._outputs)
    sampler.__name__ = sampler.__qualname__ = name
    sampler.__doc__ = f"``mx.sym.np.random.{name}``: a graph node drawing as ``mx.np.random.{name}``."
    return sampler


def populate(module):
    """Give the module ``mx.sym.np`` its creation functions and ``random``."""
    for name in _FUNCTIONS:
        setattr(module, name, _creation_function(name))
    random = types.ModuleType(f"{module.__name__}.random")
    for name in _SAMPLERS:
        setattr(random, name, _sampler(name))
    module.random = random
