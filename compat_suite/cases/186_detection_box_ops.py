"""Detection post-processing as Gluon-CV style scripts write it: box_iou between corner and
center boxes, box_nms per class with topk, valid_thresh, force_suppress and background_id,
bipartite_matching of ground truth to anchors, and the gradient through box_nms."""
import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from compat_emit import emit

a = nd.array([[0, 0, 2, 2], [1, 1, 3, 3], [0.5, 0, 1.5, 4], [4, 4, 5, 6]])
b = nd.array([[0, 0, 1, 1], [1, 0, 3, 2], [4, 4, 6, 6]])
emit("iou_corner", nd.contrib.box_iou(a, b))
emit("iou_center", nd.contrib.box_iou(a, b, format="center"))
emit("iou_batched", nd.contrib.box_iou(a.reshape((2, 2, 4)), b))

# (batch, boxes, [class, score, x1, y1, x2, y2])
rs = np.random.RandomState(0)
boxes = []
for batch in range(2):
    rows = []
    for i in range(8):
        x1, y1 = rs.uniform(0, 6, 2)
        w, h = rs.uniform(1, 3, 2)
        rows.append([float(i % 3) - (1 if i == 5 else 0), round(rs.uniform(0, 1), 3), x1, y1, x1 + w, y1 + h])
    boxes.append(rows)
data = nd.array(boxes)
emit("nms_default", nd.contrib.box_nms(data, overlap_thresh=0.3, coord_start=2, score_index=1, id_index=0))
emit("nms_force", nd.contrib.box_nms(data, overlap_thresh=0.3, coord_start=2, score_index=1, id_index=0,
                                     force_suppress=True))
emit("nms_topk_thresh", nd.contrib.box_nms(data, overlap_thresh=0.5, valid_thresh=0.3, topk=4, coord_start=2,
                                           score_index=1, id_index=0, background_id=0))
emit("nms_center", nd.contrib.box_nms(data, overlap_thresh=0.4, coord_start=2, score_index=1, id_index=-1,
                                      in_format="center", out_format="corner"))
emit("nms_2d", nd.contrib.box_nms(data[0], overlap_thresh=0.2, coord_start=2, score_index=1))

data.attach_grad()
with autograd.record():
    kept = nd.contrib.box_nms(data, overlap_thresh=0.3, coord_start=2, score_index=1, id_index=0)
    loss = (kept * nd.arange(6).reshape((1, 1, 6))).sum()
loss.backward()
emit("nms_grad", data.grad)

scores = nd.array([[0.5, 0.6, 0.1], [0.9, 0.8, 0.2], [0.3, 0.4, 0.7], [0.05, 0.1, 0.02]])
emit("match_max", nd.contrib.bipartite_matching(scores, threshold=0.15))
emit("match_min", nd.contrib.bipartite_matching(scores, threshold=0.3, is_ascend=True))
emit("match_topk", nd.contrib.bipartite_matching(nd.stack(scores, scores * 0.5), threshold=0.1, topk=2))
