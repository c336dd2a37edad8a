"""``gluon.nn.Embedding``: integer indices to rows of a learned (input_dim, output_dim) table."""
from ..block import HybridBlock

__all__ = ["Embedding"]


class Embedding(HybridBlock):
    """out = weight[x], shape x.shape + (output_dim,).

    ``sparse_grad=True`` makes MXNet's weight gradient a row_sparse array (grad_stype);
    mxjax accepts it and keeps the gradient dense, with the same values."""

    def __init__(self, input_dim, output_dim, dtype="float32", weight_initializer=None, sparse_grad=False,
                 **kwargs):
        super().__init__(**kwargs)
        grad_stype = "row_sparse" if sparse_grad else "default"
        self._kwargs = {"input_dim": input_dim, "output_dim": output_dim, "dtype": dtype,
                        "sparse_grad": sparse_grad}
        self.weight = self.params.get("weight", shape=(input_dim, output_dim), init=weight_initializer,
                                      dtype=dtype, allow_deferred_init=True, grad_stype=grad_stype)

    def hybrid_forward(self, F, x, weight):
        return F.Embedding(x, weight, name="fwd", **self._kwargs)

    def __repr__(self):
        kw = self._kwargs
        return f"{type(self).__name__}({kw['input_dim']} -> {kw['output_dim']}, {kw['dtype']})"
