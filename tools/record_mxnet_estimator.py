"""Record gluon.contrib.estimator runs from MXNet 1.9.1: final parameters, metric values, log
lines (times masked), checkpoint file names, early stopping and warnings.

Run in the reference venv:  /tmp/mxref/bin/python tools/record_mxnet_estimator.py
Writes tests/reference/data/gluon/estimator_cases.npz.  ``run_scenario(mx, name, tmpdir)``
works with any module exposing MXNet's API, so tests/test_estimator.py runs the same code on
mxjax and compares.
"""
import logging
import os
import re
import tempfile
import warnings

import numpy as np

SCENARIOS = ["fit_val_log", "evaluate_regression", "checkpoint_epochs", "checkpoint_batches",
             "resume", "early_stop_min", "early_stop_auto", "warnings"]


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def _mask(line, tmpdir):
    line = line.replace(tmpdir, "DIR")
    line = re.sub(r"\d+\.\d+s", "Ts", line)
    return re.sub(r"total \d+s", "total Ts", line)


def _net(mx, seed=0):
    nn = mx.gluon.nn
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Dense(8, activation="relu", in_units=5, prefix="fc1_"))
        net.add(nn.Dense(3, in_units=8, prefix="fc2_"))
    net.initialize()
    rs = np.random.RandomState(seed)
    params = net.collect_params()
    for key in sorted(params.keys()):
        params[key].set_data(mx.nd.array(rs.uniform(-0.5, 0.5, params[key].shape)))
    return net


def _classification(mx, n, seed, batch_size=6):
    rs = np.random.RandomState(seed)
    x = rs.uniform(-1, 1, (n, 5)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.float32) + (x[:, 2] > 0.5)
    dataset = mx.gluon.data.ArrayDataset(mx.nd.array(x), mx.nd.array(y))
    return mx.gluon.data.DataLoader(dataset, batch_size=batch_size)


def _estimator(mx, lr=0.1, **kwargs):
    net = _net(mx)
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": lr, "momentum": 0.9})
    est = mx.gluon.contrib.estimator.Estimator(net, mx.gluon.loss.SoftmaxCrossEntropyLoss(),
                                               trainer=trainer, context=mx.cpu(), **kwargs)
    lines = _Lines()
    est.logger.handlers = [lines]   # keep stdout quiet; the lines are the result
    return est, lines


def _params(est):
    return {"param:" + k: p.data().asnumpy() for k, p in est.net.collect_params().items()}


def _metrics(metrics, prefix):
    return {f"{prefix}:{name}": np.float64(value) for name, value in (m.get() for m in metrics)}


