"""mx.callback in Module.fit: Speedometer (frequent, auto_reset) and log_train_metric log
lines (speeds masked), do_checkpoint with a period, module_checkpoint with optimizer states,
ProgressBar, and a list of batch_end_callbacks receiving BatchEndParam fields."""
import logging
import os
import re

import mxnet as mx
import numpy as np
from compat_emit import emit


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        msg = record.getMessage()
        if "Time cost" not in msg:
            self.lines.append(re.sub(r"[0-9.]+ samples/sec", "N samples/sec", msg))


logging.getLogger().setLevel(logging.INFO)
lines = Lines()
logging.getLogger().addHandler(lines)

rng = np.random.RandomState(56)
X = rng.normal(0, 1, (40, 4)).astype("float32")
y = (X[:, 0] > 0).astype("float32")
data = mx.sym.Variable("data")
net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(data, num_hidden=2, name="fc"), name="softmax")
init = {"fc_weight": mx.nd.array(rng.normal(0, 0.3, (2, 4))), "fc_bias": mx.nd.zeros(2)}
it = mx.io.NDArrayIter(X, y, batch_size=5)

seen = []


def record(param):
    seen.append((param.epoch, param.nbatch, param.eval_metric.get_name_value()[0][0], sorted(param.locals)[:0]))


mod = mx.mod.Module(net)
mod.fit(it, num_epoch=3, optimizer="sgd", optimizer_params={"learning_rate": 0.1},
        arg_params=init, eval_metric="acc",
        batch_end_callback=[mx.callback.Speedometer(5, frequent=3), mx.callback.log_train_metric(4),
                            record],
        epoch_end_callback=[mx.callback.do_checkpoint("cb", period=2),
                            mx.callback.module_checkpoint(mod, "mc", period=1, save_optimizer_states=True)])
emit("log_lines", lines.lines)
emit("batch_end_params", seen)
emit("files", sorted(f for f in os.listdir(".") if f.startswith(("cb", "mc"))))

lines.lines.clear()
it.reset()
mod.fit(it, num_epoch=4, begin_epoch=3, eval_metric="acc",
        batch_end_callback=mx.callback.Speedometer(5, frequent=2, auto_reset=False))
emit("no_reset_lines", lines.lines)
arg, _ = mod.get_params()
emit("params", {k: arg[k] for k in sorted(arg)})
