"""copy/copyto/as_in_context/context and detach semantics."""
import mxnet as mx
from mxnet import nd
from compat_emit import emit

x = nd.array([1, 2, 3], ctx=mx.cpu())
y = x.copy()
y[0] = 10
emit("copy", (x, y))
z = x.as_in_context(mx.cpu())
emit("as_in_context_same", z is x)
w = x.copyto(mx.cpu())
w[1] = 20
emit("copyto_ctx", (x, w))
emit("ctx", str(x.ctx))
emit("context_type", (x.context.device_type, x.context.device_id))
emit("current_context", str(mx.current_context()))
with mx.Context(mx.cpu(0)):
    emit("with_context", str(nd.ones((1,)).context))
emit("num_gpus_type", type(mx.context.num_gpus()).__name__)
emit("cpu_pinned", str(mx.cpu_pinned()))
emit("ctx_eq", (mx.cpu(0) == mx.cpu(), mx.cpu(0) == mx.cpu(1)))
