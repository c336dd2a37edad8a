"""Index arithmetic and scan operators: cumsum, ravel_multi_index, unravel_index, khatri_rao."""
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
