"""Record the reference numbers of tests/test_module.py from real MXNet 1.9.1.

    /tmp/mxref/bin/python tools/record_mxnet_module.py

(``tools/record_mxnet_reference.py`` shows how to make the reference venv.)  Writes, into
tests/reference/data/module/:

- ``fit.npz``: for each run (``sgd``: SGD with momentum and weight decay, batches of 20,
  metric 'acc'; ``adam``: Adam, batches of 25 with a padded last batch, metrics acc and ce;
  ``sgd_2ctx``: as sgd on cpu(0) and cpu(1), each half a batch, summed in a 'local' kvstore)
  the parameters after 3 epochs of ``Module.fit`` from the initial values ``initial_params``
  gives (the same function the test uses), the auxiliary states, ``predict`` on the
  validation data and ``score``; ``fit_logs.json``: the Train-/Validation- log lines of fit
  and ``mx.viz.print_summary`` of the network (with and without input shapes);
- ``mxnet_ckpt-symbol.json`` / ``mxnet_ckpt-0003.params``: ``save_checkpoint`` of the sgd
  run, loaded by the test with mxjax.
"""
import contextlib
import io
import json
import logging
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "tests", "reference", "data", "module")

RUNS = {
    "sgd": {"optimizer": "sgd", "params": {"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-3},
            "batch_size": 20, "metric": "acc"},
    "adam": {"optimizer": "adam", "params": {"learning_rate": 0.01}, "batch_size": 25, "metric": ["acc", "ce"]},
    "sgd_2ctx": {"optimizer": "sgd", "params": {"learning_rate": 0.1, "momentum": 0.9, "wd": 1e-3},
                 "batch_size": 20, "metric": "acc", "contexts": 2},
}


def data():
    """(train X, train y, validation X, validation y): 60 and 30 samples, 8 features, 3 classes."""
    rng = np.random.RandomState(7)
    x = rng.uniform(-1, 1, (90, 8)).astype(np.float32)
    y = (np.argmax(x[:, :3] + 0.3 * x[:, 3:6], axis=1)).astype(np.float32)
    return x[:60], y[:60], x[60:], y[60:]


def network(mx):
    """FullyConnected(16, no bias) - BatchNorm (learned gamma) - relu - FullyConnected(3) -
    SoftmaxOutput.  (A bias before BatchNorm gets a gradient of rounding noise only, which Adam
    would amplify into steps of full size: not a comparison of the libraries.)"""
    net = mx.sym.Variable("data")
    net = mx.sym.FullyConnected(net, num_hidden=16, no_bias=True, name="fc1")
    net = mx.sym.BatchNorm(net, fix_gamma=False, name="bn1")
    net = mx.sym.Activation(net, act_type="relu", name="relu1")
    net = mx.sym.FullyConnected(net, num_hidden=3, name="fc2")
    return mx.sym.SoftmaxOutput(net, name="softmax")


def initial_params():
    """Fixed initial parameters and auxiliary states (numpy), by name."""
    rng = np.random.RandomState(3)
    arg = {"fc1_weight": rng.normal(0, 0.3, (16, 8)), "bn1_gamma": 1 + rng.normal(0, 0.1, (16,)),
           "bn1_beta": rng.normal(0, 0.1, (16,)), "fc2_weight": rng.normal(0, 0.3, (3, 16)), "fc2_bias": np.zeros(3)}
    aux = {"bn1_moving_mean": np.zeros(16), "bn1_moving_var": np.ones(16)}
    as32 = lambda d: {k: v.astype(np.float32) for k, v in d.items()}  # noqa: E731
    return as32(arg), as32(aux)


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        text = record.getMessage()
        if "Train-" in text or "Validation-" in text:
            self.lines.append(text)


def run(mx, name, spec, prefix=None):
    """Train one run; (arrays to record, the fit's log lines)."""
    xt, yt, xv, yv = data()
    train = mx.io.NDArrayIter(xt, yt, batch_size=spec["batch_size"])
    val = mx.io.NDArrayIter(xv, yv, batch_size=spec["batch_size"])
    arg, aux = initial_params()
    logger = logging.getLogger(f"module_ref_{name}")
    logger.setLevel(logging.INFO)
    handler = _Lines()
    logger.addHandler(handler)
    contexts = [mx.cpu(i) for i in range(spec.get("contexts", 1))]
    mod = mx.mod.Module(network(mx), logger=logger, context=contexts)
    mod.fit(train, eval_data=val, eval_metric=spec["metric"], optimizer=spec["optimizer"],
            optimizer_params=spec["params"], num_epoch=3,
            arg_params={k: mx.nd.array(v) for k, v in arg.items()},
            aux_params={k: mx.nd.array(v) for k, v in aux.items()})
    arg_out, aux_out = mod.get_params()
    out = {f"{name}/arg/{k}": v.asnumpy() for k, v in arg_out.items()}
    out.update({f"{name}/aux/{k}": v.asnumpy() for k, v in aux_out.items()})
    out[f"{name}/predict"] = mod.predict(val).asnumpy()
    out[f"{name}/score"] = np.array([v for _, v in mod.score(val, spec["metric"])])
    if prefix is not None:
        mod.save_checkpoint(prefix, 3)
    return out, handler.lines


def main():
    import mxnet as mx
    assert mx.__version__ == "1.9.1", mx.__version__
    os.makedirs(OUT, exist_ok=True)
    arrays, logs = {}, {}
    for name, spec in RUNS.items():
        prefix = os.path.join(OUT, "mxnet_ckpt") if name == "sgd" else None
        out, lines = run(mx, name, spec, prefix)
        arrays.update(out)
        logs[name] = lines
    for key, shape in (("summary_shape", {"data": (1, 8)}), ("summary", None)):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            mx.viz.print_summary(network(mx), shape=shape)
        logs[key] = buf.getvalue()
    np.savez(os.path.join(OUT, "fit.npz"), **arrays)
    with open(os.path.join(OUT, "fit_logs.json"), "w") as f:
        json.dump(logs, f, indent=1)
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
