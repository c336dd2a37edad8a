"""Shared pieces of the registry-driven gradient tests: input generators and ``Case``.

Operator families keep their gradient cases in ``tests/grad_cases_<family>.py`` modules, each
defining ``CASES`` (op name -> list of Case) and ``NON_DIFFERENTIABLE`` (op name -> (reason,
input generators)); ``test_op_gradients.py`` merges them all.
"""
import dataclasses
from typing import Callable, Optional

import numpy as np

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-6


# ---- input generators: rng -> float64 numpy array ------------------------------------------------

def uniform(lo, hi, shape=(2, 3)):
    return lambda rng: rng.uniform(lo, hi, shape)


def away(kinks=(0.0,), lo=-1.0, hi=1.0, shape=(2, 3), margin=0.1):
    """Uniform in [lo, hi], at least ``margin`` from every kink (non-smooth point)."""
    kinks = np.asarray(kinks, dtype=np.float64)

    def gen(rng):
        out = rng.uniform(lo, hi, shape)
        while True:
            bad = (np.abs(out[..., None] - kinks) < margin).any(-1)
            if not bad.any():
                return out
            out[bad] = rng.uniform(lo, hi, int(bad.sum()))
    return gen


def fixed(values):
    values = np.asarray(values, dtype=np.float64)
    return lambda rng: values.copy()


def magnitude(lo, hi, shape=(2, 3)):
    """Random sign, magnitude in [lo, hi] (away from 0 for rsqrt-like or kinked functions)."""
    return lambda rng: rng.uniform(lo, hi, shape) * rng.choice([-1.0, 1.0], shape)


@dataclasses.dataclass
class Case:
    """One way to call an operator.

    ``inputs``: one generator per array input.  ``call(*xs)`` replaces the default
    ``nd.op.<name>(*xs, **attrs)`` (indexing, methods, public wrappers).  ``const``:
    input positions whose gradient must be exactly zero and that finite differences
    leave alone.  ``train``: record and evaluate in training mode.  ``seed``: reseed
    ``mx.random`` before every evaluation, so a random operator draws the same sample
    each time."""
    inputs: tuple
    attrs: dict = dataclasses.field(default_factory=dict)
    call: Optional[Callable] = None
    const: tuple = ()
    label: str = ""
    train: bool = False
    seed: Optional[int] = None
    out_dtype: Optional[str] = None
    out_shape: Optional[tuple] = None
    eps: float = EPS
    rtol: float = RTOL
    atol: float = ATOL


def unary(gen, **kw):
    return [Case((gen,), **kw)]


def binary(lhs, rhs, **kw):
    return [Case((lhs, rhs), **kw)]
