"""mx.kv 'local' and 'device' on cpu(0..3) against MXNet 1.9.1's recorded results.

tests/reference/kvstore_mxnet.json is what tools/record_kvstore_reference.py printed under
real MXNet; the same script runs here on logical contexts (one host device) and, in a
subprocess, on 4 simulated CPU devices (where a pushpull is one all-reduce)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import mxjax as mx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = json.load(open(os.path.join(ROOT, "tests", "reference", "kvstore_mxnet.json")))
TOOL = os.path.join(ROOT, "tools", "record_kvstore_reference.py")


def _compare(mine, ref):
    for kv_type, expected in ref.items():
        for key, want in expected.items():
            got = mine[kv_type][key]
            if key == "row_sparse_pull":
                for (gi, gd), (wi, wd) in zip(got, want):
                    assert gi == wi, (kv_type, key)
                    np.testing.assert_allclose(gd, wd, rtol=1e-6)
            elif isinstance(want, list):
                np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-6, err_msg=f"{kv_type} {key}")
            else:
                assert got == want, (kv_type, key, got, want)


def test_logical_contexts_match_mxnet():
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    try:
        from mxjax.cli import alias_mxnet
        alias_mxnet()
        import record_kvstore_reference as tool
        mine = {t: tool.record(t) for t in ("local", "device")}
    finally:
        sys.path.remove(os.path.join(ROOT, "tools"))
    _compare(mine, REFERENCE)


@pytest.mark.slow
def test_four_devices_match_mxnet():
    env = dict(os.environ, PYTHONPATH=ROOT, JAX_PLATFORMS="cpu",
               XLA_FLAGS="--xla_force_host_platform_device_count=4")
    res = subprocess.run([sys.executable, "-m", "mxjax", TOOL], env=env, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    _compare(json.loads(res.stdout.strip().splitlines()[-1]), REFERENCE)


def test_two_bit_compression_matches_mxnet():
    """Values recorded from MXNet 1.9.1 ('device', two contexts, threshold 0.5): each
    context's gradient plus residual is quantized to +-0.5 or 0, the residual carried."""
    kv = mx.kv.create("device")
    kv.set_gradient_compression({"type": "2bit", "threshold": 0.5})
    kv.init(0, mx.nd.zeros((5,)))
    grads = [mx.nd.array([0.3, 0.6, -0.7, 1.2, -0.2], ctx=mx.cpu(i)) for i in range(2)]
    expected = [[0, 1, -1, 1, 0], [1, 1, -1, 1, 0], [0, 1, -1, 1, -1]]
    for want in expected:
        kv.push(0, grads)
        out = mx.nd.zeros((5,))
        kv.pull(0, out=out)
        np.testing.assert_allclose(out.asnumpy(), want, atol=1e-6)
    single = mx.kv.create("device")
    single.set_gradient_compression({"type": "2bit"})
    single.init(0, mx.nd.zeros((5,)))
    single.push(0, mx.nd.array([0.3, 0.6, -0.7, 1.2, -0.2]))
    out = mx.nd.zeros((5,))
    single.pull(0, out=out)
    np.testing.assert_allclose(out.asnumpy(), [0, 0.5, -0.5, 0.5, 0], atol=1e-6)


def test_gradient_compression_errors_as_mxnet():
    with pytest.raises(Exception, match="not supported for this type of kvstore"):
        mx.kv.create("local").set_gradient_compression({"type": "2bit"})
    kv = mx.kv.create("device")
    with pytest.raises(mx.base.MXNetError, match="Unknown type for gradient compression 1bit"):
        kv.set_gradient_compression({"type": "1bit"})
    with pytest.raises(mx.base.MXNetError, match="Required parameter type"):
        kv.set_gradient_compression({"threshold": 0.5})


def test_barrier_in_one_process_returns():
    kv = mx.kv.create("local")
    kv._barrier()
    assert (kv.rank, kv.num_workers) == (0, 1)
