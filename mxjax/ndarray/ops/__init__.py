"""Operator families; importing this package fills the registry."""
from . import math, reduce, shape, nn, random  # noqa: F401
