"""nd.contrib.box_iou / box_nms / bipartite_matching / MultiBoxPrior / MultiBoxTarget / MultiBoxDetection /
ROIAlign cases, run by tools/record_mxnet_detection.py under real
MXNet 1.9.1 and by tests/test_detection.py under mxjax.  ``run(mx)`` returns name -> numpy
array (outputs and input gradients); it imports neither framework."""
import numpy as np

NMS_OPTIONS = {
    "default": {}, "id": dict(id_index=0), "id_force": dict(id_index=0, force_suppress=True),
    "topk": dict(topk=4, overlap_thresh=0.3), "valid": dict(valid_thresh=0.4, id_index=0, background_id=1),
    "center_out": dict(out_format="center", overlap_thresh=0.2), "center_in": dict(in_format="center"),
    "thresh0": dict(overlap_thresh=0.0), "none_valid": dict(valid_thresh=2.0), "topk0": dict(topk=0),
}


def _boxes(rng, shape):
    corner = rng.uniform(0, 10, shape + (2,))
    return np.concatenate([corner, corner + rng.uniform(0.5, 6, shape + (2,))], -1)


def _detections(rng, batch, n):
    """(class, score, 4 corners) rows; scores repeat, so the order of ties matters."""
    classes = rng.randint(0, 3, (batch, n, 1))
    scores = rng.choice([0.1, 0.5, 0.5, 0.7, 0.9, 0.05], (batch, n, 1))
    return np.concatenate([classes, scores, _boxes(rng, (batch, n))], -1).astype(np.float32)


def run(mx):
    nd = mx.nd
    rng = np.random.RandomState(0)
    out = {}
    lhs, rhs = _boxes(rng, (3, 4)), _boxes(rng, (2,))
    for fmt in ("corner", "center"):
        out[f"iou_{fmt}"] = nd.contrib.box_iou(nd.array(lhs), nd.array(rhs), format=fmt).asnumpy()
    dets = _detections(rng, 2, 12)
    for name, options in NMS_OPTIONS.items():
        out[f"nms_{name}"] = nd.contrib.box_nms(nd.array(dets), **options).asnumpy()
    out["nms_2d_alias"] = nd.contrib.box_non_maximum_suppression(nd.array(dets[0]), overlap_thresh=0.1).asnumpy()
    x = nd.array(dets)
    x.attach_grad()
    with mx.autograd.record():
        y = nd.contrib.box_nms(x, out_format="center", overlap_thresh=0.3)
        loss = (y * nd.array(np.arange(dets.size).reshape(dets.shape))).sum()
    loss.backward()
    out["nms_grad"] = x.grad.asnumpy()
    a = nd.array(_boxes(rng, (3,)))
    a.attach_grad()
    with mx.autograd.record():
        loss = nd.contrib.box_iou(a, nd.array(_boxes(rng, (2,)))).sum()
    loss.backward()
    out["iou_grad"] = a.grad.asnumpy()
    return out


MATCHING_OPTIONS = {"default": dict(threshold=0.3), "ascend": dict(threshold=0.6, is_ascend=True),
                    "topk": dict(threshold=0.1, topk=2), "high": dict(threshold=0.95)}
PRIOR_OPTIONS = {"default": {}, "sizes_ratios": dict(sizes=(0.5, 0.25, 0.1), ratios=(1, 2, 0.5)),
                 "clip_steps": dict(sizes=(0.9,), ratios=(1, 3), clip=True, steps=(0.2, 0.1), offsets=(0.3, 0.6))}


def run_matching_and_priors(mx):
    nd = mx.nd
    rng = np.random.RandomState(1)
    out = {}
    scores = np.round(rng.uniform(0, 1, (2, 5, 4)), 1).astype(np.float32)   # rounded: ties
    for name, options in MATCHING_OPTIONS.items():
        rows, cols = nd.contrib.bipartite_matching(nd.array(scores), **options)
        out[f"match_{name}_rows"], out[f"match_{name}_cols"] = rows.asnumpy(), cols.asnumpy()
    for name, options in PRIOR_OPTIONS.items():
        out[f"prior_{name}"] = nd.contrib.MultiBoxPrior(nd.zeros((2, 3, 4, 5)), **options).asnumpy()
    return out


