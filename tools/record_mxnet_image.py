"""Record mx.image outputs (decoding, resizing, crops, rotation, augmenters, ImageIter) from
real MXNet 1.9.1 (whose C++ image operators use OpenCV).

    python tools/record_mxnet_image.py      # runs itself inside the reference venv

Runs tests/reference/image_cases.py and writes tests/reference/data/image.npz.  Nothing
from MXNet is copied into the repository but these recorded numbers.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.environ.get("MXREF_VENV", "/tmp/mxref")
OUT = os.path.join(ROOT, "tests", "reference", "data", "image.npz")


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
    from image_cases import RUNS
    values = {}
    for run in RUNS:
        with tempfile.TemporaryDirectory() as tmpdir:
            values.update(run(mx, tmpdir))
    np.savez(OUT, **values)
    print("wrote", OUT, len(values), "arrays")


if __name__ == "__main__":
    if "--inside" in sys.argv:
        record()
    else:
        subprocess.check_call([ensure_venv(), os.path.abspath(__file__), "--inside"])
