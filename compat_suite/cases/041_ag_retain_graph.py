"""retain_graph: backward twice on one graph; without it the second backward raises."""
from mxnet import autograd, nd
from mxnet.base import MXNetError
from compat_emit import emit, emit_error

x = nd.array([1.0, 2.0, 3.0])
x.attach_grad()
with autograd.record():
    y = x ** 3
y.backward(retain_graph=True)
emit("first", x.grad)
y.backward()
emit("second", x.grad)
emit_error("third_without_retain", lambda: y.backward())

with autograd.record():
    z = nd.sin(x) * 2
z.backward()
emit_error("again_without_retain", lambda: z.backward())
try:
    z.backward()
except MXNetError:
    emit("caught_as_MXNetError", True)
