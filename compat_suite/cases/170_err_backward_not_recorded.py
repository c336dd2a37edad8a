"""Backward on something not recorded, or without attach_grad: MXNetError."""
from mxnet import autograd, nd
from mxnet.base import MXNetError
from compat_emit import emit, emit_error

x = nd.array([1.0, 2.0])
x.attach_grad()
y = x * 2
emit_error("backward_not_recorded", lambda: y.backward())
z = nd.array([1.0, 2.0])
with autograd.record():
    w = z * 2
emit_error("backward_no_attach_grad", lambda: w.backward())
emit_error("grad_not_recorded", lambda: autograd.grad(x * 3, [x]))
emit("is_mxnet_error_subclass_of_exception", issubclass(MXNetError, Exception))
