"""SoftmaxOutput's options through simple_bind executors: ignore_label with use_ignore,
normalization null/batch/valid, grad_scale, multi_output over a channel axis,
preserve_shape, and smooth_alpha; forward outputs and the data gradients."""
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(5)
x = rng.normal(0, 1, (6, 4)).astype("float32")
label = np.array([0, 1, 2, 3, 1, 1], dtype="float32")


def run(sym, shapes, values):
    ex = sym.simple_bind(mx.cpu(), **shapes)
    for k, v in values.items():
        ex.arg_dict[k][:] = v
    ex.forward(is_train=True)
    ex.backward()
    return ex.outputs[0], ex.grad_dict["data"]


data = mx.sym.Variable("data")
for norm in ["null", "batch", "valid"]:
    for ignore in [False, True]:
        sym = mx.sym.SoftmaxOutput(data, name="sm", normalization=norm, use_ignore=ignore, ignore_label=1)
        out, grad = run(sym, {"data": (6, 4)}, {"data": x, "sm_label": label})
        emit(f"{norm}_ignore{ignore}_out", out)
        emit(f"{norm}_ignore{ignore}_grad", grad)

sym = mx.sym.SoftmaxOutput(data, name="sm", grad_scale=0.25)
emit("grad_scale", run(sym, {"data": (6, 4)}, {"data": x, "sm_label": label})[1])
sym = mx.sym.SoftmaxOutput(data, name="sm", smooth_alpha=0.1)
emit("smooth_alpha", run(sym, {"data": (6, 4)}, {"data": x, "sm_label": label})[1])

x3 = rng.normal(0, 1, (2, 3, 4)).astype("float32")
l3 = np.array([[0, 1, 2, 2], [1, 1, 0, 2]], dtype="float32")
sym = mx.sym.SoftmaxOutput(data, name="sm", multi_output=True)
emit("multi_output_shapes", sym.infer_shape(data=(2, 3, 4)))
out, grad = run(sym, {"data": (2, 3, 4)}, {"data": x3, "sm_label": l3})
emit("multi_output_out", out)
emit("multi_output_grad", grad)
sym = mx.sym.SoftmaxOutput(data, name="sm", multi_output=True, use_ignore=True, ignore_label=2,
                           normalization="valid")
emit("multi_output_valid_grad", run(sym, {"data": (2, 3, 4)}, {"data": x3, "sm_label": l3})[1])

l_ps = np.array([[0, 1, 2], [3, 3, 0]], dtype="float32")
sym = mx.sym.SoftmaxOutput(data, name="sm", preserve_shape=True)
x_ps = rng.normal(0, 1, (2, 3, 4)).astype("float32")
emit("preserve_shape_shapes", sym.infer_shape(data=(2, 3, 4)))
out, grad = run(sym, {"data": (2, 3, 4)}, {"data": x_ps, "sm_label": l_ps})
emit("preserve_shape_out", out)
emit("preserve_shape_grad", grad)

sym = mx.sym.Softmax(data, name="legacy")
emit("legacy_softmax_args", sym.list_arguments())
