"""``mx.npx.random``: MXNet 1.9.1's NumPy-extension samplers (``mx.random``'s stream).

``uniform_n``/``normal_n`` prepend ``batch_shape`` to the parameters' broadcast shape;
``bernoulli`` takes ``prob`` or ``logit`` (not both) and gives float32 0/1 unless ``dtype``
says otherwise.  mxjax differs: the numbers are JAX's generator's.
"""
import jax
import numpy as onp

from .. import random as _mx_random
from .._engine import random_bits
from ..ndarray.ndarray import NDArray
from ..numpy import random as _np_random
from ..numpy._op import FUNCTIONS

__all__ = ["seed", "bernoulli", "uniform_n", "normal_n"]

FUNCTIONS["random.bernoulli"] = lambda key, p, shape, dtype: random_bits.bernoulli(key, p, shape).astype(dtype)
FUNCTIONS["random.bernoulli_logit"] = (
    lambda key, logit, shape, dtype: random_bits.bernoulli(key, jax.nn.sigmoid(logit), shape).astype(dtype))


def seed(seed, ctx="all"):  # noqa: A002  (MXNet's parameter name)
    """Seed ``mx.random``'s generator (every context, or ``ctx``)."""
    _mx_random.seed(seed, ctx)


def _batch(batch_shape, params):
    shapes = [p.shape for p in params if isinstance(p, NDArray)]
    tail = onp.broadcast_shapes(*shapes) if shapes else ()
    if batch_shape is None:
        return tail
    head = (int(batch_shape),) if isinstance(batch_shape, (int, onp.integer)) else tuple(batch_shape)
    return head + tail


def uniform_n(low=0.0, high=1.0, batch_shape=None, dtype=None, ctx=None):
    return _np_random.uniform(low, high, _batch(batch_shape, (low, high)), dtype, ctx)


def normal_n(loc=0.0, scale=1.0, batch_shape=None, dtype=None, ctx=None):
    return _np_random.normal(loc, scale, _batch(batch_shape, (loc, scale)), dtype, ctx)


def bernoulli(prob=None, logit=None, size=None, dtype=None, ctx=None, out=None):
    if (prob is None) == (logit is None):
        raise ValueError(f"Either `prob` or `logit` must be specified, but not both. "
                         f"Received prob={prob}, logit={logit}")
    name, param = ("bernoulli", prob) if prob is not None else ("bernoulli_logit", logit)
    p = param if isinstance(param, NDArray) else onp.float32(param)
    from ..numpy.multiarray import array
    p = p if isinstance(p, NDArray) else array(p, ctx=ctx)
    return _np_random._draw(name, (p,), size, dtype or onp.float32, ctx, out)
