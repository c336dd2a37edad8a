"""``mx.nd.random``: MXNet 1.9.1's sampling functions.

``uniform``, ``normal``, ``gamma``, ``exponential``, ``poisson``, ``negative_binomial`` and
``generalized_negative_binomial`` take their parameters either as numbers (one distribution:
the ``_random_<dist>`` operator, ``shape`` defaulting to ``(1,)``) or all as NDArrays of one
shape P (one distribution per element: the ``_sample_<dist>`` operator, output shape
``P + shape``).  Mixing numbers and NDArrays is an AssertionError, as in MXNet.  ``randn``,
``randint``, ``multinomial``, ``shuffle`` and the ``*_like`` samplers (shape and dtype of their
``data``) complete the set.  Every draw takes a fresh key from ``mx.random``'s global state.

mxjax differs: the numbers come from JAX's generator, not MXNet's; distributions, shapes and
dtypes are MXNet's.
"""
from ..base import as_dtype, numeric_types
from ..context import Context, current_context
from .ndarray import NDArray, invoke
from .registry import OPS

__all__ = ["uniform", "normal", "randn", "poisson", "exponential", "gamma", "multinomial",
           "negative_binomial", "generalized_negative_binomial", "shuffle", "randint",
           "uniform_like", "normal_like", "gamma_like", "exponential_like", "poisson_like",
           "negative_binomial_like", "generalized_negative_binomial_like"]


def _context(ctx):
    """A Context from a Context, MXNet's op-level string ('cpu(0)', 'gpu(1)') or None."""
    if ctx is None or isinstance(ctx, Context):
        return ctx or current_context()
    text = str(ctx).strip()
    if "(" in text:
        kind, _, rest = text.partition("(")
        return Context(kind, int(rest.rstrip(")") or 0))
    return Context(text, 0)


def _write_out(result, out):
    if out is None:
        return result
    if isinstance(out, (list, tuple)):
        for o, r in zip(out, result):
            o._assign(r._value)
        return out
    out._assign(result._value)
    return out


def call_operator(name, args=(), kwargs=None, ctx=None, out=None):
    """Call registered operator ``name`` as its ``nd`` function would, placing an operator
    without array inputs on ``ctx`` (default: the current context)."""
    op = OPS[name]
    kwargs = dict(kwargs or {})
    kwargs.pop("name", None)
    ctx = kwargs.pop("ctx", ctx)
    arrays, attrs = op.parse(tuple(args), kwargs)
    if "ctx" in op.attrs:  # the context places the result; it is no attribute of the computation
        attrs = tuple((k, None if k == "ctx" else v) for k, v in attrs)
    result = invoke(op, arrays, attrs, ctx=_context(ctx) if not arrays else None)
    return _write_out(result, out)


def operator_function(name):
    """The ``nd`` function of an operator without array inputs (``nd.uniform``,
    ``nd.random_normal``...), accepting MXNet's ``ctx`` and ``out`` arguments."""
    op = OPS[name]

    def function(*args, out=None, **kwargs):
        return call_operator(name, args, kwargs, out=out)
    function.__name__ = function.__qualname__ = op.name
    function.__doc__ = op.__doc__
    return function


def _shape(shape):
    return (int(shape),) if isinstance(shape, numeric_types) else tuple(int(s) for s in shape)


def _helper(random_name, sample_name, params, shape, dtype, ctx, out, kwargs, names):
    """MXNet's dispatch: all-NDArray parameters sample per element, numbers sample one
    distribution."""
    if isinstance(params[0], NDArray):
        for p in params[1:]:
            if not isinstance(p, NDArray):
                raise AssertionError(
                    "Distribution parameters must all have the same type, but got both "
                    f"{type(params[0])} and {type(p)}.")
        if sample_name is None:
            raise TypeError(f"{random_name[len('_random_'):]}: NDArray parameters are not supported; "
                                 "pass numbers")
        attrs = dict(kwargs, shape=() if shape is None else _shape(shape))
        if dtype is not None:
            attrs["dtype"] = as_dtype(dtype).name
        return call_operator(sample_name, params, attrs, out=out)
    if isinstance(params[0], numeric_types):
        for p in params[1:]:
            if not isinstance(p, numeric_types):
                raise AssertionError(
                    "Distribution parameters must all have the same type, but got both "
                    f"{type(params[0])} and {type(p)}.")
        if shape is None:
            shape = out.shape if out is not None else (1,)
        if dtype is None and out is not None:
            dtype = out.dtype
        attrs = dict(kwargs, **dict(zip(names, params)), shape=_shape(shape))
        if dtype is not None:
            attrs["dtype"] = as_dtype(dtype).name
        return call_operator(random_name, (), attrs, ctx=ctx if ctx is not None else
                             (out.context if out is not None else None), out=out)
    raise ValueError(f"Distribution parameters must be either NDArray or numbers, but got {type(params[0])}.")


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from uniform distributions on [low, high): numbers, or NDArrays of one shape P
    (then the output has shape P + shape)."""
    return _helper("_random_uniform", "_sample_uniform", [low, high], shape, dtype, ctx, out, kwargs,
                   ("low", "high"))


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from normal distributions (mean loc, standard deviation scale)."""
    return _helper("_random_normal", "_sample_normal", [loc, scale], shape, dtype, ctx, out, kwargs,
                   ("loc", "scale"))


