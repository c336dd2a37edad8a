"""Record gluon.loss and gluon.data.vision.transforms outputs from real MXNet 1.9.1.

    python tools/record_mxnet_gluon_data.py      # runs itself inside the reference venv

Runs tests/reference/gluon_loss_cases.py (loss values and the gradient of the first input)
and tests/reference/gluon_transform_cases.py, and writes tests/reference/data/gluon/
losses.npz/.json and transforms.npz/.json (values; shapes, dtypes and errors).  Nothing
from MXNet is copied into the repository but these recorded numbers.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.environ.get("MXREF_VENV", "/tmp/mxref")
OUT = os.path.join(ROOT, "tests", "reference", "data", "gluon")


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([python, "-m", "pip", "install", "-q", "mxnet==1.9.1", "numpy<1.24"])
    return python


def _record(name, cases, run):
    import numpy as np
    arrays, meta = {}, {}
    for case in cases:
        try:
            result = run(case)
        except Exception as exc:  # noqa: BLE001  (the error class is what gets recorded)
            meta[case.id] = {"error": type(exc).__name__, "message": str(exc)[:500]}
            continue
        result = result if isinstance(result, list) else [result]
        meta[case.id] = {"outputs": [{"shape": list(r.shape), "dtype": str(r.dtype)} for r in result]}
        for i, r in enumerate(result):
            arrays[f"{case.id}/{i}"] = r
    np.savez_compressed(os.path.join(OUT, name + ".npz"), **arrays)
    with open(os.path.join(OUT, name + ".json"), "w") as fh:
        json.dump({"mxnet_version": __import__("mxnet").__version__, "cases": meta}, fh, indent=1, sort_keys=True)
    errors = sum("error" in m for m in meta.values())
    print(f"recorded {len(meta)} {name} cases ({errors} raising) into {OUT}/{name}.npz/.json")


def record():
    """Runs inside the reference venv."""
    import mxnet as mx
    sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
    from gluon_loss_cases import CASES as LOSS_CASES, run_loss_case
    from gluon_transform_cases import CASES as TRANSFORM_CASES, run_transform_case
    os.makedirs(OUT, exist_ok=True)
    _record("losses", LOSS_CASES, lambda case: run_loss_case(mx, case))
    _record("transforms", TRANSFORM_CASES, lambda case: run_transform_case(mx, case))


if __name__ == "__main__":
    if os.environ.get("MXREF_INSIDE") == "1":
        record()
    else:
        python = ensure_venv()
        subprocess.check_call([python, os.path.abspath(__file__)], env={**os.environ, "MXREF_INSIDE": "1"})
