"""nd.contrib.box_iou / box_nms against outputs and gradients recorded from MXNet 1.9.1
(tests/reference/detection_cases.py, recorded by tools/record_mxnet_detection.py)."""
import os
import sys

import numpy as np
import pytest

import mxjax as mx
from mxjax import nd
from mxjax.base import MXNetError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "reference"))
from detection_cases import run, run_matching_and_priors, run_roi_align, run_ssd, run_ssd_targets  # noqa: E402

RECORDED = np.load(os.path.join(HERE, "reference", "data", "detection.npz"))
RESULTS = {**run(mx), **run_matching_and_priors(mx), **run_ssd(mx), **run_ssd_targets(mx), **run_roi_align(mx)}


@pytest.mark.parametrize("name", sorted(RECORDED.files))
def test_matches_mxnet(name):
    """Values, and the gradients MXNet defines: none through box_iou, the output rows'
    gradients copied to the input rows they came from through box_nms."""
    assert RESULTS[name].shape == RECORDED[name].shape
    assert RESULTS[name].dtype == RECORDED[name].dtype
    np.testing.assert_allclose(RESULTS[name], RECORDED[name], rtol=1e-5, atol=1e-6)


def test_bad_arguments_raise_mxnet_error():
    dets = nd.ones((4, 6))
    with pytest.raises(MXNetError, match="at least 5 elements"):
        nd.contrib.box_nms(nd.ones((4, 4)))
    with pytest.raises(MXNetError, match="score_index 2 conflicts"):
        nd.contrib.box_nms(dets, score_index=2)
    with pytest.raises(MXNetError, match="in_format"):
        nd.contrib.box_nms(dets, in_format="xywh")
    with pytest.raises(MXNetError, match="last dimension of 4"):
        nd.contrib.box_iou(nd.ones((2, 5)), nd.ones((2, 4)))


def test_matching_priors_and_detections_pass_no_gradient():
    scores, fmap = nd.array(np.random.RandomState(0).rand(3, 4)), nd.ones((1, 2, 1, 2))
    for x in (scores, fmap):
        x.attach_grad()
    with mx.autograd.record():
        rows, cols = nd.contrib.bipartite_matching(scores, threshold=0.1)
        anchors = nd.contrib.MultiBoxPrior(fmap, sizes=(0.5, 0.2))
        probs = nd.softmax(scores.reshape((1, 3, 4)), axis=1)
        detections = nd.contrib.MultiBoxDetection(probs, nd.zeros((1, 4 * anchors.shape[1])), anchors)
        loss = rows.sum() + cols.sum() + anchors.sum() + detections.sum()
    loss.backward()
    assert not scores.grad.asnumpy().any() and not fmap.grad.asnumpy().any()
