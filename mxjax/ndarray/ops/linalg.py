"""Linear algebra: the ``_linalg_*`` operators (``nd.linalg.gemm2``, ``nd.linalg_gemm2``).

MXNet 1.9.1's semantics: every operator works on the trailing two axes and
is batched over the leading ones (which must match exactly: no broadcasting);
a result with one value per matrix has the batch shape, and ``(1,)`` for a
single matrix.  Every one of them takes float32 and float64 only (MXNet fails when it
computes; mxjax raises at the call).
Triangular inputs are read from one triangle (``lower``) and the other is
ignored, as LAPACK does; ``potrf`` and ``syevd`` read a symmetric matrix
from its lower triangle, and their gradient is MXNet's symmetric one.

Matrix products use XLA's highest precision (full float32 on GPU/TPU, as
MXNet's BLAS calls compute).  Every operator is differentiable to any order
where the mathematics allows (cholesky, eigh, qr, triangular solves are JAX
primitives with differentiable derivative rules).
"""
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..._engine.kernel_checks import fail_if
from ...base import MXNetError
from ..registry import register

_HIGHEST = lax.Precision.HIGHEST
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _matmul(a, b):
    return jnp.matmul(a, b, precision=_HIGHEST)


def _t(x):
    return jnp.swapaxes(x, -1, -2)


def _check_float(op, *arrays):
    for a in arrays:
        if np.dtype(a.dtype) not in _FLOATS:
            raise MXNetError(f"{op}: the operator supports float32 and float64 data types only, "
                             f"got {np.dtype(a.dtype).name}")
    if len({np.dtype(a.dtype) for a in arrays}) > 1:
        raise MXNetError(f"{op}: all inputs must have the same dtype, got "
                         f"{', '.join(np.dtype(a.dtype).name for a in arrays)}")


def _check_matrices(op, names, *arrays, square=False):
    """Each input has ndim >= 2, the same ndim and the same leading (batch) shape; with
    ``square`` the first input holds square matrices."""
    for name, a in zip(names, arrays):
        if a.ndim < 2:
            raise MXNetError(f"{op}: input {name} must have at least 2 dimensions, got shape {a.shape}")
    if square and arrays[0].shape[-1] != arrays[0].shape[-2]:
        raise MXNetError(f"{op}: input {names[0]} must be a tensor of square matrices (its last two "
                         f"dimensions must be equal), got shape {arrays[0].shape}")
    _check_batch(op, names, arrays)


def _check_batch(op, names, arrays, shapes=None):
    shapes = shapes or [a.shape for a in arrays]
    for name, a, shape in zip(names[1:], arrays[1:], shapes[1:]):
        if a.ndim != arrays[0].ndim or shape[:-2] != shapes[0][:-2]:
            raise MXNetError(f"{op}: inputs {names[0]} {arrays[0].shape} and {name} {a.shape} must have the "
                             "same number of dimensions and the same shape except on the row/column axes")


def _per_matrix(value, ndim):
    """A result with one value per matrix: batch shape, or (1,) for a single matrix."""
    return value.reshape((1,)) if ndim == 2 else value


def _triangle(a, lower):
    return jnp.tril(a) if lower else jnp.triu(a)


def _symmetric_from(a, lower):
    """The symmetric matrix LAPACK reads from one triangle of ``a``, with MXNet's symmetric
    gradient: the value comes from the ``lower`` (or upper) triangle, the derivative is taken
    through (a + a^T)/2, so a perturbation of a[i, j] and of a[j, i] counts alike."""
    tri = _triangle(a, lower)
    stored = tri + _t(jnp.tril(a, -1) if lower else jnp.triu(a, 1))
    mean = (a + _t(a)) / 2
    return mean + lax.stop_gradient(stored - mean)


# ---- products ------------------------------------------------------------------------------------

def _row_axis_to_front(op, names, axis, *arrays):
    """Checks the operands and moves the row ``axis`` to position -2."""
    for name, a in zip(names, arrays):
        if a.ndim < 2:
            raise MXNetError(f"{op}: input {name} must have at least 2 dimensions, got shape {a.shape}")
    ndim = arrays[0].ndim
    if not -ndim <= axis < ndim:
        raise MXNetError(f"{op}: axis {axis} is out of range for {ndim}-dimensional inputs")
    axis %= ndim
    if axis == ndim - 1:
        raise MXNetError(f"{op}: axis must not be the last axis (it holds the matrix columns)")
    swapped = [jnp.swapaxes(a, axis, ndim - 2) if a.ndim == ndim else a for a in arrays]
    _check_batch(op, names, arrays, [a.shape for a in swapped])
    return axis, swapped


