"""Fused optimizer updates and contrib operators against real MXNet 1.9.1.

tests/reference/data/contrib_ops_mxnet191.npz is written by tools/record_mxnet_contrib_ops.py:
per case, the call (as JSON), its input arrays, its outputs and every input after the call (the
states the operators update in place).  The same call is replayed here on mxjax."""
import json
import os
import sys

import numpy as np
import pytest

import mxjax as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tools"))
from record_mxnet_contrib_ops import call  # noqa: E402

DATA = np.load(os.path.join(HERE, "reference", "data", "contrib_ops_mxnet191.npz"))
KEYS = sorted({f.split("/")[0] for f in DATA.files})
TOL = {"float16": 2e-3, "float32": 2e-6, "float64": 1e-12}


def _id(key):
    spec = json.loads(str(DATA[f"{key}/spec"]))
    return f"{key}-{spec['path']}-{DATA[key + '/in0'].dtype}"


@pytest.mark.parametrize("key", KEYS, ids=[_id(k) for k in KEYS])
def test_matches_mxnet(key):
    spec = json.loads(str(DATA[f"{key}/spec"]))
    n_in = sum(1 for f in DATA.files if f.startswith(key + "/in"))
    n_out = sum(1 for f in DATA.files if f.startswith(key + "/out"))
    inputs = [DATA[f"{key}/in{i}"] for i in range(n_in)]
    arrays = [mx.nd.array(a, dtype=a.dtype) for a in inputs]
    outs = call(mx.nd, spec, arrays)
    assert len(outs) == n_out, f"{spec['path']}: {len(outs)} outputs, MXNet has {n_out}"
    for i, out in enumerate(outs):
        expected = DATA[f"{key}/out{i}"]
        tol = spec.get("tol") or TOL.get(str(expected.dtype), 0)
        assert out.dtype == expected.dtype, f"output {i}"
        assert out.shape == expected.shape, f"output {i}"
        np.testing.assert_allclose(out.asnumpy(), expected, rtol=tol, atol=tol, err_msg=f"output {i}")
    for i, a in enumerate(arrays):
        expected = inputs[i] if i in spec["unchanged"] else DATA[f"{key}/after{i}"]
        tol = spec.get("tol") or TOL.get(str(expected.dtype), 0)
        np.testing.assert_allclose(a.asnumpy(), expected, rtol=tol, atol=tol, err_msg=f"input {i} after the call")
