"""Module inference over an iterator whose last batch is padded: predict (merged and
unmerged, always_output_list), iter_predict with its pad, score with num_batch and a
multi-output symbol, and an iterator with last_batch_handle='discard' and 'roll_over'."""
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(17)
X = rng.normal(0, 1, (10, 3)).astype("float32")
y = rng.randint(0, 2, 10).astype("float32")

data = mx.sym.Variable("data")
fc = mx.sym.FullyConnected(data, num_hidden=2, name="fc")
net = mx.sym.SoftmaxOutput(fc, name="softmax")
params = {"fc_weight": mx.nd.array(rng.normal(0, 1, (2, 3))), "fc_bias": mx.nd.array([0.1, -0.1])}

it = mx.io.NDArrayIter(X, y, batch_size=4, last_batch_handle="pad")
mod = mx.mod.Module(net)
mod.bind(it.provide_data, it.provide_label, for_training=False)
mod.set_params(params, {})
merged = mod.predict(it)
emit("merged", merged)
unmerged = mod.predict(it, merge_batches=False)
emit("unmerged_shapes", [[o.shape for o in outs] for outs in unmerged])
emit("always_list", [o.shape for o in mod.predict(it, always_output_list=True)])
emit("num_batch", mod.predict(it, num_batch=2).shape)
for outs, i_batch, batch in mod.iter_predict(it):
    emit(f"iter{i_batch}", [batch.pad, outs[0].shape, batch.index.tolist() if batch.index is not None else None])
emit("score", mod.score(it, ["acc", "ce"]))
emit("score_num_batch", mod.score(it, "acc", num_batch=1))

multi = mx.sym.Group([net, mx.sym.BlockGrad(fc * 2, name="twice")])
mod2 = mx.mod.Module(multi)
mod2.bind(it.provide_data, it.provide_label, for_training=False)
mod2.set_params(params, {})
outs = mod2.predict(it)
emit("multi_predict", [o for o in outs])
emit("multi_unmerged_len", len(mod2.predict(it, merge_batches=False)))

for handle in ["discard", "roll_over"]:
    it2 = mx.io.NDArrayIter(X, y, batch_size=4, last_batch_handle=handle)
    emit(f"{handle}_batches", [(b.pad, b.data[0].shape) for b in it2])
    it2.reset()
    emit(f"{handle}_predict", mod.predict(it2).shape)
