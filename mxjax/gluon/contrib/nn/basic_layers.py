"""MXNet's concurrent containers and ``Identity`` (``mx.gluon.contrib.nn``)."""
from .... import ndarray as nd
from ...block import HybridBlock
from ...nn import HybridSequential, Sequential

__all__ = ["Concurrent", "HybridConcurrent", "Identity"]


class Concurrent(Sequential):
    """Feeds the input to every child and concatenates their outputs on ``axis`` (default -1)."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x):
        return nd.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class HybridConcurrent(HybridSequential):
    """The hybridizable ``Concurrent``: children's outputs concatenated on ``axis`` (default -1)."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F, x):
        return F.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class Identity(HybridBlock):
    """Returns its input (the shortcut branch of a ``HybridConcurrent``)."""

    def hybrid_forward(self, F, x):
        return x
