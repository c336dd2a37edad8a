"""The legacy mx.rnn cells in a symbolic graph: LSTMCell and GRUCell unrolled (NTC layout,
merge_outputs True/False), a SequentialRNNCell stack with begin_state, cell params names,
unroll outputs and states fed to a Module with fixed parameters; forward values and a
training step's gradients."""
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(53)
T, N, I, H = 3, 2, 4, 5
x = rng.normal(0, 1, (N, T, I)).astype("float32")

data = mx.sym.Variable("data")
lstm = mx.rnn.LSTMCell(H, prefix="lstm_", forget_bias=1.0)
outputs, states = lstm.unroll(T, inputs=data, layout="NTC", merge_outputs=True)
emit("lstm_state_info", lstm.state_info)
emit("lstm_arguments", outputs.list_arguments())
emit("lstm_outputs", outputs.list_outputs())
emit("lstm_states", [s.list_outputs() for s in states])
net = mx.sym.Group([outputs] + states)
shapes = dict(zip(net.list_arguments(), net.infer_shape(data=(N, T, I))[0]))
emit("lstm_shapes", sorted(shapes.items()))
args = {k: mx.nd.array(rng.normal(0, 0.4, s)) for k, s in sorted(shapes.items()) if k != "data"}
ex = net.bind(mx.cpu(), dict(args, data=mx.nd.array(x)))
ex.forward()
emit("lstm_out", ex.outputs[0])
emit("lstm_h", ex.outputs[1])
emit("lstm_c", ex.outputs[2])

gru = mx.rnn.GRUCell(H, prefix="gru_")
gru_out, gru_states = gru.unroll(T, inputs=data, layout="NTC", merge_outputs=False)
emit("gru_out_names", [o.list_outputs()[0] for o in gru_out])
gnet = mx.sym.Group(gru_out)
gshapes = dict(zip(gnet.list_arguments(), gnet.infer_shape(data=(N, T, I))[0]))
gargs = {k: mx.nd.array(rng.normal(0, 0.4, s)) for k, s in sorted(gshapes.items()) if k != "data"}
gex = gnet.bind(mx.cpu(), dict(gargs, data=mx.nd.array(x)))
gex.forward()
emit("gru_outs", gex.outputs)

stack = mx.rnn.SequentialRNNCell()
stack.add(mx.rnn.LSTMCell(H, prefix="l0_"))
stack.add(mx.rnn.GRUCell(3, prefix="l1_"))
begin = stack.begin_state()
emit("stack_begin", [b.list_outputs() for b in begin])
out, _ = stack.unroll(T, inputs=data, begin_state=begin, layout="NTC", merge_outputs=True)
pred = mx.sym.FullyConnected(mx.sym.Reshape(out, shape=(-1, 3)), num_hidden=2, name="pred")
label = mx.sym.Reshape(mx.sym.Variable("softmax_label"), shape=(-1,))
model = mx.sym.SoftmaxOutput(pred, label, name="softmax")
emit("stack_arguments", model.list_arguments())
y = rng.randint(0, 2, (N, T)).astype("float32")
mod = mx.mod.Module(model)
mod.bind([("data", (N, T, I))], [("softmax_label", (N, T))])
mod.init_params(mx.init.Zero())
arg, _ = mod.get_params()
mod.set_params({k: mx.nd.array(rng.normal(0, 0.4, v.shape)) for k, v in sorted(arg.items())}, {})
mod.init_optimizer(optimizer_params={"learning_rate": 0.5})
batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
for _ in range(2):
    mod.forward_backward(batch)
    mod.update()
mod.forward(batch, is_train=False)
emit("stack_prob", mod.get_outputs()[0])
arg, _ = mod.get_params()
emit("stack_params", {k: arg[k] for k in sorted(arg)})