def run_scenario(mx, name, tmpdir):
    """Returns a dict of numpy values for one scenario, writing checkpoints under tmpdir."""
    est_mod = mx.gluon.contrib.estimator
    out = {}
    if name == "fit_val_log":
        est, lines = _estimator(mx)
        logger = est_mod.LoggingHandler(log_interval=2, metrics=est.train_metrics)
        est.fit(_classification(mx, 20, 1), val_data=_classification(mx, 9, 2, 4), epochs=2,
                event_handlers=[logger])
        out.update(_params(est))
        out.update(_metrics(est.train_metrics, "train"))
        out.update(_metrics(est.val_metrics, "val"))
    elif name == "evaluate_regression":
        net = _net(mx)
        rs = np.random.RandomState(3)
        data = mx.gluon.data.ArrayDataset(mx.nd.array(rs.uniform(-1, 1, (7, 5))),
                                          mx.nd.array(rs.uniform(-1, 1, (7, 3))))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = est_mod.Estimator(net, mx.gluon.loss.L2Loss(), val_metrics=[mx.metric.MSE(), mx.metric.MAE()])
        lines = _Lines()
        est.logger.handlers = [lines]
        est.evaluate(mx.gluon.data.DataLoader(data, batch_size=3),
                     event_handlers=[est_mod.LoggingHandler(log_interval=1, metrics=est.val_metrics)])
        out.update(_metrics(est.val_metrics, "val"))
        out["train_names"] = np.array([m.name for m in est.train_metrics])
    elif name == "checkpoint_epochs":
        est, lines = _estimator(mx)
        ckpt = est_mod.CheckpointHandler(tmpdir, model_prefix="ck", monitor=est.val_metrics[1], verbose=1,
                                         save_best=True, mode="min", max_checkpoints=2)
        est.fit(_classification(mx, 20, 1), val_data=_classification(mx, 9, 2, 4), epochs=3,
                event_handlers=[ckpt])
        out["files"] = np.array(sorted(os.listdir(tmpdir)))
        best = _net(mx)
        best.load_parameters(os.path.join(tmpdir, "ck-best.params"))
        out.update({"best:" + k: p.data().asnumpy() for k, p in best.collect_params().items()})
        out["best_value"] = np.float64(ckpt.best)
    elif name == "checkpoint_batches":
        est, lines = _estimator(mx)
        ckpt = est_mod.CheckpointHandler(tmpdir, model_prefix="b", epoch_period=None, batch_period=3,
                                         max_checkpoints=10)
        est.fit(_classification(mx, 20, 1), batches=8, event_handlers=[ckpt])
        out["files"] = np.array(sorted(os.listdir(tmpdir)))
        out["counters"] = np.array([ckpt.current_epoch, ckpt.current_batch])
    elif name == "resume":
        est, lines = _estimator(mx)
        ckpt = est_mod.CheckpointHandler(tmpdir, model_prefix="r", max_checkpoints=1)
        est.fit(_classification(mx, 20, 1), epochs=2, event_handlers=[ckpt])
        est2, lines2 = _estimator(mx)
        ckpt2 = est_mod.CheckpointHandler(tmpdir, model_prefix="r", max_checkpoints=1, resume_from_checkpoint=True)
        est2.fit(_classification(mx, 20, 1), epochs=4, event_handlers=[ckpt2])
        lines.lines += lines2.lines
        out["max_epoch"] = np.int64(est2.max_epoch)
        out["files"] = np.array(sorted(os.listdir(tmpdir)))
        out.update(_params(est2))
    elif name in ("early_stop_min", "early_stop_auto"):
        est, lines = _estimator(mx, lr=2.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            stopper = est_mod.EarlyStoppingHandler(est.val_metrics[1], min_delta=0.01, patience=1,
                                                   mode="min" if name == "early_stop_min" else "auto")
        est.fit(_classification(mx, 20, 1), val_data=_classification(mx, 9, 2, 4), epochs=8,
                event_handlers=[stopper])
        out["stop"] = np.array([stopper.stopped_epoch, stopper.current_epoch, stopper.wait])
        out["best"] = np.float64(stopper.best)
        out.update(_metrics(est.val_metrics, "val"))
    elif name == "warnings":
        lines = _Lines()
        loss = mx.gluon.loss.L2Loss()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            net = _net(mx)
            est = est_mod.Estimator(net, loss, initializer=mx.init.Xavier())
            est_mod.EarlyStoppingHandler(est.train_metrics[0], mode="auto")
            est_mod.CheckpointHandler(tmpdir, monitor=est.train_metrics[0], save_best=True, mode="bad")
            caught = [str(x.message) for x in w if issubclass(x.category, (UserWarning, RuntimeWarning))]
        out["warnings"] = np.array(caught)
        out["train_names"] = np.array([m.name for m in est.train_metrics])
        out["val_names"] = np.array([m.name for m in est.val_metrics])
        out["context"] = np.array([str(c) for c in est.context])
        out["optimizer"] = np.array([type(est.trainer.optimizer).__name__, str(est.trainer.learning_rate)])
    out["log"] = np.array([_mask(line, tmpdir) for line in lines.lines] or [""])
    return out


def main():
    import mxnet as mx
    arrays = {}
    for name in SCENARIOS:
        with tempfile.TemporaryDirectory() as tmpdir:
            for key, value in run_scenario(mx, name, tmpdir).items():
                arrays[f"{name}/{key}"] = value
    path = os.path.join(os.path.dirname(__file__), "..", "tests", "reference", "data", "gluon",
                        "estimator_cases.npz")
    np.savez_compressed(path, **arrays)
    print("wrote", len(arrays), "arrays to", os.path.normpath(path))


if __name__ == "__main__":
    main()
