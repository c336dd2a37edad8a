"""NDArray: MXNet's imperative array, as a handle over a Value of the trace.

Operators never run here: ``invoke`` appends a node to the trace (shape and
dtype come from the op instance's cached inference, so errors are raised at
the call) and the value is computed at a sync point: ``asnumpy``,
``asscalar``, printing, ``wait_to_read``, ``backward``.  This is MXNet's
asynchronous engine, and it is what lets a repeated trace run as one
compiled XLA call.

In-place writes (``+=``, ``x[:] = v``, ``out=``) rebind the handle to a new
Value.  First-axis basic slices (``x[1:3]``, ``x[0]``) and ``reshape`` are
views, as in MXNet: writing into them writes the base, and they see later
writes to the base.
"""
import math
import weakref

import numpy as np

import jax
import jax.numpy as jnp

from ..base import MXNetError, as_dtype, numeric_types
from ..context import Context, current_context
from .._engine import deferral, executor
from .._engine.policy import MAX_PENDING_DEPTH
from .._engine.graph import (VarInfo, _instances, apply, apply_binary, apply_unary, constant, instance,
                             raise_all_failures, set_owner)
from .._engine.state import state
from .registry import OPS
from .storage_ids import (_DTYPE_MX_TO_NP, _DTYPE_NP_TO_MX, _GRAD_REQ_MAP, _STORAGE_TYPE_CSR,  # noqa: F401
                          _STORAGE_TYPE_DEFAULT, _STORAGE_TYPE_ID_TO_STR, _STORAGE_TYPE_ROW_SPARSE,
                          _STORAGE_TYPE_STR_TO_ID, _STORAGE_TYPE_UNDEFINED, py_slice)

__all__ = ["NDArray", "invoke", "from_value", "array", "waitall"]


_INPLACE_RECORDING = ("Inplace operations (+=, -=, x[:]=, etc) are not supported when recording with autograd: "
                      "write the result to a new array (y = x + v) inside autograd.record(), or update in place "
                      "outside it")


def check_inplace_recording(target, value):
    """MXNet refuses an in-place operator that reads the array it writes (``x += y``,
    ``x[i] = y``) while recording: with its "already in a computational graph" error when the
    target is in the graph, else when the result is (an input needs a gradient); ``x[:] = y``
    (a copy into ``x``) is allowed."""
    if state.recording:
        if target.is_recorded():
            raise MXNetError(_NOT_RECORDED_WRITE)
        if value.is_recorded():
            raise MXNetError(_INPLACE_RECORDING)


_NOT_RECORDED_WRITE = (
    "Assigning to NDArrays that are already in a computational graph will cause undefined behavior "
    "when evaluating gradients. Please call backward first to clear the graph or do this out side of "
    "a record section. Also note that you cannot use inplace operations like +=, *=, relu(x, out=x), "
    "y[idx]=x, etc inside a record section.")


def from_value(value):
    """A new NDArray handle on ``value``."""
    arr = _new(NDArray)
    arr._value = value
    arr._var = None
    value.owner = _weakref(arr)
    return arr


_new = object.__new__
_POSITION_DTYPE = np.dtype(np.int64)
_weakref = weakref.ref
_scalars = {}


def scalar_value(x, dtype, ctx):
    """A cached concrete 0-d leaf for a Python scalar, cast to ``dtype`` as MXNet does
    (an int32 array times 1.5 multiplies by 1).  Scalars are arguments of the compiled
    trace, never baked in, so a changing learning rate does not recompile.  It stays a host
    (numpy) value: a compiled trace gets its scalars packed into one array per dtype."""
    key = (x, type(x), dtype, ctx)
    v = _scalars.get(key)
    if v is None:
        if len(_scalars) > 4096:
            _scalars.clear()
        v = _scalars[key] = constant(np.asarray(x).astype(dtype), ctx)
    return v


def invoke(op, args, attrs, ctx=None):
    """Apply registered ``op`` to NDArray/scalar ``args``; returns NDArray or list of NDArrays.

    A Python scalar input takes the dtype of the first NDArray input.  ``ctx`` places ops
    without array inputs (creation, random sampling; default: the current context)."""
    ref = None
    for a in args:
        if isinstance(a, NDArray):
            ref = a._value
            break
    if ref is None:
        ctx = ctx or current_context()   # creation and sampling ops without array inputs
    else:
        ctx = ref.ctx
    values = [a._value if isinstance(a, NDArray) else scalar_value(a, ref.dtype, ctx) for a in args]
    if op.offsets is not None:
        attrs, positions = op.offsets([v.shape for v in values], **dict(attrs))
        values += [scalar_value(p, _POSITION_DTYPE, ctx) for p in positions]
    if op.uses_training:
        attrs = attrs + (("_training", state.training),)
    if op.random:
        from .. import random as _random
        values.insert(0, _random.next_key_value(ctx))
    return _apply(op, attrs, values, ctx)


