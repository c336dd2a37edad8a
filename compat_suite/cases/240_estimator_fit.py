# compat: rtol=1e-3 atol=2e-4
"""gluon.contrib.estimator: fit with validation, interval logging, checkpoints and early stopping;
evaluate; the defaults (metrics, loss metric, trainer) and errors."""
import logging
import os
import re
import tempfile
import warnings

import mxnet as mx
import numpy as np
from mxnet import gluon
from mxnet.gluon.contrib.estimator import (CheckpointHandler, EarlyStoppingHandler, Estimator,
                                           LoggingHandler)
from compat_emit import emit, emit_error


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(re.sub(r"\d+\.\d+s|total \d+s", "T", record.getMessage()))


def make_net():
    net = gluon.nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(gluon.nn.Dense(6, activation="tanh", in_units=4, prefix="a_"), gluon.nn.Dense(3, in_units=6, prefix="b_"))
    net.initialize()
    rs = np.random.RandomState(7)
    for key in sorted(net.collect_params().keys()):
        p = net.collect_params()[key]
        p.set_data(mx.nd.array(rs.uniform(-0.7, 0.7, p.shape)))
    return net


rs = np.random.RandomState(0)
x = rs.uniform(-1, 1, (22, 4)).astype("float32")
y = (x[:, 0] > 0).astype("float32") + (x[:, 1] > 0.3)
train = gluon.data.DataLoader(gluon.data.ArrayDataset(mx.nd.array(x), mx.nd.array(y)), batch_size=5)
val = gluon.data.DataLoader(gluon.data.ArrayDataset(mx.nd.array(x[:8]), mx.nd.array(y[:8])), batch_size=3)

net = make_net()
trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.05})
est = Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(), trainer=trainer, context=mx.cpu())
lines = Lines()
est.logger.handlers = [lines]
emit("train_metric_names", [m.name for m in est.train_metrics])
emit("val_metric_names", [m.name for m in est.val_metrics])

with tempfile.TemporaryDirectory() as tmp:
    ckpt = CheckpointHandler(tmp, model_prefix="m", monitor=est.val_metrics[0], save_best=True, mode="max",
                             batch_period=4, max_checkpoints=3)
    stop = EarlyStoppingHandler(est.val_metrics[1], mode="min", patience=2)
    est.fit(train, val_data=val, epochs=6,
            event_handlers=[ckpt, stop, LoggingHandler(log_interval=3, metrics=est.train_metrics)])
    emit("files", sorted(os.listdir(tmp)))
emit("stopped", [stop.stopped_epoch, stop.current_epoch])
# the printed numbers apart from the text: their last digit may round the other way
emit("log", [re.sub(r"\d+\.\d+", "#", line.replace(tmp, "DIR")) for line in lines.lines])
emit("log_numbers", [float(v) for line in lines.lines for v in re.findall(r"\d+\.\d+", line)])
emit("weights", {k: p.data() for k, p in net.collect_params().items()})
emit("train_metrics", [m.get() for m in est.train_metrics])

est.evaluate(val)
emit("val_metrics", [m.get() for m in est.val_metrics])

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    default = Estimator(make_net(), gluon.loss.L1Loss())
emit("warnings", [str(w.message) for w in caught if issubclass(w.category, UserWarning)])
emit("default_trainer", [type(default.trainer.optimizer).__name__, default.trainer.learning_rate])
emit("default_metrics", [m.name for m in default.train_metrics])
emit_error("fit_without_length", lambda: est.fit(train))
emit_error("fit_on_list", lambda: est.fit([mx.nd.ones((2, 4))], epochs=1))
emit_error("bad_context", lambda: Estimator(make_net(), gluon.loss.L1Loss(), context="cpu"))
emit_error("bad_loss", lambda: Estimator(make_net(), "l1"))
