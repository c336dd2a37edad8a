"""In-place writes inside record() into arrays the graph holds raise MXNetError; outside they are fine."""
from mxnet import autograd, nd
from compat_emit import emit, emit_error

x = nd.array([1.0, 2.0, 3.0])
x.attach_grad()
with autograd.record():
    y = x * 2
    t = x * 3
    emit_error("iadd_recorded_result", lambda: t.__iadd__(1))
    emit_error("setitem_recorded_result", lambda: t.__setitem__(slice(None), 5))
    emit_error("out_into_recorded", lambda: nd.relu(t, out=t))
    z = y * x
z.backward()
emit("grad", x.grad)
y += 1
emit("iadd_after_backward", y)
w = nd.zeros((3,))
with autograd.record():
    v = x * 3
w[:] = v
emit("copy_out_of_record", w)