def _gemm_product(op, a, b, transpose_a, transpose_b, alpha):
    opa = _t(a) if transpose_a else a
    opb = _t(b) if transpose_b else b
    if opa.shape[-1] != opb.shape[-2]:
        raise MXNetError(f"{op}: incompatible matrix dimensions for multiplication: op(A) has shape "
                         f"{opa.shape[-2:]}, op(B) has shape {opb.shape[-2:]} "
                         f"(transpose_a={transpose_a}, transpose_b={transpose_b})")
    return alpha * _matmul(opa, opb)


@register("_linalg_gemm", inputs=("A", "B", "C"), aliases=("linalg_gemm",),
          attrs=dict(transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0, axis=-2))
def _gemm(A, B, C, transpose_a, transpose_b, alpha, beta, axis):
    """General matrix multiplication and accumulation: alpha * op(A) op(B) + beta * C, batched
    over the leading axes; ``axis`` names the row axis (the columns are the last axis)."""
    _check_float("_linalg_gemm", A, B, C)
    ndim = A.ndim
    axis, (a, b, c) = _row_axis_to_front("_linalg_gemm", ("A", "B", "C"), axis, A, B, C)
    product = _gemm_product("_linalg_gemm", a, b, transpose_a, transpose_b, alpha)
    if c.shape != product.shape:
        raise MXNetError(f"_linalg_gemm: C must have the shape of op(A) op(B), "
                         f"{jnp.swapaxes(product, axis, ndim - 2).shape}, got {C.shape}")
    return jnp.swapaxes(product + beta * c, axis, ndim - 2)


@register("_linalg_gemm2", inputs=("A", "B"), aliases=("linalg_gemm2",),
          attrs=dict(transpose_a=False, transpose_b=False, alpha=1.0, axis=-2))
def _gemm2(A, B, transpose_a, transpose_b, alpha, axis):
    """General matrix multiplication: alpha * op(A) op(B), batched over the leading axes;
    ``axis`` names the row axis (the columns are the last axis)."""
    _check_float("_linalg_gemm2", A, B)
    ndim = A.ndim
    axis, (a, b) = _row_axis_to_front("_linalg_gemm2", ("A", "B"), axis, A, B)
    return jnp.swapaxes(_gemm_product("_linalg_gemm2", a, b, transpose_a, transpose_b, alpha),
                        axis, ndim - 2)


@register("_linalg_syrk", inputs=("A",), aliases=("linalg_syrk",), attrs=dict(transpose=False, alpha=1.0))
def _syrk(A, transpose, alpha):
    """alpha * A A^T (or alpha * A^T A with ``transpose``), batched."""
    _check_matrices("_linalg_syrk", ("A",), A)
    _check_float("_linalg_syrk", A)
    return alpha * (_matmul(_t(A), A) if transpose else _matmul(A, _t(A)))


def _triangular_operands(op, A, B, rightside):
    _check_matrices(op, ("A", "B"), A, B, square=True)
    _check_float(op, A, B)
    n = A.shape[-1]
    if (B.shape[-1] if rightside else B.shape[-2]) != n:
        raise MXNetError(f"{op}: incompatible matrix dimensions: A is {n}x{n}, B has shape {B.shape[-2:]} "
                         f"(rightside={rightside})")


@register("_linalg_trmm", inputs=("A", "B"), aliases=("linalg_trmm",),
          attrs=dict(transpose=False, rightside=False, lower=True, alpha=1.0))
def _trmm(A, B, transpose, rightside, lower, alpha):
    """Multiplication with a triangular matrix: alpha * op(A) B, or alpha * B op(A) with
    ``rightside``.  Only the ``lower`` (or upper) triangle of A is read."""
    _triangular_operands("_linalg_trmm", A, B, rightside)
    tri = _triangle(A, lower)
    tri = _t(tri) if transpose else tri
    return alpha * (_matmul(B, tri) if rightside else _matmul(tri, B))


@register("_linalg_trsm", inputs=("A", "B"), aliases=("linalg_trsm",),
          attrs=dict(transpose=False, rightside=False, lower=True, alpha=1.0))
def _trsm(A, B, transpose, rightside, lower, alpha):
    """Solves op(A) X = alpha * B (or X op(A) = alpha * B with ``rightside``) for X, A triangular.
    Only the ``lower`` (or upper) triangle of A is read."""
    _triangular_operands("_linalg_trsm", A, B, rightside)
    tri = _triangle(A, lower)
    return lax.linalg.triangular_solve(tri, alpha * B, left_side=not rightside, lower=lower,
                                       transpose_a=transpose)


