"""Reference cases for the linear-algebra family (``nd.linalg.*``)."""
import numpy as np

from case import Case, uniform, values


def _spd(n, batch=(), seed=0, dtype="float32"):
    """Symmetric positive-definite matrices (computed here in float64, stored as values)."""
    a = np.random.RandomState(seed).uniform(-1, 1, batch + (n, n))
    return values(np.matmul(a, np.swapaxes(a, -1, -2)) + n * np.eye(n), dtype)


def _lower(n, batch=(), seed=0, dtype="float32"):
    """Lower-triangular matrices with a diagonal away from zero (and junk above it)."""
    a = np.random.RandomState(seed).uniform(-1, 1, batch + (n, n))
    return values(a + 3 * np.eye(n), dtype)


def _nonsymmetric_spd(n, seed=0):
    """An SPD lower triangle with a different upper triangle: LAPACK reads only the lower one."""
    a = np.random.RandomState(seed).uniform(-1, 1, (n, n))
    spd = a @ a.T + n * np.eye(n)
    return values(np.tril(spd) + np.triu(np.random.RandomState(seed + 1).uniform(-5, 5, (n, n)), 1))


A23, B34 = uniform((2, 3)), uniform((3, 4), seed=1)

CASES = [
    # ---- gemm / gemm2 ----
    Case("linalg.gemm", "linalg.gemm", (A23, B34, uniform((2, 4), seed=2))),
    Case("linalg.gemm.transposes", "linalg.gemm", (uniform((3, 2)), uniform((4, 3), seed=1), uniform((2, 4), seed=2)),
         {"transpose_a": True, "transpose_b": True, "alpha": 2.0, "beta": -0.5}),
    Case("linalg.gemm.batch", "linalg.gemm", (uniform((2, 2, 3)), uniform((2, 3, 4), seed=1),
                                              uniform((2, 2, 4), seed=2)), {"alpha": 0.5, "beta": 2.0}),
    Case("linalg.gemm.axis", "linalg.gemm", (uniform((2, 4, 3, 5)), uniform((2, 5, 3, 6), seed=1),
                                             uniform((2, 4, 3, 6), seed=2)), {"axis": 1}),
    Case("linalg.gemm.float64", "linalg.gemm", (uniform((2, 3), dtype="float64"), uniform((3, 4), seed=1, dtype="float64"),
                                                uniform((2, 4), seed=2, dtype="float64")), {"beta": 0.0}),
    Case("linalg.gemm.C_shape_error", "linalg.gemm", (A23, B34, uniform((2, 3), seed=2))),
    Case("linalg.gemm2", "linalg.gemm2", (A23, B34)),
    Case("linalg.gemm2.transpose_a", "linalg.gemm2", (uniform((3, 2)), B34), {"transpose_a": True, "alpha": 3.0}),
    Case("linalg.gemm2.transpose_b", "linalg.gemm2", (A23, uniform((4, 3), seed=1)), {"transpose_b": True}),
    Case("linalg.gemm2.batch4d", "linalg.gemm2", (uniform((2, 3, 4, 5)), uniform((2, 3, 5, 2), seed=1))),
    Case("linalg.gemm2.axis0", "linalg.gemm2", (uniform((4, 3, 5)), uniform((5, 3, 6), seed=1)), {"axis": 0}),
    Case("linalg.gemm2.shape_error", "linalg.gemm2", (uniform((4, 5)), uniform((4, 6), seed=1))),
    Case("linalg.gemm2.batch_error", "linalg.gemm2", (uniform((1, 4, 5)), uniform((2, 5, 6), seed=1))),
    Case("linalg.gemm2.vector_error", "linalg.gemm2", (uniform((4,)), uniform((4, 6), seed=1))),
    Case("linalg_gemm2.alias", "linalg_gemm2", (A23, B34)),
    # ---- syrk ----
    Case("linalg.syrk", "linalg.syrk", (A23,)),
    Case("linalg.syrk.transpose", "linalg.syrk", (A23,), {"transpose": True, "alpha": 0.5}),
    Case("linalg.syrk.batch", "linalg.syrk", (uniform((2, 2, 3)),), {"alpha": 2.0}),
    # ---- triangular ----
    *[Case(f"linalg.{op}.{label}", f"linalg.{op}", (_lower(3, seed=3), b), attrs)
      for op in ("trmm", "trsm")
      for label, b, attrs in (
          ("default", B34, {}),
          ("transpose_alpha", B34, {"transpose": True, "alpha": 0.5}),
          ("rightside", uniform((2, 3), seed=4), {"rightside": True}),
          ("upper", B34, {"lower": False, "alpha": -2.0}),
          ("upper_right_transpose", uniform((2, 3), seed=4), {"lower": False, "rightside": True, "transpose": True}),
      )],
    Case("linalg.trsm.batch", "linalg.trsm", (_lower(3, (2,), seed=5), uniform((2, 3, 2), seed=6))),
    Case("linalg.trmm.batch", "linalg.trmm", (_lower(3, (2,), seed=5), uniform((2, 3, 2), seed=6))),
    Case("linalg.trsm.shape_error", "linalg.trsm", (_lower(3), uniform((3, 4), seed=1)), {"rightside": True}),
    # ---- Cholesky ----
    Case("linalg.potrf", "linalg.potrf", (_spd(3),)),
    Case("linalg.potrf.batch", "linalg.potrf", (_spd(3, (2,), seed=1),)),
    Case("linalg.potrf.upper", "linalg.potrf", (_spd(3, seed=2),), {"lower": False}),
    Case("linalg.potrf.reads_lower", "linalg.potrf", (_nonsymmetric_spd(3, seed=3),)),
    Case("linalg.potrf.float64", "linalg.potrf", (_spd(4, seed=4, dtype="float64"),), rtol=1e-10, atol=1e-12),
    Case("linalg.potri", "linalg.potri", (_lower(3, seed=7),)),
    Case("linalg.potri.upper", "linalg.potri", (_lower(3, seed=8),), {"lower": False}),
    Case("linalg.potri.batch", "linalg.potri", (_lower(3, (2,), seed=9),), rtol=1e-4),
    # ---- factorizations ----
    Case("linalg.gelqf", "linalg.gelqf", (values([[1., 2., 3.], [4., 5., 6.]]),), rtol=1e-4, atol=1e-5),
    Case("linalg.gelqf.batch", "linalg.gelqf", (uniform((2, 2, 4), seed=3),), rtol=1e-4, atol=1e-5),
    Case("linalg.gelqf.square", "linalg.gelqf", (uniform((3, 3), seed=4, dtype="float64"),), rtol=1e-9, atol=1e-12),
    Case("linalg.gelqf.wide_error", "linalg.gelqf", (uniform((3, 2)),)),
    Case("linalg.syevd", "linalg.syevd", (values([[1., 2.], [2., 4.]]),), rtol=1e-4, atol=1e-5),
    Case("linalg.syevd.spd", "linalg.syevd", (_spd(4, seed=5, dtype="float64"),), rtol=1e-9, atol=1e-12),
    Case("linalg.syevd.batch", "linalg.syevd", (_spd(3, (2,), seed=6),), rtol=1e-4, atol=1e-5),
    Case("linalg.syevd.reads_lower", "linalg.syevd", (_nonsymmetric_spd(3, seed=7),), rtol=1e-4, atol=1e-5),
    Case("linalg.syevd.shape_error", "linalg.syevd", (uniform((2, 3)),)),
    # ---- inverse, determinants ----
    Case("linalg.inverse", "linalg.inverse", (values([[1., 4.], [2., 3.]]),)),
    Case("linalg.inverse.batch", "linalg.inverse", (_spd(3, (2, 2), seed=8),), rtol=1e-4),
    Case("linalg.inverse.shape_error", "linalg.inverse", (uniform((3, 4)),)),
    Case("linalg.det", "linalg.det", (values([[1., 4.], [2., 3.]]),)),
    Case("linalg.det.batch", "linalg.det", (uniform((2, 3, 3, 3), seed=9),), rtol=1e-4, atol=1e-5),
    Case("linalg.det.shape_error", "linalg.det", (uniform((3, 4)),)),
    Case("linalg.slogdet", "linalg.slogdet", (values([[2., 3.], [1., 4.]]),)),
    Case("linalg.slogdet.batch", "linalg.slogdet",
         (values([[[2., 3.], [1., 4.]], [[1., 2.], [4., 3.]], [[0.5, 1.0], [-2.0, 0.3]]]),)),
    Case("linalg.slogdet.float64", "linalg.slogdet", (uniform((2, 4, 4), seed=10, dtype="float64"),),
         rtol=1e-10, atol=1e-12),
    Case("linalg.sumlogdiag", "linalg.sumlogdiag", (_spd(3),)),
    Case("linalg.sumlogdiag.batch", "linalg.sumlogdiag", (_spd(2, (2, 3), seed=11),)),
    # ---- diagonals and triangles ----
    Case("linalg.extractdiag", "linalg.extractdiag", (uniform((3, 3)),)),
    Case("linalg.extractdiag.offset", "linalg.extractdiag", (uniform((2, 4, 4)),), {"offset": -2}),
    Case("linalg.extractdiag.offset_error", "linalg.extractdiag", (uniform((3, 3)),), {"offset": 3}),
    Case("linalg.extractdiag.square_error", "linalg.extractdiag", (uniform((3, 4)),)),
    Case("linalg.makediag", "linalg.makediag", (uniform((3,)),)),
    Case("linalg.makediag.offset", "linalg.makediag", (uniform((2, 3)),), {"offset": 2}),
    Case("linalg.makediag.negative_offset", "linalg.makediag", (uniform((2,), dtype="float64"),), {"offset": -1}),
    *[Case(f"linalg.extracttrian.{label}", "linalg.extracttrian", (uniform((2, 4, 4)),), attrs)
      for label, attrs in (("default", {}), ("upper", {"lower": False}), ("offset1", {"offset": 1}),
                           ("offset-1", {"offset": -1}), ("offset2_upper", {"offset": 2, "lower": False}))],
    Case("linalg.extracttrian.offset_error", "linalg.extracttrian", (uniform((3, 3)),), {"offset": -3}),
    *[Case(f"linalg.maketrian.{label}", "linalg.maketrian", (uniform((2, 6)),), attrs)
      for label, attrs in (("default", {}), ("upper", {"lower": False}), ("offset1", {"offset": 1}),
                           ("offset-2", {"offset": -2}))],
    Case("linalg.maketrian.length_error", "linalg.maketrian", (uniform((5,)),)),
]
