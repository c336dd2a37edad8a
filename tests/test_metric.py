"""mx.metric: values, names, registry and errors as MXNet 1.9.1 (numbers recorded from MXNet 1.9.1
on the inputs below; exact equality where MXNet's arithmetic is reproduced step by step)."""
import math

import numpy as np
import pytest

import mxjax as mx
from mxjax import nd

RS = np.random.RandomState(0)
_PROBS = RS.uniform(0, 1, (6, 4)).astype("float32")
_PROBS /= _PROBS.sum(1, keepdims=True)
P = nd.array(_PROBS)
L = nd.array([0, 1, 3, 2, 2, 1])
_AXIS0 = RS.uniform(size=(3, 3))
_PB = RS.uniform(size=(8, 2)).astype("float32")
_LB = np.array([0, 1, 1, 0, 1, 1, 0, 0], "float32")
PB, LB = nd.array(_PB), nd.array(_LB)
_REG_L = RS.uniform(size=(5,)).astype("float32")
_REG_P = RS.uniform(size=(5, 1)).astype("float32")
_X1 = RS.uniform(size=(7,)).astype("float32")
_X2 = (_X1 + RS.uniform(size=(7,)) * 0.5).astype("float32")


def _values(metric):
    return metric.get()[1], metric.get_global()[1]


def test_accuracy_argmax_local_and_global():
    m = mx.metric.Accuracy()
    m.update([L], [P])
    assert m.get() == ("accuracy", 0.0)
    assert isinstance(m.get()[1], np.float64)
    m.update([nd.array([1, 0, 2, 2])], [nd.array([1, 1, 2, 0])])   # same shape: no argmax
    assert _values(m) == (0.2, 0.2)
    m.reset_local()
    name, value = m.get()
    assert name == "accuracy" and math.isnan(value)
    assert m.get_global() == ("accuracy", 0.2)
    m.reset()
    assert math.isnan(m.get_global()[1])


def test_accuracy_axis():
    m = mx.metric.Accuracy(axis=0)
    m.update([nd.array([1, 0, 2])], [nd.array(_AXIS0)])
    assert m.get()[1] == 0.6666666666666666


def test_top_k_accuracy():
    m = mx.metric.TopKAccuracy(top_k=2)
    assert m.name == "top_k_accuracy_2"
    m.update([L], [P])
    assert _values(m) == (0.3333333333333333, 0.3333333333333333)          # recorded from MXNet 1.9.1
    m = mx.metric.TopKAccuracy(top_k=3)
    m.update([L], [P])
    m.update([L[:3]], [P[:3]])
    assert _values(m) == (0.8888888888888888, 0.8888888888888888)
    with pytest.raises(AssertionError, match="Please use Accuracy if top_k is no more than 1"):
        mx.metric.TopKAccuracy(top_k=1)


def test_f1_and_mcc_macro_and_micro():
    m = mx.metric.F1()
    m.update([LB], [PB])
    assert _values(m) == (0.75, 0.75)
    m.update([LB[:4]], [PB[4:]])
    assert _values(m) == (0.575, 0.575)
    m = mx.metric.F1(average="micro")
    m.update([LB], [PB])
    m.update([LB[:4]], [PB[4:]])
    assert _values(m) == (0.6153846153846153, 0.6153846153846153)
    m = mx.metric.MCC()
    m.update([LB], [PB])
    m.update([LB[:4]], [PB[4:]])
    assert _values(m) == (-0.03867513459481292, -0.03867513459481292)
    m = mx.metric.MCC(average="micro")
    m.update([LB], [PB])
    m.update([LB[:4]], [PB[4:]])
    assert _values(m) == (0.16903085094570333, 0.16903085094570333)
    with pytest.raises(ValueError, match="_BinaryClassificationMetrics currently only supports binary"):
        mx.metric.F1().update([nd.array([0, 1, 2])], [nd.ones((3, 3))])


def test_perplexity():
    m = mx.metric.Perplexity(ignore_label=None)
    m.update([L], [P])
    assert m.get() == ("perplexity", pytest.approx(5.3423308190562055, rel=1e-12))
    m = mx.metric.Perplexity(ignore_label=2)
    m.update([L], [P])
    m.update([L[:2]], [P[:2]])
    assert _values(m) == (pytest.approx(4.145717639551216, rel=1e-12),) * 2
    assert math.isnan(mx.metric.Perplexity(None).get()[1])


@pytest.mark.parametrize("name,expected", [("mae", 0.32868792116642), ("mse", 0.13881169259548187),
                                           ("rmse", 0.36791305243968964)])
def test_regression_metrics(name, expected):
    m = mx.metric.create(name)
    m.update([nd.array(_REG_L)], [nd.array(_REG_P)])          # label (5,) against pred (5, 1)
    m.update([nd.array(_REG_L[:2])], [nd.array(_REG_P[:2, 0])])
    assert m.name == name
    assert _values(m) == (expected, expected)                  # float64 sums, as under MXNet's numpy
    assert isinstance(m.get()[1], np.float64)


def test_cross_entropy_and_nll():
    m = mx.metric.CrossEntropy()
    m.update([L], [P])
    assert m.get() == ("cross-entropy", 1.6756620407104492)
    m = mx.metric.create("ce", eps=0.1)
    m.update([L], [P])
    assert m.get() == ("cross-entropy", 1.1941168308258057)
    m = mx.metric.NegativeLogLikelihood()
    m.update([L], [P])
    m.update([L[:2]], [P[:2]])
    assert _values(m) == (1.6058017015457153, 1.6058017015457153)
    assert mx.metric.create("nll_loss").name == "nll-loss"


