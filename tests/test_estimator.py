"""gluon.contrib.estimator against runs recorded from MXNet 1.9.1, and its errors.

The reference file tests/reference/data/gluon/estimator_cases.npz is written by
tools/record_mxnet_estimator.py (run in the MXNet 1.9.1 venv); the same ``run_scenario`` runs
here on mxjax: a two-layer net with fixed initial weights trained on fixed data with SGD, then
the final parameters, metric values, log lines (times and the temporary folder masked),
checkpoint file names, early-stopping counters and warning messages are compared.
"""
import importlib.util
import logging
import os
import re
import warnings

import numpy as np
import pytest

import mxjax as mx
from mxjax import gluon, nd
from mxjax.gluon.contrib import estimator as est_mod
from mxjax.gluon.contrib.estimator import (BatchProcessor, CheckpointHandler, EarlyStoppingHandler,
                                           Estimator, LoggingHandler, MetricHandler)

_ROOT = os.path.join(os.path.dirname(__file__), "..")
_spec = importlib.util.spec_from_file_location("record_mxnet_estimator",
                                               os.path.join(_ROOT, "tools", "record_mxnet_estimator.py"))
rec = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rec)
REF = np.load(os.path.join(_ROOT, "tests", "reference", "data", "gluon", "estimator_cases.npz"))


_DECIMAL = re.compile(r"-?\d+\.(\d+)")


def _assert_same_lines(got, ref, key):
    """Lines equal but for the printed decimals, which may differ by one in the last digit
    (float32 sums in another order)."""
    assert len(got) == len(ref), (key, list(got), list(ref))
    for line, ref_line in zip(got, ref):
        assert _DECIMAL.sub("#", line) == _DECIMAL.sub("#", ref_line), key
        for a, b in zip(_DECIMAL.finditer(line), _DECIMAL.finditer(ref_line)):
            assert abs(float(a.group()) - float(b.group())) <= 1.01 * 10.0 ** -len(b.group(1)), (key, line, ref_line)


@pytest.mark.parametrize("name", rec.SCENARIOS)
def test_scenario_matches_mxnet(name, tmp_path):
    """Parameters and metrics after training, log lines, checkpoint files, early stopping and
    warnings as MXNet 1.9.1 gives them."""
    got = rec.run_scenario(mx, name, str(tmp_path))
    expected_keys = {k.split("/", 1)[1] for k in REF.files if k.startswith(name + "/")}
    assert set(got) == expected_keys
    for key, value in got.items():
        ref = REF[f"{name}/{key}"]
        if ref.dtype.kind in "US":
            _assert_same_lines([str(v) for v in value], [str(r) for r in ref], key)
        else:
            np.testing.assert_allclose(value, ref, rtol=1e-5, atol=1e-6, err_msg=f"{name}: {key}")


def _net():
    net = gluon.nn.Dense(3, in_units=4)
    net.initialize()
    return net


def _loader(n=8, batch_size=4):
    data = gluon.data.ArrayDataset(nd.ones((n, 4)), nd.zeros((n,)))
    return gluon.data.DataLoader(data, batch_size=batch_size)


def _quiet(est):
    est.logger.handlers = [logging.NullHandler()]
    return est


def _estimator(**kwargs):
    net = _net()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    return _quiet(Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss(), trainer=trainer, **kwargs))


def _raises(exc_type, match, fn, *args, **kwargs):
    with pytest.raises(exc_type, match=match) as info:
        fn(*args, **kwargs)
    assert type(info.value).__name__ == exc_type.__name__


def test_constructor_errors():
    net = _net()
    loss = gluon.loss.L2Loss()
    _raises(ValueError, "loss must be a Loss", Estimator, net, "mse")
    _raises(ValueError, "metrics must be a Metric or a list of Metric", Estimator, net, loss, train_metrics="acc")
    _raises(ValueError, "context must be a Context or a list of Context", Estimator, net, loss, context="cpu")
    _raises(AssertionError, "gpu\\(0\\) is not available", Estimator, net, loss, context=[mx.gpu(0)])
    _raises(ValueError, "Trainer must be a Gluon Trainer instance", Estimator, net, loss, trainer="sgd")
    _raises(ValueError, "must contain fit_batch\\(\\) and evaluate_batch\\(\\)", Estimator, net, loss,
            trainer=gluon.Trainer(net.collect_params(), "sgd"), batch_processor=object())


