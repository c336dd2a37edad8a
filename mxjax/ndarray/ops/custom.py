"""``Custom``: MXNet's operator implemented in Python (``mx.operator.CustomOp``), as one
entry of the registry whose signature comes from the registered CustomOpProp.

``nd.Custom(*data, op_type=..., **kwargs)`` takes the Prop's arguments then its auxiliary
states (positionally, or by their names), and returns the Prop's outputs; the auxiliary
states are written back in place.  The keyword arguments reach the Prop as strings.  The
engine side (host calls, gradients) is ``_engine/custom_op.py``."""
from ..._engine.custom_op import CustomInstance, CustomRunner, call_token, signature
from ...base import MXNetError
from ..registry import REQUIRED, Op, register


class CustomOperator(Op):
    """The registry's ``Custom`` op: free keyword attributes, inputs and outputs per Prop."""
    free_attrs = True
    instance_class = CustomInstance

    def signature(self, attrs):
        return signature(attrs)

    def aux_positions(self, attrs, n_inputs):
        sig = signature(attrs)
        return range(len(sig.arguments), len(sig.arguments) + len(sig.aux))

    def parse(self, args, kwargs):
        from ..ndarray import NDArray
        attrs = {k: v for k, v in kwargs.items() if not isinstance(v, NDArray)}
        if not attrs.get("op_type"):
            raise MXNetError("Required argument `op_type` is missing.")
        attrs = {k: str(v) for k, v in attrs.items()}
        arrays = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
        named = {k: v for k, v in kwargs.items() if isinstance(v, NDArray)}
        if named:
            sig = signature(attrs)
            names = sig.arguments + sig.aux
            unknown = [k for k in named if k not in names]
            if unknown:
                raise MXNetError(f"Custom operator {attrs['op_type']} has no input '{unknown[0]}'; "
                                 f"its inputs are {', '.join(names) or 'none'}")
            arrays += [named[k] for k in names[len(arrays):] if k in named]
        for a in arrays:
            if not isinstance(a, NDArray):
                raise MXNetError(f"Operator Custom: inputs must be NDArray, got {type(a).__name__}")
        from ...context import current_context
        from ..ndarray import from_value
        ctx = arrays[0].context if arrays else current_context()
        arrays.append(from_value(call_token(ctx)))   # this call's identity (custom_op.py)
        return arrays, tuple(sorted(attrs.items()))

    def bind(self, attrs):
        runner = CustomRunner(attrs)

        def fn(*arrays):
            return runner(*arrays)
        fn.runner = runner
        fn.__name__ = "Custom"
        return fn


def _custom(*data, **attrs):
    """Apply a custom operator implemented in Python (``mx.operator.CustomOp``), registered
    under ``op_type`` with ``mx.operator.register``.

    Parameters
    ----------
    data : NDArray[]
        Input data for the custom operator.
    op_type : string
        Name of the custom operator. This is the name that is passed to
        ``mx.operator.register`` to register the operator.
    """
    raise MXNetError("Custom runs through its CustomOpProp")   # never called: CustomOperator.bind


register("Custom", inputs=(), attrs=dict(op_type=REQUIRED), variadic=True, uses_training=True, mutates=("aux",),
         op_class=CustomOperator)(_custom)
