"""MXNet's output storage types for operators called on sparse arrays.

Every operator computes on the dense values (``sparse.py`` explains the
storage); what this module adds is MXNet 1.9.1's storage-type inference
(``FInferStorageType``): which calls give a CSRNDArray or RowSparseNDArray,
and with which indices.  Anything without a rule here gives a dense NDArray,
which is MXNet's "storage fallback".

Only the operators listed in ``RULES`` get a storage check in front of their
``nd.*`` function (one class test per array argument); every other operator,
and the NDArray dunders of dense arrays, are untouched.  The dunders of the
sparse classes are defined here.
"""
import operator

import numpy as np

from ..base import MXNetError
from .ndarray import NDArray, _call
from .registry import OPS
from .sparse import BaseSparseNDArray, CSRNDArray, RowSparseNDArray, _as_dense, _structure_of, _wrap, retain, \
    cast_storage, zeros

__all__ = ["RULES", "install"]

_SPARSE = (CSRNDArray, RowSparseNDArray)


# ---- structure helpers -----------------------------------------------------------------------------
def _mask(arr):
    """Boolean numpy mask of the stored entries (csr) or rows (row_sparse) of ``arr``."""
    if arr._stype == "row_sparse":
        mask = np.zeros(arr.shape[0], bool)
        mask[arr._structure()[0]] = True
        return mask
    indptr, indices = arr._structure()
    mask = np.zeros(arr.shape, bool)
    mask[np.repeat(np.arange(arr.shape[0]), np.diff(indptr)), indices] = True
    return mask


def _union(a, b):
    """The metadata of the union of two sparse arrays' stored positions (reads the inputs'
    metadata, computing it if needed, as MXNet's kernels read their indices)."""
    mask = _mask(a) | _mask(b)
    return _structure_of(a._stype, mask.reshape(mask.shape + (1,) * (a.ndim - mask.ndim)))


def _dense_args(args, kwargs):
    return [_as_dense(a) for a in args], {k: _as_dense(v) for k, v in kwargs.items()}


def _finish(result, out):
    if out is None:
        return result
    result.copyto(out)
    return out


def _dense_call(fn, args, kwargs):
    a, k = _dense_args(args, kwargs)
    return fn(*a, **k)


# ---- rules: (dense function, args, kwargs) -> result ----------------------------------------------
def _unary_same(fn, args, kwargs):
    """Zero-preserving unary operators: the input's storage type and stored positions."""
    x = args[0] if args else kwargs["data"]
    out = _dense_call(fn, args, kwargs)
    return _wrap(type(x), out._value, x._aux) if isinstance(x, BaseSparseNDArray) else out


def _clip(fn, args, kwargs):
    x = args[0] if args else kwargs["data"]
    attrs = list(args[1:3]) + [kwargs.get("a_min"), kwargs.get("a_max")]
    bounds = [v for v in attrs if v is not None]
    out = _dense_call(fn, args, kwargs)
    if isinstance(x, BaseSparseNDArray) and len(bounds) == 2 and bounds[0] <= 0 <= bounds[1]:
        return _wrap(type(x), out._value, x._aux)
    return out


def _zeros_like(fn, args, kwargs):
    x = args[0] if args else kwargs["data"]
    if isinstance(x, BaseSparseNDArray):
        return zeros(x.stype, x.shape, ctx=x.context, dtype=x.dtype)
    return fn(*args, **kwargs)


def _binary(kind):
    """elemwise_* / broadcast_*: two sparse arrays of one storage type and shape give that
    storage type over the union of their positions (add, sub, mul); a sparse array times
    or divided by a dense one keeps the sparse one's storage and positions; otherwise dense."""
    def rule(fn, args, kwargs):
        lhs = args[0] if args else kwargs["lhs"]
        rhs = args[1] if len(args) > 1 else kwargs["rhs"]
        out = _dense_call(fn, args, kwargs)
        ls, rs = isinstance(lhs, BaseSparseNDArray), isinstance(rhs, BaseSparseNDArray)
        if ls and rs:
            if lhs.stype == rhs.stype and lhs.shape == rhs.shape == out.shape and kind != "div":
                return _wrap(type(lhs), out._value, _union(lhs, rhs))
            return out
        sparse = lhs if ls else rhs
        if sparse.shape != out.shape or kind not in ("mul", "div") or (kind == "div" and not ls):
            return out
        return _wrap(type(sparse), out._value, sparse._aux)
    return rule


