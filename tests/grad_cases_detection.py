"""Gradient table entries of the bounding-box operators (tests/test_op_gradients.py merges
them): their backward is MXNet's by design, not the derivative of the forward."""

SPECIAL_BACKWARD = {
    "_contrib_box_iou": "zero gradient as MXNet 1.9.1; tests/test_detection.py (iou_grad)",
    "_contrib_bipartite_matching": "zero gradient as MXNet 1.9.1; tests/test_detection.py",
    "_contrib_MultiBoxPrior": "depends on the input's shape only: zero gradient as MXNet; tests/test_detection.py",
    "_contrib_MultiBoxDetection": "zero gradient as MXNet 1.9.1; tests/test_detection.py",
    "_contrib_MultiBoxTarget": "zero gradient as MXNet 1.9.1; tests/test_detection.py",
    "_contrib_box_nms": "output-row gradients copied to the source rows, ignoring the format "
                        "conversion, as MXNet 1.9.1; tests/test_detection.py (nms_grad)",
}
