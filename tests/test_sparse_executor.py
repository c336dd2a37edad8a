"""Storage types of bound symbols (MXNet's InferStorageType pass) and of the nd sparse rules.

Every expected storage type and value below was recorded from MXNet 1.9.1 (CPU build)."""
import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError
from mxjax import test_utils as tu

_D = np.array([[0, 1., 2], [0, 0, 0], [3, 0, 0], [0, 0, 4]])
_R = np.array([[2, 2., 0], [0, 1, 0], [0, 0, 0], [1, 1, 0]])


def _bind_stypes(sym, **shapes):
    exe = sym.simple_bind(mx.cpu(), **shapes)
    return ([a.stype for a in exe.arg_arrays], [g.stype for g in exe.grad_arrays], [o.stype for o in exe.outputs])


def test_simple_bind_allocates_mxnet_storage_types():
    d, w = mx.sym.Variable("data"), mx.sym.Variable("w", stype="row_sparse")
    a = mx.sym.Variable("a", stype="row_sparse")
    assert _bind_stypes(mx.sym.Embedding(d, w, input_dim=5, output_dim=3, sparse_grad=True), data=(4,)) == \
        (["default", "row_sparse"], ["default", "row_sparse"], ["default"])
    assert _bind_stypes(mx.sym.Embedding(d, w, input_dim=5, output_dim=3), data=(4,)) == \
        (["default", "row_sparse"], ["default", "default"], ["default"])
    dense_w = mx.sym.Variable("dense_w")
    assert _bind_stypes(mx.sym.Embedding(d, dense_w, input_dim=5, output_dim=3, sparse_grad=True), data=(4,)) == \
        (["default", "default"], ["default", "row_sparse"], ["default"])
    dot = mx.sym.dot(mx.sym.Variable("c", stype="csr"), mx.sym.Variable("w2"))
    assert _bind_stypes(dot, c=(4, 5), w2=(5, 3)) == (["csr", "default"], ["default", "row_sparse"], ["default"])
    add = mx.sym.elemwise_add(a, mx.sym.Variable("b", stype="row_sparse"))
    assert _bind_stypes(add, a=(4, 5), b=(4, 5)) == (["row_sparse"] * 2, ["row_sparse"] * 2, ["row_sparse"])
    assert _bind_stypes(mx.sym.sqrt(a), a=(4, 5)) == (["row_sparse"], ["default"], ["row_sparse"])
    assert _bind_stypes(a * 2, a=(4, 5)) == (["row_sparse"], ["row_sparse"], ["row_sparse"])
    assert _bind_stypes(a + 2, a=(4, 5)) == (["row_sparse"], ["default"], ["default"])
    assert _bind_stypes(mx.sym.sqrt(a) + a * 3, a=(4, 5)) == (["row_sparse"], ["default"], ["row_sparse"])
    exe = mx.sym.sqrt(mx.sym.Variable("x")).simple_bind(mx.cpu(), stype_dict={"x": "csr"}, x=(4, 5))
    assert (exe.arg_arrays[0].stype, exe.grad_arrays[0].stype, exe.outputs[0].stype) == ("csr", "default", "csr")


@pytest.mark.parametrize("stype", ["csr", "row_sparse"])
def test_bound_graph_output_and_gradient_stypes(stype):
    a = mx.sym.Variable("a", stype=stype)
    expected = {   # op -> (gradient stype, output stype) recorded with simple_bind
        "abs": (stype, stype), "relu": (stype, stype), "square": (stype, stype), "negative": (stype, stype),
        "sqrt": ("default", stype), "sin": ("default", stype), "cbrt": ("default", stype),
        "sigmoid": ("default", "default"), "zeros_like": (stype, stype),
    }
    for op, (grad, out) in expected.items():
        exe = getattr(mx.sym, op)(a).simple_bind(mx.cpu(), a=(4, 5))
        assert (exe.grad_arrays[0].stype, exe.outputs[0].stype) == (grad, out), op
    clip = mx.sym.clip(a, -1, 1).simple_bind(mx.cpu(), a=(4, 5))
    assert (clip.grad_arrays[0].stype, clip.outputs[0].stype) == ("default", stype)
    for scalar_sym, out in ((a / 2, stype), (a - 2, "default"), (2 - a, "default"), (a ** 2, "default")):
        assert scalar_sym.simple_bind(mx.cpu(), a=(4, 5)).outputs[0].stype == out


