"""Index arithmetic and scan operators (cumsum, ravel_multi_index, unravel_index, khatri_rao) and
the interleaved multi-head attention matmuls."""
from case import Case, integers, uniform, values

X = uniform((3, 4))
CASES = [
    Case("cumsum.all", "cumsum", (X,)),
    Case("cumsum.axis0", "cumsum", (X,), {"axis": 0}),
    Case("cumsum.int_to_float", "cumsum", (integers((2, 3), 0, 5, "int32"),), {"axis": 1, "dtype": "float32"}),
    Case("cumsum.int", "cumsum", (integers((2, 3), 0, 5, "int32"),), {"axis": 1}),
    Case("cumsum.bad_axis", "cumsum", (X,), {"axis": 2}),
    Case("ravel_multi_index", "ravel_multi_index", (values([[3, 6, 6], [4, 5, 1]]),), {"shape": (7, 6)}),
    Case("ravel_multi_index.3d", "ravel_multi_index", (values([[1, 0], [2, 1], [3, 4]], "int64"),), {"shape": (2, 3, 5)}),
    Case("unravel_index", "unravel_index", (values([22, 41, 37]),), {"shape": (7, 6)}),
    Case("unravel_index.3d", "unravel_index", (values([13, 29], "int64"),), {"shape": (2, 3, 5)}),
    Case("khatri_rao.two", "khatri_rao", (uniform((2, 3)), uniform((4, 3), seed=1))),
    Case("khatri_rao.three", "khatri_rao", (uniform((2, 2)), uniform((3, 2), seed=1), uniform((1, 2), seed=2))),
    Case("khatri_rao.one", "khatri_rao", (uniform((2, 3)),)),
]

# multi-head attention on interleaved projections: L=4, batch 2, heads 3, head_dim 2 (Lk=5 for encdec)
CASES += [
    Case("contrib.interleaved_matmul_selfatt_qk", "contrib.interleaved_matmul_selfatt_qk", (uniform((4, 2, 18)),),
         {"heads": 3}),
    Case("contrib.interleaved_matmul_selfatt_valatt", "contrib.interleaved_matmul_selfatt_valatt",
         (uniform((4, 2, 18)), uniform((6, 4, 4), 0, 1, seed=1)), {"heads": 3}),
    Case("contrib.interleaved_matmul_encdec_qk", "contrib.interleaved_matmul_encdec_qk",
         (uniform((4, 2, 6)), uniform((5, 2, 12), seed=1)), {"heads": 3}),
    Case("contrib.interleaved_matmul_encdec_valatt", "contrib.interleaved_matmul_encdec_valatt",
         (uniform((5, 2, 12)), uniform((6, 4, 5), 0, 1, seed=1)), {"heads": 3}),
]

# mixed precision and finiteness helpers (amp_multicast's float16 results cannot be read back from
# MXNet's oneDNN build: tests/test_vision_ops.py), batch_take, the fused/synchronised BatchNorms (predict mode)
_BN = (uniform((2, 3, 2, 2)), values([1, 2, 3]), values([0.1, 0.2, 0.3]), values([0.1, -0.2, 0.3]), values([1, 2, 0.5]))
CASES += [
    Case("all_finite.inf", "all_finite", (values([1, 2, float("inf")]),)),
    Case("all_finite.ok", "all_finite", (uniform((2, 3)),)),
    Case("multi_all_finite.nan", "multi_all_finite", (uniform((2, 3)), values([float("nan")])), {"num_arrays": 2}),
    Case("multi_all_finite.ok", "multi_all_finite", (uniform((2, 3)), uniform((4,))), {"num_arrays": 2}),
    Case("multi_sum_sq", "multi_sum_sq", (uniform((2, 3)), uniform((4,), seed=1), values([1, 2])), {"num_arrays": 3}),
    Case("multi_sum_sq.mixed_types", "multi_sum_sq", (uniform((2, 3)), values([1, 2], "float64")), {"num_arrays": 2}),
    Case("batch_take", "batch_take", (uniform((3, 4)), values([3, 9, -2], "int32"))),
    Case("contrib.BatchNormWithReLU", "contrib.BatchNormWithReLU", _BN, {"fix_gamma": False}),
    Case("contrib.SyncBatchNorm", "contrib.SyncBatchNorm", _BN, {"fix_gamma": False, "key": "k"}),
]
