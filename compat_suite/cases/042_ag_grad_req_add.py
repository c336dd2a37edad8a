"""grad_req='add' accumulates across backward calls; 'write' overwrites; zeroing by hand."""
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([1.0, 2.0])
x.attach_grad(grad_req='add')
for i in range(3):
    with autograd.record():
        y = x * x * (i + 1)
    y.backward()
    emit("add_step", x.grad)
x.grad[:] = 0
emit("zeroed", x.grad)
with autograd.record():
    y = 3 * x
y.backward()
emit("after_zero", x.grad)

w = nd.array([1.0, 2.0])
w.attach_grad(grad_req='add')
with autograd.record():
    y = w * w
y.backward(retain_graph=True)
y.backward()
emit("add_retain", w.grad)

v = nd.array([1.0, 2.0])
v.attach_grad()
with autograd.record():
    y = v * v
y.backward(retain_graph=True)
y.backward()
emit("write_retain", v.grad)
g = v.grad
with autograd.record():
    y = v * 10
y.backward()
emit("old_handle_sees_new", g)
