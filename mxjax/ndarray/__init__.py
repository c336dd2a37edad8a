"""``mx.nd``: NDArray, creation functions, and one function per registered operator.

The operator functions (``nd.sin``, ``nd.dot``, ``nd.Dropout`` ...) and the
NDArray methods (``x.sum()``, ``x.softmax()``...) are generated from the
registry in ``registry.py``; nothing here is written out per operator.
"""
import sys
import types

import jax.numpy as jnp
import numpy as np

from ..base import MXNetError, as_dtype, missing_api
from ..context import current_context
from .._engine.graph import constant
from . import ops  # noqa: F401  (fills the registry)
from . import indexing, view  # noqa: F401  (registers _getitem/_setitem/Reshape)
from .interop import from_dlpack, from_jax, from_numpy, to_dlpack_for_read, to_dlpack_for_write, to_jax
from . import random
from .ndarray import NDArray, _apply_unary, array, from_value, invoke, waitall
from .registry import OPS

__all__ = ["NDArray", "array", "zeros", "ones", "full", "empty", "arange", "waitall", "random", "sparse",
           "split_v2", "from_numpy", "from_dlpack", "from_jax", "to_jax", "to_dlpack_for_read", "to_dlpack_for_write",
           "op", "_internal", "linalg", "contrib"] + sorted(n for n in OPS if not n.startswith("_"))


def _make_function(op):
    unary_fast_path = (len(op.inputs) == 1 and op._defaults is not None and not op.variadic
                       and not op.uses_training and not op.random)
    defaults = op._defaults

    def function(*args, out=None, name=None, **kwargs):
        if unary_fast_path and len(args) == 1 and not kwargs and out is None and isinstance(args[0], NDArray):
            value = args[0]._value   # nd.sin(x): skip argument parsing
            return _apply_unary(op, defaults, value, value.ctx)
        arrays, attrs = op.parse(args, kwargs)
        result = invoke(op, arrays, attrs)
        if op.mutates:
            result = _write_back_aux_states(op, arrays, attrs, result)
        if out is None:
            return result
        if isinstance(out, (list, tuple)):
            for o, r in zip(out, result):
                o._assign(r._value)
            return out
        out._assign(result._value)
        return out
    function.__name__ = op.name
    function.__qualname__ = op.name
    function.__doc__ = op.__doc__
    return function


def _write_back_aux_states(op, arrays, attrs, result):
    """Ops with auxiliary states (BatchNorm's moving mean/var) return their new values last;
    MXNet updates those input arrays in place, outside the autograd graph.  A variadic op
    (``reset_arrays``) updates every input; with no other output it returns ``[]``."""
    targets = [arrays[i] for i in op.aux_positions(attrs, len(arrays))]
    k = len(targets)
    if not k:
        return result
    result = result if isinstance(result, list) else [result]
    visible, new_states = result[:-k], result[-k:]
    for target, new in zip(targets, new_states):
        target._write_unrecorded(new._value)
    return visible[0] if len(visible) == 1 else visible


def _make_method(function, view):
    if view:
        def method(self, *args, inplace=False, **kwargs):
            result = function(self, *args, **kwargs)
            return self.reshape(result.shape) if inplace else result
    else:
        def method(self, *args, **kwargs):
            return function(self, *args, **kwargs)
    method.__name__ = function.__name__
    method.__doc__ = function.__doc__
    return method


op = types.ModuleType(__name__ + ".op", "Every registered operator by its MXNet name (``nd.op.sin``).")
_internal = types.ModuleType(__name__ + "._internal", "Operators by their internal names (``nd._internal._plus``).")
linalg = types.ModuleType(__name__ + ".linalg", "Linear algebra: the ``_linalg_*`` operators (``nd.linalg.gemm2``).")
contrib = types.ModuleType(__name__ + ".contrib", "The ``_contrib_*`` operators (``nd.contrib.arange_like``).")
image = types.ModuleType(__name__ + ".image", "The ``_image_*`` operators (``nd.image.normalize``).")
#: MXNet's naming convention: an operator registered as ``_linalg_gemm2`` is ``nd.linalg.gemm2``
NAMESPACES = {"_linalg_": linalg, "_contrib_": contrib, "_image_": image}
_module = sys.modules[__name__]
for _name, _op in OPS.items():
    _fn = _make_function(_op)
    setattr(op, _name, _fn)
    setattr(_internal, _name, _fn)
    if not _name.startswith("_"):
        setattr(_module, _name, _fn)
    for _prefix, _namespace in NAMESPACES.items():
        if _name.startswith(_prefix):
            setattr(_namespace, _name[len(_prefix):], _fn)
    if _op.method and _name == _op.name and not hasattr(NDArray, _op.method):
        setattr(NDArray, _op.method, _make_method(_fn, _op.view_method))
for _namespace in (op, _internal, linalg, contrib, image):
    sys.modules[_namespace.__name__] = _namespace
image.__getattr__ = missing_api(image.__name__)   # MXNet's image operators mxjax lacks (resize...)


def _shape(shape):
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)


