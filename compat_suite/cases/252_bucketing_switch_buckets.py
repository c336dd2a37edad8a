"""BucketingModule driven by hand with DataBatches of different bucket keys (variable-length
sequences averaged by SequenceMask-free pooling): switch_bucket, shared parameters across
buckets, outputs per bucket, get_params, and fit with a custom DataIter yielding
bucket_key/provide_data per batch."""
import mxnet as mx
import numpy as np
from compat_emit import emit


def sym_gen(seq_len):
    data = mx.sym.Variable("data")
    label = mx.sym.Variable("softmax_label")
    emb = mx.sym.Embedding(data, input_dim=12, output_dim=4, name="embed")
    pooled = mx.sym.mean(emb, axis=1)
    fc = mx.sym.FullyConnected(pooled, num_hidden=3, name="cls")
    scale = mx.sym.FullyConnected(mx.sym.ones_like(pooled) * seq_len, num_hidden=3, name="len_fc", no_bias=True)
    return mx.sym.SoftmaxOutput(fc + scale, label, name="softmax"), ("data",), ("softmax_label",)


class BucketIter(mx.io.DataIter):
    def __init__(self, batches, batch_size):
        super().__init__(batch_size)
        self.batches = batches
        self.default_bucket_key = max(b[0].shape[1] for b in batches)
        self.provide_data = [mx.io.DataDesc("data", (batch_size, self.default_bucket_key))]
        self.provide_label = [mx.io.DataDesc("softmax_label", (batch_size,))]
        self.i = 0

    def reset(self):
        self.i = 0

    def next(self):
        if self.i == len(self.batches):
            raise StopIteration
        x, y = self.batches[self.i]
        self.i += 1
        return mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)], bucket_key=x.shape[1],
                               provide_data=[mx.io.DataDesc("data", x.shape)],
                               provide_label=[mx.io.DataDesc("softmax_label", y.shape)])


rng = np.random.RandomState(52)
batches = [(rng.randint(0, 12, (4, n)).astype("float32"), rng.randint(0, 3, 4).astype("float32"))
           for n in [5, 3, 2, 5, 3]]
it = BucketIter(batches, 4)
mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=it.default_bucket_key)
mod.bind(it.provide_data, it.provide_label)
init = {"embed_weight": rng.normal(0, 0.5, (12, 4)), "cls_weight": rng.normal(0, 0.5, (3, 4)),
        "cls_bias": np.zeros(3), "len_fc_weight": rng.normal(0, 0.1, (3, 4))}
mod.init_params(arg_params={k: mx.nd.array(v) for k, v in init.items()})
mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.2})
emit("default_bucket_key", mod._default_bucket_key)
for batch in it:
    mod.forward(batch, is_train=True)
    emit(f"bucket{batch.bucket_key}_out", mod.get_outputs()[0])
    mod.backward()
    mod.update()
emit("buckets_bound", sorted(mod._buckets))
emit("symbol_args", mod.symbol.list_arguments())
arg, _ = mod.get_params()
emit("params_after_manual", {k: arg[k] for k in sorted(arg)})

mod.switch_bucket(3, [mx.io.DataDesc("data", (4, 3))], [mx.io.DataDesc("softmax_label", (4,))])
emit("switched_data_shapes", [(d.name, d.shape) for d in mod.data_shapes])
it.reset()
mod.fit(it, num_epoch=2, eval_metric="acc", optimizer="sgd", optimizer_params={"learning_rate": 0.2},
        force_init=False)
arg, _ = mod.get_params()
emit("params_after_fit", {k: arg[k] for k in sorted(arg)})
emit("score", mod.score(it, ["acc", "ce"]))
