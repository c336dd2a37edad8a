"""Autograd misuse: gradients with respect to an array that is not a marked variable."""
from mxnet import autograd, nd
from compat_emit import emit, emit_error

x = nd.array([1.0, 2.0, 3.0])
x.attach_grad()
with autograd.record():
    y = x * 2
emit_error("grad_wrt_unattached", lambda: autograd.grad(y, [nd.ones((3,))]))
emit("still_ok", x.grad)
