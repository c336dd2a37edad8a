"""simple_bind and bind executors the way old MXNet scripts drive them: grad_req
'write'/'add'/'null' (one for all and per argument), repeated forward/backward with
explicit out_grads, arg_arrays/grad_arrays/arg_dict/output_dict, copy_params_from,
bind with args as a list and as a dict, and forward(**kwargs)."""
import mxnet as mx
import numpy as np
from compat_emit import emit, emit_error

rng = np.random.RandomState(3)
x = mx.sym.Variable("x")
w = mx.sym.Variable("w")
b = mx.sym.Variable("b")
y = mx.sym.FullyConnected(x, weight=w, bias=b, num_hidden=3, name="fc")
z = mx.sym.tanh(y, name="act") * 2
emit("arguments", z.list_arguments())
emit("outputs", z.list_outputs())

xv = rng.normal(0, 1, (4, 5)).astype("float32")
wv = rng.normal(0, 0.5, (3, 5)).astype("float32")
bv = rng.normal(0, 0.5, (3,)).astype("float32")
og = rng.normal(0, 1, (4, 3)).astype("float32")

for req in ["write", "add", "null"]:
    ex = z.simple_bind(mx.cpu(), grad_req=req, x=(4, 5))
    ex.copy_params_from({"w": mx.nd.array(wv), "b": mx.nd.array(bv)})
    ex.arg_dict["x"][:] = xv
    for _ in range(2):
        ex.forward(is_train=True)
        ex.backward(out_grads=mx.nd.array(og))
    emit(f"{req}_out", ex.outputs[0])
    emit(f"{req}_grads", [g if g is None else g.asnumpy() for g in ex.grad_arrays])
    emit(f"{req}_output_dict", sorted(ex.output_dict))

ex = z.simple_bind(mx.cpu(), grad_req={"x": "null", "w": "add", "b": "write"}, x=(4, 5))
ex.copy_params_from({"w": mx.nd.array(wv), "b": mx.nd.array(bv)})
ex.arg_dict["x"][:] = xv
for _ in range(3):
    ex.forward(is_train=True)
    ex.backward(mx.nd.array(og))
emit("mixed_grad_dict", {k: (v if v is None else v.asnumpy()) for k, v in sorted(ex.grad_dict.items())})

args = [mx.nd.array(xv), mx.nd.array(wv), mx.nd.array(bv)]
grads = [mx.nd.zeros((4, 5)), mx.nd.zeros((3, 5)), mx.nd.zeros((3,))]
ex = z.bind(mx.cpu(), args=args, args_grad=grads, grad_req="write")
ex.forward(is_train=True)
ex.backward([mx.nd.ones((4, 3))])
emit("bind_list_grad_x", grads[0])
emit("bind_list_grad_w", grads[1])
ex = z.bind(mx.cpu(), args={"x": mx.nd.array(xv), "w": mx.nd.array(wv), "b": mx.nd.array(bv)})
out = ex.forward(x=mx.nd.ones((4, 5)))
emit("bind_dict_forward_kwargs", out[0])
emit("bind_dict_grad_arrays", ex.grad_arrays)
emit_error("backward_without_grads", lambda: ex.backward(mx.nd.ones((4, 3))))

ex = z.simple_bind(mx.cpu(), x=(4, 5), w=(3, 5), b=(3,))
ex.copy_params_from({"w": mx.nd.array(wv), "b": mx.nd.array(bv)}, allow_extra_params=True)
emit_error("copy_params_extra", lambda: ex.copy_params_from({"w": mx.nd.array(wv), "nope": mx.nd.ones(1)}))
ex.forward(is_train=False, x=mx.nd.array(xv))
emit("inference_out", ex.outputs[0])
