"""mx.rnn.FusedRNNCell (the cuDNN-style fused RNN op) in a symbolic graph: LSTM and GRU,
bidirectional and stacked, the packed parameter vector's name and size, unroll with
merge_outputs, get_next_state, unfuse() into explicit cells, and the fused and unfused
graphs giving the same outputs with parameters moved through unpack_weights/pack_weights."""
# compat: rtol=1e-4 atol=1e-5
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(54)
T, N, I, H = 4, 3, 5, 6
x = rng.normal(0, 1, (T, N, I)).astype("float32")
data = mx.sym.Variable("data")

for mode, layers, bidir in [("lstm", 1, False), ("gru", 2, False), ("lstm", 1, True)]:
    cell = mx.rnn.FusedRNNCell(H, num_layers=layers, mode=mode, bidirectional=bidir, prefix=f"{mode}_",
                               get_next_state=True)
    out, states = cell.unroll(T, inputs=data, layout="TNC", merge_outputs=True)
    tag = f"{mode}{layers}{'bi' if bidir else ''}"
    emit(f"{tag}_arguments", out.list_arguments())
    emit(f"{tag}_state_names", [s.list_outputs() for s in states])
    emit(f"{tag}_state_info", cell.state_info)
    shapes = dict(zip(out.list_arguments(), out.infer_shape(data=(T, N, I))[0]))
    emit(f"{tag}_param_shape", shapes[f"{mode}_parameters"])
    params = rng.uniform(-0.3, 0.3, shapes[f"{mode}_parameters"]).astype("float32")
    ex = mx.sym.Group([out] + states).bind(mx.cpu(), {"data": mx.nd.array(x),
                                                       f"{mode}_parameters": mx.nd.array(params)})
    ex.forward()
    emit(f"{tag}_out", ex.outputs[0])
    emit(f"{tag}_last_state", ex.outputs[1])

    unpacked = cell.unpack_weights({f"{mode}_parameters": mx.nd.array(params)})
    emit(f"{tag}_unpacked", sorted((k, v.shape) for k, v in unpacked.items()))
    stack = cell.unfuse()
    uout, _ = stack.unroll(T, inputs=data, layout="TNC", merge_outputs=True)
    unfused_args = stack.pack_weights(unpacked)
    emit(f"{tag}_unfused_args", sorted(unfused_args))
    uex = uout.bind(mx.cpu(), dict(unfused_args, data=mx.nd.array(x)))
    uex.forward()
    emit(f"{tag}_unfused_matches", bool(np.allclose(uex.outputs[0].asnumpy(), ex.outputs[0].asnumpy(),
                                                    rtol=1e-4, atol=1e-5)))
    repacked = cell.pack_weights(unpacked)
    emit(f"{tag}_repacked_equal", bool(np.array_equal(repacked[f"{mode}_parameters"].asnumpy(), params)))

cell = mx.rnn.FusedRNNCell(3, num_layers=1, mode="lstm", prefix="init_")
out, _ = cell.unroll(2, inputs=data, layout="TNC", merge_outputs=True)
mod = mx.mod.Module(mx.sym.MakeLoss(mx.sym.sum(out)), label_names=None)
mod.bind([("data", (2, 1, 2))])
mod.init_params(mx.init.Constant(0.1))
emit("fused_initializer", mod.get_params()[0]["init_parameters"])
