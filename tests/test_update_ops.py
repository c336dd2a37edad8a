"""The optimizer update operators (nd.sgd_update, nd.adam_update, ...) against real MXNet 1.9.1.

tests/reference/data/update_ops_mxnet191.npz is written by tools/record_mxnet_update_ops.py: for each
operator, attribute set and dtype, the inputs and every input after ``op(*inputs, out=inputs[0])``
(the new weight and the states MXNet updates in place)."""
import os

import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError

DATA = np.load(os.path.join(os.path.dirname(__file__), "reference", "data", "update_ops_mxnet191.npz"))

ATTRS = {
    "sgd_update": [dict(lr=0.1), dict(lr=0.05, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)],
    "sgd_mom_update": [dict(lr=0.1, momentum=0.9),
                       dict(lr=0.05, momentum=0.5, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)],
    "nag_mom_update": [dict(lr=0.1, momentum=0.9, wd=0.1),
                       dict(lr=0.05, momentum=0.5, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)],
    "signsgd_update": [dict(lr=0.1, wd=0.01, rescale_grad=3.0, clip_gradient=0.01)],
    "signum_update": [dict(lr=0.1, momentum=0.9, wd=0.01, wd_lh=0.02),
                      dict(lr=0.1, momentum=0.5, rescale_grad=0.5, clip_gradient=0.2)],
    "ftml_update": [dict(lr=0.1, t=3), dict(lr=0.05, t=1, wd=0.01, rescale_grad=0.5, clip_grad=0.3,
                                            beta1=0.5, beta2=0.9, epsilon=1e-6)],
    "adam_update": [dict(lr=0.1), dict(lr=0.05, beta1=0.8, beta2=0.9, epsilon=1e-6, wd=0.01,
                                       rescale_grad=0.5, clip_gradient=0.3)],
    "rmsprop_update": [dict(lr=0.1), dict(lr=0.05, gamma1=0.8, epsilon=1e-6, wd=0.01,
                                          rescale_grad=0.5, clip_gradient=0.3, clip_weights=0.5)],
    "rmspropalex_update": [dict(lr=0.1), dict(lr=0.05, gamma1=0.8, gamma2=0.7, epsilon=1e-6, wd=0.01,
                                              rescale_grad=0.5, clip_gradient=0.3, clip_weights=0.5)],
    "ftrl_update": [dict(lr=0.1), dict(lr=0.5, lamda1=0.1, beta=0.5, wd=0.01, rescale_grad=0.5,
                                       clip_gradient=0.3)],
    "lamb_update_phase1": [dict(t=2, wd=0.01), dict(t=3, wd=0.0, bias_correction=False, beta1=0.8,
                                                     rescale_grad=0.5, clip_gradient=0.3)],
}
TOL = {"float16": 2e-3, "float32": 2e-6, "float64": 1e-12}


def _params():
    for name, sets in ATTRS.items():
        for k in range(len(sets)):
            for dtype in ("float32", "float64", "float16"):
                yield pytest.param(name, k, dtype, id=f"{name}-{k}-{dtype}")


@pytest.mark.parametrize("name,k,dtype", list(_params()))
def test_update_op_matches_mxnet(name, k, dtype):
    key = f"{name}/{k}/{dtype}"
    n = sum(1 for f in DATA.files if f.startswith(key + "/in"))
    arrays = [mx.nd.array(DATA[f"{key}/in{i}"], dtype=dtype) for i in range(n)]
    result = getattr(mx.nd, name)(*arrays, out=arrays[0], **ATTRS[name][k])
    assert result is arrays[0]
    for i, a in enumerate(arrays):
        expected = DATA[f"{key}/after{i}"]
        assert a.dtype == np.dtype(dtype)
        np.testing.assert_allclose(a.asnumpy(), expected, rtol=TOL[dtype], atol=TOL[dtype],
                                   err_msg=f"{key}: input {i} after the update")