def _dot(fn, args, kwargs):
    """dot(csr, dense) -> dense; dot(csr.T, dense) -> row_sparse (the csr's columns);
    dot(dense, csr) -> csr; everything else dense."""
    lhs = args[0] if args else kwargs["lhs"]
    rhs = args[1] if len(args) > 1 else kwargs["rhs"]
    kwargs = {k: v for k, v in kwargs.items() if k != "forward_stype"}
    transpose_a = bool(args[2] if len(args) > 2 else kwargs.get("transpose_a", False))
    out = _dense_call(fn, args, kwargs)
    if isinstance(lhs, CSRNDArray) and transpose_a and not isinstance(rhs, BaseSparseNDArray) and out.ndim == 2:
        aux = None if lhs._aux is None else (np.unique(lhs._aux[1]).astype(np.int64),)
        return _wrap(RowSparseNDArray, out._value, aux)
    if not isinstance(lhs, BaseSparseNDArray) and isinstance(rhs, CSRNDArray) and out.ndim == 2:
        return _wrap(CSRNDArray, out._value, None)
    return out


def _slice(fn, args, kwargs):
    """Continuous slices of a csr array stay csr (row ranges keep the stored values)."""
    x = args[0] if args else kwargs["data"]
    out = _dense_call(fn, args, kwargs)
    step = _as_tuple(args[3] if len(args) > 3 else kwargs.get("step"))
    if not isinstance(x, CSRNDArray) or (step and any(s not in (None, 1) for s in step)):
        return out
    begin = args[1] if len(args) > 1 else kwargs.get("begin")
    end = args[2] if len(args) > 2 else kwargs.get("end")
    aux = None
    begin, end = _as_tuple(begin), _as_tuple(end)
    if x._aux is not None and len(begin) == 1:
        start, stop, _ = slice(begin[0], end[0]).indices(x.shape[0])
        indptr, indices = x._aux
        aux = (indptr[start:max(stop, start) + 1] - indptr[start], indices[indptr[start]:indptr[max(stop, start)]])
    return _wrap(CSRNDArray, out._value, aux)


def _as_tuple(v):
    return (v,) if isinstance(v, (int, np.integer)) or v is None else tuple(v)


def _quadratic(fn, args, kwargs):
    """contrib.quadratic ``a*x**2 + b*x + c`` keeps a sparse input's storage when c == 0."""
    x = args[0] if args else kwargs["data"]
    c = args[3] if len(args) > 3 else kwargs.get("c", 0.0)
    out = _dense_call(fn, args, kwargs)
    if isinstance(x, BaseSparseNDArray) and c == 0:
        return _wrap(type(x), out._value, x._aux)
    return out


def _add_n(fn, args, kwargs):
    arrays = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
    out = fn(*[_as_dense(a) for a in arrays], **kwargs)
    if arrays and all(isinstance(a, RowSparseNDArray) for a in arrays):
        mask = np.logical_or.reduce([_mask(a) for a in arrays])
        aux = (np.flatnonzero(mask).astype(np.int64),)
        return _wrap(RowSparseNDArray, out._value, aux)
    return out


def _concat(fn, args, kwargs):
    arrays = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
    out = fn(*[_as_dense(a) for a in arrays], **kwargs)
    if arrays and all(isinstance(a, CSRNDArray) for a in arrays) and kwargs.get("dim", 1) == 0:
        return _wrap(CSRNDArray, out._value, None)
    return out


def _square_sum_rule(fn, args, kwargs):
    x = args[0] if args else kwargs["data"]
    out = _dense_call(fn, args, kwargs)
    axis = args[1] if len(args) > 1 else kwargs.get("axis")
    keepdims = args[2] if len(args) > 2 else kwargs.get("keepdims", False)
    if isinstance(x, RowSparseNDArray) and axis in (1, -1, (1,), (-1,)) and keepdims and x.ndim == 2:
        return _wrap(RowSparseNDArray, out._value, x._aux)
    return out


def _take(fn, args, kwargs):
    """take(csr, indices) along axis 0 stays csr."""
    x = args[0] if args else kwargs["a"]
    axis = args[2] if len(args) > 2 else kwargs.get("axis", 0)
    out = _dense_call(fn, args, kwargs)
    if isinstance(x, CSRNDArray) and axis == 0:
        return _wrap(CSRNDArray, out._value, None)
    return out


