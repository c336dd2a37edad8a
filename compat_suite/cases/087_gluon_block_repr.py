"""print(net) of Sequential, HybridSequential and custom blocks."""
import mxnet as mx
from mxnet.gluon import nn
from compat_emit import emit

net = nn.Sequential()
net.add(nn.Dense(4, activation='relu', in_units=3), nn.Dropout(0.5), nn.Dense(2))
emit("sequential", str(net))
hnet = nn.HybridSequential()
hnet.add(nn.Conv2D(6, kernel_size=5, activation='relu'), nn.MaxPool2D(2, 2), nn.BatchNorm(),
         nn.Flatten(), nn.Dense(10, use_bias=False))
emit("hybrid", str(hnet))


class Model(nn.Block):
    def __init__(self, **kwargs):
        super(Model, self).__init__(**kwargs)
        with self.name_scope():
            self.encoder = nn.Dense(8, in_units=4)
            self.decoder = nn.Dense(4, in_units=8)

    def forward(self, x):
        return self.decoder(self.encoder(x))


emit("custom", str(Model()))
emit("embedding", str(nn.Embedding(10, 4)))
emit("layernorm", str(nn.LayerNorm()))
emit("conv_strided", str(nn.Conv2D(8, 3, strides=2, padding=1, in_channels=4)))
