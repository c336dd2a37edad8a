"""Record the reference outputs of tests/reference/cases_*.py from real MXNet 1.9.1.

    python tools/record_mxnet_reference.py            # makes /tmp/mxref if needed, then records

Creates a throwaway venv with ``mxnet==1.9.1`` and ``numpy<1.24`` (MXNet's wheels stop
there), runs every case in it and writes tests/reference/data/mxnet_1.9.1.npz (outputs)
and .json (dtypes, shapes, errors).  Nothing from MXNet is copied into the repository
but these recorded numbers.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.environ.get("MXREF_VENV", "/tmp/mxref")
OUT = os.path.join(ROOT, "tests", "reference", "data", "mxnet_1.9.1")


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
    from case import all_cases, run_case
    arrays, meta = {}, {}
    for case in all_cases():
        result = run_case(mx.nd, mx, case)
        if isinstance(result, tuple):
            meta[case.id] = {"error": result[1], "message": result[2]}
            continue
        meta[case.id] = {"outputs": [{"shape": list(r.shape), "dtype": str(r.dtype)} for r in result]}
        for i, r in enumerate(result):
            arrays[f"{case.id}/{i}"] = r
    np.savez_compressed(OUT + ".npz", **arrays)
    with open(OUT + ".json", "w") as fh:
        json.dump({"mxnet_version": mx.__version__, "cases": meta}, fh, indent=1, sort_keys=True)
    print(f"recorded {len(meta)} cases ({sum('error' in m for m in meta.values())} raising) into {OUT}.npz/.json")


if __name__ == "__main__":
    if os.environ.get("MXREF_INSIDE") == "1":
        record()
    else:
        python = ensure_venv()
        subprocess.check_call([python, os.path.abspath(__file__)], env={**os.environ, "MXREF_INSIDE": "1"})