def _lazy_update(n_states):
    """sgd_update, sgd_mom_update, adam_update with a row_sparse gradient and ``lazy_update``
    (the default): as MXNet's kernels, only the gradient's stored rows of the (dense) weight and
    of the ``n_states`` state arrays change (weight decay included); the other rows stay.
    (MXNet runs ftrl_update on a dense weight densely, as every update operator without a rule.)"""
    def rule(fn, args, kwargs):
        names = ("weight", "grad") + tuple(f"state{i}" for i in range(n_states))
        given = dict(zip(names, args))
        weight, grad = given.get("weight", kwargs.get("weight")), given.get("grad", kwargs.get("grad"))
        lazy = kwargs.get("lazy_update", True)
        if not (isinstance(grad, RowSparseNDArray) and lazy) or isinstance(weight, BaseSparseNDArray):
            return _dense_call(fn, args, kwargs)
        states = [a for a in args[2:2 + n_states] if isinstance(a, NDArray)]
        states += [v for k, v in kwargs.items() if isinstance(v, NDArray) and k not in ("weight", "grad")]
        before = [s.copy() for s in states]
        result = _dense_call(fn, args, kwargs)
        rows = np.zeros(weight.shape[0], bool)
        rows[grad._structure()[0]] = True
        from .ndarray import array
        keep = array(np.broadcast_to(rows.reshape((-1,) + (1,) * (weight.ndim - 1)), weight.shape),
                     ctx=weight.context, dtype=weight.dtype)
        for state, old in zip(states, before):
            state._write_unrecorded(_call("where", keep, state, old)._value)
        return _call("where", keep, result, weight)
    return rule


def getnnz(data, axis=None):
    """``nd.contrib.getnnz``: the number of stored values of a csr array (int64), in all
    (shape (1,)) or per row (axis 1); axis 0 is not supported, as in MXNet."""
    from .ndarray import array
    if not isinstance(data, CSRNDArray):
        raise MXNetError("getnnz needs a CSRNDArray, got storage type " + str(data.stype))
    indptr, _ = data._structure()
    if axis is None:
        counts = np.array([indptr[-1]], np.int64)
    elif axis in (1, -1):
        counts = np.diff(indptr).astype(np.int64)
    else:
        raise MXNetError(f"getnnz: axis {axis} is not supported; use axis=None or 1")
    return array(counts, ctx=data.context, dtype=np.int64)


_ZERO_PRESERVING = ("abs", "sign", "round", "rint", "ceil", "floor", "trunc", "fix", "square", "sqrt", "sin",
                    "tan", "arcsin", "arctan", "sinh", "tanh", "arcsinh", "arctanh", "expm1", "log1p", "relu",
                    "negative", "radians", "degrees", "_copy")
RULES = dict.fromkeys(_ZERO_PRESERVING, _unary_same)
RULES.update({
    "clip": _clip, "zeros_like": _zeros_like, "dot": _dot, "slice": _slice, "add_n": _add_n,
    "concat": _concat, "_square_sum": _square_sum_rule, "take": _take,
    "_contrib_quadratic": _quadratic,
    "elemwise_add": _binary("add"), "elemwise_sub": _binary("sub"), "elemwise_mul": _binary("mul"),
    "elemwise_div": _binary("div"), "broadcast_add": _binary("add"), "broadcast_sub": _binary("sub"),
    "broadcast_mul": _binary("mul"), "broadcast_div": _binary("div"),
    "sgd_update": _lazy_update(0), "sgd_mom_update": _lazy_update(1),
    "adam_update": _lazy_update(2),
})


def _storage_aware(fn, rule):
    """``fn`` with a storage check in front: sparse arguments go to ``rule``."""
    def function(*args, out=None, **kwargs):
        for a in args:
            if a.__class__ in _SPARSE:
                return _finish(rule(fn, args, kwargs), out)
        if kwargs:
            for a in kwargs.values():
                if a.__class__ in _SPARSE:
                    return _finish(rule(fn, args, kwargs), out)
        if out is None:
            return fn(*args, **kwargs)
        return fn(*args, out=out, **kwargs)
    function.__name__ = fn.__name__
    function.__qualname__ = fn.__qualname__
    function.__doc__ = fn.__doc__
    return function


