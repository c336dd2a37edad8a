"""Operators called on sparse arrays: MXNet's output storage types and stored positions.

Every operator computes on the dense values (``sparse.py`` explains the
storage); which calls give a CSRNDArray or RowSparseNDArray is MXNet 1.9.1's
storage-type inference (``FInferStorageType``), written once in
``storage_types`` (the symbol executor runs the same rules over a graph);
what this module adds is the stored positions of the result.  Anything
without a rule gives a dense NDArray, which is MXNet's "storage fallback".

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
from .sparse import _CLASSES, BaseSparseNDArray, CSRNDArray, RowSparseNDArray, _as_dense, _structure_of, _wrap, \
    retain, cast_storage
from .storage_types import STORED_ONLY, ZERO_PRESERVING, sparse_result_stype

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


# ---- sparse results: the storage type from ``storage_types``, the stored positions here -------------
def _input_aux(arrays, params, stype, out):
    """The stored positions of the first input of storage ``stype`` and the result's shape
    (None: the result's non-zeros)."""
    for a in arrays:
        if isinstance(a, BaseSparseNDArray) and a.stype == stype and a.shape == out.shape:
            return a._aux
    return None


def _union_aux(arrays, params, stype, out):
    """Two sparse inputs: the union of their stored positions; one: its positions."""
    sparse = [a for a in arrays if isinstance(a, BaseSparseNDArray)]
    if len(sparse) == 2:
        return _union(*sparse)
    return _input_aux(arrays, params, stype, out)


def _zeros_aux(arrays, params, stype, out):
    return None


def _dot_aux(arrays, params, stype, out):
    """dot(csr.T, dense): the csr's columns are the stored rows."""
    lhs = arrays[0]
    if stype == "row_sparse" and lhs._aux is not None:
        return (np.unique(lhs._aux[1]).astype(np.int64),)
    return None


def _slice_aux(arrays, params, stype, out):
    """A row range of a csr array keeps the stored values of those rows."""
    x, begin, end = arrays[0], _as_tuple(params.get("begin")), _as_tuple(params.get("end"))
    if x._aux is None or len(begin) != 1:
        return None
    start, stop, _ = slice(begin[0], end[0]).indices(x.shape[0])
    stop = max(stop, start)
    indptr, indices = x._aux
    return indptr[start:stop + 1] - indptr[start], indices[indptr[start]:indptr[stop]]


def _as_tuple(v):
    return (v,) if isinstance(v, (int, np.integer)) or v is None else tuple(v)


def _rows_union_aux(arrays, params, stype, out):
    mask = np.logical_or.reduce([_mask(a) for a in arrays])
    return (np.flatnonzero(mask).astype(np.int64),)


#: how each operator's sparse result finds its stored positions (default: ``_input_aux``)
_POSITIONS = {
    "zeros_like": _zeros_aux, "dot": _dot_aux, "slice": _slice_aux, "add_n": _rows_union_aux,
    "concat": _zeros_aux, "take": _zeros_aux, "elemwise_add": _union_aux, "elemwise_sub": _union_aux,
    "elemwise_mul": _union_aux, "maximum": _union_aux, "minimum": _union_aux, "hypot": _union_aux, "_square_sum": lambda arrays, params, stype, out: arrays[0]._aux,
}


def _stored_only(lhs, out):
    """``out`` at the stored positions of the sparse ``lhs``, zero elsewhere."""
    from .ndarray import array
    mask = _mask(lhs)
    keep = np.broadcast_to(mask.reshape(mask.shape + (1,) * (lhs.ndim - mask.ndim)), out.shape)
    return _call("where", array(keep, ctx=out.context, dtype=out.dtype), out, _call("zeros_like", out))


def _inferred(name):
    """The rule of operator ``name``: its dense result, in the storage type ``storage_types``
    infers for the call (MXNet's FInferStorageType), with its stored positions."""
    positions = _POSITIONS.get(name, _input_aux)

    def rule(fn, args, kwargs):
        arrays, attrs = OPS[name].parse(args, dict(kwargs))
        params = dict(attrs)
        stype = sparse_result_stype(name, [getattr(a, "stype", "default") for a in arrays],
                                    [tuple(getattr(a, "shape", ())) for a in arrays], params)
        call_kwargs = {k: v for k, v in kwargs.items() if k != "forward_stype"}
        out = _dense_call(fn, args, call_kwargs)
        if stype == "default":
            return out
        if name in STORED_ONLY:
            out = _stored_only(arrays[0], out)
        return _wrap(_CLASSES[stype], out._value, positions(arrays, params, stype, out))
    return rule


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


_INFERRED = ZERO_PRESERVING + ("clip", "zeros_like", "dot", "slice", "add_n", "concat", "_square_sum", "take",
                               "_contrib_quadratic", "elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div",
                               "broadcast_add", "broadcast_sub", "broadcast_mul", "broadcast_div", "maximum",
                               "minimum", "hypot") + tuple(STORED_ONLY)
RULES = {name: _inferred(name) for name in _INFERRED}
RULES.update({"sgd_update": _lazy_update(0), "sgd_mom_update": _lazy_update(1), "adam_update": _lazy_update(2)})


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
    """``sparse <op> array``: MXNet's elemwise_* operator for equal shapes, broadcast_* otherwise.
    ``sparse <op> scalar`` keeps the storage type and stored positions when ``0 <op> scalar``
    is 0 (``x * 2``, ``x > 0``, ``x - 0``), as MXNet's scalar operators do; else dense."""
    fn = _SCALAR_OPS[name]
    dense_dunder = getattr(NDArray, f"__r{name}__" if reflected and name not in _REFLECTED else f"__{name}__")

    def dunder(self, other):
        if isinstance(other, NDArray):
            if reflected or name not in _ARRAY_OPS:
                return dense_dunder(_as_dense(self), _as_dense(other))
            op = _ARRAY_OPS[name]
            return getattr(_nd(), op.replace("broadcast_", "elemwise_") if self.shape == other.shape else op)(self, other)
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
        fn = getattr(namespaces[0], name)
        # a public name held by a Python helper (nd.maximum: broadcast_maximum) keeps its helper
        modules = [nd_module] if not name.startswith("_") and getattr(nd_module, name, None) is fn else []
        modules += list(namespaces)
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
