"""print/str/repr of NDArrays of various shapes and dtypes."""
import mxnet as mx
from mxnet import nd
from compat_emit import emit, emit_error

emit("float_2d", str(nd.array([[1, 2, 3], [4, 5, 6]])))
emit("float_frac", str(nd.array([0.1, 1.25, -3.5])))
emit("int32", str(nd.array([1, 2, 3], dtype='int32')))
emit("int64_2d", str(nd.arange(6, dtype='int64').reshape((2, 3))))
emit("float64", str(nd.array([1.5, 2.25], dtype='float64')))
emit("float16", str(nd.array([1.5, 2.25], dtype='float16')))
emit("uint8", str(nd.array([1, 255], dtype='uint8')))
emit("one_element", str(nd.array([7])))
emit("three_d", str(nd.arange(8).reshape((2, 2, 2))))
emit("large", str(nd.arange(2000)))
emit("large_2d", str(nd.arange(3000).reshape((100, 30))))
emit_error("zeros_with_zero_dim", lambda: nd.zeros((0, 3)))
emit("repr", repr(nd.ones((2, 2))))
emit("scientific", str(nd.array([1e-8, 1e8])))
emit("negative_zero", str(nd.array([-0.0, 0.0])))
emit("inf_nan", str(nd.array([float('inf'), float('-inf'), float('nan')])))
g = nd.ones((2,))
g.attach_grad()
emit("grad", str(g.grad))
emit("context", str(mx.cpu()))
emit("context_repr", repr(mx.cpu(0)))
emit("gpu_context", str(mx.gpu(1)))