def _apply(op, attrs, values, ctx):
    """Every operator call: op instance (cached), node, output handles."""
    avals = tuple([v.aval for v in values])
    inst = _instances.get((op, attrs, avals)) or instance(op, attrs, avals)
    outs = apply(inst, tuple(values), state.recording, ctx)
    if outs[0].depth > MAX_PENDING_DEPTH:
        executor.flush(outs)
    if len(outs) == 1:
        return from_value(outs[0])
    return [from_value(v) for v in outs]


# The hot paths (``nd.sin(x)``, ``x * 2``, ``a + b``): op instances with one output, keyed
# flat, so a call costs one dict lookup, one node and one handle.
_unary_instances = {}    # (op, attrs, aval) -> OpInstance
_binary_instances = {}   # (op, aval, aval) -> OpInstance of an attribute-less op


def _apply_unary(op, attrs, value, ctx):
    inst = _unary_instances.get((op, attrs, value.aval))
    if inst is None:
        inst = instance(op, attrs, (value.aval,))
        if len(inst.out_avals) != 1:
            return _apply(op, attrs, [value], ctx)
        _unary_instances[(op, attrs, value.aval)] = inst
    out = apply_unary(inst, value, state.recording, ctx)
    if out.depth > MAX_PENDING_DEPTH:
        executor.flush([out])
    return from_value(out)


def _apply_binary(op, a, b, ctx):
    inst = _binary_instances.get((op, a.aval, b.aval))
    if inst is None:
        inst = _binary_instances[(op, a.aval, b.aval)] = instance(op, (), (a.aval, b.aval))
    out = apply_binary(inst, a, b, state.recording, ctx)
    if out.depth > MAX_PENDING_DEPTH:
        executor.flush([out])
    return from_value(out)


def _call(name, *args, **attrs):
    op = OPS[name]
    arrays, attr_tuple = op.parse(args, attrs)
    return invoke(op, arrays, attr_tuple)


def unrecorded(value):
    """``value`` outside any autograd graph: the same data, or a pending value no gradient
    flows through (``detach``, auxiliary-state updates)."""
    if value.data is not None:
        return constant(value.data, value.ctx)
    inst = instance(OPS["BlockGrad"], (), (value.aval,))
    return apply(inst, (value,), False, value.ctx)[0]


