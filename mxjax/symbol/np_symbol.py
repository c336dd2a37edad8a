"""``mx.sym.np``: MXNet 1.9.1's symbolic NumPy front end (``mxnet.symbol.numpy``).

A hybridized Gluon block under ``npx.set_np()`` writes ``F.np.<fn>(...)``; when the block is
traced symbolically (``export``, a call with Symbols) ``F`` is ``mx.sym`` and these functions
build the graph.  They come from the same table as ``mx.np`` (``mxjax/numpy/_functions.py``):
each call is a node of the registry operator ``_npi_op`` with the same attributes (``fn``,
``layout``, ``kwargs``) that ``mx.np`` records, so the graph computes exactly what the
imperative call computes, and nothing is written twice.  A Python number among the array
arguments is a ``("scalar", v)`` entry of the node's layout and takes its dtype when the graph
runs, by ``mx.np``'s rule.

``_Symbol`` is MXNet's NumPy symbol class: arithmetic, comparisons and indexing with NumPy's
semantics, the table's methods (``x.sum(axis=1)``, ``x.reshape(...)``, ``x.T``) and
``as_nd_ndarray()`` back to a legacy ``Symbol``.

Where mxjax differs: the JSON of such a graph names the operator ``_npi_op`` (one generic
operator, ``fn`` saying which function), not MXNet's one operator per function (``_npi_add``,
``_np_sum``...); mxjax reads it back (``SymbolBlock.imports``, ``mx.sym.load``), MXNet does not.
Creation functions (``zeros``...) and ``mx.sym.np.random`` are in ``np_symbol_creation.py``;
host-computed functions (``unique``, ``nonzero``) have no symbolic form here.
"""
import math
import types

import numpy as onp

from ..ndarray.registry import OPS
from .symbol import Symbol, create

_OP = OPS["_npi_op"]


class _Symbol(Symbol):
    """MXNet's ``mxnet.symbol.numpy._Symbol``: a Symbol with NumPy array semantics."""
    __slots__ = ()

    def as_nd_ndarray(self):
        """The same graph as a legacy ``Symbol`` (MXNet's nd operator semantics)."""
        return Symbol(self._outputs)

    def as_np_ndarray(self):
        return self

    def __getitem__(self, key):
        """A group's ``i``-th output (as a legacy Symbol's), else NumPy basic indexing (ints,
        slices, None, Ellipsis)."""
        if len(self._outputs) > 1 or isinstance(key, str):
            return Symbol.__getitem__(self, key).as_np_ndarray()
        items = key if isinstance(key, tuple) else (key,)
        if all(isinstance(k, slice) or _is_int(k) for k in items):
            return _basic_slice(self, items)
        from ..numpy._functions import encode_basic_key
        return call("_getitem", (self,), {"key": encode_basic_key(key)})

    def __iter__(self):
        return (_Symbol([entry]) for entry in self._outputs)

    @property
    def T(self):
        return call("transpose", (self,), {})

    def reshape(self, *args, **kwargs):
        """NumPy's ``reshape(shape, order='C')``."""
        shape = kwargs.pop("newshape", None) or kwargs.pop("shape", None)
        if shape is None:
            shape = args[0] if len(args) == 1 else args
        shape = (int(shape),) if isinstance(shape, (int, onp.integer)) else tuple(int(s) for s in shape)
        return call("reshape", (self,), dict(kwargs, newshape=shape))

    def transpose(self, *axes):
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return call("transpose", (self,), {"axes": tuple(axes) if axes else None})

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        return call("astype", (self,), {"dtype": onp.dtype(dtype if dtype is not None else "float32").name})


def _is_int(k):
    return isinstance(k, (int, onp.integer)) and not isinstance(k, (bool, onp.bool_))


def _basic_slice(sym, items):
    """``sym[ints and slices]`` as MXNet builds it: a ``slice`` node, then an ``npx.reshape``
    (-2 keep, -3 drop, -4 the rest) dropping the dimensions an int indexed."""
    begin, end, step = [], [], []
    for k in items:
        if isinstance(k, slice):
            begin.append(k.start)
            end.append(k.stop)
            step.append(k.step)
        else:
            k = int(k)
            begin.append(k)
            end.append(None if k == -1 else k + 1)
            step.append(1)
    out = create(OPS["slice"], "slice", (sym,), {"begin": begin, "end": end, "step": step})
    if all(isinstance(k, slice) for k in items):
        return _Symbol(out._outputs)
    codes = tuple(-2 if isinstance(k, slice) else -3 for k in items) + (-4,)
    return call("_npx_reshape", (out,), {"newshape": codes})


def _scalar_entry(value):
    value = value.item() if isinstance(value, onp.generic) else value
    if isinstance(value, float) and not math.isfinite(value):
        value = repr(value)   # 'inf', 'nan': read back by float()
    return ("scalar", value)


