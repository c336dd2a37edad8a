"""``mx.operator``: operators written in Python (MXNet 1.9.1's CustomOp API).

Subclass ``CustomOp`` (``forward``/``backward`` on NDArrays, writing results with
``self.assign``) and ``CustomOpProp`` (names, shape and type inference, ``create_operator``),
register the Prop with ``@mx.operator.register("name")``, then call it as
``mx.nd.Custom(*inputs, op_type="name", **kwargs)`` (under autograd, inside hybridized
blocks) or ``mx.sym.Custom(...)`` in a symbol graph.  The keyword arguments reach the Prop's
constructor as strings, as in MXNet.  How the engine runs it: ``_engine/custom_op.py``.

The deprecated ``PythonOp`` interface (``NumpyOp`` on numpy arrays, ``NDArrayOp`` on
NDArrays: ``op.get_symbol(*symbols)``) is kept as MXNet 1.9.1 keeps it, each instance run
as a CustomOp registered for it.

Where mxjax differs: only dense storage ('default') is supported; ``infer_storage_type``
returning another storage type raises MXNetError.
"""
import itertools
import warnings

import numpy as np

from ._engine.custom_op import PROPS
from .ndarray.registry import OPS

__all__ = ["CustomOp", "CustomOpProp", "register", "get_all_registered_operators", "PythonOp", "NumpyOp",
           "NDArrayOp"]

_DEFAULT = "default"


class CustomOp:
    """Base class for operators implemented in Python."""

    def __init__(self):
        pass

    def forward(self, is_train, req, in_data, out_data, aux):
        """Compute ``out_data`` from ``in_data`` (lists of NDArrays); ``req`` says how to write
        each output ('null', 'write', 'inplace' or 'add'): use ``self.assign``.  ``is_train``
        is 1 in training mode, else 0."""

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        """Compute ``in_grad`` from ``out_grad``, ``in_data`` and ``out_data``; ``req`` says
        how to write each input gradient: use ``self.assign``."""

    def assign(self, dst, req, src):
        """Write ``src`` into ``dst`` as ``req`` says: 'write'/'inplace' overwrite, 'add' adds,
        'null' leaves ``dst`` alone."""
        if req == "null":
            return
        if req in ("write", "inplace"):
            dst[:] = src
        elif req == "add":
            dst[:] += src


class CustomOpProp:
    """Base class for the property of an operator implemented in Python: its argument,
    output and auxiliary-state names, shape/type inference and operator creation.

    ``need_top_grad``: whether ``backward`` uses the output gradients (False for a loss
    layer, whose head gradient the symbolic API then does not ask for)."""

    def __init__(self, need_top_grad=True):
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape):
        """(argument shapes, output shapes[, aux shapes]) from the argument shapes; by default
        every output has the first argument's shape."""
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type):
        """(argument types, output types[, aux types]); by default the first argument's type."""
        return in_type, [in_type[0]] * len(self.list_outputs()), [in_type[0]] * len(self.list_auxiliary_states())

    def infer_storage_type(self, in_stype):
        """Storage types: dense ('default') only."""
        for i, stype in enumerate(in_stype):
            if stype != _DEFAULT:
                raise AssertionError(
                    "Default infer_storage_type implementation doesnt allow non default stypes: found non "
                    f"default stype '{stype}' for in_stype[{i}]. Please implement infer_storage_type and "
                    "infer_storage_type_backward interface in your custom operator if you have non-default "
                    "input/output stypes")
        return in_stype, [_DEFAULT] * len(self.list_outputs()), [_DEFAULT] * len(self.list_auxiliary_states())

    def infer_storage_type_backward(self, ograd_stype, in_stype, out_stype, igrad_stype, aux_stype):
        """Storage types of the backward's arrays: dense ('default') only."""
        lists = [ograd_stype, in_stype, out_stype, igrad_stype, aux_stype]
        return tuple([_DEFAULT] * len(values) for values in lists)

    def list_outputs(self):
        return ["output"]

    def list_arguments(self):
        return ["data"]

    def list_auxiliary_states(self):
        return []

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """The ids (from ``out_grad``, ``in_data``, ``out_data``) backward needs; mxjax gives
        backward all of them whatever this returns."""
        deps = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps

    def create_operator(self, ctx, in_shapes, in_dtypes):
        """The CustomOp doing the computation, for the context and input shapes and dtype
        codes (arguments then auxiliary states)."""
        return CustomOp()


