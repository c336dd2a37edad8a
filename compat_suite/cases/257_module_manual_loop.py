"""The classic hand-written Module loop of MXNet's docs and examples: bind, init_params with
a Mixed initializer, init_optimizer with an Optimizer object, forward/backward/update per
batch with a CompositeEvalMetric, a batch of another size (Module reshapes), get_outputs,
save_params/load_params, set_params with allow_missing, and Module.reshape."""
import mxnet as mx
import numpy as np
from compat_emit import emit, emit_error

rng = np.random.RandomState(57)
X = rng.normal(0, 1, (30, 6)).astype("float32")
y = rng.randint(0, 3, 30).astype("float32")
data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, num_hidden=8, name="fc1")
net = mx.sym.LeakyReLU(net, act_type="leaky", slope=0.1, name="leaky")
net = mx.sym.Dropout(net, p=0.0)
net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(net, num_hidden=3, name="fc2"), name="softmax")

it = mx.io.NDArrayIter(X, y, batch_size=10)
mod = mx.mod.Module(net)
mod.bind(data_shapes=it.provide_data, label_shapes=it.provide_label)
w1, w2 = rng.normal(0, 0.4, (8, 6)).astype("float32"), rng.normal(0, 0.4, (3, 8)).astype("float32")
mod.init_params(mx.init.Mixed(["bias", "fc1.*", ".*"],
                              [mx.init.Zero(), mx.init.Constant(mx.nd.array(w1)), mx.init.Constant(w2)]))
emit("init_params", {k: v for k, v in sorted(mod.get_params()[0].items())})
opt = mx.optimizer.Adam(learning_rate=0.05, beta1=0.8, rescale_grad=1.0 / 10, wd=0.001)
mod.init_optimizer(optimizer=opt)
metric = mx.metric.CompositeEvalMetric([mx.metric.Accuracy(), mx.metric.CrossEntropy(), mx.metric.TopKAccuracy(2)])
for epoch in range(3):
    it.reset()
    metric.reset()
    for batch in it:
        mod.forward(batch, is_train=True)
        mod.update_metric(metric, batch.label)
        mod.backward()
        mod.update()
    emit(f"epoch{epoch}", metric.get_name_value())

small = mx.io.DataBatch([mx.nd.array(X[:4])], [mx.nd.array(y[:4])])
mod.forward(small, is_train=False)
emit("small_batch_out", mod.get_outputs()[0])
emit("small_output_shapes", mod.output_shapes)
mod.forward(next(iter(mx.io.NDArrayIter(X, y, batch_size=10))), is_train=False)
emit("back_to_10", mod.get_outputs(merge_multi_context=True)[0].shape)

mod.save_params("manual.params")
other = mx.mod.Module(net)
other.bind(data_shapes=it.provide_data, label_shapes=it.provide_label, for_training=False)
other.load_params("manual.params")
emit("loaded_equal", all(np.array_equal(a.asnumpy(), other.get_params()[0][k].asnumpy())
                         for k, a in mod.get_params()[0].items()))
partial = {"fc1_weight": mod.get_params()[0]["fc1_weight"]}
emit_error("set_params_missing", lambda: other.set_params(partial, {}))
other.set_params(partial, {}, allow_missing=True)
other.reshape(data_shapes=[("data", (5, 6))], label_shapes=[("softmax_label", (5,))])
emit("reshaped_data_shapes", [(d.name, d.shape) for d in other.data_shapes])
other.forward(mx.io.DataBatch([mx.nd.array(X[:5])], [mx.nd.array(y[:5])]), is_train=False)
emit("reshaped_out", other.get_outputs()[0])
