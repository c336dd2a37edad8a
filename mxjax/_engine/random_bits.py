"""The random bit stream of mxjax's samplers, and the cold tier of random operators.

Every sampler draws its bits with ``bits(key, shape, width)``: JAX's own
threefry bits (``jax.random.bits`` with ``jax_threefry_partitionable``, the
default), so the numbers are exactly what ``jax.random.uniform`` & co. give.
Partitionable threefry hashes each element's flat index alone, so the bits of
any shape are a prefix of the bits of a longer flat array.

That makes the cold tier cheap.  XLA on CPU needs about a second to compile a
threefry hash (several seconds for a 4-d shape), so a per-op jit of every new
``nd.random.uniform(shape=...)`` or Dropout shape would cost that each time.
``RandomInstance.fwd``/``vjp`` instead compute the hash once per power-of-two
bucket of flat sizes (``_words``, shared by all shapes and all random ops) and
hand the words to the op's per-op jit, which only transforms them
(``prefetched``).  The hot tier compiles the op's plain function: same bits.
"""
import contextlib
import threading

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.extend.random import threefry2x32_p

from .graph import Aval, OpInstance, _vjp_of

_MIN_BUCKET = 1024
_local = threading.local()


def _hash(key, n):
    """The threefry pair (x0, x1) of the flat indices 0..n-1 under raw ``key`` (uint32[2])."""
    key = jnp.asarray(key, np.uint32)
    return threefry2x32_p.bind(key[0], key[1], jnp.zeros((n,), np.uint32), lax.iota(np.uint32, n))


_words = jax.jit(_hash, static_argnums=1)


def _bucket(n):
    return max(_MIN_BUCKET, 1 << max(0, int(n - 1).bit_length()))


def bits(key, shape, width=32):
    """``jax.random.bits(key, shape)`` of ``width`` bits (8, 16, 32 or 64) for a raw key: the
    words a ``prefetched`` block supplies for its key, else the hash computed here."""
    shape = tuple(shape)
    n = int(np.prod(shape, dtype=np.int64))
    source = getattr(_local, "source", None)
    if source is not None and key is source[0]:
        source[2].append(n)
        x0, x1 = _hash(key, n) if source[1] is None else (source[1][0][:n], source[1][1][:n])
    else:
        x0, x1 = _hash(key, n)
    if width == 64:
        out = (x0.astype(np.uint64) << np.uint64(32)) | x1.astype(np.uint64)
    else:
        out = (x0 ^ x1).astype(np.dtype(f"uint{width}"))
    return out.reshape(shape)


@contextlib.contextmanager
def prefetched(key, words, requests):
    """Inside: ``bits(key, ...)`` reads ``words`` (the pair ``_words`` returns; None: hash as
    usual) and appends each request's size to ``requests``."""
    old = getattr(_local, "source", None)
    _local.source = (key, words, requests)
    try:
        yield
    finally:
        _local.source = old


def uniform(key, shape, dtype, minval=0.0, maxval=1.0):
    """``jax.random.uniform`` from ``bits``: the mantissa bits under exponent 0, minus 1."""
    dtype = np.dtype(dtype)
    info = np.finfo(dtype)
    width = max(8, info.bits) if info.nmant >= 8 else 8
    raw = bits(key, shape, width).astype(np.dtype(f"uint{info.bits}"))
    one = np.array(1.0, dtype).view(np.dtype(f"uint{info.bits}"))
    floats = lax.bitcast_convert_type((raw >> (width - info.nmant)) | one, dtype) - np.array(1.0, dtype)
    minval, maxval = jnp.asarray(minval, dtype), jnp.asarray(maxval, dtype)
    return lax.max(minval, floats * (maxval - minval) + minval)