def call(name, args, kwargs):
    """A node of ``_npi_op`` applying table function ``name`` to Symbols and numbers."""
    from ..numpy import _functions
    kwargs = dict(kwargs)
    node_name = kwargs.pop("name", None)
    kwargs.pop("out", None)
    values, kw = _functions._bind(name, args, kwargs)
    arrays, _, _, sequences = _functions._PARSE[name]
    flat, layout = [], []
    for a, seq in zip(arrays, sequences):
        items = list(values[a]) if seq else [values[a]]
        if seq:
            layout.append(len(items))
        for item in items:
            if isinstance(item, Symbol):
                flat.append(item)
                if not seq:
                    layout.append(None)
            elif isinstance(item, (int, float, bool, onp.number, onp.bool_)) and not seq:
                layout.append(_scalar_entry(item))
            else:
                raise TypeError(f"mx.sym.np.{name}: argument {a} must be a Symbol or a number in a symbolic "
                                f"graph, got {type(item).__name__}")
    hint = name.lstrip("_").replace("npx_", "") + ("_scalar" if any(isinstance(e, tuple) for e in layout) else "")
    sym = create(_OP, hint, flat, {"fn": name, "layout": tuple(layout), "kwargs": kw, "name": node_name})
    if name in _functions.LIST_OUTPUTS:
        return [_Symbol([entry]) for entry in sym._outputs]   # as MXNet: split(x, 1) is a list of one
    return _Symbol(sym._outputs)


def make_function(name, public=None):
    public = public or name

    def function(*args, **kwargs):
        return call(name, args, kwargs)
    function.__name__ = function.__qualname__ = public
    function.__doc__ = f"``mx.sym.np.{public}``: a graph node of NumPy's {public} (see mxjax/numpy/_functions.py)."
    return function


def einsum(*operands, **kwargs):
    """``mx.sym.np.einsum(subscripts, *operands)``."""
    kwargs.pop("optimize", None)
    return call("einsum", (operands[1:],), dict(kwargs, subscripts=operands[0]))


def where(condition, x=None, y=None):
    """``mx.sym.np.where(condition, x, y)`` (the one-argument form's shape depends on the data:
    not symbolic, as in MXNet)."""
    if x is None or y is None:
        raise TypeError("mx.sym.np.where: x and y are required in a symbolic graph")
    return call("where", (condition, x, y), {})


def average(a, axis=None, weights=None, returned=False, out=None):
    """``mx.sym.np.average``."""
    if weights is None:
        return call("_average", (a,), dict(axis=axis, returned=returned))
    return call("_average_w", (a, weights), dict(axis=axis, returned=returned))


def _binary(name, swap=False):
    def method(self, other):
        return call(name, (other, self) if swap else (self, other), {})
    method.__name__ = name
    return method


def _unary(name):
    def method(self):
        return call(name, (self,), {})
    method.__name__ = name
    return method


_OPERATORS = {"add": "add", "sub": "subtract", "mul": "multiply", "truediv": "true_divide", "div": "true_divide",
              "mod": "mod", "pow": "power", "matmul": "matmul", "and": "bitwise_and", "or": "bitwise_or",
              "xor": "bitwise_xor", "floordiv": None}
for _op_name, _fn in _OPERATORS.items():
    if _fn is None:
        continue
    setattr(_Symbol, f"__{_op_name}__", _binary(_fn))
    setattr(_Symbol, f"__r{_op_name}__", _binary(_fn, swap=True))
for _op_name, _fn in (("eq", "equal"), ("ne", "not_equal"), ("lt", "less"), ("le", "less_equal"),
                      ("gt", "greater"), ("ge", "greater_equal")):
    setattr(_Symbol, f"__{_op_name}__", _binary(_fn))
_Symbol.__neg__ = _unary("negative")
_Symbol.__abs__ = _unary("absolute")
_Symbol.__invert__ = _unary("invert")
_Symbol.__hash__ = object.__hash__


def _method(name):
    def method(self, *args, **kwargs):
        return call(name, (self,) + args, kwargs)
    method.__name__ = name
    return method


def populate(module_name):
    """The module ``mx.sym.np``: a function per table name mx.np exports, ``linalg`` and
    ``_Symbol``; gives ``_Symbol`` the table's methods."""
    from .. import numpy as np_module
    from ..numpy import _functions
    module = types.ModuleType(module_name, __doc__)
    module._Symbol = _Symbol
    for name in np_module.__all__:
        if name in _functions.SPECS and name not in ("einsum", "where", "average"):
            setattr(module, name, make_function(name))
    module.einsum, module.where, module.average = einsum, where, average
    linalg = types.ModuleType(f"{module_name}.linalg")
    for name in _functions.SPECS:
        if name.startswith("linalg."):
            setattr(linalg, name[len("linalg."):], make_function(name, name[len("linalg."):]))
    module.linalg = linalg
    from . import np_symbol_creation
    np_symbol_creation.populate(module)
    for name in _functions.METHODS:
        if name != "nonzero":
            setattr(_Symbol, name, _method(name))
    return module