def test_bind_takes_storage_types_from_the_arrays_and_computes_densely():
    x = mx.sym.Variable("x")
    exe = mx.sym.sqrt(x).bind(mx.cpu(), {"x": mx.nd.array(_D).tostype("row_sparse")})
    out = exe.forward()[0]
    assert out.stype == "row_sparse" and out.indices.asnumpy().tolist() == [0, 2, 3]
    np.testing.assert_allclose(out.asnumpy(), np.sqrt(_D), rtol=1e-6)
    lhs, rhs = mx.sym.Variable("lhs"), mx.sym.Variable("rhs")
    args = {"lhs": mx.nd.array(_D).tostype("csr"), "rhs": mx.nd.array(_R)}
    for sym, stype in ((mx.sym.elemwise_mul(lhs, rhs), "csr"), (mx.sym.elemwise_add(lhs, rhs), "default"),
                       (mx.sym.broadcast_mul(lhs, rhs), "csr"), (mx.sym.broadcast_add(lhs, rhs), "default")):
        assert sym.bind(mx.cpu(), args).forward()[0].stype == stype


def test_dense_graph_outputs_stay_plain_ndarrays():
    x = mx.sym.Variable("x")
    exe = mx.sym.sqrt(x).simple_bind(mx.cpu(), x=(2, 3))
    assert type(exe.outputs[0]) is mx.nd.NDArray and exe._out_stypes is None


def test_batchnorm_fix_gamma_refuses_sparse_input_at_bind():
    data = mx.sym.Variable("data", stype="row_sparse")
    rsp = lambda v: mx.nd.array(v).tostype("row_sparse")   # noqa: E731
    args = [rsp(np.random.normal(size=(2, 3))), rsp(np.ones(3)), rsp(np.ones(3))]
    aux = [rsp(np.ones(3)), rsp(np.ones(3))]
    with pytest.raises(MXNetError, match="fix_gamma=True is not supported for sparse ndarrays"):
        mx.sym.BatchNorm(data, fix_gamma=True, name="bn").bind(mx.cpu(), args, aux_states=aux)
    exe = mx.sym.BatchNorm(data, fix_gamma=False).bind(mx.cpu(), args, aux_states=aux)
    assert exe.forward()[0].stype == "default"
    with pytest.raises(MXNetError):
        tu.check_numeric_gradient(mx.sym.BatchNorm(data, fix_gamma=True), args, aux, numeric_eps=1e-3)


# recorded: MXNet 1.9.1 _scatter_elemwise_div(lhs, rhs) / _scatter_plus_scalar(lhs, 9)
_SCATTER_DIV_RSP = [[0.0, 0.5, np.inf], [0.0, 0.0, 0.0], [np.inf, np.nan, np.nan], [0.0, 0.0, np.inf]]
_DENSE_DIV = [[0.0, 0.5, np.inf], [np.nan, 0.0, np.nan], [np.inf, np.nan, np.nan], [0.0, 0.0, np.inf]]
_PLUS = {"row_sparse": [[9, 10, 11], [0, 0, 0], [12, 9, 9], [9, 9, 13]],
         "csr": [[0, 10, 11], [0, 0, 0], [12, 0, 0], [0, 0, 13]],
         "default": [[9, 10, 11], [9, 9, 9], [12, 9, 9], [9, 9, 13]]}


