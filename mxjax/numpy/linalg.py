"""``mx.np.linalg``: MXNet 1.9.1's NumPy linear algebra, from the same table as ``mx.np``.

Every function runs through the registry operator ``_npi_op`` (recorded, differentiable,
compiled).  Integer input is computed in float32, as MXNet's.
"""
import jax.numpy as jnp

from ._functions import _as_float, call, define, make_function

__all__ = ["norm", "inv", "det", "slogdet", "svd", "eig", "eigh", "eigvals", "eigvalsh", "cholesky", "qr",
           "solve", "lstsq", "pinv", "matrix_rank", "matrix_power", "multi_dot", "tensorinv", "tensorsolve",
           "cond"]

_L = jnp.linalg


def _float(f):
    return lambda *arrays, **kw: f(*[_as_float(a) for a in arrays], **kw)


define("linalg.norm", _float(lambda x, ord, axis, keepdims: _L.norm(x, ord, axis, keepdims)), ("x",), ord=None,
       axis=None, keepdims=False)
define("linalg.inv", _float(_L.inv))
define("linalg.det", _float(_L.det))
define("linalg.slogdet", _float(lambda a: tuple(_L.slogdet(a))))
define("linalg.svd", _float(lambda a: tuple(_L.svd(a, full_matrices=False))))
define("linalg.eig", _float(lambda a: tuple(_L.eig(a))))
define("linalg.eigh", _float(lambda a, UPLO: tuple(_L.eigh(a, UPLO))), UPLO="L")
define("linalg.eigvals", _float(_L.eigvals))
define("linalg.eigvalsh", _float(lambda a, UPLO: _L.eigvalsh(a, UPLO)), UPLO="L")
define("linalg.cholesky", _float(_L.cholesky))
define("linalg.qr", _float(lambda a, mode: tuple(_L.qr(a, mode))), mode="reduced")
define("linalg.solve", _float(_L.solve), ("a", "b"))
define("linalg.lstsq", _float(lambda a, b, rcond: tuple(_L.lstsq(a, b, rcond))), ("a", "b"), rcond="warn")
define("linalg.pinv", _float(lambda a, rcond, hermitian: _L.pinv(a, rcond, hermitian)), rcond=1e-15,
       hermitian=False)
define("linalg.matrix_rank", _float(lambda M, tol, hermitian: _L.matrix_rank(M, tol)), ("M",), tol=None,
       hermitian=False)
define("linalg.matrix_power", lambda a, n: _L.matrix_power(a, n), n=1)
define("linalg.multi_dot", lambda arrays: _L.multi_dot(arrays), ("*arrays",))
define("linalg.tensorinv", _float(lambda a, ind: _L.tensorinv(a, ind)), ind=2)
define("linalg.tensorsolve", _float(lambda a, b, axes: _L.tensorsolve(a, b, axes)), ("a", "b"), axes=None)
define("linalg.cond", _float(lambda x, p: _L.cond(x, p)), ("x",), p=None)

for _name in __all__:
    globals()[_name] = make_function("linalg." + _name)
    globals()[_name].__name__ = _name


def lstsq(a, b, rcond="warn"):  # noqa: F811  (NumPy's rcond='warn' means the machine-precision default)
    """``mx.np.linalg.lstsq``: (solution, residuals, rank, singular values)."""
    return call("linalg.lstsq", (a, b), dict(rcond=None if rcond == "warn" else rcond))
