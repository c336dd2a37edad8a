"""MXNet 1.9.1's storage-type inference of one operator (``FInferStorageType``), abstractly:
output storage types from the input storage types, shapes and attributes, without values.

``forward_stype`` gives the storage type of an operator's first output ('default' for the
others), ``gradient_stypes`` the storage types MXNet's backward pass gives the gradients of
its inputs when the head gradient has the output's storage type.  Operators without a rule
fall back to dense ('default'), as MXNet's storage fallback does.  A graph's bound executor
(``mxjax.symbol.storage``) runs these rules node by node; values are always computed densely
(see ``sparse.py``), a storage type only decides which array class holds them.

The nd functions of sparse arrays (``sparse_ops.RULES``) decide the class of their result
with these rules too (``sparse_result_stype``), and add the stored positions, which need
values.
"""
import numpy as np

from ..base import MXNetError

__all__ = ["forward_stype", "gradient_stypes", "sparse_result_stype", "SPARSE_GRADIENT_OPS", "STORED_ONLY",
           "ZERO_PRESERVING"]

_DEFAULT = "default"
_SPARSE = ("csr", "row_sparse")

#: unary operators that map 0 to 0 and keep a sparse input's storage type (and its positions)
ZERO_PRESERVING = ("abs", "sign", "round", "rint", "ceil", "floor", "trunc", "fix", "square", "sqrt", "sin",
                   "tan", "arcsin", "arctan", "sinh", "tanh", "arcsinh", "arctanh", "expm1", "log1p", "relu",
                   "negative", "radians", "degrees", "_copy", "cbrt")

#: operators whose backward keeps the head gradient's sparse storage type for an input of that type
_SPARSE_BACKWARD = frozenset(("abs", "sign", "round", "rint", "ceil", "floor", "trunc", "fix", "square", "relu",
                              "negative", "_copy", "zeros_like", "_mul_scalar", "_div_scalar"))

_SCALAR = {"_mul_scalar": np.multiply, "_div_scalar": np.divide, "_plus_scalar": np.add,
           "_minus_scalar": np.subtract}


def _unary(stypes, shapes, params):
    return stypes[0]


def _clip(stypes, shapes, params):
    low, high = params.get("a_min"), params.get("a_max")
    return stypes[0] if low is not None and high is not None and low <= 0 <= high else _DEFAULT


def _scalar(name):
    """``x <op> scalar`` keeps a sparse input's storage when ``0 <op> scalar`` is 0."""
    fn = _SCALAR[name]

    def rule(stypes, shapes, params):
        with np.errstate(all="ignore"):
            at_zero = fn(np.float32(0), np.float32(params.get("scalar", 0)))
        return stypes[0] if at_zero == 0 else _DEFAULT
    return rule


def _elemwise(kind):
    """elemwise_add/sub/mul, _maximum, _minimum, _hypot: two sparse arrays of one storage type
    give that storage type; elemwise_mul of a sparse and a dense array gives the sparse one's;
    elemwise_div and everything else dense."""
    def rule(stypes, shapes, params):
        ls, rs = stypes[:2]
        if ls in _SPARSE and ls == rs and kind != "div":
            return ls
        if kind == "mul" and (ls in _SPARSE) != (rs in _SPARSE):
            return ls if ls in _SPARSE else rs
        return _DEFAULT
    return rule


def _broadcast_scale(stypes, shapes, params):
    """broadcast_mul/div: a csr array scaled by a dense one (broadcast to its shape) stays csr;
    every other combination, and broadcast_add/sub, is dense."""
    ls, rs = stypes[:2]
    return "csr" if ls == "csr" and rs not in _SPARSE and tuple(np.broadcast_shapes(*shapes[:2])) == shapes[0] \
        else _DEFAULT


def _dot(stypes, shapes, params):
    """dot(csr.T, dense) -> row_sparse; dot(dense, csr) -> csr (2-D); everything else dense."""
    (ls, rs), (lshape, rshape) = stypes[:2], shapes[:2]
    if len(lshape) != 2 or len(rshape) != 2:
        return _DEFAULT
    if ls == "csr" and params.get("transpose_a") and rs not in _SPARSE:
        return "row_sparse"
    if ls not in _SPARSE and rs == "csr":
        return "csr"
    return _DEFAULT


def _slice(stypes, shapes, params):
    step = params.get("step") or ()
    step = (step,) if isinstance(step, int) else step
    return "csr" if stypes[0] == "csr" and all(s in (None, 1) for s in step) else _DEFAULT


def _add_n(stypes, shapes, params):
    return "row_sparse" if stypes and all(s == "row_sparse" for s in stypes) else _DEFAULT