# ---- dunders of the sparse classes --------------------------------------------------------------------
_SCALAR_OPS = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
    "pow": operator.pow, "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
    "gt": operator.gt, "ge": operator.ge,
}
_ARRAY_OPS = {"add": "broadcast_add", "sub": "broadcast_sub", "mul": "broadcast_mul", "truediv": "broadcast_div"}
_REFLECTED = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}


def _scalar_dunder(name, reflected):
    """``sparse <op> scalar`` keeps the storage type and stored positions when ``0 <op> scalar``
    is 0 (``x * 2``, ``x > 0``, ``x - 0``), as MXNet's scalar operators do; else dense."""
    fn = _SCALAR_OPS[name]
    dense_dunder = getattr(NDArray, f"__r{name}__" if reflected and name not in _REFLECTED else f"__{name}__")

    def dunder(self, other):
        if isinstance(other, NDArray):
            if reflected or name not in _ARRAY_OPS:
                return dense_dunder(_as_dense(self), _as_dense(other))
            return getattr(_nd(), _ARRAY_OPS[name])(self, other)
        result = dense_dunder(_as_dense(self), other)
        if result is NotImplemented:
            return result
        with np.errstate(all="ignore"):
            zero = np.zeros((), self.dtype)
            at_zero = fn(other, zero) if reflected and name not in _REFLECTED else fn(zero, other)
        if np.asarray(at_zero) == 0:
            return _wrap(type(self), result._value, self._aux)
        return result
    dunder.__name__ = f"__r{name}__" if reflected else f"__{name}__"
    return dunder


def _nd():
    from .. import ndarray
    return ndarray


def _install_dunders():
    for name in _SCALAR_OPS:
        setattr(BaseSparseNDArray, f"__{name}__", _scalar_dunder(name, False))
        if name not in _REFLECTED:
            setattr(BaseSparseNDArray, f"__r{name}__", _scalar_dunder(name, True))
    BaseSparseNDArray.__div__ = BaseSparseNDArray.__truediv__
    BaseSparseNDArray.__rdiv__ = BaseSparseNDArray.__rtruediv__
    BaseSparseNDArray.__neg__ = lambda self: _nd().negative(self)
    BaseSparseNDArray.__abs__ = lambda self: _nd().abs(self)
    BaseSparseNDArray.__hash__ = NDArray.__hash__


def install(nd_module, namespaces, sparse_module, contrib):
    """Put the storage check in front of the ``RULES`` operators in ``nd_module`` and
    ``namespaces`` (``nd.op``, ``nd._internal``), give the sparse classes their methods and
    dunders, and fill ``mx.nd.sparse`` with every operator (as MXNet's ``gen_sparse``)."""
    for name, op in OPS.items():
        rule = RULES.get(op.name)
        modules = [nd_module] if not name.startswith("_") else []
        modules += list(namespaces)
        fn = getattr(namespaces[0], name)
        if rule is not None:
            fn = _storage_aware(fn, rule)
            for module in modules:
                setattr(module, name, fn)
            if name.startswith("_contrib_"):
                setattr(contrib, name[len("_contrib_"):], fn)
            if op.method and name == op.name:
                setattr(BaseSparseNDArray, op.method, _method(fn))
        if not name.startswith("_") and not hasattr(sparse_module, name):
            setattr(sparse_module, name, fn)
    for module in [nd_module, sparse_module] + list(namespaces):
        setattr(module, "cast_storage", cast_storage)
    for module in namespaces:
        setattr(module, "_sparse_retain", retain)
    sparse_module.square_sum = getattr(nd_module, "square_sum")
    for name, dunder in (("add", "__add__"), ("subtract", "__sub__"), ("multiply", "__mul__"),
                         ("divide", "__truediv__")):
        setattr(sparse_module, name, _sparse_arith(dunder))
    contrib.getnnz = getnnz
    _install_dunders()


def _method(fn):
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    method.__name__ = fn.__name__
    return method


def _sparse_arith(dunder):
    """``nd.sparse.add`` etc.: ``lhs <op> rhs`` with the storage rules of the operators."""
    def function(lhs, rhs):
        if isinstance(lhs, NDArray):
            return getattr(lhs, dunder)(rhs)
        return getattr(rhs, dunder.replace("__", "__r", 1))(lhs)
    function.__name__ = dunder.strip("_")
    return function