class NDArray:
    """MXNet's NDArray (dense storage)."""
    __slots__ = ("_value", "_var", "__weakref__")
    __array_priority__ = 1000.0

    # ---- properties -------------------------------------------------------------------------
    @property
    def shape(self):
        return self._value.shape

    @property
    def dtype(self):
        """The numpy scalar type, as MXNet returns it (``numpy.float32``, not ``dtype('float32')``)."""
        return self._value.dtype.type

    @property
    def size(self):
        return math.prod(self.shape)

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def context(self):
        return self._value.ctx

    ctx = context

    @property
    def stype(self):
        return "default"

    @property
    def handle(self):
        return self

    @property
    def T(self):
        return _call("transpose", self)

    @property
    def grad(self):
        return None if self._var is None else self._var.grad

    @property
    def _fresh_grad(self):
        """Whether a backward wrote this variable's gradient since the flag was last cleared
        (MXNet's semantics: ``Trainer.step`` reads and clears it; False for a non-variable)."""
        return self._var is not None and self._var.fresh

    @_fresh_grad.setter
    def _fresh_grad(self, state):
        if self._var is not None:
            self._var.fresh = bool(state)

    # ---- values -----------------------------------------------------------------------------
    def _data(self):
        v = self._value
        if v.data is None:
            executor.materialize([v])
        return v.data

    def asnumpy(self):
        return np.array(self._data())

    def asscalar(self):
        """The single element, as a numpy scalar.  MXNet checks only the size, and returns a
        numpy *array* for e.g. shape (1, 1); mxjax returns the scalar, which modern numpy's
        ``float()`` accepts where it refuses a 2-d array."""
        if self.size != 1:
            raise ValueError(f"The current array is not a scalar: asscalar() needs one element, "
                                  f"this array has shape {self.shape}; index or reduce it first")
        return self.asnumpy().reshape(-1)[0]

    def wait_to_read(self):
        data = self._data()
        if hasattr(data, "block_until_ready"):
            data.block_until_ready()

    def __repr__(self):
        shape = "x".join(str(s) for s in self.shape)
        return f"\n{self.asnumpy()}\n<NDArray {shape} @{self.context}>"

    __str__ = __repr__

    def __bool__(self):
        size = self.size
        if size == 0:
            return False
        if size == 1:
            return bool(self.asnumpy().reshape(-1)[0])
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    def __array__(self, dtype=None, copy=None):
        """NumPy's view of the values (``np.asarray(x)``, ``np.all(x == 1)``).  MXNet 1.9.1's
        NDArray has none, so NumPy walked it as a nested sequence: an object array under
        numpy 1.x, an error under numpy 2; mxjax gives the values."""
        values = self.asnumpy()
        return values if dtype is None else values.astype(dtype, copy=False)

    def __len__(self):
        return self.shape[0]

    def __iter__(self):
        for i in range(self.shape[0]):
            yield self[i]

    def __hash__(self):
        return id(self)

    def __getstate__(self):
        """MXNet's pickle state: ``{'handle': the array's bytes in MXNet's NDArray format}``."""
        from .serialization import array_to_bytes
        return {"handle": bytearray(array_to_bytes(self))}

    def __setstate__(self, state_):
        """Unpickle (also ``copy.copy``/``deepcopy``) as MXNet does: an array pickled on a GPU
        comes back on that GPU if there is one, any other on cpu(0)."""
        from .serialization import array_from_bytes
        handle = state_["handle"]
        loaded = array_from_bytes(handle) if handle is not None else array(np.zeros((0,), np.float32))
        self._var = None
        self._rebind(constant(loaded._data(), loaded.context))

    # ---- copies and conversion --------------------------------------------------------------
    def copy(self):
        return _call("_copy", self)

    def copyto(self, other):
        if isinstance(other, NDArray):
            if other.shape != self.shape:
                raise MXNetError(f"copyto: shape mismatch, source {self.shape} vs target {other.shape}")
            other._assign(self.as_in_context(other.context).astype(other.dtype, copy=False)._value)
            return other
        if isinstance(other, Context):
            return self.as_in_context(other).copy()
        raise MXNetError(f"copyto does not support type {type(other).__name__}: pass an NDArray or a Context")

    def as_in_context(self, context):
        if context == self.context:
            return self
        data = jax.device_put(self._data(), context.jax_device)
        return from_value(constant(data, context))

    def as_nd_ndarray(self):
        return self

    def as_np_ndarray(self):
        """An ``mx.np.ndarray`` sharing this array's storage (writes go through), as MXNet's."""
        from ..numpy.multiarray import np_view
        return np_view(self)

    def astype(self, dtype, copy=True):
        dtype = as_dtype(dtype)
        if not copy and np.dtype(self.dtype) == dtype:
            return self
        return _call("cast", self, dtype=dtype)

    def tostype(self, stype):
        """A copy in storage ``stype`` ('default', 'row_sparse' or 'csr'; see ``sparse.py``)."""
        from .sparse import cast_storage
        return cast_storage(self, stype)

    def detach(self):
        """A handle on the same storage, outside the autograd graph (writes go through)."""
        from .view import make_view
        return make_view(self, ("detach",))

    def reshape(self, *shape, **kwargs):
        """Reshape with MXNet's special codes 0, -1, -2, -3, -4 (and ``reverse``); a view.

        As MXNet's method: a target with fewer elements is a ValueError, one with more an
        MXNetError (``nd.reshape``, the operator, raises MXNetError for both)."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        if "shape" in kwargs:
            shape = kwargs.pop("shape")
        reverse = kwargs.pop("reverse", False)
        if kwargs:
            raise MXNetError(f"reshape got unexpected arguments {sorted(kwargs)}; it takes shape and reverse")
        from .view import infer_reshape, make_view
        shape = tuple(int(s) for s in shape)
        target = infer_reshape(self.shape, shape, bool(reverse), exact=False)
        size, new_size = int(np.prod(self.shape, dtype=np.int64)), int(np.prod(target, dtype=np.int64))
        if new_size > size:
            raise MXNetError(f"NDArray.Reshape: target shape size is larger than the current shape "
                             f"({size} vs. {new_size}): cannot reshape {self.shape} into {shape}")
        if new_size != size:
            raise ValueError(f"Cannot reshape array of size {size} into shape {shape}")
        return make_view(self, ("reshape", shape, bool(reverse)))

    def reshape_like(self, *args, **kwargs):
        return _call("reshape_like", self, *args, **kwargs)

    def broadcast_to(self, shape):
        """MXNet's method checks the shapes itself and raises ValueError (the operator,
        ``nd.broadcast_to``, raises MXNetError); it also takes more dims than the array has."""
        shape = tuple(shape)
        padded = (1,) * (len(shape) - self.ndim) + self.shape
        if len(shape) < self.ndim or any(d != t and d != 1 and t != 0 for d, t in zip(padded, shape)):
            raise ValueError(f"operands could not be broadcast together with remapped shapes"
                             f"[original->remapped]: {self.shape} and requested shape {shape}")
        return _call("broadcast_to", self, shape=shape)

    def broadcast_like(self, other):
        return _call("broadcast_like", self, other)

    def zeros_like(self):
        return _call("zeros_like", self)

    def ones_like(self):
        return _call("ones_like", self)

    # ---- autograd -----------------------------------------------------------------------------
    def attach_grad(self, grad_req="write", stype=None):
        """Allocate a zero gradient buffer and make this array a variable for autograd.

        Inside ``record()`` this cuts the array from the graph it came from, as in MXNet.
        ``stype`` 'row_sparse' or 'csr' makes the gradient buffer a sparse array."""
        data = self._data()
        # zeros made on the host and moved: jnp.zeros would compile a kernel per new shape
        zeros = from_value(constant(jax.device_put(np.zeros(self.shape, data.dtype), self.context.jax_device),
                                    self.context))
        if stype not in (None, "default"):
            zeros = zeros.tostype(stype)
        self._make_variable(zeros, grad_req)

    def _make_variable(self, grad, grad_req):
        """Become an autograd variable (a new leaf) whose gradient goes into ``grad``."""
        if grad_req not in ("write", "add", "null"):
            raise MXNetError(f"grad_req must be 'write', 'add' or 'null', got {grad_req!r}")
        var = VarInfo(grad, grad_req)
        leaf = constant(self._data(), self.context)
        leaf.var = var
        self._rebind(leaf)
        self._var = var

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        from .. import autograd
        autograd.backward([self], None if out_grad is None else [out_grad], retain_graph, train_mode)

    # ---- mutation ---------------------------------------------------------------------------------
    def _holds(self, value):
        """Whether this handle's current version is ``value`` (without deriving anything)."""
        return self._value is value

    def _rebind(self, value):
        self._value = value
        set_owner(value, self)

    def _assign(self, value):
        """Write ``value`` (a Value of this array's shape) into this array, in place."""
        current = self._value
        if state.recording and current.is_recorded():
            raise MXNetError(_NOT_RECORDED_WRITE)
        if value.shape != current.shape:
            raise MXNetError(f"cannot assign an array of shape {value.shape} to an array of shape {current.shape}")
        if value.dtype != current.dtype or value.ctx != current.ctx:
            value = _call("cast", from_value(value), dtype=current.dtype).as_in_context(current.ctx)._value
        if self._var is not None:
            value = _call("_copy", from_value(value))._value
            value.var = self._var
        self._rebind(value)

    def _set_variable_data(self, data):
        """Replace the data by a concrete array, keeping the variable status and gradient
        buffer (a parameter update)."""
        self._set_variable_value(constant(data, self.context))

    def _set_variable_value(self, value):
        """Rebind to ``value`` (concrete or pending, outside any graph), keeping the variable
        status and gradient buffer: a variable whose new value is still pending (a deferred
        optimizer update) is computed before a backward needs it."""
        value.var = self._var
        self._rebind(value)

    def _drop_variable(self):
        """Stop being an autograd variable (grad_req 'null')."""
        self._var = None
        self._rebind(constant(self._data(), self.context))

    def _write_unrecorded(self, value):
        """Write ``value`` in place as a constant of no graph (auxiliary-state updates).  A
        pending update is deferred work (``deferral.defer``): the next sync point computes it
        with what it needs, so that no chain of updates, each reading the forward pass that
        made it, builds up from step to step until the state is read."""
        new = unrecorded(value)
        if new.data is None:
            deferral.defer([new])
        self._rebind(new)

    def __setitem__(self, key, value):
        from .indexing import setitem
        setitem(self, key, value)

    def __getitem__(self, key):
        from .indexing import getitem
        return getitem(self, key)

    # ---- arithmetic ---------------------------------------------------------------------------------
    def _binary(self, op, other, reflected=False):
        value = self._value
        if isinstance(other, NDArray):
            other = other._value
        elif isinstance(other, numeric_types):
            other = scalar_value(other, value.dtype, value.ctx)
        elif isinstance(other, np.ndarray):
            other = array(other, ctx=value.ctx, dtype=value.dtype)._value
        else:
            return NotImplemented
        if reflected:
            return _apply_binary(op, other, value, value.ctx)
        return _apply_binary(op, value, other, value.ctx)

    def _inplace(self, name, other):
        result = self._binary(name, other)
        if result is NotImplemented:
            return result
        check_inplace_recording(self._value, result._value)
        self._assign(result._value)
        return self

    def __neg__(self):
        return _call("negative", self)

    def __abs__(self):
        return _call("abs", self)

    def __pos__(self):
        return self

    def __invert__(self):
        return _call("logical_not", self)

    def __eq__(self, other):
        if other is None:
            return False
        return self._binary(OPS["broadcast_equal"], other)

    def __ne__(self, other):
        if other is None:
            return True
        return self._binary(OPS["broadcast_not_equal"], other)