def normal(key, shape, dtype):
    """``jax.random.normal``: sqrt(2) erfinv of a uniform on (-1, 1)."""
    dtype = np.dtype(dtype)
    lo = np.nextafter(np.array(-1.0, dtype), np.array(0.0, dtype), dtype=dtype)
    return np.array(np.sqrt(2), dtype) * lax.erf_inv(uniform(key, shape, dtype, lo, 1.0))


def exponential(key, shape, dtype):
    """``jax.random.exponential``: -log(1 - u)."""
    return -jnp.log1p(-uniform(key, shape, dtype))


def bernoulli(key, p, shape):
    """``jax.random.bernoulli``: u < p, u drawn in p's dtype."""
    p = jnp.asarray(p)
    return uniform(key, shape, p.dtype) < p


#: the largest output an elementwise sampler's cold tier draws flat and reshapes on the host
HOST_RESHAPE_LIMIT = 1 << 20


class RandomInstance(OpInstance):
    """An instance of a random operator (its first input is the key).  The cold tier feeds
    its per-op jits the bucketed words (``_words``) instead of hashing inside them, so a new
    shape compiles only the transform of the bits; ops that draw otherwise (a split key, a
    rejection loop) keep the plain path.  An elementwise sampler (registered with
    ``random="elementwise"``: element i depends on the bits of flat index i alone) draws
    through its instance for the flat bucket shape and reshapes on the host, so a new shape
    compiles nothing at all."""
    __slots__ = ("_need", "_flat")

    def __init__(self, *args):
        super().__init__(*args)
        self._need = None    # words the op reads through ``bits``: 0 for none (plain path)
        self._flat = None    # the same op drawing the flat bucket, or False

    def _flat_instance(self, key):
        if self._flat is None:
            self._flat = False
            from ..ndarray.registry import OPS
            from .graph import instance
            op = OPS.get(self.name)
            size = int(np.prod(self.out_avals[0].shape, dtype=np.int64))
            attrs = dict(self.attrs)
            if (op is not None and op.random == "elementwise" and len(self.out_avals) == 1
                    and "shape" in attrs and size <= HOST_RESHAPE_LIMIT):
                bucket = (_bucket(size),)
                if self.out_avals[0].shape != bucket:
                    flat_attrs = tuple((k, bucket if k == "shape" else v) for k, v in self.attrs)
                    self._flat = instance(op, flat_attrs, (Aval(tuple(key.shape), np.dtype(key.dtype)),))
        return self._flat

    def _words_needed(self, avals):
        if self._need is None:
            requests = []

            def probe(key, *arrays):
                with prefetched(key, None, requests):
                    return self.fn(key, *arrays)
            jax.eval_shape(probe, *[jax.ShapeDtypeStruct(a.shape, a.dtype) for a in avals])
            self._need = _bucket(max(requests)) if requests else 0
        return self._need

    def _from_words(self, x0, x1, key, *arrays):
        with prefetched(key, (x0, x1), []):
            return self.fn(key, *arrays)

    def fwd(self, key, *arrays):
        flat = self._flat_instance(key) if not arrays else False
        if flat:
            drawn = flat.fwd(key)[0]
            aval = self.out_avals[0]
            host = np.asarray(drawn)[:int(np.prod(aval.shape, dtype=np.int64))]
            return (jax.device_put(host.reshape(aval.shape), next(iter(drawn.devices()))),)
        need = self._words_needed((key,) + arrays)
        if not need:
            return super().fwd(key, *arrays)
        if self._fwd is None:
            self._fwd = jax.jit(self._from_words)
        return self._fwd(*_words(key, need), key, *arrays)

    def vjp(self, arrays, cotangents, needed):
        need = self._words_needed(arrays)
        if not need:
            return super().vjp(arrays, cotangents, needed)
        vjp = self._vjps.get(needed)
        if vjp is None:
            vjp = self._vjps[needed] = jax.jit(_vjp_of(self._from_words, (False, False) + tuple(needed)))
        x0, x1 = _words(arrays[0], need)
        return vjp((x0, x1) + tuple(arrays), cotangents)