def _concat(stypes, shapes, params):
    return "csr" if stypes and all(s == "csr" for s in stypes) and params.get("dim", 1) == 0 else _DEFAULT


def _square_sum(stypes, shapes, params):
    axis = params.get("axis")
    axis = axis[0] if isinstance(axis, tuple) and len(axis) == 1 else axis
    keep = stypes[0] == "row_sparse" and axis in (1, -1) and params.get("keepdims") and len(shapes[0]) == 2
    return "row_sparse" if keep else _DEFAULT


def _take(stypes, shapes, params):
    return "csr" if stypes[0] == "csr" and params.get("axis", 0) == 0 else _DEFAULT


def _quadratic(stypes, shapes, params):
    """contrib.quadratic ``a*x**2 + b*x + c`` keeps a csr input's storage when c == 0."""
    return "csr" if stypes[0] == "csr" and params.get("c", 0.0) == 0 else _DEFAULT


def _scatter_div(stypes, shapes, params):
    """_scatter_elemwise_div: a row_sparse lhs keeps its storage (its stored rows divided)."""
    return "row_sparse" if stypes[0] == "row_sparse" else _DEFAULT


#: operators that compute a sparse lhs's stored positions only (the others stay zero, where the
#: dense operator would give ``0 / x`` or ``0 + scalar``); their result keeps the lhs's positions
STORED_ONLY = frozenset(("_scatter_elemwise_div", "_scatter_plus_scalar", "_scatter_minus_scalar"))


def _batch_norm(stypes, shapes, params):
    """BatchNorm computes sparse inputs densely (storage fallback), except with ``fix_gamma``:
    MXNet's error."""
    if params.get("fix_gamma", True) and any(s in _SPARSE for s in stypes):
        raise MXNetError("fix_gamma=True is not supported for sparse ndarrays. Tracked at #11647")
    return _DEFAULT


_RULES = dict.fromkeys(ZERO_PRESERVING, _unary)
_RULES.update({name: _scalar(name) for name in _SCALAR})
_RULES.update({
    "clip": _clip, "zeros_like": _unary, "dot": _dot, "slice": _slice, "add_n": _add_n, "concat": _concat,
    "_square_sum": _square_sum, "take": _take, "_contrib_quadratic": _quadratic,
    "elemwise_add": _elemwise("add"), "elemwise_sub": _elemwise("sub"), "elemwise_mul": _elemwise("mul"),
    "maximum": _elemwise("max"), "minimum": _elemwise("min"), "hypot": _elemwise("hypot"),
    "broadcast_mul": _broadcast_scale, "broadcast_div": _broadcast_scale,
    "BatchNorm": _batch_norm, "_scatter_elemwise_div": _scatter_div, "_scatter_plus_scalar": _unary,
    "_scatter_minus_scalar": _unary,
})


def sparse_result_stype(op_name, stypes, shapes, params):
    """The storage type of ``op_name``'s first output for inputs of storage types ``stypes`` and
    shapes ``shapes`` (``params``: the operator's attributes by name); 'default' without a rule."""
    rule = _RULES.get(op_name)
    return _DEFAULT if rule is None else rule(stypes, shapes, params)


def forward_stype(op_name, stypes, shapes, params, n_outputs):
    """The storage types of all ``n_outputs`` outputs of ``op_name`` (see ``sparse_result_stype``)."""
    return [sparse_result_stype(op_name, stypes, shapes, params)] + [_DEFAULT] * (n_outputs - 1)


#: operators whose backward can give a sparse gradient from dense inputs
SPARSE_GRADIENT_OPS = frozenset(("Embedding", "_contrib_SparseEmbedding"))


def gradient_stypes(op_name, stypes, out_stype, params):
    """The storage types MXNet's backward gives the gradients of ``op_name``'s inputs (storage
    types ``stypes``) when the head gradient has storage type ``out_stype``."""
    grads = [_DEFAULT] * len(stypes)
    if op_name in ("Embedding", "_contrib_SparseEmbedding") and len(stypes) > 1:
        if op_name == "_contrib_SparseEmbedding" or params.get("sparse_grad"):
            grads[1] = "row_sparse"
    elif op_name == "dot" and len(stypes) == 2:
        if stypes[0] == "csr" and not params.get("transpose_a") and stypes[1] not in _SPARSE:
            grads[1] = "row_sparse"
    elif out_stype in _SPARSE:
        if op_name in ("elemwise_add", "elemwise_sub", "add_n"):
            grads = [out_stype if s == out_stype else _DEFAULT for s in stypes]
        elif op_name in _SPARSE_BACKWARD or (op_name == "_square_sum" and out_stype == "row_sparse"):
            grads[0] = out_stype if stypes[0] == out_stype else _DEFAULT
    return grads
