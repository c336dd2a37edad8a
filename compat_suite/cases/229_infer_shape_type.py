"""Shape and type inference on symbols: infer_shape from the data shape alone (backward
inference of Convolution/BatchNorm/FullyConnected/Embedding/RNN parameter shapes),
infer_shape_partial with unknown dims, keyword and positional forms, inconsistent shapes
raising, infer_type with float16/float64 data, and shapes of internal outputs."""
import mxnet as mx
from compat_emit import emit, emit_error

data = mx.sym.Variable("data")
net = mx.sym.Convolution(data, kernel=(3, 3), num_filter=8, pad=(1, 1), name="conv")
net = mx.sym.BatchNorm(net, name="bn")
net = mx.sym.Activation(net, act_type="relu")
net = mx.sym.Pooling(net, kernel=(2, 2), stride=(2, 2), pool_type="max")
net = mx.sym.FullyConnected(mx.sym.flatten(net), num_hidden=10, name="fc")
net = mx.sym.SoftmaxOutput(net, name="softmax")
arg, out, aux = net.infer_shape(data=(2, 3, 8, 8))
emit("conv_args", list(zip(net.list_arguments(), arg)))
emit("conv_outs", out)
emit("conv_aux", list(zip(net.list_auxiliary_states(), aux)))
emit("no_shape_given", net.infer_shape())
emit("partial_unknown", net.infer_shape_partial(data=(0, 3, 8, 8)))
emit("partial_none", net.infer_shape_partial())
internals = net.get_internals()
emit("internal_outputs", internals.list_outputs())
emit("internal_shapes", internals.infer_shape(data=(2, 3, 8, 8))[1])

tokens = mx.sym.Variable("tokens")
emb = mx.sym.Embedding(tokens, input_dim=20, output_dim=6, name="emb")
rnn = mx.sym.RNN(mx.sym.transpose(emb, axes=(1, 0, 2)), state_size=5, num_layers=2, mode="lstm",
                 name="lstm", state_outputs=True, parameters=mx.sym.Variable("lstm_parameters"),
                 state=mx.sym.Variable("lstm_state"), state_cell=mx.sym.Variable("lstm_state_cell"))
emit("rnn_outputs", rnn.list_outputs())
emit("rnn_infer", list(zip(rnn.list_arguments(), rnn.infer_shape(tokens=(4, 7))[0])))
emit("rnn_out_shapes", rnn.infer_shape(tokens=(4, 7))[1])

a = mx.sym.Variable("a")
b = mx.sym.Variable("b")
c = mx.sym.broadcast_mul(mx.sym.broadcast_add(a, b), mx.sym.Variable("s", shape=(1, 3)))
emit("broadcast", c.infer_shape(a=(4, 1), b=(1, 3)))
emit("var_shape_attr", c.infer_shape_partial(a=(4, 1)))
emit_error("inconsistent", lambda: (a + b).infer_shape(a=(2, 3), b=(3, 2)))
emit_error("bad_fc_input", lambda: mx.sym.FullyConnected(a, num_hidden=2, weight=b, no_bias=True)
           .infer_shape(a=(4, 5), b=(2, 6)))

emit("type_fp64", net.infer_type(data="float64"))
emit("type_fp16", mx.sym.FullyConnected(data, num_hidden=3, name="f").infer_type(data="float16"))
emit("type_none", net.infer_type())
cast = mx.sym.Cast(data, dtype="int32") + 1
emit("cast_type", cast.infer_type(data="float32"))
emit("type_from_var_attr", (mx.sym.Variable("q", dtype="float64") * 2).infer_type())
emit("emb_type", emb.infer_type(tokens="int32"))
