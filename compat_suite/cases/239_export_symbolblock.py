"""Gluon to symbolic and back: a hybridized HybridBlock (Conv/BatchNorm/Dense) exported
with export(), loaded with SymbolBlock.imports and with mx.model.load_checkpoint into a
Module, fine-tuned as a Module for a few steps; plus SymbolBlock built from symbol
outputs (a feature extractor over get_internals) sharing parameters."""
import os

import mxnet as mx
import numpy as np
from mxnet import gluon, nd
from compat_emit import emit

rng = np.random.RandomState(43)
net = gluon.nn.HybridSequential(prefix="model_")
with net.name_scope():
    net.add(gluon.nn.Conv2D(3, kernel_size=3, in_channels=2, activation="relu"),
            gluon.nn.BatchNorm(in_channels=3),
            gluon.nn.MaxPool2D(),
            gluon.nn.Flatten(),
            gluon.nn.Dense(4, in_units=12))
net.initialize(mx.init.Zero())
for name, p in sorted(net.collect_params().items()):
    p.set_data(nd.array(rng.normal(0, 0.5, p.shape)) if "running_var" not in name else nd.ones(p.shape))
net.hybridize()
x = nd.array(rng.normal(0, 1, (2, 2, 6, 6)))
ref = net(x)
emit("gluon_out", ref)
net.export("model", epoch=3)
emit("files", sorted(f for f in os.listdir(".") if f.startswith("model")))
emit("param_keys", sorted(nd.load("model-0003.params")))

imported = gluon.SymbolBlock.imports("model-symbol.json", ["data"], "model-0003.params")
emit("imported_out", imported(x))
emit("imported_params", sorted(imported.collect_params()))

sym, arg, aux = mx.model.load_checkpoint("model", 3)
emit("sym_arguments", sym.list_arguments())
emit("sym_aux", sym.list_auxiliary_states())
label = rng.randint(0, 4, 2).astype("float32")
out = mx.sym.SoftmaxOutput(sym, name="softmax")
mod = mx.mod.Module(out)
mod.bind([("data", (2, 2, 6, 6))], [("softmax_label", (2,))])
mod.set_params(arg, aux)
mod.forward(mx.io.DataBatch([x], []), is_train=False)
emit("module_prob", mod.get_outputs()[0])
mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.1})
for _ in range(2):
    mod.forward_backward(mx.io.DataBatch([x], [nd.array(label)]))
    mod.update()
arg2, aux2 = mod.get_params()
emit("finetuned_dense", arg2["model_dense0_weight"])
emit("finetuned_aux", {k: aux2[k] for k in sorted(aux2)})

internals = sym.get_internals()
feat = internals["model_pool0_fwd_output"]
extractor = gluon.SymbolBlock(feat, mx.sym.var("data"), params=imported.collect_params())
emit("extractor_out", extractor(x))
emit("extractor_params", sorted(extractor.collect_params()))
