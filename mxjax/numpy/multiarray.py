"""``mx.np.ndarray``: MXNet's NumPy-compatible array, a second facade over the same trace.

An ``ndarray`` is an ``NDArray`` handle (same Value, same engine, same autograd variable
machinery) whose class gives it NumPy semantics, as MXNet 1.9.1's ``mxnet.numpy.ndarray``:

* zero-dim arrays: ``x.sum()`` and ``x[1, 2]`` have shape ``()``;
* NumPy broadcasting and type promotion for arithmetic (``int32 + float64 -> float64``), a
  Python scalar taking the array's dtype (MXNet: ``int32_array * 1.5`` multiplies by 1),
  ``/`` of integers giving float32; comparisons return ``bool`` arrays;
* NumPy indexing with boolean masks and integer arrays; first-axis basic slices that keep
  at least one dimension are views, as in MXNet;
* ``dtype`` is a ``numpy.dtype``; ``item``/``tolist``; ``reshape``/``transpose``/``astype``
  with NumPy's signatures; NDArray-only methods (``asscalar``, ``softmax``...) do not exist.

Results of operators on ``ndarray`` are ``ndarray``: the handle is created directly in this
class (``wrap`` rehomes a fresh handle made by the nd layer onto the same Value), so no copy is
made.  ``ndarray`` derives from the nd layer's ``View``: an array with a base is a view (a
first-axis slice, a reshape) and one without a base a plain array, so both have exactly the
type ``mx.np.ndarray``, as MXNet's tests check.
"""
import weakref

import jax
import numpy as onp

from ..base import MXNetError, as_dtype
from ..context import current_context
from .._engine import executor
from .._engine.graph import apply_binary, apply_unary, constant, instance
from .._engine.state import state
from ..ndarray import ndarray as _nd
from ..ndarray.ndarray import MAX_PENDING_DEPTH, NDArray, _scalars, scalar_value, unrecorded
from ..ndarray.registry import OPS
from ._op import binary_scalar_dtype
from ..ndarray.view import View, make_view

__all__ = ["ndarray", "array", "wrap"]

_OP = OPS["_npi_op"]
_new = object.__new__
_weakref = weakref.ref


