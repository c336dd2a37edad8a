"""``mx.random``: the global random state and the sampling functions.

Every random operator takes a fresh key when it is called: the raw threefry
key ``(seed, counter)``, counter-based, so drawing one costs no device work.
The key is an input of the op's node, so a recorded Dropout replays the same
mask in backward and in the compiled tier.  ``seed(s)`` restarts the stream:
the same seed gives the same numbers (not MXNet's numbers: its generator
differs).
"""
import numpy as np

from ._engine.graph import constant
from .ndarray.random import (exponential, gamma, multinomial, negative_binomial, normal, poisson,  # noqa: F401
                             randint, randn, shuffle, uniform)

_state = {"seed": 0, "counter": 0}


def seed(seed_state, ctx="all"):
    """Seed the global generator (``ctx`` is accepted for MXNet compatibility: one stream serves all)."""
    _state["seed"] = int(seed_state) & 0xFFFFFFFF
    _state["counter"] = 0


def next_key_value(ctx):
    """A concrete leaf Value holding a fresh raw PRNG key (uint32[2])."""
    _state["counter"] += 1
    key = np.array([_state["seed"], _state["counter"] & 0xFFFFFFFF], dtype=np.uint32)
    return constant(key, ctx)