def randn(*shape, **kwargs):
    """Samples from a normal distribution, the shape given positionally: ``randn(2, 3, loc=1)``."""
    loc = kwargs.pop("loc", 0)
    scale = kwargs.pop("scale", 1)
    dtype = kwargs.pop("dtype", None)
    ctx = kwargs.pop("ctx", None)
    out = kwargs.pop("out", None)
    if not isinstance(loc, (int, float, NDArray)) or not isinstance(scale, (int, float, NDArray)):
        raise AssertionError("randn: loc and scale must be numbers or NDArrays")
    return _helper("_random_normal", "_sample_normal", [loc, scale], shape, dtype, ctx, out, kwargs,
                   ("loc", "scale"))


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from Poisson distributions (rate lam), as floats."""
    return _helper("_random_poisson", "_sample_poisson", [lam], shape, dtype, ctx, out, kwargs, ("lam",))


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from exponential distributions with the given scale (1 / rate)."""
    return _helper("_random_exponential", "_sample_exponential", [1.0 / scale], shape, dtype, ctx, out,
                   kwargs, ("lam",))


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from gamma distributions (alpha: shape, beta: scale)."""
    return _helper("_random_gamma", "_sample_gamma", [alpha, beta], shape, dtype, ctx, out, kwargs,
                   ("alpha", "beta"))


def negative_binomial(k=1, p=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from negative binomial distributions (failures before the k-th success, success
    probability p), as floats."""
    return _helper("_random_negative_binomial", "_sample_negative_binomial", [k, p], shape, dtype, ctx, out,
                   kwargs, ("k", "p"))


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples from generalized negative binomial distributions (mean mu, dispersion alpha)."""
    return _helper("_random_generalized_negative_binomial", "_sample_generalized_negative_binomial",
                   [mu, alpha], shape, dtype, ctx, out, kwargs, ("mu", "alpha"))


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs):
    """Samples integers uniformly from [low, high) (int32 unless dtype='int64')."""
    return _helper("_random_randint", None, [low, high], shape, dtype, ctx, out, kwargs, ("low", "high"))


def multinomial(data, shape=None, get_prob=False, out=None, dtype="int32", **kwargs):
    """Samples from the categorical distributions in the last axis of ``data``; with get_prob,
    returns [samples, log-probabilities of the samples]."""
    attrs = dict(kwargs, get_prob=bool(get_prob), dtype=as_dtype(dtype).name)
    if shape is not None:
        attrs["shape"] = _shape(shape)
    return call_operator("_sample_multinomial", (data,), attrs, out=out)


def shuffle(data, **kwargs):
    """A copy of ``data`` with its first axis randomly permuted."""
    out = kwargs.pop("out", None)
    return call_operator("_shuffle", (data,), kwargs, out=out)


def _like(name):
    def function(data=None, out=None, **kwargs):
        return call_operator(name, (data,), kwargs, out=out)
    function.__name__ = function.__qualname__ = name[len("_random_"):]
    function.__doc__ = OPS[name].__doc__
    return function


uniform_like = _like("_random_uniform_like")
normal_like = _like("_random_normal_like")
gamma_like = _like("_random_gamma_like")
exponential_like = _like("_random_exponential_like")
poisson_like = _like("_random_poisson_like")
negative_binomial_like = _like("_random_negative_binomial_like")
generalized_negative_binomial_like = _like("_random_generalized_negative_binomial_like")


def install_context_samplers():
    """Give the generated ``nd`` functions of the samplers without array inputs (``nd.uniform``,
    ``nd.random_normal``, ``nd.op._random_uniform``...) MXNet's ``ctx`` argument and placement on
    the current context.  The generic generated function cannot place an operator that has no
    array input; ``mx.random`` calls this once ``mx.nd`` is complete."""
    from .. import ndarray as nd
    for name, op in OPS.items():
        if op.random and not op.inputs:
            function = operator_function(op.name)
            for namespace in (nd.op, nd._internal):
                setattr(namespace, name, function)
            if not name.startswith("_"):
                setattr(nd, name, function)
