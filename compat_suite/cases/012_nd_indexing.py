"""Basic and advanced indexing: shapes of x[i], x[i, j], slices, steps, negative and integer-array indices."""
from mxnet import nd
from compat_emit import emit

x = nd.arange(24).reshape((2, 3, 4))
emit("x[1]", x[1])
emit("x[1, 2]", x[1, 2])
emit("x[1, 2, 3]", x[1, 2, 3])
emit("x[-1]", x[-1])
emit("x[:, 1]", x[:, 1])
emit("x[:, :, 1:3]", x[:, :, 1:3])
emit("x[:, ::2]", x[:, ::2])
emit("x[..., 0]", x[..., 0])
emit("x[0, 1:, ::-1]", x[0, 1:, ::-1])
emit("x[1:2]", x[1:2])
emit("x[None].shape", x[None].shape)
emit("x[0, None].shape", x[0, None].shape)
y = nd.arange(10) * 10
emit("y[3]", y[3])
emit("y[3].shape", y[3].shape)
emit("y[2:8:3]", y[2:8:3])
emit("y[[1, 3, 5]]", y[[1, 3, 5]])
emit("y[nd.array([0, 9])]", y[nd.array([0, 9])])
m = nd.arange(12).reshape((3, 4))
emit("m[[0, 2]]", m[[0, 2]])
emit("m[[0, 2], [1, 3]]", m[[0, 2], [1, 3]])
emit("m[:, [0, 3]]", m[:, [0, 3]])
emit("m[1:, 2]", m[1:, 2])
emit("m[m.shape[0] - 1]", m[m.shape[0] - 1])
