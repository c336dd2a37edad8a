# compat: rtol=1e-3 atol=2e-4
"""gluon.contrib.estimator as a training script drives it: a user event handler (epoch and
batch hooks), StoppingHandler's max_batch, CheckpointHandler saving every epoch and a second
fit resuming from the last checkpoint, and ValidationHandler's batch period."""
import os

import numpy as np
import mxnet as mx
from mxnet import gluon
from mxnet.gluon.contrib.estimator import (BatchEnd, CheckpointHandler, EpochBegin, EpochEnd, Estimator,
                                           TrainBegin, TrainEnd, ValidationHandler)
from compat_emit import emit


class Recorder(TrainBegin, EpochBegin, EpochEnd, BatchEnd, TrainEnd):
    def __init__(self):
        self.events = []

    def train_begin(self, estimator, *args, **kwargs):
        self.events.append("train_begin")

    def epoch_begin(self, estimator, *args, **kwargs):
        self.events.append("epoch_begin")

    def batch_end(self, estimator, *args, **kwargs):
        self.events.append(f"batch_end:{float(kwargs['loss'][0].mean().asscalar()):.4f}")

    def epoch_end(self, estimator, *args, **kwargs):
        self.events.append("epoch_end:" + ",".join(f"{n}={v:.4f}" for n, v in (m.get() for m in estimator.train_metrics)))

    def train_end(self, estimator, *args, **kwargs):
        self.events.append("train_end")


def make_net():
    net = gluon.nn.HybridSequential(prefix="mlp_")
    with net.name_scope():
        net.add(gluon.nn.Dense(8, activation="relu", in_units=3), gluon.nn.Dense(2, in_units=8))
    net.initialize()
    rs = np.random.RandomState(11)
    for key in sorted(net.collect_params().keys()):
        p = net.collect_params()[key]
        p.set_data(mx.nd.array(rs.uniform(-0.6, 0.6, p.shape)))
    return net


rs = np.random.RandomState(2)
x = rs.uniform(-1, 1, (24, 3)).astype("float32")
y = (x.sum(axis=1) > 0).astype("float32")
train = gluon.data.DataLoader(gluon.data.ArrayDataset(x, y), batch_size=6)
val = gluon.data.DataLoader(gluon.data.ArrayDataset(x[:9], y[:9]), batch_size=3)

net = make_net()
est = Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(), train_metrics=mx.metric.Accuracy(),
                trainer=gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.5, "momentum": 0.9}))
est.logger.disabled = True
recorder = Recorder()
ckpt = CheckpointHandler("ckpt", model_prefix="mlp", epoch_period=1)
est.fit(train, val_data=val, batches=10, event_handlers=[recorder, ckpt])
emit("events", recorder.events)
emit("files", sorted(os.listdir("ckpt")))
emit("weights_after_first_fit", {k: p.data() for k, p in net.collect_params().items()})

net2 = make_net()
est2 = Estimator(net2, gluon.loss.SoftmaxCrossEntropyLoss(), train_metrics=mx.metric.Accuracy(),
                 trainer=gluon.Trainer(net2.collect_params(), "sgd", {"learning_rate": 0.5, "momentum": 0.9}))
est2.logger.disabled = True
resume = CheckpointHandler("ckpt", model_prefix="mlp", epoch_period=1, resume_from_checkpoint=True)
recorder2 = Recorder()
est2.fit(train, epochs=5, event_handlers=[resume, recorder2])
emit("resumed_events", recorder2.events)
emit("resumed_files", sorted(os.listdir("ckpt")))
emit("resumed_weights", {k: p.data() for k, p in net2.collect_params().items()})

net3 = make_net()
est3 = Estimator(net3, gluon.loss.SoftmaxCrossEntropyLoss(), train_metrics=mx.metric.Accuracy(),
                 val_metrics=mx.metric.Accuracy(),
                 trainer=gluon.Trainer(net3.collect_params(), "sgd", {"learning_rate": 0.2}))
est3.logger.disabled = True
validated = []


class ValRecorder(BatchEnd):
    def batch_end(self, estimator, *args, **kwargs):
        validated.append(estimator.val_metrics[0].get())


vh = ValidationHandler(val, est3.evaluate, batch_period=2)
est3.fit(train, epochs=1, event_handlers=[vh, ValRecorder()])
emit("val_by_batch", validated)
