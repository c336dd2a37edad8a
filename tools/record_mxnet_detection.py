"""Record nd.contrib.box_iou / box_nms outputs and gradients from real MXNet 1.9.1.

    python tools/record_mxnet_detection.py      # runs itself inside the reference venv

Runs tests/reference/detection_cases.py and writes tests/reference/data/detection.npz.
Nothing from MXNet is copied into the repository but these recorded numbers.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.environ.get("MXREF_VENV", "/tmp/mxref")
OUT = os.path.join(ROOT, "tests", "reference", "data", "detection.npz")


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([python, "-m", "pip", "install", "-q", "mxnet==1.9.1", "numpy<1.24"])
    return python


def record():
    """Runs inside the reference venv."""
    import mxnet as mx
    import numpy as np
    sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
    from detection_cases import run, run_matching_and_priors, run_roi_align, run_ssd, run_ssd_targets
    np.savez(OUT, **run(mx), **run_matching_and_priors(mx), **run_ssd(mx), **run_ssd_targets(mx), **run_roi_align(mx))
    print("wrote", OUT)


if __name__ == "__main__":
    if "--inside" in sys.argv:
        record()
    else:
        subprocess.check_call([ensure_venv(), os.path.abspath(__file__), "--inside"])
