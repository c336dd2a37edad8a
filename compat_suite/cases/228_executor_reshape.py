"""Executor.reshape as Module and the old RNN examples use it: a bound MLP reshaped to
another batch size shares its parameter arrays, partial_shaping and allow_up_sizing,
and the errors MXNet raises when a reshape would change a parameter's shape."""
import mxnet as mx
import numpy as np
from compat_emit import emit, emit_error

rng = np.random.RandomState(9)
data = mx.sym.Variable("data")
fc1 = mx.sym.FullyConnected(data, num_hidden=4, name="fc1")
net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.relu(fc1), num_hidden=3, name="fc2"), name="sm")

ex = net.simple_bind(mx.cpu(), data=(6, 5))
for name in ["fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"]:
    ex.arg_dict[name][:] = rng.normal(0, 0.5, ex.arg_dict[name].shape)
x = rng.normal(0, 1, (10, 5)).astype("float32")
label = rng.randint(0, 3, 10).astype("float32")
ex.arg_dict["data"][:] = x[:6]
ex.arg_dict["sm_label"][:] = label[:6]
ex.forward(is_train=True)
ex.backward()
emit("small_out", ex.outputs[0])
emit("small_grad_fc1", ex.grad_dict["fc1_weight"])

big = ex.reshape(allow_up_sizing=True, data=(10, 5), sm_label=(10,))
emit("big_shapes", [a.shape for a in big.arg_arrays])
big.arg_dict["data"][:] = x
big.arg_dict["sm_label"][:] = label
big.forward(is_train=True)
big.backward()
emit("big_out", big.outputs[0])
emit("big_grad_fc1", big.grad_dict["fc1_weight"])
big.arg_dict["fc2_bias"][:] = np.array([1.0, 2.0, 3.0])
emit("shared_param_seen_by_small", ex.arg_dict["fc2_bias"])

small = ex.reshape(data=(2, 5), sm_label=(2,))
small.arg_dict["data"][:] = x[:2]
small.forward()
emit("smaller_out", small.outputs[0])
emit("smaller_output_shape", small.outputs[0].shape)

emit_error("upsizing_refused", lambda: ex.reshape(data=(20, 5), sm_label=(20,)))
emit_error("param_shape_change", lambda: ex.reshape(allow_up_sizing=True, data=(6, 7)))
emit_error("partial_missing", lambda: ex.reshape(data=(4, 5)))
part = ex.reshape(partial_shaping=True, data=(4, 5))
emit("partial_label_shape", part.arg_dict["sm_label"].shape)
