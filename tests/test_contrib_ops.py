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


def _params():
    for key in KEYS:
        slow = json.loads(str(DATA[f"{key}/spec"])).get("slow")
        yield pytest.param(key, id=_id(key), marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize("key", list(_params()))
def test_matches_mxnet(key):
    spec = json.loads(str(DATA[f"{key}/spec"]))
    n_in = sum(1 for f in DATA.files if f.startswith(key + "/in"))
    n_out = sum(1 for f in DATA.files if f.startswith(key + "/out"))
    inputs = [DATA[f"{key}/in{i}"] for i in range(n_in)]
    arrays = [mx.nd.array(a, dtype=a.dtype) for a in inputs]
    if spec.get("grad"):
        for a in arrays:
            a.attach_grad()
        with mx.autograd.record():
            outs = call(mx.nd, spec, arrays)
        outs[0].backward(mx.nd.array(DATA[f"{key}/head"]))
        for i, a in enumerate(arrays):
            np.testing.assert_allclose(a.grad.asnumpy(), DATA[f"{key}/grad{i}"], rtol=spec["tol"], atol=spec["tol"],
                                       err_msg=f"gradient of input {i}")
    else:
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


# MXNet 1.9.1 computes fft, ifft and count_sketch with CUDA only ("fft is only available for GPU"):
# these are checked against numpy with the semantics of its GPU kernels.

def test_fft_interleaves_real_and_imaginary_parts():
    x = np.random.RandomState(0).uniform(-1, 1, (2, 3, 8)).astype("float32")
    out = mx.nd.contrib.fft(mx.nd.array(x))
    z = np.fft.fft(x, axis=-1)
    expected = np.stack([z.real, z.imag], axis=-1).reshape(2, 3, 16)
    assert out.dtype == np.float32 and out.shape == (2, 3, 16)
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-5, atol=1e-5)


def test_ifft_is_unnormalized_real_part():
    x = np.random.RandomState(1).uniform(-1, 1, (4, 10)).astype("float32")
    out = mx.nd.contrib.ifft(mx.nd.array(x), compute_size=2)
    z = x[:, 0::2] + 1j * x[:, 1::2]
    assert out.shape == (4, 5)
    np.testing.assert_allclose(out.asnumpy(), np.fft.ifft(z, axis=-1).real * 5, rtol=1e-5, atol=1e-5)
    roundtrip = mx.nd.contrib.ifft(mx.nd.contrib.fft(mx.nd.array(x)))
    np.testing.assert_allclose(roundtrip.asnumpy(), x * 10, rtol=1e-5, atol=1e-5)


def test_count_sketch():
    x = np.random.RandomState(2).uniform(-1, 1, (3, 6)).astype("float32")
    h = np.array([[0, 3, 1, 3, 2, 0]], "float32")
    s = np.array([[1, -1, -1, 1, 1, -1]], "float32")
    out = mx.nd.contrib.count_sketch(mx.nd.array(x), mx.nd.array(h), mx.nd.array(s), out_dim=4)
    expected = np.zeros((3, 4), "float32")
    for i in range(6):
        expected[:, int(h[0, i])] += s[0, i] * x[:, i]
    np.testing.assert_allclose(out.asnumpy(), expected, rtol=1e-6, atol=1e-6)


def test_rand_zipfian_counts_follow_the_distribution():
    mx.random.seed(5)
    true = mx.nd.array([3, 0])
    samples, count_true, count_sampled = mx.nd.contrib.rand_zipfian(true, 6, 5)
    assert samples.dtype == np.int64 and samples.shape == (6,)
    assert count_true.dtype == np.float64 and count_sampled.dtype == np.float64
    s = samples.asnumpy()
    assert ((s >= 0) & (s < 5)).all()
    prob = lambda c: np.log((c + 2.0) / (c + 1.0)) / np.log(6)   # noqa: E731
    # MXNet 1.9.1: true class 3 of range 5 with 4 samples -> 0.49815515 (its docstring's 0.1245 is stale)
    np.testing.assert_allclose(mx.nd.contrib.rand_zipfian(mx.nd.array([3]), 4, 5)[1].asnumpy(), [0.49815515],
                               rtol=1e-6)
    np.testing.assert_allclose(count_true.asnumpy(), prob(np.array([3.0, 0.0])) * 6, rtol=1e-12)
    np.testing.assert_allclose(count_sampled.asnumpy(), prob(s.astype("float64")) * 6, rtol=1e-12)


def test_identity_attach_kl_sparse_reg_matches_mxnet():
    # recorded from MXNet 1.9.1 through a bound Symbol (its nd function cannot pass moving_avg):
    # forward(is_train=True), backward(head)
    x = mx.nd.array([[0.2, 0.5, 0.9], [0.4, 0.1, 0.3]])
    moving_avg = mx.nd.array([0.5, 0.2, 0.7])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.IdentityAttachKLSparseReg(x, moving_avg, penalty=0.01, sparseness_target=0.2, momentum=0.8)
    y.backward(mx.nd.array([[1, 2, 3], [4, 5, 6]]))
    np.testing.assert_array_equal(y.asnumpy(), x.asnumpy())
    np.testing.assert_allclose(x.grad.asnumpy(), [[1.0104669332504272, 2.0011653900146484, 3.0220587253570557],
                                                  [4.010467052459717, 5.001165390014648, 6.022058963775635]],
                               rtol=1e-6)
    np.testing.assert_allclose(moving_avg.asnumpy(), [0.46000000834465027, 0.2200000137090683, 0.6800000071525574],
                               rtol=1e-6)
    before = moving_avg.asnumpy()
    mx.nd.IdentityAttachKLSparseReg(x, moving_avg)   # outside training: moving_avg stays
    np.testing.assert_array_equal(moving_avg.asnumpy(), before)
