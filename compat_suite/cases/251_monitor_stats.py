"""mx.monitor.Monitor on a Module, as in MXNet's example/image-classification --monitor:
the default norm statistic and a custom stat_func, a name pattern, interval and sort,
the (step, name, value) triples toc returns, and toc_print's log lines."""
import logging

import mxnet as mx
import numpy as np
from compat_emit import emit


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


logging.getLogger().setLevel(logging.INFO)
lines = Lines()
logging.getLogger().addHandler(lines)

rng = np.random.RandomState(51)
X = rng.normal(0, 1, (12, 4)).astype("float32")
y = rng.randint(0, 2, 12).astype("float32")
data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, num_hidden=3, name="fc1")
net = mx.sym.Activation(net, act_type="tanh", name="tanh1")
net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(net, num_hidden=2, name="fc2"), name="softmax")
params = {"fc1_weight": rng.normal(0, 0.5, (3, 4)), "fc1_bias": np.zeros(3),
          "fc2_weight": rng.normal(0, 0.5, (2, 3)), "fc2_bias": np.zeros(2)}
it = mx.io.NDArrayIter(X, y, batch_size=6)

mod = mx.mod.Module(net)
mod.bind(it.provide_data, it.provide_label)
mod.init_params(arg_params={k: mx.nd.array(v) for k, v in params.items()})
mod.init_optimizer(optimizer_params={"learning_rate": 0.1})
# forward outputs, weights, and the weight/bias gradients (MXNet leaves the gradients nobody
# asked for, such as the label's, uninitialized)
mon = mx.mon.Monitor(2, pattern=r"(?!.*backward).*(weight|output)$|fc\d_backward_output[12]", sort=True)
mod.install_monitor(mon)
step_stats = []
for batch in it:
    mon.tic()
    mod.forward_backward(batch)
    mod.update()
    stats = mon.toc()
    step_stats.append([(n, s, float(v.split("\t")[0])) if isinstance(v, str) else (n, s, v) for n, s, v in stats])
for i, stats in enumerate(step_stats):
    emit(f"step{i}_names", [s[1] for s in stats])
    emit(f"step{i}_steps", [s[0] for s in stats])
    emit(f"step{i}_values", [s[2] for s in stats])

it.reset()
mod2 = mx.mod.Module(net)
mod2.bind(it.provide_data, it.provide_label, for_training=False)
mod2.set_params({k: mx.nd.array(v) for k, v in params.items()}, {})
# parameters only: MXNet (MKLDNN) fuses inference-mode layers, which then report no op outputs
mon2 = mx.monitor.Monitor(1, stat_func=lambda x: mx.nd.max(mx.nd.abs(x)), pattern="fc2_(weight|bias)")
mod2.install_monitor(mon2)
lines.lines.clear()
mon2.tic()
mod2.forward(next(it), is_train=False)
mon2.toc_print()
emit("toc_print_lines", [" ".join(l.split()[:3]) for l in lines.lines])
emit("toc_print_values", [float(l.split()[-1]) for l in lines.lines])
