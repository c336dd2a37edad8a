"""Checks of the metrics an Estimator and its event handlers are given (MXNet 1.9.1's
``estimator/utils.py``)."""
from ...loss import SoftmaxCrossEntropyLoss
from ....metric import Accuracy, CompositeEvalMetric, EvalMetric


def _check_metrics(metrics):
    """A metric, a list of metrics or None as a list; a CompositeEvalMetric is flattened into its
    members.  Anything else is a ValueError."""
    if isinstance(metrics, CompositeEvalMetric):
        return [m for metric in metrics.metrics for m in _check_metrics(metric)]
    if isinstance(metrics, EvalMetric):
        return [metrics]
    metrics = metrics or []
    if not all(isinstance(metric, EvalMetric) for metric in metrics):
        raise ValueError("metrics must be a Metric or a list of Metric, "
                         f"refer to mxnet.metric.EvalMetric: {metrics}")
    return metrics


def _check_handler_metric_ref(handler, known_metrics):
    """ValueError if an attribute of ``handler`` whose name contains 'metric' holds a metric (or
    a list of them) that is not one of ``known_metrics``.  As in MXNet 1.9.1, attributes named
    'monitor' are not looked at."""
    for attribute in dir(handler):
        if "metric" not in attribute:
            continue
        reference = getattr(handler, attribute)
        if not reference:
            continue
        for metric in (reference if isinstance(reference, list) else [reference]):
            if metric not in known_metrics:
                raise ValueError(
                    f"Event handler {type(handler).__name__} refers to a metric instance {metric} outside of "
                    "the known training and validation metrics. Please use the metrics from "
                    "estimator.train_metrics and estimator.val_metrics instead.")


def _suggest_metric_for_loss(loss):
    """Accuracy for a SoftmaxCrossEntropyLoss, no suggestion otherwise."""
    if isinstance(loss, SoftmaxCrossEntropyLoss):
        return Accuracy()
    return None
