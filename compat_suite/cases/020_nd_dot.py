"""dot with transpose flags, vectors, batch_dot, linalg.gemm2."""
from mxnet import nd
from compat_emit import emit, emit_error

a = nd.arange(6).reshape((2, 3))
b = nd.arange(12).reshape((3, 4)) / 10
emit("dot", nd.dot(a, b))
emit("dot_transpose_a", nd.dot(a, a, transpose_a=True))
emit("dot_transpose_b", nd.dot(a, a, transpose_b=True))
v = nd.array([1, 2, 3])
emit("dot_vec_vec", nd.dot(v, v))
emit("dot_mat_vec", nd.dot(a, v))
emit("dot_3d", nd.dot(nd.arange(24).reshape((2, 3, 4)), nd.ones((4, 2))))
x = nd.arange(24).reshape((2, 3, 4))
y = nd.arange(16).reshape((2, 4, 2))
emit("batch_dot", nd.batch_dot(x, y))
emit("batch_dot_t", nd.batch_dot(x, x, transpose_b=True))
emit("gemm2", nd.linalg.gemm2(a, b, alpha=2.0))
emit("linalg_gemm", nd.linalg.gemm(a, b, nd.ones((2, 4)), alpha=1.0, beta=0.5))
emit_error("dot_int", lambda: nd.dot(nd.array([[1, 2]], dtype='int32'), nd.array([[3], [4]], dtype='int32')))
emit("FullyConnected", nd.FullyConnected(a, nd.ones((2, 3)), nd.array([1, -1]), num_hidden=2))
emit("FullyConnected_nobias", nd.FullyConnected(nd.ones((2, 2, 3)), nd.ones((4, 6)), no_bias=True,
                                                num_hidden=4))
emit("FullyConnected_noflatten", nd.FullyConnected(nd.ones((2, 2, 3)), nd.ones((4, 3)), no_bias=True,
                                                   num_hidden=4, flatten=False).shape)
