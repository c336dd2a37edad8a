"""SSD-style target assignment and decoding (as MXNet's old SSD example and the d2l SSD chapter
do it): anchors on two feature maps, MultiBoxTarget with negative mining, MultiBoxDetection
and box_nms on the decoded boxes."""
import numpy as np
import mxnet as mx
from mxnet import nd
from compat_emit import emit

rng = np.random.RandomState(7)
anchors = nd.concat(nd.contrib.MultiBoxPrior(nd.zeros((2, 8, 4, 4)), sizes=[0.2, 0.272], ratios=[1, 2, 0.5]),
                    nd.contrib.MultiBoxPrior(nd.zeros((2, 8, 2, 2)), sizes=[0.37, 0.447], ratios=[1, 2, 0.5]), dim=1)
emit("anchors", anchors)
n = anchors.shape[1]
labels = nd.array([[[0, 0.1, 0.08, 0.52, 0.92], [1, 0.55, 0.2, 0.9, 0.88], [-1, -1, -1, -1, -1]],
                   [[2, 0.3, 0.3, 0.6, 0.7], [-1, -1, -1, -1, -1], [-1, -1, -1, -1, -1]]])
cls_preds = nd.array(rng.uniform(-1, 1, (2, 4, n)))
loc_t, loc_mask, cls_t = nd.contrib.MultiBoxTarget(anchors, labels, cls_preds, negative_mining_ratio=3.0)
emit("loc_target", loc_t)
emit("loc_mask", loc_mask)
emit("cls_target", cls_t)
probs = nd.softmax(cls_preds, axis=1)
offsets = nd.array(rng.uniform(-0.3, 0.3, (2, n * 4)))
detections = nd.contrib.MultiBoxDetection(probs, offsets, anchors, threshold=0.2, nms_threshold=0.45)
emit("detections", detections)
kept = nd.contrib.box_nms(detections, overlap_thresh=0.3, valid_thresh=0.3, id_index=0, topk=20)
emit("box_nms", kept)
emit("iou", nd.contrib.box_iou(labels[0, :2, 1:], anchors[0, :5]))
