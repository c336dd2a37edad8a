"""Parameter: initialize, data/grad, set_data, zero_grad, list_*, Constant, deferred shape, repr."""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from compat_emit import emit, emit_error

p = gluon.Parameter('weight', shape=(2, 3))
emit("repr_before", repr(p))
emit_error("data_uninitialized", lambda: p.data())
p.initialize(init=mx.init.Constant(1.5))
emit("data", p.data())
emit("grad", p.grad())
emit("list_data", p.list_data())
emit("list_ctx", [str(c) for c in p.list_ctx()])
p.set_data(nd.arange(6).reshape((2, 3)))
emit("set_data", p.data())
with autograd.record():
    y = (p.data() * p.data()).sum()
y.backward()
emit("grad_after", p.grad())
p.zero_grad()
emit("zero_grad", p.grad())
emit("dtype", str(np.dtype(p.dtype)))
emit("name", p.name)
emit("grad_req", p.grad_req)
p.grad_req = 'null'
emit_error("grad_when_null", lambda: p.grad())
emit_error("double_init_warning", lambda: p.initialize(init=mx.init.One()))
p.initialize(init=mx.init.One(), force_reinit=True)
emit("reinit", p.data())
c = gluon.Constant('c', nd.array([1, 2]))
c.initialize()
emit("constant", c.data())
emit("constant_grad_req", c.grad_req)
q = gluon.Parameter('q', shape=(0, 3), allow_deferred_init=True)
emit("deferred_shape", q.shape)
q.shape = (4, 3)
emit("shape_set", q.shape)