@pytest.mark.parametrize("lhs_stype", ["row_sparse", "csr", "default"])
def test_scatter_operators_compute_stored_positions_only(lhs_stype):
    lhs_sym, rhs_sym = mx.sym.Variable("lhs"), mx.sym.Variable("rhs")
    lhs = mx.nd.array(_D).tostype(lhs_stype)
    for rhs_stype in ("row_sparse", "csr", "default"):
        rhs = mx.nd.array(_R).tostype(rhs_stype)
        exe = mx.sym._internal._scatter_elemwise_div(lhs_sym, rhs_sym).bind(mx.cpu(), {"lhs": lhs, "rhs": rhs})
        for out in (exe.forward()[0], mx.nd._internal._scatter_elemwise_div(lhs, rhs)):
            expected = _SCATTER_DIV_RSP if lhs_stype == "row_sparse" else _DENSE_DIV
            assert out.stype == ("row_sparse" if lhs_stype == "row_sparse" else "default")
            np.testing.assert_array_equal(out.asnumpy(), np.array(expected, np.float32))
    for plus in (mx.sym._internal._scatter_plus_scalar(lhs_sym, scalar=9).bind(mx.cpu(), {"lhs": lhs}).forward()[0],
                 mx.nd._internal._scatter_plus_scalar(lhs, scalar=9)):
        assert plus.stype == lhs_stype
        np.testing.assert_array_equal(plus.asnumpy(), _PLUS[lhs_stype])
    minus = mx.nd._internal._scatter_minus_scalar(lhs, scalar=9)
    np.testing.assert_array_equal(minus.asnumpy(), np.where(np.array(_PLUS[lhs_stype]) != 0,
                                                            np.array(_PLUS[lhs_stype]) - 18, 0))


def test_nd_binary_storage_types_follow_mxnet():
    dense, row, col = mx.nd.array([[1, 3], [4, 2.]]), mx.nd.array([[1, 3]]), mx.nd.array([[1], [3]])
    recorded = {   # op -> stypes for (s, s), (s, dense), (dense, s), (s, row), (s, col) with s csr / row_sparse
        "csr": {"elemwise_add": "c d d", "elemwise_mul": "c c c", "elemwise_div": "d d d",
                "broadcast_add": "d d d d d", "broadcast_mul": "d c d c c", "broadcast_div": "d c d c c"},
        "row_sparse": {"elemwise_add": "r d d", "elemwise_mul": "r r r", "elemwise_div": "d d d",
                       "broadcast_add": "d d d d d", "broadcast_mul": "d d d d d", "broadcast_div": "d d d d d"},
    }
    for stype, table in recorded.items():
        s = mx.nd.array([[1, 0], [0, 2.]]).tostype(stype)
        pairs = [(s, s), (s, dense), (dense, s), (s, row), (s, col)]
        for op, expected in table.items():
            got = [getattr(mx.nd, op)(a, b).stype[0] for a, b in pairs[:len(expected.split())]]
            assert got == expected.split(), (stype, op)
        assert (s + s).stype == stype and mx.nd.maximum(s, s).stype == "default"
        assert mx.nd._internal._maximum(s, s).stype == stype
    assert mx.nd.contrib.quadratic(mx.nd.array([[1, 0.]]).tostype("row_sparse"), a=1, b=2).stype == "default"
    assert mx.nd.cbrt(mx.nd.array([[1, 0.]]).tostype("csr")).stype == "csr"


def test_check_symbolic_backward_gives_gradients_in_the_asked_storage():
    x = mx.sym.Variable("x")
    xa = mx.nd.array(_D).tostype("row_sparse")
    grads = tu.check_symbolic_backward(mx.sym.relu(x), [xa], [mx.nd.ones((4, 3))], [(_D > 0).astype(np.float32)],
                                       grad_stypes={"x": "row_sparse"})
    assert grads["x"].stype == "row_sparse"
    outs = tu.check_symbolic_forward(mx.sym.relu(x), [xa], [np.maximum(_D, 0)])
    assert outs[0].stype == "row_sparse"


def test_pole_gradients_match_mxnet():
    x = mx.nd.array([0., -1., -2., 0.5, 3.])
    for fn, expected in ((mx.nd.gamma, [np.inf, np.nan, np.nan, -3.480232, 1.8455689]),
                         (mx.nd.gammaln, [np.inf, np.inf, np.inf, -1.9635108, 0.9227843])):
        x.attach_grad()
        with mx.autograd.record():
            y = fn(x)
        y.backward()
        np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-5)
    a, b = mx.nd.array([0., 3., 0.]), mx.nd.array([0., 4., 2.])
    a.attach_grad()
    b.attach_grad()
    with mx.autograd.record():
        y = mx.nd._internal._hypot(a, b)
    y.backward(mx.nd.array([1., 1., 0.]))
    np.testing.assert_allclose(a.grad.asnumpy(), [np.nan, 0.6, 0.], rtol=1e-6)
    np.testing.assert_allclose(b.grad.asnumpy(), [np.nan, 0.8, 0.], rtol=1e-6)
