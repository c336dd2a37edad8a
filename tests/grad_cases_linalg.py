"""Gradient cases for the linear-algebra family (``nd.linalg.*``).

Operators that read a symmetric matrix from one triangle (potrf, syevd) have MXNet's symmetric
gradient, which finite differences of single entries do not see: their cases feed ``a + a^T``.
Multi-output operators are checked one output at a time.
"""
import numpy as np

from mxjax import nd

from gradcheck import Case, uniform


def _diag_dominant(n, batch=(), scale=2.0):
    """Uniform(-1, 1) entries plus ``scale`` on the diagonal: well conditioned, and a + a^T is
    positive definite."""
    def gen(rng):
        return rng.uniform(-1, 1, batch + (n, n)) + scale * np.eye(n)
    return gen


def _sym(fn, output=None):
    def call(a):
        out = fn(a + a.T if a.ndim == 2 else a + nd.swapaxes(a, dim1=-1, dim2=-2))
        return out if output is None else out[output]
    return call


def _output(fn, i):
    return lambda *xs: fn(*xs)[i]


CASES = {
    "_linalg_gemm": [
        Case((uniform(-1, 1, (2, 3)), uniform(-1, 1, (3, 2)), uniform(-1, 1, (2, 2))),
             attrs=dict(alpha=1.5, beta=-0.5), out_shape=(2, 2)),
        Case((uniform(-1, 1, (2, 3, 2)), uniform(-1, 1, (2, 2, 3)), uniform(-1, 1, (2, 2, 2))),
             attrs=dict(transpose_a=True, transpose_b=True), label="batch T", out_shape=(2, 2, 2)),
        Case((uniform(-1, 1, (2, 1, 3)), uniform(-1, 1, (3, 1, 2)), uniform(-1, 1, (2, 1, 2))),
             attrs=dict(axis=0), label="axis=0", out_shape=(2, 1, 2)),
    ],
    "_linalg_gemm2": [
        Case((uniform(-1, 1, (2, 3)), uniform(-1, 1, (3, 2))), attrs=dict(alpha=2.0), out_shape=(2, 2)),
        Case((uniform(-1, 1, (2, 3, 2)), uniform(-1, 1, (2, 2, 3))), attrs=dict(transpose_a=True, transpose_b=True),
             label="batch T", out_shape=(2, 2, 2)),
    ],
    "_linalg_syrk": [
        Case((uniform(-1, 1, (2, 3)),), attrs=dict(alpha=0.5), out_shape=(2, 2)),
        Case((uniform(-1, 1, (2, 3)),), attrs=dict(transpose=True), label="transpose", out_shape=(3, 3)),
    ],
    "_linalg_trmm": [
        Case((_diag_dominant(3), uniform(-1, 1, (3, 2))), attrs=dict(alpha=1.5), out_shape=(3, 2)),
        Case((_diag_dominant(3), uniform(-1, 1, (2, 3))), attrs=dict(rightside=True, lower=False, transpose=True),
             label="right upper T", out_shape=(2, 3)),
    ],
    "_linalg_trsm": [
        Case((_diag_dominant(3), uniform(-1, 1, (3, 2))), attrs=dict(alpha=0.5), out_shape=(3, 2)),
        Case((_diag_dominant(3, (2,)), uniform(-1, 1, (2, 2, 3))), attrs=dict(rightside=True, lower=False,
                                                                              transpose=True),
             label="batch right upper T", out_shape=(2, 2, 3)),
    ],
    "_linalg_potrf": [
        Case((_diag_dominant(3),), call=_sym(nd.linalg.potrf), label="a+a^T", out_shape=(3, 3)),
        Case((_diag_dominant(2, (2,)),), call=_sym(lambda s: nd.linalg.potrf(s, lower=False)),
             label="batch upper", out_shape=(2, 2, 2)),
    ],
    "_linalg_potri": [
        Case((_diag_dominant(3),), out_shape=(3, 3)),
        Case((_diag_dominant(3),), attrs=dict(lower=False), label="upper", out_shape=(3, 3)),
    ],
    "_linalg_gelqf": [
        Case((uniform(-1, 1, (2, 3)),), call=_output(nd.linalg.gelqf, 0), label="Q", out_shape=(2, 3)),
        Case((uniform(-1, 1, (2, 2, 3)),), call=_output(nd.linalg.gelqf, 1), label="L batch", out_shape=(2, 2, 2)),
    ],
    "_linalg_syevd": [
        Case((_diag_dominant(3, scale=0.0),), call=_sym(nd.linalg.syevd, 0), label="U", out_shape=(3, 3)),
        Case((_diag_dominant(3, scale=0.0),), call=_sym(nd.linalg.syevd, 1), label="L", out_shape=(3,)),
    ],
    "_linalg_inverse": [
        Case((_diag_dominant(3),), out_shape=(3, 3)),
        Case((_diag_dominant(2, (2,)),), label="batch", out_shape=(2, 2, 2)),
    ],
    "_linalg_det": [
        Case((_diag_dominant(3),), out_shape=(1,)),
        Case((uniform(-1, 1, (2, 2, 2)),), label="batch", out_shape=(2,)),
    ],
    "_linalg_slogdet": [
        Case((uniform(-1, 1, (2, 3, 3)),), call=_output(nd.linalg.slogdet, 1), label="logabsdet", out_shape=(2,)),
        Case((uniform(-1, 1, (3, 3)),), call=_output(nd.linalg.slogdet, 0), label="sign", out_shape=(1,)),
    ],
    "_linalg_sumlogdiag": [
        Case((_diag_dominant(3),), out_shape=(1,)),
        Case((_diag_dominant(2, (2, 2)),), label="batch", out_shape=(2, 2)),
    ],
    "_linalg_extractdiag": [
        Case((uniform(-1, 1, (3, 3)),), out_shape=(3,)),
        Case((uniform(-1, 1, (2, 3, 3)),), attrs=dict(offset=-1), label="offset", out_shape=(2, 2)),
    ],
    "_linalg_makediag": [
        Case((uniform(-1, 1, (3,)),), out_shape=(3, 3)),
        Case((uniform(-1, 1, (2, 2)),), attrs=dict(offset=1), label="offset", out_shape=(2, 3, 3)),
    ],
    "_linalg_extracttrian": [
        Case((uniform(-1, 1, (3, 3)),), out_shape=(6,)),
        Case((uniform(-1, 1, (2, 3, 3)),), attrs=dict(lower=False), label="upper", out_shape=(2, 6)),
    ],
    "_linalg_maketrian": [
        Case((uniform(-1, 1, (6,)),), out_shape=(3, 3)),
        Case((uniform(-1, 1, (2, 3)),), attrs=dict(offset=-1), label="offset", out_shape=(2, 3, 3)),
    ],
}