def test_without_out_the_weight_is_kept_and_the_states_updated():
    w, g, m = (mx.nd.array(DATA[f"sgd_mom_update/0/float32/in{i}"]) for i in range(3))
    w0, m0 = w.asnumpy(), m.asnumpy()
    new = mx.nd.sgd_mom_update(w, g, m, lr=0.1, momentum=0.9)
    np.testing.assert_array_equal(w.asnumpy(), w0)
    np.testing.assert_allclose(new.asnumpy(), DATA["sgd_mom_update/0/float32/after0"], rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(m.asnumpy(), DATA["sgd_mom_update/0/float32/after2"], rtol=2e-6, atol=2e-6)
    assert not np.allclose(m.asnumpy(), m0)


@pytest.mark.parametrize("k,attrs", [(0, dict(lr=0.1)), (1, dict(lr=0.1)), (2, dict(lr=0.1, lower_bound=3.0)),
                                     (3, dict(lr=0.1, upper_bound=1.0))])
def test_lamb_update_phase2(k, attrs):
    r1, r2 = DATA[f"lamb_update_phase2/{k}/r"]
    out = mx.nd.lamb_update_phase2(mx.nd.array(DATA["lamb_update_phase2/w"]), mx.nd.array(DATA["lamb_update_phase2/g"]),
                                   mx.nd.array([r1]), mx.nd.array([r2]), **attrs)
    np.testing.assert_allclose(out.asnumpy(), DATA[f"lamb_update_phase2/{k}/out"], rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("name,with_mom,attrs", [
    ("mp_sgd_update", False, dict(lr=0.1, wd=0.01, clip_gradient=0.3)),
    ("mp_sgd_mom_update", True, dict(lr=0.1, momentum=0.9, wd=0.01)),
    ("mp_nag_mom_update", True, dict(lr=0.1, momentum=0.9, wd=0.1))])
def test_mixed_precision_updates(name, with_mom, attrs):
    arrays = [mx.nd.array(DATA["mp/w16"], dtype="float16"), mx.nd.array(DATA["mp/g16"], dtype="float16")]
    if with_mom:
        arrays.append(mx.nd.array(DATA["mp/mom"]))
    arrays.append(mx.nd.array(DATA["mp/w16"].astype("float32")))
    getattr(mx.nd, name)(*arrays, out=arrays[0], **attrs)
    assert arrays[0].dtype == np.float16 and arrays[-1].dtype == np.float32
    for i, a in enumerate(arrays):
        np.testing.assert_allclose(a.asnumpy(), DATA[f"{name}/after{i}"], rtol=2e-3, atol=2e-3)


def test_lr_is_required():
    w = mx.nd.ones((2,))
    with pytest.raises(MXNetError, match="lr"):
        mx.nd.sgd_update(w, w)


def test_positional_attributes_follow_mxnet_order():
    w, g = mx.nd.array([1.0, -2.0]), mx.nd.array([0.5, 0.5])
    # sgd_update(weight, grad, lr, wd, rescale_grad, clip_gradient, lazy_update)
    out = mx.nd.sgd_update(w, g, 0.1, 0.5)
    np.testing.assert_allclose(out.asnumpy(), (1 - 0.1 * 0.5) * w.asnumpy() - 0.1 * g.asnumpy(), rtol=1e-6)


# recorded from MXNet 1.9.1: w = arange(6).reshape(3, 2) * 0.1 + 0.5, row_sparse grad [[1, -2]] at row 1,
# every state 0.5; lazy_update=True changes only row 1 (weight decay included), False every row
LAZY = {
    ("sgd_update", True): ([[0.5, 0.6], [0.593, 0.992], [0.9, 1.0]], []),
    ("sgd_update", False): ([[0.495, 0.594], [0.593, 0.992], [0.891, 0.99]], []),
    ("sgd_mom_update", True): ([[0.5, 0.6], [1.043, 1.442], [0.9, 1.0]], [[[0.5, 0.5], [0.343, 0.642], [0.5, 0.5]]]),
    ("sgd_mom_update", False): ([[0.945, 1.044], [1.043, 1.442], [1.341, 1.44]],
                                [[[0.445, 0.444], [0.343, 0.642], [0.441, 0.44]]]),
    ("adam_update", True): ([[0.5, 0.6], [0.621279, 0.763629], [0.9, 1.0]],
                            [[[0.5, 0.5], [0.557, 0.258], [0.5, 0.5]], [[0.5, 0.5], [0.500645, 0.503186], [0.5, 0.5]]]),
    ("adam_update", False): ([[0.435621, 0.53548], [0.621279, 0.763629], [0.835056, 0.934914]],
                             [[[0.455, 0.456], [0.557, 0.258], [0.459, 0.46]],
                              [[0.499502, 0.499504], [0.500645, 0.503186], [0.499508, 0.49951]]]),
}
LAZY_ATTRS = {"sgd_update": (0, dict(lr=0.1, wd=0.1)), "sgd_mom_update": (1, dict(lr=0.1, momentum=0.9, wd=0.1)),
              "adam_update": (2, dict(lr=0.1, wd=0.1))}


@pytest.mark.parametrize("name,lazy", list(LAZY))
def test_row_sparse_gradient_lazy_update(name, lazy):
    n, attrs = LAZY_ATTRS[name]
    w = mx.nd.array(np.arange(6).reshape(3, 2) * 0.1 + 0.5)
    g = mx.nd.sparse.row_sparse_array(([[1., -2.]], [1]), shape=(3, 2))
    states = [mx.nd.ones((3, 2)) * 0.5 for _ in range(n)]
    getattr(mx.nd, name)(w, g, *states, out=w, lazy_update=lazy, **attrs)
    expected_w, expected_states = LAZY[(name, lazy)]
    np.testing.assert_allclose(w.asnumpy(), expected_w, rtol=1e-5, atol=1e-6)
    for s, e in zip(states, expected_states):
        np.testing.assert_allclose(s.asnumpy(), e, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("weight_stype", ["row_sparse", "default"])
def test_ftrl_is_lazy_when_weight_and_gradient_are_row_sparse(weight_stype):
    """MXNet's sparse ftrl_update runs for a row_sparse weight (its states follow the weight's
    storage) and touches only the gradient's rows; a dense weight falls back to the dense
    update, which zeroes rows with |z| <= lamda1 (values recorded from MXNet 1.9.1)."""
    w = mx.nd.array(np.arange(6).reshape(3, 2) * 0.1 + 0.5).tostype(weight_stype)
    g = mx.nd.sparse.row_sparse_array((np.array([[1., -2.]], dtype=np.float32), np.array([1])), shape=(3, 2))
    opt = mx.optimizer.Ftrl(learning_rate=0.1, wd=0.1, lamda1=0.01)
    z, n = opt.create_state(0, w)
    opt.update(0, w, g, (z, n))
    untouched = [0.5, 0.6] if weight_stype == "row_sparse" else [0.0, 0.0]
    far = [0.9, 1.0] if weight_stype == "row_sparse" else [0.0, 0.0]
    np.testing.assert_allclose(w.asnumpy(), [untouched, [0.29801, 0.597674], far], rtol=1e-5)
    np.testing.assert_allclose(z.asnumpy(), [[0, 0], [-6, -18], [0, 0]])
    np.testing.assert_allclose(n.asnumpy(), [[0, 0], [1, 4], [0, 0]])