def register(reg_name):
    """Decorator registering a CustomOpProp subclass under ``reg_name`` (a later registration
    under the same name replaces it, as in MXNet)."""
    def do_register(prop_cls):
        PROPS[reg_name] = prop_cls
        return prop_cls
    return do_register


register("custom_op")(CustomOpProp)


def get_all_registered_operators():
    """The names of all registered operators."""
    return list(OPS)



# ---- deprecated: PythonOp, NumpyOp, NDArrayOp ----------------------------------------------
_python_op_ids = itertools.count()


class PythonOp:
    """Deprecated base class of operators implemented in Python (use CustomOp).

    ``need_top_grad``: what ``need_top_grad()`` returns (False for loss layers)."""

    def __init__(self, need_top_grad=True):
        self.need_top_grad_ = need_top_grad
        warnings.warn("PythonOp has been deprecated. Please use CustomOp")

    def __call__(self, *args, **kwargs):
        return self.get_symbol(*args, **kwargs)

    def get_symbol(self, *args, **kwargs):
        """A symbol applying this operator to the symbols ``args``."""
        raise NotImplementedError("Must override this")

    def forward(self, in_data, out_data):
        """Copy the input to the output (override to compute)."""
        out_data[0][:] = in_data[0]

    def backward(self, out_grad, in_data, out_data, in_grad):
        """A gradient of ones (override to compute)."""
        in_grad[0][:] = 1.0

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]]

    def list_outputs(self):
        return ["output"]

    def list_arguments(self):
        return ["data"]

    def need_top_grad(self):
        return self.need_top_grad_

    def _symbol(self, as_arrays, args, kwargs):
        """``mx.sym.Custom`` over a Prop registered for this instance; ``as_arrays`` turns the
        CustomOp's NDArrays into what this op's forward/backward take."""
        python_op = self

        class _Op(CustomOp):
            def forward(self, is_train, req, in_data, out_data, aux):
                outs = as_arrays(out_data, fresh=True)
                python_op.forward(in_data=as_arrays(in_data), out_data=outs)
                for dst, r, src in zip(out_data, req, outs):
                    self.assign(dst, r, src)

            def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
                grads = as_arrays(in_grad, fresh=True)
                python_op.backward(out_grad=as_arrays(out_grad), in_data=as_arrays(in_data),
                                   out_data=as_arrays(out_data), in_grad=grads)
                for dst, r, src in zip(in_grad, req, grads):
                    self.assign(dst, r, src)

        class _Prop(CustomOpProp):
            def __init__(self):
                super().__init__(need_top_grad=python_op.need_top_grad())

            def list_arguments(self):
                return python_op.list_arguments()

            def list_outputs(self):
                return python_op.list_outputs()

            def infer_shape(self, in_shape):
                return python_op.infer_shape(in_shape)

            def create_operator(self, ctx, in_shapes, in_dtypes):
                return _Op()

        reg_name = f"_python_op{next(_python_op_ids)}"
        register(reg_name)(_Prop)
        from . import symbol
        return symbol.Custom(*args, op_type=reg_name, **kwargs)


class NumpyOp(PythonOp):
    """Deprecated: a PythonOp whose forward and backward work on numpy arrays, written in place."""

    def __init__(self, need_top_grad=True):
        super().__init__(need_top_grad)
        warnings.warn("NumpyOp has been deprecated. Please use CustomOp")

    def get_symbol(self, *args, **kwargs):
        def as_numpy(arrays, fresh=False):
            return [np.zeros(a.shape, np.float32) if fresh else a.asnumpy().astype(np.float32) for a in arrays]
        return self._symbol(as_numpy, args, kwargs)


class NDArrayOp(PythonOp):
    """Deprecated: a PythonOp whose forward and backward work on NDArrays."""

    def __init__(self, need_top_grad=True):
        super().__init__(need_top_grad)
        warnings.warn("NDArrayOp has been deprecated. Please use CustomOp")

    def get_symbol(self, *args, **kwargs):
        from .ndarray import zeros

        def as_ndarrays(arrays, fresh=False):
            return [zeros(a.shape, dtype=a.dtype) if fresh else a for a in arrays]
        return self._symbol(as_ndarrays, args, kwargs)

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """The ids backward needs (mxjax gives backward all arrays)."""
        deps = list(out_grad) if self.need_top_grad() else []
        return deps + list(in_data) + list(out_data)