def _add_binary_dunders():
    table = {
        "add": "broadcast_add", "sub": "broadcast_sub", "mul": "broadcast_mul", "truediv": "broadcast_div",
        "div": "broadcast_div", "mod": "broadcast_mod", "pow": "broadcast_power",
        "lt": "broadcast_lesser", "le": "broadcast_lesser_equal", "gt": "broadcast_greater",
        "ge": "broadcast_greater_equal",
    }
    reflected = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le"}

    def make(op, refl=False):
        def dunder(self, other):
            value = self._value
            kind = type(other)
            if kind is float or kind is int:
                other = (_scalars.get((other, kind, value.dtype, value.ctx))
                         or scalar_value(other, value.dtype, value.ctx))
            elif isinstance(other, NDArray):
                other = other._value
            elif isinstance(other, numeric_types):
                other = scalar_value(other, value.dtype, value.ctx)
            else:
                return self._binary(op, other, refl)
            if refl:
                return _apply_binary(op, other, value, value.ctx)
            return _apply_binary(op, value, other, value.ctx)
        return dunder

    def make_inplace(op):
        return lambda self, other: self._inplace(op, other)
    for dunder, name in table.items():
        op = OPS[name]
        setattr(NDArray, f"__{dunder}__", make(op))
        if dunder not in reflected:
            setattr(NDArray, f"__r{dunder}__", make(op, True))
        if dunder not in reflected and dunder != "pow":  # MXNet has no __ipow__: x **= y rebinds x
            setattr(NDArray, f"__i{dunder}__", make_inplace(op))