def test_default_metrics_trainer_and_initialization():
    net = gluon.nn.Dense(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = _quiet(Estimator(net, gluon.loss.SoftmaxCrossEntropyLoss()))
    assert [str(w.message) for w in caught] == [
        "No trainer specified, default SGD optimizer with learning rate 0.001 is used."]
    assert [type(m).__name__ for m in est.train_metrics] == ["Accuracy", "Loss"]
    assert [m.name for m in est.train_metrics] == ["training accuracy", "training softmaxcrossentropyloss"]
    assert [m.name for m in est.val_metrics] == ["validation accuracy", "validation softmaxcrossentropyloss"]
    assert est.context == [mx.cpu()]
    assert net.weight.shape == (3, 0)   # initialized by the estimator, shapes deferred
    uninitialized = gluon.nn.Dense(3, in_units=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = _quiet(Estimator(uninitialized, gluon.loss.L2Loss(), initializer=mx.init.One()))
    np.testing.assert_array_equal(uninitialized.weight.data().asnumpy(), np.ones((3, 4)))
    assert [m.name for m in est.train_metrics] == ["training l2loss"]


def test_fit_errors():
    est = _estimator()
    _raises(ValueError, "Estimator only support input as Gluon DataLoader", est.fit, [nd.ones((2, 4))], epochs=1)
    _raises(ValueError, "Estimator only support input as Gluon DataLoader", est.evaluate,
            mx.io.NDArrayIter(nd.ones((2, 4)), batch_size=2))
    _raises(ValueError, "exactly one type of iteration", est.fit, _loader())
    _raises(ValueError, "exactly one type of iteration", est.fit, _loader(), epochs=1, batches=2)
    _raises(ValueError, "handlers must be an EventHandler or a list of EventHandler", est.fit, _loader(),
            epochs=1, event_handlers=["log"])
    foreign = LoggingHandler(metrics=[mx.metric.Accuracy()])
    _raises(ValueError, "Event handler LoggingHandler refers to a metric instance", est.fit, _loader(),
            epochs=1, event_handlers=[foreign])
    _raises(ValueError, "log_interval must be either an integer or string 'epoch'", LoggingHandler,
            log_interval="batch")
    _raises(ValueError, "CompositeEvalMetric is not supported", EarlyStoppingHandler,
            mx.metric.CompositeEvalMetric())
    _raises(ValueError, "Please provide one of the metric objects", EarlyStoppingHandler, "acc")


def test_handler_order_and_custom_batch_processor():
    est = _estimator()
    est.fit(_loader(), epochs=1)
    stopper = EarlyStoppingHandler(est.val_metrics[0], mode="max")
    handlers = est._prepare_default_handlers(val_data=None, event_handlers=[stopper])
    assert [type(h).__name__ for h in handlers] == [
        "GradientUpdateHandler", "MetricHandler", "EarlyStoppingHandler", "StoppingHandler", "LoggingHandler"]

    calls = []

    class Counting(BatchProcessor):
        def fit_batch(self, estimator, train_batch, batch_axis=0):
            calls.append(train_batch[0].shape)
            return super().fit_batch(estimator, train_batch, batch_axis)

    est = _estimator(batch_processor=Counting())
    est.fit(_loader(n=10), batches=4)
    assert calls == [(4, 4), (4, 4), (2, 4), (4, 4)]


def test_gradient_update_uses_the_batch_size():
    """One SGD step with rescale 1/batch_size: the update is the mean gradient."""
    net = gluon.nn.Dense(1, in_units=2, use_bias=False)
    net.initialize(mx.init.Zero())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 1.0})
    est = _quiet(Estimator(net, gluon.loss.L2Loss(), train_metrics=mx.metric.MSE(), trainer=trainer))
    x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], np.float32)
    y = np.array([1.0, 2.0, 3.0], np.float32)
    est.fit(gluon.data.DataLoader(gluon.data.ArrayDataset(nd.array(x), nd.array(y)), batch_size=3), batches=1)
    np.testing.assert_allclose(net.weight.data().asnumpy(), [(y[:, None] * x).mean(0)], rtol=1e-6)


def test_checkpoint_handler_errors(tmp_path):
    est = _estimator()
    _raises(ValueError, "To save best model only", CheckpointHandler, str(tmp_path), save_best=True)
    resume = CheckpointHandler(str(tmp_path), resume_from_checkpoint=True, batch_period=2)
    _raises(AssertionError, "To use resume from checkpoint", est.fit, _loader(), epochs=2, event_handlers=[resume])
    est.fit(_loader(), epochs=2, event_handlers=[CheckpointHandler(str(tmp_path), model_prefix="m")])
    assert sorted(os.listdir(tmp_path)) == ["m-epoch0batch2.params", "m-epoch0batch2.states",
                                            "m-epoch1batch4.params", "m-epoch1batch4.states"]
    resume = CheckpointHandler(str(tmp_path), model_prefix="m", resume_from_checkpoint=True)
    _raises(ValueError, "Found checkpoint with maximum number of epoch 2 reached", est.fit, _loader(), epochs=2,
            event_handlers=[resume])


def test_metric_handler_and_evaluate_reset():
    est = _estimator()
    acc = est.val_metrics[0]
    est.evaluate(_loader())
    assert acc.num_inst == 8
    handler = MetricHandler(metrics=est.val_metrics)
    est.evaluate(_loader(n=4), event_handlers=[handler, LoggingHandler(metrics=est.val_metrics)])
    assert acc.num_inst == 4


def test_public_names():
    assert set(est_mod.event_handler.__all__) == {
        "TrainBegin", "TrainEnd", "EpochBegin", "EpochEnd", "BatchBegin", "BatchEnd", "StoppingHandler",
        "MetricHandler", "ValidationHandler", "LoggingHandler", "CheckpointHandler", "EarlyStoppingHandler",
        "GradientUpdateHandler"}
    assert est_mod.Estimator is est_mod.estimator.Estimator
    assert est_mod.BatchProcessor is est_mod.batch_processor.BatchProcessor