# ---- factorizations ------------------------------------------------------------------------------

@register("_linalg_potrf", inputs=("A",), aliases=("linalg_potrf",), attrs=dict(lower=True))
def _potrf(A, lower):
    """Cholesky factor of a symmetric positive-definite matrix: L with A = L L^T (``lower``), or
    U with A = U^T U.  A is read from its lower (upper) triangle; the gradient is MXNet's
    symmetric one.  A matrix that is not positive definite (or holds NaN) is an MXNetError,
    as MXNet's LAPACK call reports it: raised where the result is read, not at the call."""
    _check_matrices("_linalg_potrf", ("A",), A, square=True)
    _check_float("_linalg_potrf", A)
    factor = jnp.linalg.cholesky(_symmetric_from(A, lower))
    fail_if(jnp.any(jnp.isnan(factor)), f"{'s' if A.dtype == np.float32 else 'd'}potrf failed in lapack on cpu. "
            "This may happen when the input matrix is either not symmetric or not positive definite.")
    return factor if lower else _t(factor)


def _identity_like(a):
    return jnp.broadcast_to(jnp.eye(a.shape[-1], dtype=a.dtype), a.shape)


@register("_linalg_potri", inputs=("A",), aliases=("linalg_potri",), attrs=dict(lower=True))
def _potri(A, lower):
    """Inverse of B = A A^T (``lower``; B = A^T A otherwise) from its triangular Cholesky factor A:
    out = A^-T A^-1 (or A^-1 A^-T).  Only the ``lower`` (upper) triangle of A is read."""
    _check_matrices("_linalg_potri", ("A",), A, square=True)
    _check_float("_linalg_potri", A)
    tri = _triangle(A, lower)
    inv = lax.linalg.triangular_solve(tri, _identity_like(A), left_side=True, lower=lower)
    return _matmul(_t(inv), inv) if lower else _matmul(inv, _t(inv))


@register("_linalg_gelqf", inputs=("A",), aliases=("linalg_gelqf",))
def _gelqf(A):
    """LQ factorization A = L Q of an (x, y) matrix with x <= y: returns [Q, L], Q (x, y) with
    orthonormal rows, L (x, x) lower triangular (LAPACK's signs, from QR of A^T)."""
    _check_matrices("_linalg_gelqf", ("A",), A)
    _check_float("_linalg_gelqf", A)
    if A.shape[-2] > A.shape[-1]:
        raise MXNetError(f"_linalg_gelqf: input A shape wrong: its last dimension must be >= the second to "
                         f"last, got shape {A.shape}")
    q, r = jnp.linalg.qr(_t(A), mode="reduced")
    return _t(q), _t(r)


def _eigenvector_signs(u):
    """MXNet's deterministic signs: in each row (eigenvector), the entry of largest magnitude
    (the first one on ties) is positive."""
    k = jnp.argmax(jnp.abs(u), axis=-1)
    lead = jnp.take_along_axis(u, k[..., None], axis=-1)
    return lax.stop_gradient(jnp.where(lead < 0, -1, 1).astype(u.dtype))


@register("_linalg_syevd", inputs=("A",))
def _syevd(A):
    """Eigendecomposition of a symmetric matrix (read from its lower triangle): returns [U, L],
    the eigenvectors as the rows of U (U A = diag(L) U) and the eigenvalues L in ascending
    order; each row of U has its largest-magnitude entry positive, as in MXNet."""
    _check_matrices("_linalg_syevd", ("A",), A, square=True)
    _check_float("_linalg_syevd", A)
    w, v = jnp.linalg.eigh(_symmetric_from(A, True))
    u = _t(v)
    return u * _eigenvector_signs(u), w


# ---- inverse and determinants --------------------------------------------------------------------

@register("_linalg_inverse", inputs=("A",), aliases=("linalg_inverse",))
def _inverse(A):
    """Inverse of a square matrix, batched."""
    _check_matrices("_linalg_inverse", ("A",), A, square=True)
    _check_float("_linalg_inverse", A)
    return jnp.linalg.inv(A)


@register("_linalg_det", inputs=("A",), aliases=("linalg_det",))
def _det(A):
    """Determinant of a square matrix: shape (1,) for one matrix, the batch shape otherwise."""
    _check_matrices("_linalg_det", ("A",), A, square=True)
    _check_float("_linalg_det", A)
    return _per_matrix(jnp.linalg.det(A), A.ndim)


