"""Unary math operators on a fixed vector, including MXNet's rint/round/fix rules."""
from mxnet import nd
from compat_emit import emit

x = nd.array([-2.5, -1.5, -0.4, 0.0, 0.5, 1.5, 2.5, 3.7])
p = nd.array([0.1, 0.5, 1.0, 2.0, 4.0])
for name in ["abs", "sign", "floor", "ceil", "rint", "round", "fix", "trunc", "square",
             "negative", "sigmoid", "tanh", "relu", "softsign", "exp", "expm1", "sin", "cos",
             "arctan", "sinh", "cosh", "degrees", "radians", "erf", "cbrt"]:
    emit(name, getattr(nd, name)(x))
for name in ["log", "log2", "log10", "log1p", "sqrt", "rsqrt", "reciprocal", "gamma", "gammaln",
             "arcsin", "arccos", "arctanh", "rcbrt"]:
    emit(name, getattr(nd, name)(p if name not in ("arcsin", "arccos", "arctanh") else p / 5))
emit("arccosh", nd.arccosh(p + 1))
emit("arcsinh", nd.arcsinh(x))
emit("clip", nd.clip(x, -1, 2))
emit("logical_not", nd.logical_not(x))
emit("smooth_l1", nd.smooth_l1(x, scalar=1.0))
emit("hard_sigmoid", nd.hard_sigmoid(x))
emit("LeakyReLU", nd.LeakyReLU(x, slope=0.1))
emit("elu", nd.LeakyReLU(x, act_type='elu', slope=1.0))
emit("Activation_softrelu", nd.Activation(x, act_type='softrelu'))
emit("power", nd.power(p, 2.5))
emit("maximum_scalar", nd.maximum(x, 0.3))
emit("minimum", nd.minimum(x, nd.zeros_like(x)))
