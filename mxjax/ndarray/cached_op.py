"""``mx.nd.CachedOp(sym)``: a Symbol called like an operator on NDArrays.

MXNet compiles the graph once and runs it on each call.  mxjax runs it node by node through
the registry (``symbol.imperative.evaluate``), so autograd records it like any ``mx.nd``
code and the engine compiles it as a whole once the call repeats.  ``flags`` (MXNet's
static_alloc, static_shape, inline_limit...) are accepted and change nothing."""
from ..base import MXNetError


class CachedOp:
    """``op(*inputs, out=None, default_ctx=None)``: the inputs in ``sym.list_inputs()`` order
    (arguments and auxiliary states as they first appear), one NDArray per output (a single
    output alone), written into ``out`` when given."""

    def __init__(self, sym, flags=()):
        self._sym = sym
        self._inputs = sym.list_inputs()
        self._flags = dict(flags)

    def __call__(self, *args, out=None, default_ctx=None):
        from ..symbol.imperative import evaluate
        if len(args) != len(self._inputs):
            raise MXNetError(f"CachedOp expects {len(self._inputs)} inputs ({', '.join(self._inputs)}), "
                             f"got {len(args)}")
        outputs = evaluate(self._sym, dict(zip(self._inputs, args)))
        if out is not None:
            targets = out if isinstance(out, (list, tuple)) else [out]
            if len(targets) != len(outputs):
                raise MXNetError(f"CachedOp has {len(outputs)} outputs, out= gives {len(targets)} arrays")
            for target, value in zip(targets, outputs):
                target[:] = value
            return out
        return outputs[0] if len(outputs) == 1 else outputs
