"""autograd.get_symbol of a recorded computation: arguments and outputs."""
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([1.0, 2.0])
w = nd.array([3.0, 4.0])
x.attach_grad()
w.attach_grad()
with autograd.record():
    y = nd.sum(nd.exp(x) * w + x)
sym = autograd.get_symbol(y)
emit("num_arguments", len(sym.list_arguments()))
emit("num_outputs", len(sym.list_outputs()))
emit("type", type(sym).__name__)
emit("arguments", sym.list_arguments())
emit("outputs", sym.list_outputs())