class ndarray(View):  # noqa: N801  (MXNet's class name)
    """MXNet's ``mxnet.numpy.ndarray`` (see the module docstring)."""
    __slots__ = ()
    __array_ufunc__ = None   # ``onp_array + x`` defers to ndarray.__radd__

    @property
    def dtype(self):
        """A ``numpy.dtype`` (NDArray.dtype is the scalar type), as MXNet's np.ndarray."""
        return self._value.dtype

    @property
    def T(self):
        return _call("transpose", self)

    @property
    def device(self):
        """The array's Context (MXNet 2's name for ``ctx``; 1.9.1 has only ``ctx``)."""
        return self._value.ctx

    @property
    def grad(self):
        """The gradient buffer, one ``ndarray`` handle: ``x.grad[:] = v`` writes the buffer a
        backward with ``grad_req='add'`` adds to."""
        if self._var is None:
            return None
        grad = self._var.grad
        return grad if grad is None or type(grad) is ndarray else wrap(grad)

    def attach_grad(self, grad_req="write", stype=None):
        NDArray.attach_grad(self, grad_req, stype)
        self._var.grad = wrap(self._var.grad)

    def __repr__(self):
        """NumPy's repr, with ``dtype=`` shown for every dtype but float32 and bool, and
        ``ctx=`` for a non-CPU context (MXNet's format)."""
        text = repr(self.asnumpy())
        dtype = self.dtype
        shown = "dtype=" in text
        if shown and dtype == onp.float32:
            text = text[:text.rindex(",")] + ")"
        elif not shown and dtype not in (onp.float32, onp.bool_):
            text = f"{text[:-1]}, dtype={dtype})"
        if self.context.device_type != "cpu":
            text = f"{text[:-1]}, ctx={self.context})"
        return text

    def __str__(self):
        text = str(self.asnumpy())
        if self.context.device_type == "cpu" or self.ndim == 0:
            return text
        return f"{text} @{self.context}"

    def __format__(self, fmt):
        if self.ndim == 0:
            return format(self.item(), fmt)
        if not fmt:
            return format(str(self), fmt)
        raise TypeError("Cannot format mxnet.numpy.ndarray with format_spec")

    def __array__(self, dtype=None, copy=None):
        data = self.asnumpy()
        return data if dtype is None else data.astype(dtype)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.size != 1 or self.dtype.kind not in "iub":
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return int(self.item())

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def item(self, *args):
        """A Python scalar: the only element, or the one at a flat index or index tuple."""
        return self.asnumpy().item(*args)

    def tolist(self):
        return self.asnumpy().tolist()

    def as_nd_ndarray(self):
        """An ``mx.nd.NDArray`` sharing this array's storage (writes go through)."""
        from ..ndarray.view import make_view
        return make_view(self, ("reshape", self.shape, False))

    def as_np_ndarray(self):
        return self

    def as_in_ctx(self, ctx):
        return self.as_in_context(ctx)

    def as_in_context(self, context):
        return wrap(NDArray.as_in_context(self, context))

    def copyto(self, other):
        return wrap(NDArray.copyto(self, other))

    def copy(self, order="C"):
        if order != "C":
            raise NotImplementedError(f"ndarray.copy: order={order!r} is not supported (only 'C')")
        return _call("copy", self)

    def detach(self):
        """The same data outside the autograd graph (a copy of the handle; MXNet's shares
        the buffer, mxjax's writes to it do not reach ``self``)."""
        return from_value(unrecorded(self._value))

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        dtype = as_dtype(dtype, None) if dtype is not None else onp.dtype(onp.float32)
        if not copy and self.dtype == dtype:
            return self
        return _call("astype", self, dtype=dtype.name)

    def reshape(self, *args, **kwargs):
        """NumPy's ``reshape(shape, order='C')`` (-1 infers one dimension); a view, as MXNet's."""
        order = kwargs.pop("order", "C")
        if "newshape" in kwargs or "shape" in kwargs:
            args = (kwargs.pop("newshape", None) or kwargs.pop("shape"),)
        if kwargs:
            raise TypeError(f"reshape() got unexpected keyword arguments {sorted(kwargs)}")
        if order != "C":
            raise NotImplementedError("reshape: only order='C' is supported by MXNet")
        shape = args[0] if len(args) == 1 and not isinstance(args[0], (int, onp.integer)) else args
        shape = (int(shape),) if isinstance(shape, (int, onp.integer)) else tuple(int(s) for s in shape)
        target = _np_reshape_target(self.shape, shape)
        if target == self.shape:
            return self
        view = _make_view(self, ("reshape", target, False))
        return view

    def transpose(self, *axes):
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return _call("transpose", self, axes=tuple(axes) if axes else None)

    def __getitem__(self, key):
        from .indexing import getitem
        return getitem(self, key)

    def __setitem__(self, key, value):
        from .indexing import setitem
        setitem(self, key, value)

    def __bool__(self):
        size = self.size
        if size == 0:
            return False
        if size == 1:
            return bool(self.asnumpy().reshape(-1)[0])
        raise ValueError("The truth value of an ndarray with more than one element is ambiguous. "
                         "Use a.any() or a.all()")

    def __neg__(self):
        return _call("negative", self)

    def __abs__(self):
        return _call("absolute", self)

    def __invert__(self):
        return _call("invert", self)

    def __pos__(self):
        return self

    def __matmul__(self, other):
        return _call("matmul", self, other)

    def __rmatmul__(self, other):
        return _call("matmul", other, self)