def test_pearson_correlation_and_pcc():
    m = mx.metric.PearsonCorrelation()
    m.update([nd.array(_X1)], [nd.array(_X2)])
    m.update([nd.array(_X2[:4])], [nd.array(_X1[:4] ** 2)])
    assert _values(m) == (0.554045427428816, 0.554045427428816)
    m = mx.metric.PearsonCorrelation(average="micro")
    m.update([nd.array(_X1)], [nd.array(_X2)])
    m.update([nd.array(_X2[:4])], [nd.array(_X1[:4] ** 2)])
    assert m.get()[1] == pytest.approx(-0.12016618883768519, rel=1e-12)
    assert m.get_global()[1] == 0.0          # MXNet 1.9.1 keeps no global stats in micro mode
    m = mx.metric.PCC()
    m.update([L], [P])
    m.update([nd.array([0, 1, 1, 0])], [nd.array([0, 1, 0, 0])])
    assert m.get()[1] == pytest.approx(0.015179418517972906, rel=1e-12)


def test_loss_metric():
    m = mx.metric.Loss()
    m.update(None, [nd.array([1., 2., 4.])])
    m.update(None, nd.array([[0.5, 1.5]]))
    assert _values(m) == (1.8, 1.8)
    assert mx.metric.create("torch").name == "torch"
    assert mx.metric.create("caffe").name == "caffe"


def test_custom_metrics():
    m = mx.metric.create(lambda label, pred: float(np.abs(label - pred.argmax(1)).sum()))
    assert m.name == "custom(<lambda>)"
    m.update([L], [P])
    assert m.get() == ("custom(<lambda>)", 9.0)

    def mine(label, pred):
        return (label == pred.argmax(1)).sum(), label.size
    m = mx.metric.np(mine)
    assert isinstance(m, mx.metric.CustomMetric) and m.name == "mine"
    m.update([L], [P])
    m.update([L], [P])
    assert _values(m) == (0.0, 0.0)
    with pytest.raises(NotImplementedError, match="CustomMetric cannot be serialized"):
        m.get_config()


def test_composite_and_create():
    c = mx.metric.create(["acc", "ce", mx.metric.F1()])
    assert isinstance(c, mx.metric.CompositeEvalMetric)
    assert [type(m).__name__ for m in c.metrics] == ["Accuracy", "CrossEntropy", "F1"]
    c.update([L[:2]], [P[:2, :2]])
    assert c.get() == (["accuracy", "cross-entropy", "f1"], [0.5, 1.3962206840515137, 0.6666666666666666])
    assert c.get_name_value() == [("accuracy", 0.5), ("cross-entropy", 1.3962206840515137),
                                  ("f1", 0.6666666666666666)]
    assert str(c) == "EvalMetric: {'accuracy': 0.5, 'cross-entropy': 1.3962206840515137, 'f1': 0.6666666666666666}"
    assert isinstance(c.get_metric(5), ValueError)           # returned, not raised, as in MXNet
    assert str(c.get_metric(5)) == "Metric index 5 is out of range 0 and 3"
    c.reset()
    assert all(math.isnan(v) for v in c.get()[1])

    assert mx.metric.create("top_k_acc", top_k=4).name == "top_k_accuracy_4"
    assert mx.metric.create("pearsonr").name == "pearsonr"
    assert mx.metric.create("composite").name == "composite"
    assert mx.metric.create({"metric": "acc", "axis": 0}).axis == 0
    assert mx.metric.create('["acc", {"name": "foo"}]').name == "foo"
    assert mx.metric.create('{"metric": "mse"}').name == "mse"
    acc = mx.metric.Accuracy()
    assert mx.metric.create(acc) is acc
    assert acc.get_config() == {"axis": 1, "metric": "Accuracy", "name": "accuracy", "output_names": None,
                                "label_names": None}
    assert str(mx.metric.create("acc")) == "EvalMetric: {'accuracy': nan}"
    with pytest.raises(AssertionError, match="nope is not registered. Please register with metric.register first"):
        mx.metric.create("nope")


def test_register_a_new_metric():
    @mx.metric.register
    @mx.metric.alias("my_metric_alias")
    class MyMetric(mx.metric.EvalMetric):
        def __init__(self):
            super().__init__("mine")

        def update(self, labels, preds):
            self._add(1.0, 2)
    m = mx.metric.create("my_metric_alias")
    m.update(None, None)
    assert m.get() == ("mine", 0.5)
    assert m.get_global() == ("mine", 0.5)   # no global stats: the local value


def test_update_dict_selects_names():
    m = mx.metric.Accuracy(output_names=["b"], label_names=["y"])
    m.update_dict({"y": L, "z": L}, {"a": P[:, :1], "b": P})
    assert m.get() == ("accuracy", 0.0)


def test_check_label_shapes():
    with pytest.raises(ValueError, match="Shape of labels 2 does not match shape of predictions 1"):
        mx.metric.check_label_shapes([1, 2], [1])
    with pytest.raises(ValueError, match=r"Shape of labels \(6,\) does not match shape of predictions \(6, 4\)"):
        mx.metric.check_label_shapes(L, P, shape=True)
    labels, preds = mx.metric.check_label_shapes(L, P, wrap=True)
    assert isinstance(labels, list) and labels[0] is L and preds[0] is P
    with pytest.raises(ValueError, match="Shape of labels 2 does not match shape of predictions 1"):
        mx.metric.Accuracy().update([L, L], [P])
