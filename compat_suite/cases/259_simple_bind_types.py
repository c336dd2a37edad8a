"""Executors over other dtypes, as mixed-precision and NLP scripts bind them: simple_bind
with type_dict float64, integer token ids into Embedding with their gradient
(none for the ids), Cast inside the graph, one_hot/argmax/take symbols, and the dtypes of
outputs and gradient arrays."""
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(59)
data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, num_hidden=3, name="fc")
net = mx.sym.MakeLoss(mx.sym.sum(mx.sym.square(net)))
xv = rng.normal(0, 1, (4, 5))
wv = rng.normal(0, 0.5, (3, 5))
for dtype in ["float64", "float32"]:   # MXNet's CPU FullyConnected has no float16 kernel
    ex = net.simple_bind(mx.cpu(), type_dict={"data": dtype}, data=(4, 5))
    emit(f"{dtype}_arg_dtypes", [str(np.dtype(a.dtype)) for a in ex.arg_arrays])
    ex.arg_dict["data"][:] = xv
    ex.arg_dict["fc_weight"][:] = wv
    ex.arg_dict["fc_bias"][:] = 0.1
    ex.forward(is_train=True)
    ex.backward()
    emit(f"{dtype}_out", ex.outputs[0])
    emit(f"{dtype}_grad_w", ex.grad_dict["fc_weight"])
    emit(f"{dtype}_grad_dtype", str(np.dtype(ex.grad_dict["fc_weight"].dtype)))

tokens = mx.sym.Variable("tokens")
emb = mx.sym.Embedding(tokens, input_dim=6, output_dim=3, name="emb")
loss = mx.sym.MakeLoss(mx.sym.sum(mx.sym.broadcast_mul(emb, mx.sym.Cast(mx.sym.expand_dims(tokens, axis=2),
                                                                     dtype="float32"))))
ex = loss.simple_bind(mx.cpu(), type_dict={"tokens": "int32"}, tokens=(2, 3), grad_req={"tokens": "null",
                                                                                        "emb_weight": "write"})
ex.arg_dict["tokens"][:] = np.array([[1, 2, 2], [5, 0, 1]])
ex.arg_dict["emb_weight"][:] = rng.normal(0, 1, (6, 3))
ex.forward(is_train=True)
ex.backward()
emit("emb_tokens_dtype", str(np.dtype(ex.arg_dict["tokens"].dtype)))
emit("emb_out", ex.outputs[0])
emit("emb_grad", ex.grad_dict["emb_weight"])
emit("emb_tokens_grad", ex.grad_dict["tokens"])

idx = mx.sym.Variable("idx")
table = mx.sym.Variable("table")
group = mx.sym.Group([mx.sym.one_hot(idx, depth=4), mx.sym.argmax(table, axis=1),
                      mx.sym.take(table, idx), mx.sym.Cast(table, dtype="int32")])
emit("group_types", group.infer_type(idx="float32", table="float32"))
tv = mx.nd.array(rng.normal(0, 1, (4, 3)))
outs = group.eval(idx=mx.nd.array([3, 0, 1]), table=tv)
emit("group_out_dtypes", [str(np.dtype(o.dtype)) for o in outs])
emit("group_outs", [o for o in outs])
