"""Gradient table entries of mx.np's registry operators (tests/test_op_gradients.py merges them):
``_npi_op`` applies the NumPy function its ``fn`` attribute names, ``_npi_getitem`` is NumPy
indexing, ``_npi_random`` draws mx.np.random samples."""
import mxjax as mx
from gradcheck import Case, fixed, uniform

U = uniform(-1.0, 1.0)
SPD = fixed([[2.0, 0.5], [0.5, 1.5]])


def _np(x):
    return x.as_np_ndarray()


CASES = {
    "_npi_op": [
        Case((U,), call=lambda x: mx.np.tanh(_np(x)), label="tanh"),
        Case((U, uniform(-1.0, 1.0, (3, 2))), call=lambda a, b: mx.np.dot(_np(a), _np(b)), label="dot"),
        Case((U, uniform(0.5, 2.0)), call=lambda a, b: _np(a) / _np(b), label="true_divide"),
        Case((U,), call=lambda x: mx.np.sum(_np(x), axis=1), label="sum", out_shape=(2,)),
        Case((U,), call=lambda x: _np(x).mean(), label="mean", out_shape=()),
        Case((U, U), call=lambda a, b: mx.np.concatenate([_np(a), _np(b)], axis=1), label="concatenate"),
        Case((U,), call=lambda x: mx.np.linalg.norm(_np(x)), label="linalg.norm"),
        Case((SPD,), call=lambda x: mx.np.linalg.inv(_np(x)), label="linalg.inv"),
        Case((U, U), call=lambda a, b: mx.np.where(_np(a) > 0, _np(a), _np(b)), label="where"),
    ],
    "_npi_getitem": [
        Case((U,), call=lambda x: _np(x)[1, 2], label="scalar", out_shape=()),
        Case((U,), call=lambda x: _np(x)[:, [0, 2]], label="int-array", out_shape=(2, 2)),
        Case((U,), call=lambda x: _np(x)[_np(x) > 0.5 * 0], label="bool-mask"),
    ],
}

NON_DIFFERENTIABLE = {
    "_npi_random": ("random sampler without array inputs: the sample is a constant of the graph",
                   Case((), call=lambda: mx.np.random.uniform(-1, 1, size=(2, 3), dtype="float64"),
                        out_dtype="float64")),
}
