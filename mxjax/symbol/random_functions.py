"""``mx.sym.random``: MXNet 1.9.1's symbolic sampling functions.

``uniform``, ``normal``, ``randn``, ``gamma``, ``exponential``, ``poisson``,
``negative_binomial`` and ``generalized_negative_binomial`` take their parameters either as
numbers (one distribution: a ``_random_<dist>`` node) or all as Symbols (one distribution per
element: a ``_sample_<dist>`` node whose output has shape ``P + shape``); mixing the two is an
AssertionError, anything else a ValueError, as in MXNet.  ``shape`` and ``dtype`` left out keep
the operator's defaults.  ``multinomial``, ``shuffle`` and ``randint`` complete MXNet's list; the
``*_like`` samplers are the generated ``_random_<dist>_like`` functions.

A bound executor draws a fresh key from ``mx.random``'s global state at each forward, so
every forward samples anew and ``mx.random.seed`` reproduces the draws (JAX's numbers, not
MXNet's).
"""
from ..base import numeric_types
from ..ndarray.registry import OPS
from .symbol import Symbol, create

__all__ = ["uniform", "normal", "randn", "poisson", "exponential", "gamma", "multinomial",
           "negative_binomial", "generalized_negative_binomial", "shuffle", "randint"]


def _call(op_name, args, kwargs):
    """A node of registered operator ``op_name``, named as MXNet's generated function is."""
    return create(OPS[op_name], op_name.lower(), tuple(args), kwargs)


def _helper(random_name, sample_name, params, shape, dtype, kwargs):
    """MXNet's dispatch: Symbol parameters sample per element, numbers one distribution."""
    given = dict(kwargs)
    if shape is not None:
        given["shape"] = shape
    if dtype is not None:
        given["dtype"] = dtype
    if isinstance(params[0], Symbol):
        for p in params[1:]:
            if not isinstance(p, Symbol):
                raise AssertionError("Distribution parameters must all have the same type, but got "
                                     f"both {type(params[0])} and {type(p)}.")
        if sample_name is None:
            raise ValueError(f"{random_name[len('_random_'):]}: Symbol parameters are not supported; "
                             "pass numbers")
        return _call(sample_name, params, given)
    if isinstance(params[0], numeric_types):
        for p in params[1:]:
            if not isinstance(p, numeric_types):
                raise AssertionError("Distribution parameters must all have the same type, but got "
                                     f"both {type(params[0])} and {type(p)}.")
        return _call(random_name, params, given)
    raise ValueError(f"Distribution parameters must be either Symbol or numbers, but got {type(params[0])}.")


def uniform(low=0, high=1, shape=None, dtype=None, **kwargs):
    """Samples from uniform distributions on [low, high)."""
    return _helper("_random_uniform", "_sample_uniform", [low, high], shape, dtype, kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, **kwargs):
    """Samples from normal distributions (mean loc, standard deviation scale)."""
    return _helper("_random_normal", "_sample_normal", [loc, scale], shape, dtype, kwargs)


def randn(*shape, **kwargs):
    """Samples from a normal distribution, the shape given positionally: ``randn(2, 3, loc=1)``."""
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    dtype = kwargs.pop("dtype", None)
    for value in (loc, scale):
        if not isinstance(value, (int, float, Symbol)):
            raise AssertionError(f"randn: loc and scale must be numbers or Symbols, got {type(value)}")
    return _helper("_random_normal", "_sample_normal", [loc, scale], shape, dtype, kwargs)


def poisson(lam=1, shape=None, dtype=None, **kwargs):
    """Samples from Poisson distributions (rate lam), as floats."""
    return _helper("_random_poisson", "_sample_poisson", [lam], shape, dtype, kwargs)


def exponential(scale=1, shape=None, dtype=None, **kwargs):
    """Samples from exponential distributions with the given scale (1 / rate)."""
    return _helper("_random_exponential", "_sample_exponential", [1.0 / scale], shape, dtype, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, **kwargs):
    """Samples from gamma distributions (alpha: shape, beta: scale)."""
    return _helper("_random_gamma", "_sample_gamma", [alpha, beta], shape, dtype, kwargs)


def negative_binomial(k=1, p=1, shape=None, dtype=None, **kwargs):
    """Samples from negative binomial distributions (failures before the k-th success)."""
    return _helper("_random_negative_binomial", "_sample_negative_binomial", [k, p], shape, dtype, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, **kwargs):
    """Samples from generalized negative binomial distributions (mean mu, dispersion alpha)."""
    return _helper("_random_generalized_negative_binomial", "_sample_generalized_negative_binomial",
                   [mu, alpha], shape, dtype, kwargs)


def randint(low, high, shape=None, dtype=None, **kwargs):
    """Samples integers uniformly from [low, high) (int32 unless dtype='int64')."""
    return _helper("_random_randint", None, [low, high], shape, dtype, kwargs)


def multinomial(data, shape=None, get_prob=True, dtype="int32", **kwargs):
    """Samples from the categorical distributions in the last axis of ``data``; with get_prob
    (MXNet's symbolic default), also the log-probabilities of the samples as a second output."""
    given = dict(kwargs, get_prob=get_prob, dtype=dtype)
    if shape is not None:
        given["shape"] = shape
    return _call("_sample_multinomial", (data,), given)


def shuffle(data, **kwargs):
    """``data`` with its first axis randomly permuted."""
    return _call("_shuffle", (data,), kwargs)


def install(space):
    """Put these functions into the generated ``mx.sym.random`` namespace (they win over the
    generated ``_random_<dist>`` functions of the same short name)."""
    for name in __all__:
        setattr(space, name, globals()[name])
