"""Second-order gradients of operators MXNet 1.9.1 supports (sin, cos, exp, log, tanh, sigmoid, relu, sqrt...)."""
from mxnet import autograd, nd
from compat_emit import emit

for name in ["sin", "cos", "exp", "log", "log2", "log10", "tanh", "sigmoid", "relu", "reciprocal",
             "abs", "square", "sqrt", "cbrt", "rsqrt", "rcbrt", "arctan", "arcsin", "arccos", "arctanh",
             "sinh", "cosh", "expm1", "log1p"]:
    x = nd.array([0.2, 0.5, 0.9])
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, name)(x)
        g = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
    g.backward()
    emit(name + "'", g)
    emit(name + "''", x.grad)

