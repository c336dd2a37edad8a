"""Record gluon.nn layer numbers, names and reprs from real MXNet 1.9.1.

    python tools/record_mxnet_layers.py      # runs itself inside the reference venv

Runs tests/reference/gluon_layer_cases.py: every layer case (outputs, input and parameter
gradients, running statistics, reprs, parameter names/shapes/grad_reqs), two SGD steps of a
LeNet with and without BatchNorm, and BatchNorm's running statistics after a forward in each
autograd mode, all imperative and hybridized.  Writes tests/reference/data/gluon/layers.npz
(arrays) and layers.json (everything else).  Nothing from MXNet is copied into the repository
but these recorded numbers and strings.
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


def record():
    """Runs inside the reference venv."""
    import warnings

    import mxnet as mx
    import numpy as np
    sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
    from gluon_layer_cases import BN_MODES, CASES, run_batchnorm_modes, run_layer_case, run_lenet

    warnings.simplefilter("ignore")
    arrays, meta = {}, {}

    def keep(key, result, info=None):
        values, extra = result if isinstance(result, tuple) else (result, info)
        meta[key] = {"outputs": [{"shape": list(v.shape), "dtype": str(v.dtype)} for v in values]}
        if extra:
            meta[key].update(extra)
        for i, v in enumerate(values):
            arrays[f"{key}/{i}"] = v

    for case in CASES:
        for hybridize in (False, True):
            keep(f"{case.id}/{'hybrid' if hybridize else 'imperative'}", run_layer_case(mx, case, hybridize))
    for batchnorm in (False, True):
        for hybridize in (False, True):
            keep(f"lenet{'_bn' if batchnorm else ''}/{'hybrid' if hybridize else 'imperative'}",
                 run_lenet(mx, batchnorm, hybridize))
    for mode in BN_MODES:
        for hybridize in (False, True):
            keep(f"bn_mode_{mode}/{'hybrid' if hybridize else 'imperative'}", run_batchnorm_modes(mx, mode, hybridize))
    os.makedirs(OUT, exist_ok=True)
    np.savez_compressed(os.path.join(OUT, "layers.npz"), **arrays)
    with open(os.path.join(OUT, "layers.json"), "w") as fh:
        json.dump({"mxnet_version": mx.__version__, "cases": meta}, fh, indent=1, sort_keys=True)
    print(f"recorded {len(meta)} layer runs into {OUT}/layers.npz/.json")


if __name__ == "__main__":
    if os.environ.get("MXREF_INSIDE") == "1":
        record()
    else:
        python = ensure_venv()
        subprocess.check_call([python, os.path.abspath(__file__)], env={**os.environ, "MXREF_INSIDE": "1"})
