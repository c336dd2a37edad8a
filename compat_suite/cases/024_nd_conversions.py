"""asscalar/asnumpy/len/bool/int conversions and their errors."""
import numpy as np
from mxnet import nd
from compat_emit import emit, emit_error

x = nd.array([2.5])
emit("asscalar", x.asscalar())
emit("asscalar_type", type(x.asscalar()).__name__)
emit("asscalar_int", nd.array([3], dtype='int32').asscalar())
emit("asnumpy_type", type(x.asnumpy()).__name__)
emit("asnumpy", nd.array([[1, 2]], dtype='int64').asnumpy())
emit("len", len(nd.zeros((4, 2))))
emit("bool_true", bool(nd.array([1])))
emit("bool_false", bool(nd.array([0])))
emit_error("int", lambda: int(nd.array([3.7])))
emit("np.array_of_asnumpy", np.array(nd.array([1, 2]).asnumpy()))
emit("iteration", [row.asnumpy().tolist() for row in nd.arange(6).reshape((3, 2))])
emit("iteration_shapes", [row.shape for row in nd.arange(3)])
emit_error("float", lambda: float(nd.array([1.5])))
emit_error("asscalar_of_two", lambda: nd.array([1, 2]).asscalar())
emit_error("bool_of_two", lambda: bool(nd.array([1, 2])))
emit("tostype", nd.ones((2, 2)).tostype('default').stype)
emit("as_np_ndarray_roundtrip", nd.array([1, 2]).asnumpy().dtype.name)
