"""Gluon naming: automatic prefixes, name_scope, nested blocks, custom prefixes, Sequential children."""
import mxnet as mx
from mxnet.gluon import nn
from compat_emit import emit

net = nn.Sequential()
with net.name_scope():
    net.add(nn.Dense(4, activation='relu'))
    net.add(nn.Dense(2))
emit("sequential_params", list(net.collect_params().keys()))
emit("sequential_prefix", net.prefix)


class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        with self.name_scope():
            self.hidden = nn.Dense(3, activation='tanh')
            self.output = nn.Dense(1)

    def forward(self, x):
        return self.output(self.hidden(x))


mlp = MLP()
emit("mlp_prefix", mlp.prefix)
emit("mlp_params", list(mlp.collect_params().keys()))
mlp2 = MLP(prefix='model_')
emit("custom_prefix_params", list(mlp2.collect_params().keys()))

outside = nn.Dense(5)
emit("outside_scope_name", outside.name)
emit("second_dense_name", nn.Dense(5).name)
hs = nn.HybridSequential(prefix='features_')
with hs.name_scope():
    hs.add(nn.Conv2D(8, 3), nn.BatchNorm(), nn.Dense(2))
emit("hybrid_params", list(hs.collect_params().keys()))
emit("len", len(hs))
emit("child_names", [child.name for child in hs])
emit("slice_type", type(hs[1:]).__name__)
emit("param_name", hs[0].weight.name)
