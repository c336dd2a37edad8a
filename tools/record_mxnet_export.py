"""Record model files exported by real MXNet 1.9.1 for tests/test_export_import.py.

Run with the reference venv: ``/tmp/mxref/bin/python tools/record_mxnet_export.py``.  For each
model (a LeNet, a small ResNet-like net with BatchNorm, a two-layer LSTM) it writes
``<name>-symbol.json`` and ``<name>-0000.params`` (``HybridBlock.export``) into
tests/reference/data/export/, plus ``io.npz`` with each model's input (``<name>/x``) and
MXNet's inference output for it (``<name>/y``).  BatchNorm's running statistics are moved away
from their initial values by a few training-mode forwards before the export.

Then the exported ResNet is loaded back with ``SymbolBlock.imports`` and one training step is
recorded: the loss ``sum(y**2)`` under ``autograd.record()``, the gradients of two parameters
(``train/grad/<name>``), the running mean after the training forward and the weights after
one ``Trainer`` SGD step (lr 0.1, batch size 2).
"""
import os

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon
from mxnet.gluon import nn

OUT = os.path.join(os.path.dirname(__file__), os.pardir, "tests", "reference", "data", "export")


def lenet():
    net = nn.HybridSequential(prefix="lenet_")
    with net.name_scope():
        net.add(nn.Conv2D(4, 5, activation="relu"), nn.MaxPool2D(2),
                nn.Conv2D(8, 3, activation="tanh"), nn.AvgPool2D(2),
                nn.Flatten(), nn.Dense(16, activation="relu"), nn.Dropout(0.5), nn.Dense(10))
    return net, (2, 1, 16, 16)


class Residual(nn.HybridBlock):
    def __init__(self, channels, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.conv1 = nn.Conv2D(channels, 3, padding=1, use_bias=False)
            self.bn1 = nn.BatchNorm()
            self.conv2 = nn.Conv2D(channels, 3, padding=1, use_bias=False)
            self.bn2 = nn.BatchNorm()

    def hybrid_forward(self, F, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(x + y)


def resnet():
    net = nn.HybridSequential(prefix="resnet_")
    with net.name_scope():
        net.add(nn.Conv2D(6, 3, padding=1, use_bias=False), nn.BatchNorm(), nn.Activation("relu"),
                Residual(6), nn.GlobalAvgPool2D(), nn.Dense(5))
    return net, (2, 3, 8, 8)


def lstm():
    net = gluon.rnn.LSTM(6, num_layers=2, input_size=4, prefix="lstm_")
    return net, (5, 2, 4)


def main():
    os.makedirs(OUT, exist_ok=True)
    mx.random.seed(7)
    rng = np.random.RandomState(7)
    io = {}
    for name, make in (("lenet", lenet), ("resnet", resnet), ("lstm", lstm)):
        net, shape = make()
        net.initialize(mx.init.Xavier(magnitude=2.5))
        net.hybridize()
        x = mx.nd.array(rng.standard_normal(shape).astype(np.float32))
        for _ in range(3):
            with autograd.record():
                net(x * 2 + 0.5)
        y = net(x)
        net.export(os.path.join(OUT, name))
        io[f"{name}/x"] = x.asnumpy()
        io[f"{name}/y"] = y.asnumpy()
    block = gluon.SymbolBlock.imports(os.path.join(OUT, "resnet-symbol.json"), ["data"],
                                      os.path.join(OUT, "resnet-0000.params"))
    trainer = gluon.Trainer(block.collect_params(), "sgd", {"learning_rate": 0.1})
    x = mx.nd.array(io["resnet/x"])
    with autograd.record():
        loss = (block(x) ** 2).sum()
    loss.backward()
    trainer.step(2)
    io["train/loss"] = loss.asnumpy()
    for name in ("resnet_dense0_weight", "resnet_conv0_weight"):
        io[f"train/grad/{name}"] = block.params[name].grad().asnumpy()
        io[f"train/after/{name}"] = block.params[name].data().asnumpy()
    io["train/running_mean"] = block.params["resnet_batchnorm0_running_mean"].data().asnumpy()
    np.savez(os.path.join(OUT, "io.npz"), **io)


if __name__ == "__main__":
    main()