_add_binary_dunders()


def array(source_array, ctx=None, dtype=None):
    """``nd.array``: float32 unless ``dtype`` is given (an NDArray source keeps its dtype);
    a scipy csr matrix gives a CSRNDArray, as in MXNet."""
    ctx = ctx or current_context()
    if isinstance(source_array, NDArray):
        dtype = source_array.dtype if dtype is None else dtype
        source = source_array.asnumpy()
    elif type(source_array).__module__.startswith("scipy.sparse"):
        from . import sparse
        if not sparse._is_scipy(source_array, "csr"):
            raise TypeError("source_array must be array like object")
        return sparse.array(source_array, ctx=ctx, dtype=dtype)
    else:
        source = source_array
    # a copy, as MXNet's: jax.device_put may share a numpy buffer on the host, and the
    # caller's later writes into it must not reach the NDArray
    np_array = np.array(source, dtype=as_dtype(dtype))
    return from_value(constant(jax.device_put(np_array, ctx.jax_device), ctx))


def waitall():
    """Wait for all computation: this thread's deferred gradients and optimizer updates are
    computed now.  Other values still pending in mxjax's trace are computed when read.  As
    MXNet's, it raises the first asynchronous operator error (AsyncOpError) that no sync
    point has raised yet, and clears the others."""
    executor.materialize([])
    jax.effects_barrier()
    raise_all_failures()