@register("_linalg_slogdet", inputs=("A",), aliases=("linalg_slogdet",))
def _slogdet(A):
    """[sign, log|det|] of a square matrix (sign 0 and -inf for a singular one); the sign gets
    no gradient."""
    _check_matrices("_linalg_slogdet", ("A",), A, square=True)
    _check_float("_linalg_slogdet", A)
    sign, logabsdet = jnp.linalg.slogdet(A)
    return (_per_matrix(lax.stop_gradient(sign).astype(A.dtype), A.ndim),
            _per_matrix(logabsdet, A.ndim))


@register("_linalg_sumlogdiag", inputs=("A",), aliases=("linalg_sumlogdiag",))
def _sumlogdiag(A):
    """Sum of the logarithms of the diagonal of a square matrix: shape (1,) for one matrix."""
    _check_matrices("_linalg_sumlogdiag", ("A",), A, square=True)
    _check_float("_linalg_sumlogdiag", A)
    return _per_matrix(jnp.sum(jnp.log(jnp.diagonal(A, 0, -2, -1)), axis=-1), A.ndim)


# ---- diagonals and triangles ---------------------------------------------------------------------

def _check_offset(op, offset, n):
    if n - abs(offset) <= 0:
        raise MXNetError(f"{op}: illegal offset {offset} for diag/trian extraction of a matrix with "
                         f"dimension {n}")


@register("_linalg_extractdiag", inputs=("A",), aliases=("linalg_extractdiag",), attrs=dict(offset=0))
def _extractdiag(A, offset):
    """The ``offset``-th diagonal of each square matrix (0 the main one, > 0 above, < 0 below)."""
    _check_matrices("_linalg_extractdiag", ("A",), A, square=True)
    _check_float("_linalg_extractdiag", A)
    _check_offset("_linalg_extractdiag", offset, A.shape[-1])
    return jnp.diagonal(A, offset, -2, -1)


@register("_linalg_makediag", inputs=("A",), aliases=("linalg_makediag",), attrs=dict(offset=0))
def _makediag(A, offset):
    """Square matrices with the last axis of A on their ``offset``-th diagonal, zeros elsewhere."""
    if A.ndim < 1:
        raise MXNetError("_linalg_makediag: input A must have at least 1 dimension")
    _check_float("_linalg_makediag", A)
    n = A.shape[-1]
    size = n + abs(offset)
    idx = np.arange(n)
    rows, cols = idx + max(-offset, 0), idx + max(offset, 0)
    return jnp.zeros(A.shape[:-1] + (size, size), A.dtype).at[..., rows, cols].set(A)


def _trian_indices(size, offset, lower):
    """Positions of the triangle in MXNet's storage order: the lower triangle row by row; the
    upper one column by column (the lower triangle of the transpose)."""
    upper = offset > 0 or (offset == 0 and not lower)
    rows, cols = np.tril_indices(size, -abs(offset))
    return (cols, rows) if upper else (rows, cols)


@register("_linalg_extracttrian", inputs=("A",), aliases=("linalg_extracttrian",),
          attrs=dict(offset=0, lower=True))
def _extracttrian(A, offset, lower):
    """The triangle of each square matrix as a vector: the lower (``lower``) or upper triangle for
    offset 0, the upper triangle above the ``offset``-th diagonal for offset > 0, the lower
    triangle below it for offset < 0."""
    _check_matrices("_linalg_extracttrian", ("A",), A, square=True)
    _check_float("_linalg_extracttrian", A)
    _check_offset("_linalg_extracttrian", offset, A.shape[-1])
    rows, cols = _trian_indices(A.shape[-1], offset, lower)
    return A[..., rows, cols]


@register("_linalg_maketrian", inputs=("A",), aliases=("linalg_maketrian",), attrs=dict(offset=0, lower=True))
def _maketrian(A, offset, lower):
    """Square matrices from their triangles stored as vectors (the inverse of extracttrian)."""
    if A.ndim < 1:
        raise MXNetError("_linalg_maketrian: input A must have at least 1 dimension")
    _check_float("_linalg_maketrian", A)
    n = A.shape[-1]
    m = int((np.sqrt(8 * n + 1) - 1) // 2)
    if m * (m + 1) // 2 != n:
        raise MXNetError(f"_linalg_maketrian: the last axis of A has length {n}, which is not a triangular "
                         "number m*(m+1)/2")
    size = m + abs(offset)
    rows, cols = _trian_indices(size, offset, lower)
    return jnp.zeros(A.shape[:-1] + (size, size), A.dtype).at[..., rows, cols].set(A)

