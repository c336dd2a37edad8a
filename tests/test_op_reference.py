"""Every case of tests/reference/cases_*.py against outputs recorded from real MXNet 1.9.1.

Values (within each case's tolerance), shapes and dtypes must match; a case MXNet
rejected must raise an error in mxjax too.  Re-record with
``python tools/record_mxnet_reference.py`` after adding cases.
"""
import json
import os
import sys

import numpy as np
import pytest

import mxjax as mx
from mxjax import nd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "reference"))
from case import all_cases, run_case  # noqa: E402

DATA = os.path.join(HERE, "reference", "data", "mxnet_1.9.1")
with open(DATA + ".json") as _fh:
    META = json.load(_fh)["cases"]
RECORDED = np.load(DATA + ".npz")
CASES = all_cases()


def test_every_case_is_recorded():
    missing = [c.id for c in CASES if c.id not in META]
    assert not missing, f"run tools/record_mxnet_reference.py: cases without a recording: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_matches_mxnet(case):
    if case.id not in META:
        pytest.fail("not recorded: run tools/record_mxnet_reference.py")
    expected = META[case.id]
    result = run_case(nd, mx, case)
    if "error" in expected:
        assert isinstance(result, tuple), f"MXNet raised {expected['error']}: {expected['message']}; mxjax did not"
        return
    assert not isinstance(result, tuple), f"mxjax raised {result[1]}: {result[2]}"
    assert len(result) == len(expected["outputs"])
    for i, (out, meta) in enumerate(zip(result, expected["outputs"])):
        assert list(out.shape) == meta["shape"], f"output {i}: shape {out.shape} vs MXNet {meta['shape']}"
        assert str(out.dtype) == meta["dtype"], f"output {i}: dtype {out.dtype} vs MXNet {meta['dtype']}"
        if case.compare == "values":
            np.testing.assert_allclose(out, RECORDED[f"{case.id}/{i}"], rtol=case.rtol, atol=case.atol,
                                       err_msg=f"output {i} of {case.op}")
