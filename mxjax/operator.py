"""``mx.operator``: operators written in Python (MXNet 1.9.1's CustomOp API).

Subclass ``CustomOp`` (``forward``/``backward`` on NDArrays, writing results with
``self.assign``) and ``CustomOpProp`` (names, shape and type inference, ``create_operator``),
register the Prop with ``@mx.operator.register("name")``, then call it as
``mx.nd.Custom(*inputs, op_type="name", **kwargs)`` (under autograd, inside hybridized
blocks) or ``mx.sym.Custom(...)`` in a symbol graph.  The keyword arguments reach the Prop's
constructor as strings, as in MXNet.  How the engine runs it: ``_engine/custom_op.py``.

Where mxjax differs: only dense storage ('default') is supported; ``infer_storage_type``
returning another storage type raises MXNetError.  The deprecated ``PythonOp``/``NumpyOp``/
``NDArrayOp`` interfaces are not provided.
"""
from ._engine.custom_op import PROPS
from .ndarray.registry import OPS

__all__ = ["CustomOp", "CustomOpProp", "register", "get_all_registered_operators"]

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