def _filled(shape, value, ctx, dtype):
    ctx = ctx or current_context()
    data = jnp.full(_shape(shape), value, as_dtype(dtype), device=ctx.jax_device)
    return from_value(constant(data, ctx))


def _into(out, result, check_dtype):
    """MXNet's ``out=`` of the creation operators: the inferred shape (and for ``_zeros`` /
    ``_ones`` the dtype, float32 unless given) must match ``out``'s, else MXNetError."""
    if out is None:
        return result
    if result.shape != out.shape:
        raise MXNetError(f"Shape inconsistent, Provided = {list(out.shape)}, inferred shape={list(result.shape)}")
    if check_dtype and result.dtype != out.dtype:
        raise MXNetError(f"Type inconsistent, Provided = {np.dtype(out.dtype).name}, "
                         f"inferred type = {np.dtype(result.dtype).name}")
    out._assign(result._value)
    return out


def zeros(shape, ctx=None, dtype=None, stype=None, out=None, **kwargs):
    """An array of zeros (float32 unless ``dtype`` is given); ``stype`` 'row_sparse' or 'csr'
    gives an empty sparse array."""
    if stype not in (None, "default"):
        return sparse.zeros(stype, shape, ctx=ctx, dtype=dtype)
    return _into(out, _filled(shape, 0, ctx, dtype), True)


def ones(shape, ctx=None, dtype=None, out=None, **kwargs):
    return _into(out, _filled(shape, 1, ctx, dtype), True)


def full(shape, val, ctx=None, dtype=None, out=None):
    """An array filled with ``val``; with ``out``, written into it in out's dtype."""
    return _into(out, _filled(shape, val, ctx, dtype), False)


def empty(shape, ctx=None, dtype=None, stype=None):
    """MXNet leaves the memory uninitialised; mxjax gives zeros."""
    return zeros(shape, ctx, dtype, stype)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=None):
    """``nd.arange``: the ``_arange`` operator (float32 by default, each value repeated ``repeat``
    times; values computed in the target dtype as MXNet does)."""
    return _internal._arange(start=start, stop=stop, step=step, repeat=repeat, ctx=ctx,
                             dtype=as_dtype(dtype).name)


def concatenate(arrays, axis=0, always_copy=True):
    return _module.concat(*arrays, dim=axis)


def _axis_tuple(axes, ndim, what):
    axes = (axes,) if isinstance(axes, (int, np.integer)) else tuple(axes)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(f"{what} should verify -ndim <= {what.lower()} < ndim ({ndim}); got {a}")
    out = tuple(int(a) % ndim for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in `{what.lower()}` argument: {axes}")
    return out


def moveaxis(tensor, source, destination):
    """Move axes ``source`` (an int or a sequence) to positions ``destination``, other axes keeping
    their order (numpy.moveaxis); bad axes raise ValueError, as MXNet."""
    source = _axis_tuple(source, tensor.ndim, "Source")
    destination = _axis_tuple(destination, tensor.ndim, "Destination")
    if len(source) != len(destination):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    order = [n for n in range(tensor.ndim) if n not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return tensor.transpose(axes=tuple(order))


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split ``ary`` along ``axis`` (numpy.split): an int gives that many equal parts (ValueError
    when the axis does not divide evenly), a tuple of ints the positions to cut at (a list of
    arrays, one array when there is one part)."""
    if isinstance(indices_or_sections, int):
        size = ary.shape[axis]
        if size % indices_or_sections:
            raise ValueError("array split does not result in an equal division")
        step = size // indices_or_sections
        indices = [i * step for i in range(indices_or_sections)]
    elif isinstance(indices_or_sections, tuple):
        indices = [0] + list(indices_or_sections)
    else:
        raise ValueError("indices_or_sections must either int or tuple of ints")
    return _internal._split_v2(ary, indices, axis, squeeze_axis)


NDArray.split_v2 = lambda self, *args, **kwargs: split_v2(self, *args, **kwargs)
NDArray.split_v2.__doc__ = split_v2.__doc__


NDArray.to_dlpack_for_read = to_dlpack_for_read
NDArray.to_jax = to_jax
NDArray.to_dlpack_for_write = to_dlpack_for_write
NDArray._basic_indexing_slice_is_contiguous = staticmethod(indexing.basic_indexing_slice_is_contiguous)


def onehot_encode(indices, out):
    return _module.one_hot(indices, depth=out.shape[1], out=out)
ops.creation.install(_module)  # plain functions of the math family: nd.eye, nd.linspace, contrib.boolean_mask...
from .serialization import save, load, load_frombuffer  # noqa: E402,F401  (nd.save / nd.load: MXNet 1.9.1 file format)
from . import sparse, sparse_ops  # noqa: E402  (mx.nd.sparse; storage rules of sparse arguments)
sparse_ops.install(_module, (op, _internal), sparse, contrib)
from . import control_flow  # noqa: E402  (nd.contrib.foreach / while_loop / cond)
control_flow.install(contrib)
from . import contrib_functions  # noqa: E402  (nd.contrib.adamw_update, multi_lamb_update, rand_zipfian ...)
contrib_functions.install(contrib)
from .cached_op import CachedOp  # noqa: E402,F401


from ..base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
