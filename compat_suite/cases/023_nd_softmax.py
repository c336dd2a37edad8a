"""softmax/log_softmax (axis, temperature), SoftmaxActivation, softmax_cross_entropy."""
from mxnet import nd
from compat_emit import emit

x = nd.array([[1, 2, 3], [1, 1, 1], [-1, 0, 10]])
emit("softmax", nd.softmax(x))
emit("softmax_axis0", nd.softmax(x, axis=0))
emit("softmax_temp", nd.softmax(x, temperature=2.0))
emit("log_softmax", nd.log_softmax(x))
emit("SoftmaxActivation", nd.SoftmaxActivation(x))
emit("softmax_cross_entropy", nd.softmax_cross_entropy(x, nd.array([2, 0, 1])))
emit("softmax_3d", nd.softmax(nd.arange(8).reshape((2, 2, 2)), axis=1))
emit("softmin", nd.softmin(x))