DETECTION_OPTIONS = {"default": {}, "topk_force": dict(nms_topk=5, force_suppress=True, nms_threshold=0.3),
                     "no_nms": dict(nms_threshold=0.0, clip=False), "threshold": dict(threshold=0.3)}


def run_ssd(mx):
    """MultiBoxDetection on random class probabilities (with ties) and offsets."""
    nd = mx.nd
    rng = np.random.RandomState(2)
    anchors = nd.contrib.MultiBoxPrior(nd.zeros((1, 1, 3, 3)), sizes=(0.5, 0.3), ratios=(1, 2))
    n = anchors.shape[1]
    logits = np.round(rng.uniform(0, 2, (2, 4, n)), 1)
    probs = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype(np.float32)
    offsets = rng.uniform(-0.5, 0.5, (2, n * 4)).astype(np.float32)
    return {f"detection_{name}": nd.contrib.MultiBoxDetection(nd.array(probs), nd.array(offsets), anchors,
                                                              **options).asnumpy()
            for name, options in DETECTION_OPTIONS.items()}


TARGET_OPTIONS = {"default": {}, "mining": dict(negative_mining_ratio=3, negative_mining_thresh=0.5),
                  "no_threshold": dict(overlap_threshold=0.0, negative_mining_ratio=2), "strict": dict(overlap_threshold=0.7)}


def run_ssd_targets(mx):
    """MultiBoxTarget: two images with objects (one padded with -1 rows), one without."""
    nd = mx.nd
    rng = np.random.RandomState(3)
    anchors = nd.contrib.MultiBoxPrior(nd.zeros((1, 1, 4, 4)), sizes=(0.4, 0.2), ratios=(1, 2))
    n = anchors.shape[1]
    labels = np.full((3, 3, 5), -1, np.float32)
    for b, count in ((0, 3), (1, 2)):
        corners = rng.uniform(0, 0.6, (count, 2))
        labels[b, :count] = np.concatenate([rng.randint(0, 3, (count, 1)), corners,
                                            corners + rng.uniform(0.1, 0.4, (count, 2))], 1)
    preds = rng.uniform(-1, 1, (3, 4, n)).astype(np.float32)
    out = {}
    for name, options in TARGET_OPTIONS.items():
        for i, a in enumerate(nd.contrib.MultiBoxTarget(anchors, nd.array(labels), nd.array(preds), **options)):
            out[f"target_{name}_{i}"] = a.asnumpy()
    return out


ROI_OPTIONS = {"default": dict(pooled_size=(2, 3), spatial_scale=1.0),
               "ratio2": dict(pooled_size=(3, 3), spatial_scale=0.8, sample_ratio=2),
               "aligned": dict(pooled_size=(2, 2), spatial_scale=1.0, aligned=True),
               "position_sensitive": dict(pooled_size=(2, 2), spatial_scale=1.0, position_sensitive=True)}


def run_roi_align(mx):
    """ROIAlign on regions inside, across and beyond the feature map, and its data gradient."""
    nd = mx.nd
    rng = np.random.RandomState(4)
    x = nd.array(rng.uniform(-1, 1, (2, 8, 10, 12)))
    rois = nd.array([[0, 1.5, 2.2, 9.7, 8.1], [1, 0, 0, 11, 9], [1, 3.3, 4.4, 5.1, 6.6], [0, -2, -1, 14, 12],
                     [1, 7, 2, 7.5, 2.5]])
    out = {f"roi_{name}": nd.contrib.ROIAlign(x, rois, **options).asnumpy() for name, options in ROI_OPTIONS.items()}
    x.attach_grad()
    with mx.autograd.record():
        y = nd.contrib.ROIAlign(x, rois[:3], pooled_size=(2, 2), spatial_scale=1.0)
    y.backward(nd.array(rng.uniform(-1, 1, y.shape)))
    out["roi_grad"] = x.grad.asnumpy()
    return out
