"""gluon.loss against values and gradients recorded from MXNet 1.9.1.

Every case of tests/reference/gluon_loss_cases.py runs imperatively and hybridized; the
loss values and the gradient with respect to the first input must match the recording
(``python tools/record_mxnet_gluon_data.py`` re-records).
"""
import json
import os
import sys

import numpy as np
import pytest

import mxjax as mx
from mxjax import gluon, nd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "reference"))
from gluon_loss_cases import CASES, run_loss_case  # noqa: E402

DATA = os.path.join(HERE, "reference", "data", "gluon", "losses")
with open(DATA + ".json") as _fh:
    META = json.load(_fh)["cases"]
RECORDED = np.load(DATA + ".npz")


def _check(case, result):
    expected = META[case.id]["outputs"]
    assert len(result) == len(expected)
    for i, (out, meta) in enumerate(zip(result, expected)):
        assert list(out.shape) == meta["shape"], f"output {i}: shape {out.shape} vs MXNet {meta['shape']}"
        assert str(out.dtype) == meta["dtype"], f"output {i}: dtype {out.dtype} vs MXNet {meta['dtype']}"
        np.testing.assert_allclose(out, RECORDED[f"{case.id}/{i}"], rtol=case.rtol, atol=case.atol,
                                   err_msg=f"{'loss' if i == 0 else 'pred.grad'} of {case.id}")


def test_every_case_is_recorded():
    assert not [c.id for c in CASES if c.id not in META], "run tools/record_mxnet_gluon_data.py"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_loss_matches_mxnet(case):
    _check(case, run_loss_case(mx, case))


# hybridized: one representative case per loss (compiling every case would be slow)
HYBRID_IDS = ["l2_weight_sw", "sce_axis1", "bce_from_sigmoid_pos_weight", "kl_not_logits", "huber_rho",
              "triplet_margin", "poisson_full_zero_target", "cosine_margin"]
HYBRID = [c for c in CASES if c.id in HYBRID_IDS]


@pytest.mark.parametrize("case", HYBRID, ids=[c.id for c in HYBRID])
def test_hybridized_loss_matches_mxnet(case):
    _check(case, run_loss_case(mx, case, hybridize=True))


def test_l2_loss_reshapes_label_and_reports_repr():
    loss = gluon.loss.L2Loss()
    pred = nd.array([[1.0], [2.0], [4.0]])
    out = loss(pred, nd.array([0.0, 2.0, 2.0]))
    np.testing.assert_allclose(out.asnumpy(), [0.5, 0.0, 2.0])
    assert repr(loss) == "L2Loss(batch_axis=0, w=1.0)"
    assert repr(gluon.loss.SoftmaxCELoss()) == "SoftmaxCrossEntropyLoss(batch_axis=0, w=None)"
    assert gluon.loss.SoftmaxCELoss is gluon.loss.SoftmaxCrossEntropyLoss
    assert gluon.loss.SigmoidBCELoss is gluon.loss.SigmoidBinaryCrossEntropyLoss


def test_loss_names_follow_mxnet():
    with mx.name.NameManager():
        assert gluon.loss.L2Loss().name.startswith("l2loss")
        assert gluon.loss.SoftmaxCrossEntropyLoss().prefix.startswith("softmaxcrossentropyloss")


def test_constructor_errors_as_mxnet():
    with pytest.raises(ValueError, match="label_format can only be signed or binary"):
        gluon.loss.LogisticLoss(label_format="other")
    with pytest.raises(AssertionError, match="Only 'NTC' and 'TNC' layouts"):
        gluon.loss.CTCLoss(layout="CTN")
    with pytest.raises(AssertionError, match="Only 'NT' and 'TN' layouts"):
        gluon.loss.CTCLoss(label_layout="TT")
    with pytest.raises(AssertionError, match="weight must be a number"):
        gluon.loss.L1Loss(weight=nd.array([1.0]))(nd.ones((2, 2)), nd.ones((2, 2)))


def test_ctc_loss_batch_axis_from_label_layout():
    assert gluon.loss.CTCLoss()._batch_axis == 0
    assert gluon.loss.CTCLoss(label_layout="TN")._batch_axis == 1


def test_loss_in_a_training_step():
    """A loss drives gradients into a Dense layer; hybridized and imperative agree."""
    results = []
    for hybrid in (False, True):
        net = gluon.nn.Dense(3, in_units=4, prefix="dense_")
        net.initialize(mx.init.Constant(0.1))
        loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
        if hybrid:
            net.hybridize()
            loss_fn.hybridize()
        x = nd.array(np.arange(8).reshape(2, 4) / 8.0)
        y = nd.array([0, 2])
        with mx.autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        results.append((loss.asnumpy(), net.weight.grad().asnumpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6)
    # uniform logits: the loss is log(3) per sample
    np.testing.assert_allclose(results[0][0], [np.log(3.0)] * 2, rtol=1e-6)


def test_hybridized_loss_with_none_input():
    loss = gluon.loss.SigmoidBCELoss()
    loss.hybridize()
    out = loss(nd.ones((2, 3)), nd.ones((2, 3)), None, nd.ones((3,)))
    np.testing.assert_allclose(out.asnumpy(), [0.31326175] * 2, rtol=1e-6)   # recorded from MXNet 1.9.1


@pytest.mark.parametrize("loss", [gluon.loss.L2Loss(), gluon.loss.L1Loss(), gluon.loss.HuberLoss(),
                                  gluon.loss.SigmoidBCELoss(), gluon.loss.HingeLoss()],
                         ids=lambda loss: type(loss).__name__)
def test_loss_of_symbols_binds_to_the_imperative_numbers(loss):
    """A loss called on Symbols (an old Module script's ``Loss(output, label)``) builds a graph
    whose label takes the prediction's shape through ``reshape_like``: bound, it gives the
    imperative loss."""
    rng = np.random.RandomState(0)
    pred, label = rng.randn(4, 1).astype(np.float32), rng.randint(0, 2, (4,)).astype(np.float32)
    out = loss(mx.sym.var("pred"), mx.sym.var("label"))
    exe = out.bind(mx.cpu(), {"pred": nd.array(pred), "label": nd.array(label)})
    np.testing.assert_allclose(exe.forward()[0].asnumpy(), loss(nd.array(pred), nd.array(label)).asnumpy(),
                               rtol=1e-6)


def test_ctc_loss_ignores_steps_past_the_data_length():
    # recorded from MXNet 1.9.1: NaN data after each sequence's length gets a zero gradient
    rng = np.random.RandomState(0)
    probs = rng.dirichlet(np.ones(6), size=(5, 2)).astype(np.float32)
    data = mx.nd.array(np.concatenate([np.log(probs), np.full((2, 2, 6), np.nan, np.float32)]))
    data.attach_grad()
    with mx.autograd.record():
        loss = mx.nd.CTCLoss(data, mx.nd.array([[1, 2, 3, 2, 1], [1, 2, 2, 1, 0]]), mx.nd.array([5, 5]),
                             mx.nd.array([5, 4]), use_data_lengths=True, use_label_lengths=True,
                             blank_label="first")
    loss.backward()
    np.testing.assert_allclose(loss.asnumpy(), [9.976828575134277, 9.044411659240723], rtol=1e-6)
    grad = data.grad.asnumpy()
    np.testing.assert_array_equal(grad[5:], 0)
    np.testing.assert_allclose(grad[0, 0], [0.1487216055393219, -0.7653096914291382, 0.17251871526241302,
                                            0.14710085093975067, 0.10297203809022903, 0.19399632513523102],
                               rtol=1e-5)
