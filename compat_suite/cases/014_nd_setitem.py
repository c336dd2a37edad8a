"""__setitem__ forms: scalar, NDArray, numpy, broadcast rows/columns, integer and slice keys."""
import numpy as np
from mxnet import nd
from compat_emit import emit

x = nd.zeros((3, 4))
x[1] = 3
emit("row_scalar", x)
x[0:2] = nd.array([[1, 2, 3, 4], [5, 6, 7, 8]])
emit("rows_ndarray", x)
x[:, 0] = 7
emit("column_scalar", x)
x[2, 1] = 9
emit("element", x)
x[:] = np.arange(4)
emit("broadcast_numpy_row", x)
x[1:, 2:] = nd.array([[-1, -2], [-3, -4]])
emit("block", x)
x[:, 1] = nd.array([10, 20, 30])
emit("column_ndarray", x)
x[-1] = nd.array([0.5])
emit("broadcast_ndarray_scalar", x)
y = nd.arange(6)
y[::2] = 100
emit("step_slice", y)
y[[1, 3]] = nd.array([-5, -6])
emit("advanced_index", y)
i = nd.zeros((3,), dtype='int32')
i[:] = 2.9
emit("int_assign_float", i)
