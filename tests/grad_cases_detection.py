"""Gradient table entries of the bounding-box operators (tests/test_op_gradients.py merges
them): ROIAlign's data gradient is the derivative of its forward; the others' backward is MXNet's
by design, not the derivative of the forward."""
from gradcheck import Case, fixed, uniform

CASES = {
    "_contrib_ROIAlign": [Case((uniform(-1.0, 1.0, (1, 2, 5, 6)), fixed([[0, 0.7, 1.1, 4.2, 3.6], [0, 2.5, 0.5, 3.5, 4.5]])),
                               attrs=dict(pooled_size=(2, 2), spatial_scale=1.0), const=(1,))],
}

SPECIAL_BACKWARD = {
    "_contrib_box_iou": "zero gradient as MXNet 1.9.1; tests/test_detection.py (iou_grad)",
    "_contrib_bipartite_matching": "zero gradient as MXNet 1.9.1; tests/test_detection.py",
    "_contrib_MultiBoxPrior": "depends on the input's shape only: zero gradient as MXNet; tests/test_detection.py",
    "_contrib_MultiBoxDetection": "zero gradient as MXNet 1.9.1; tests/test_detection.py",
    "_contrib_MultiBoxTarget": "zero gradient as MXNet 1.9.1; tests/test_detection.py",
    "_contrib_box_nms": "output-row gradients copied to the source rows, ignoring the format "
                        "conversion, as MXNet 1.9.1; tests/test_detection.py (nms_grad)",
}