def _np_reshape_target(src, shape):
    """NumPy's reshape rules: one -1 is inferred; sizes must match (MXNetError as MXNet's)."""
    size = int(onp.prod(src, dtype=onp.int64))
    if shape.count(-1) > 1 or any(s < -1 for s in shape):
        raise MXNetError(f"Cannot reshape array of size {size} into shape {shape}: only one -1 is allowed "
                         f"and the other dimensions must be non-negative")
    if -1 in shape:
        known = int(onp.prod([s for s in shape if s != -1], dtype=onp.int64))
        if known == 0 or size % known:
            raise MXNetError(f"Cannot reshape array of size {size} into shape {shape}")
        shape = tuple(size // known if s == -1 else s for s in shape)
    if int(onp.prod(shape, dtype=onp.int64)) != size:
        raise MXNetError(f"Cannot reshape array of size {size} into shape {shape}")
    return shape


def _make_view(base, how):
    return make_view(base, how, ndarray)


def np_view(arr):
    """An ``ndarray`` view of NDArray ``arr`` sharing its storage (``NDArray.as_np_ndarray``)."""
    return _make_view(arr, ("reshape", arr.shape, False))


def _wrap_inherited():
    """NDArray methods that ``ndarray`` does not redefine (MXNet's legacy ``x.exp()``,
    ``x.expand_dims()``, ``x.asscalar()``) return ``ndarray`` too.  MXNet 1.9.1 raises
    AttributeError for many of them; mxjax is more permissive, as no program can depend on
    that error, and mxjax's own Gluon layers call them on NumPy inputs."""
    def make(method):
        def wrapped(self, *args, **kwargs):
            return wrap(method(self, *args, **kwargs))
        wrapped.__name__ = method.__name__
        wrapped.__doc__ = method.__doc__
        return wrapped
    own = set(vars(ndarray))
    for name, attr in list(vars(NDArray).items()):
        if not name.startswith("_") and name not in own and callable(attr) and not isinstance(attr, type):
            setattr(ndarray, name, make(attr))


def wrap(arr):
    """The same handle as an ``mx.np.ndarray`` (a fresh NDArray or View made by the nd layer;
    lists and tuples element-wise).  Other objects are returned as they are."""
    cls = type(arr)
    if cls is NDArray:
        out = from_value(arr._value)
        out._var = arr._var
        return out
    if cls is View:
        return make_view(arr._base, arr._how, ndarray) if arr._base is not None else from_value(arr._value)
    if cls is list or cls is tuple:
        return cls(wrap(a) for a in arr)
    return arr


def from_value(value):
    """A new ``ndarray`` handle on Value ``value`` (a view without a base)."""
    arr = _new(ndarray)
    arr._base = None
    arr._cache = value
    arr._var = None
    value.owner = _weakref(arr)
    return arr


def _call(name, *args, **kwargs):
    from ._functions import call
    return call(name, args, kwargs)


def array(object, dtype=None, ctx=None):  # noqa: A002  (NumPy's parameter name)
    """``mx.np.array``: a copy of ``object`` on ``ctx``.  Python data (lists, scalars) gives
    float32 unless ``dtype`` is given, as MXNet's; a NumPy or MXNet array keeps its dtype."""
    ctx = ctx or current_context()
    if isinstance(object, NDArray):
        dtype = object.dtype if dtype is None else dtype
        source = object.asnumpy()
    elif isinstance(object, onp.ndarray) or isinstance(object, onp.generic):
        source = object
        dtype = object.dtype if dtype is None else dtype
    else:
        source = object
        dtype = onp.float32 if dtype is None else dtype
    data = onp.array(source, dtype=as_dtype(dtype))
    return from_value(constant(jax.device_put(data, ctx.jax_device), ctx))


# ---- arithmetic dunders: one cached op instance per (function, avals), as NDArray's ------------------
_binary_instances = {}


_scalar_dtypes = {}   # (function, array dtype, number type) -> the number's dtype


def _binary_value(self, other, fn):
    """The Value of ``other`` for binary function ``fn`` with ``self`` (a Python or NumPy
    number takes the dtype ``binary_scalar_dtype`` gives, as MXNet's scalar kernels), or None
    if ``other`` is not an array or number."""
    value = self._value
    kind = type(other)
    if kind is float or kind is int or kind is bool or isinstance(other, onp.generic):
        key = (fn, value.dtype, kind)
        dtype = _scalar_dtypes.get(key)
        if dtype is None:
            dtype = _scalar_dtypes[key] = binary_scalar_dtype(fn, onp.dtype(value.dtype), other)
        return _scalars.get((other, kind, dtype, value.ctx)) or scalar_value(other, dtype, value.ctx)
    if isinstance(other, NDArray):
        return other._value
    if isinstance(other, onp.ndarray):
        return array(other, ctx=value.ctx)._value
    return None


def apply_binary_function(attrs, a, b):
    """A table function of two arrays with its default static arguments (``a + b``,
    ``np.add(a, b)``): one cached op instance per (function, avals); None where the function
    gives several arrays."""
    inst = _binary_instances.get((attrs, a.aval, b.aval))
    if inst is None:
        inst = instance(_OP, attrs, (a.aval, b.aval))
        if len(inst.out_avals) != 1:
            return None
        if len(_binary_instances) > 65536:
            _binary_instances.clear()
        _binary_instances[(attrs, a.aval, b.aval)] = inst
    out = apply_binary(inst, a, b, state.recording, a.ctx)
    if out.depth > MAX_PENDING_DEPTH:
        executor.flush([out])
    return from_value(out)


_unary_instances = {}


def apply_unary_function(attrs, a):
    """A table function of one array with its default static arguments (``np.exp(x)``): one
    cached op instance per (function, aval), as the dunders'; None where the function gives
    several arrays (the caller takes the general path)."""
    inst = _unary_instances.get((attrs, a.aval))
    if inst is None:
        inst = instance(_OP, attrs, (a.aval,))
        if len(inst.out_avals) != 1:
            return None
        if len(_unary_instances) > 65536:
            _unary_instances.clear()
        _unary_instances[(attrs, a.aval)] = inst
    out = apply_unary(inst, a, state.recording, a.ctx)
    if out.depth > MAX_PENDING_DEPTH:
        executor.flush([out])
    return from_value(out)


def _add_binary_dunders():
    table = {"add": "add", "sub": "subtract", "mul": "multiply", "truediv": "true_divide", "mod": "mod",
             "pow": "power", "lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal",
             "eq": "equal", "ne": "not_equal", "and": "bitwise_and", "or": "bitwise_or",
             "xor": "bitwise_xor"}
    comparisons = {"lt", "le", "gt", "ge", "eq", "ne"}

    def make(attrs, reflected, none_result):
        fn = attrs[0][1]

        def dunder(self, other):
            if other is None and none_result is not None:
                return none_result
            value = _binary_value(self, other, fn)
            if value is None:
                return NotImplemented
            if reflected:
                return apply_binary_function(attrs, value, self._value)
            return apply_binary_function(attrs, self._value, value)
        return dunder

    def make_inplace(attrs):
        fn = attrs[0][1]

        def dunder(self, other):
            value = _binary_value(self, other, fn)
            if value is None:
                return NotImplemented
            result = apply_binary_function(attrs, self._value, value)
            _nd.check_inplace_recording(self._value, result._value)
            self._assign(result._value)
            return self
        return dunder

    for dunder, fn in table.items():
        attrs = (("fn", fn), ("layout", (None, None)), ("kwargs", ()))
        none_result = {"eq": False, "ne": True}.get(dunder)
        setattr(ndarray, f"__{dunder}__", make(attrs, False, none_result))
        if dunder not in comparisons:
            setattr(ndarray, f"__r{dunder}__", make(attrs, True, None))
            setattr(ndarray, f"__i{dunder}__", make_inplace(attrs))
    ndarray.__hash__ = NDArray.__hash__


_add_binary_dunders()
