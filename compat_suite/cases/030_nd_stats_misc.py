"""Cumulative and statistical helpers commonly used in user code."""
from mxnet import nd
from compat_emit import emit

x = nd.array([[1, 5, 2], [8, 3, 3]])
emit("max_keepdims", nd.max(x, axis=1, keepdims=True))
emit("moments", nd.moments(x, axes=(1,)))
emit("L2Normalization", nd.L2Normalization(x))
emit("norm_l2", nd.norm(x, ord=2, axis=1))
emit("square_sum", nd.sum(nd.square(x), axis=0))
emit("sum_sq_sqrt", nd.sqrt(nd.sum(x * x)))
emit("mean_keepdims", nd.mean(x, axis=0, keepdims=True))
emit("var_manual", nd.mean(nd.square(x - nd.mean(x, axis=1, keepdims=True)), axis=1))
emit("relu_grad_sign", nd.sign(nd.relu(x - 3)))
