"""A real MXNet 1.9.1 program, unchanged for both contenders: MXNet's Gluon MNIST example
(example/gluon/mnist/mnist.py: MLP 128-64-10, SGD lr 0.1 momentum 0.9, batch 100,
gluon.data.vision.MNIST + DataLoader with shuffle and last_batch='discard', accuracy metric,
validation pass), run for one epoch on the MNIST files in --data-dir.

    /tmp/mxref/bin/python benchmarks/mnist_epoch_program.py --data-dir DIR     # real MXNet
    python -m mxjax benchmarks/mnist_epoch_program.py --data-dir DIR           # mxjax

Its last stdout line is JSON: epoch_s (training loop), val_s (validation pass), total_s
(from the first line of this file: imports, data loading, both passes), and the accuracies.
benchmarks/real_program.py writes the files and runs both side by side.
"""
import time

START = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402

import numpy as np  # noqa: E402
import mxnet as mx  # noqa: E402
from mxnet import autograd, gluon  # noqa: E402
from mxnet.gluon import nn  # noqa: E402

logging.basicConfig(level=logging.DEBUG)   # as MXNet's example does

parser = argparse.ArgumentParser()
parser.add_argument("--data-dir", required=True)
parser.add_argument("--batch-size", type=int, default=100)
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--momentum", type=float, default=0.9)
parser.add_argument("--log-interval", type=int, default=100)
opt = parser.parse_args()

net = nn.Sequential()
with net.name_scope():
    net.add(nn.Dense(128, activation="relu"))
    net.add(nn.Dense(64, activation="relu"))
    net.add(nn.Dense(10))


def transformer(data, label):
    return data.reshape((-1,)).astype(np.float32) / 255, label


train_data = gluon.data.DataLoader(gluon.data.vision.MNIST(opt.data_dir, train=True, transform=transformer),
                                   batch_size=opt.batch_size, shuffle=True, last_batch="discard")
val_data = gluon.data.DataLoader(gluon.data.vision.MNIST(opt.data_dir, train=False, transform=transformer),
                                 batch_size=opt.batch_size, shuffle=False)


def test(ctx):
    metric = mx.metric.Accuracy()
    for data, label in val_data:
        output = net(data.as_in_context(ctx))
        metric.update([label.as_in_context(ctx)], [output])
    return metric.get()


def train(epochs, ctx):
    net.initialize(mx.init.Xavier(magnitude=2.24), ctx=ctx)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": opt.lr, "momentum": opt.momentum})
    metric = mx.metric.Accuracy()
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    result = {}
    for epoch in range(epochs):
        start = time.perf_counter()
        metric.reset()
        for i, (data, label) in enumerate(train_data):
            data = data.as_in_context(ctx)
            label = label.as_in_context(ctx)
            with autograd.record():
                output = net(data)
                L = loss(output, label)
                L.backward()
            trainer.step(data.shape[0])
            metric.update([label], [output])
            if i % opt.log_interval == 0 and i > 0:
                name, acc = metric.get()
                print("[Epoch %d Batch %d] Training: %s=%f" % (epoch, i, name, acc))
        name, acc = metric.get()
        result["epoch_s"] = time.perf_counter() - start
        print("[Epoch %d] Training: %s=%f" % (epoch, name, acc))
        start = time.perf_counter()
        name, val_acc = test(ctx)
        result["val_s"] = time.perf_counter() - start
        print("[Epoch %d] Validation: %s=%f" % (epoch, name, val_acc))
        result.update(train_acc=acc, val_acc=val_acc)
    return result


result = train(opt.epochs, mx.cpu())
result["total_s"] = time.perf_counter() - START
print(json.dumps(result))
