"""``gluon.contrib.nn``: Concurrent, HybridConcurrent, Identity, SparseEmbedding,
SyncBatchNorm and PixelShuffle1D/2D/3D, with MXNet 1.9.1's names, parameters and reprs."""
import numpy as np

from ... import ndarray as nd
from ..block import Block, HybridBlock
from ..nn.basic_layers import HybridSequential, Sequential
from ..nn.norm_layers import SyncBatchNorm

__all__ = ["Concurrent", "HybridConcurrent", "Identity", "SparseEmbedding", "SyncBatchNorm",
           "PixelShuffle1D", "PixelShuffle2D", "PixelShuffle3D"]


class Concurrent(Sequential):
    """Runs every child on the same input and concatenates their outputs along ``axis``."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x):
        return nd.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class HybridConcurrent(HybridSequential):
    """Concurrent of HybridBlocks: hybridizable."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F, x):
        return F.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class Identity(HybridBlock):
    """Returns its input (a residual branch of a HybridConcurrent)."""

    def hybrid_forward(self, F, x):
        return x


class SparseEmbedding(Block):
    """Embedding whose weight and weight gradient are row_sparse: a lookup of
    ``weight.row_sparse_data(x)`` with ``sparse_grad=True``."""

    def __init__(self, input_dim, output_dim, dtype="float32", weight_initializer=None, **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {"input_dim": input_dim, "output_dim": output_dim, "dtype": dtype, "sparse_grad": True}
        self.weight = self.params.get("weight", shape=(input_dim, output_dim), init=weight_initializer, dtype=dtype,
                                      grad_stype="row_sparse", stype="row_sparse")

    def forward(self, x):
        return nd.Embedding(x, self.weight.row_sparse_data(x), name="fwd", **self._kwargs)

    def __repr__(self):
        return "{}({input_dim} -> {output_dim}, {dtype})".format(type(self).__name__, **self._kwargs)


def _factors(factor, n):
    factors = (int(factor),) * n if isinstance(factor, int) else tuple(int(f) for f in factor)
    assert len(factors) == n, "wrong length {}".format(len(factors))
    return factors


class _PixelShuffle(HybridBlock):
    """(N, C * f1 * ... * fk, d1, ..., dk) -> (N, C, d1 * f1, ..., dk * fk): each group of
    f1 * ... * fk channels becomes an f1 x ... x fk block of pixels (sub-pixel convolution's
    rearrangement; the factors in the channel index vary slowest to fastest)."""
    _dims = 0

    def __init__(self, factor):
        super().__init__()
        self._factors = _factors(factor, self._dims)

    def hybrid_forward(self, F, x):
        k, factors = self._dims, self._factors
        x = F.reshape(x, (0, -4, -1, int(np.prod(factors))) + (0,) * k)   # (N, C, f1*..*fk, d1..dk)
        for i in range(k - 1):                                           # (N, C, f1, .., fk, d1..dk)
            x = F.reshape(x, (0,) * (2 + i) + (-4, factors[i], int(np.prod(factors[i + 1:]))) + (0,) * k)
        order = (0, 1) + tuple(j for i in range(k) for j in (2 + k + i, 2 + i))
        x = F.transpose(x, order)                                       # (N, C, d1, f1, .., dk, fk)
        return F.reshape(x, (0, 0) + (-3,) * k)

    def __repr__(self):
        return "{}({})".format(type(self).__name__, self._factors[0] if self._dims == 1 else self._factors)


class PixelShuffle1D(_PixelShuffle):
    """(N, C * f, W) -> (N, C, W * f)."""
    _dims = 1


class PixelShuffle2D(_PixelShuffle):
    """(N, C * f1 * f2, H, W) -> (N, C, H * f1, W * f2)."""
    _dims = 2


class PixelShuffle3D(_PixelShuffle):
    """(N, C * f1 * f2 * f3, D, H, W) -> (N, C, D * f1, H * f2, W * f3)."""
    _dims = 3
