"""nd.linalg: MXNet's gradient conventions (recorded from MXNet 1.9.1), argument errors,
names, higher-order derivatives.

Values, shapes, dtypes and MXNet's own errors are in tests/reference/cases_linalg.py.  The
gradients below were recorded from MXNet 1.9.1 by running this file under the reference venv
(``/tmp/mxref/bin/python tests/test_linalg_ops.py``, which prints ``MXNET_GRADIENTS``): they
pin down conventions finite differences cannot, e.g. potrf's symmetric gradient for an input
read from its lower triangle, or the zero gradient of the triangle trsm/trmm ignore.
"""
import numpy as np

_RS = np.random.RandomState(0)
A = _RS.uniform(-1, 1, (3, 3)) + 3 * np.eye(3)     # not symmetric: the ops read one triangle
B = _RS.uniform(-1, 1, (3, 2))
W = _RS.uniform(-1, 1, (2, 4))

# name: (call(nd, *arrays), inputs)
CALLS = {
    "potrf": (lambda nd, a: nd.linalg.potrf(a), (A,)),
    "potrf upper": (lambda nd, a: nd.linalg.potrf(a, lower=False), (A,)),
    "potri": (lambda nd, a: nd.linalg.potri(a), (A,)),
    "potri upper": (lambda nd, a: nd.linalg.potri(a, lower=False), (A,)),
    "trmm": (lambda nd, a, b: nd.linalg.trmm(a, b, alpha=1.5), (A, B)),
    "trmm upper transpose": (lambda nd, a, b: nd.linalg.trmm(a, b, lower=False, transpose=True), (A, B)),
    "trsm": (lambda nd, a, b: nd.linalg.trsm(a, b, alpha=0.5), (A, B)),
    "trsm right upper": (lambda nd, a, b: nd.linalg.trsm(a, b.T, rightside=True, lower=False), (A, B)),
    "sumlogdiag": (lambda nd, a: nd.linalg.sumlogdiag(a), (A,)),
    "syrk": (lambda nd, a: nd.linalg.syrk(a, alpha=2.0), (A,)),
    "gemm": (lambda nd, a, b, c: nd.linalg.gemm(a, b, c, alpha=2.0, beta=0.5), (A, B, B)),
    "gelqf": (lambda nd, w: nd.linalg.gelqf(w), (W,)),
    "syevd": (lambda nd, a: nd.linalg.syevd(a), (A,)),
    "inverse": (lambda nd, a: nd.linalg.inverse(a), (A,)),
    "det": (lambda nd, a: nd.linalg.det(a), (A,)),
    "slogdet": (lambda nd, a: nd.linalg.slogdet(a), (A,)),
    "extracttrian upper": (lambda nd, a: nd.linalg.extracttrian(a, lower=False), (A,)),
    "maketrian offset": (lambda nd, a: nd.linalg.maketrian(a, offset=1), (W[0, :3],)),
}


def gradients(mx, name):
    """Outputs and input gradients of CALLS[name] in float64, every output getting a fixed
    random head gradient."""
    fn, inputs = CALLS[name]
    xs = [mx.nd.array(x, dtype="float64") for x in inputs]
    for x in xs:
        x.attach_grad()
    with mx.autograd.record():
        out = fn(mx.nd, *xs)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    heads = [mx.nd.array(np.random.RandomState(i + 1).normal(size=o.shape), dtype="float64")
             for i, o in enumerate(outs)]
    mx.autograd.backward(outs, heads)
    return [x.grad.asnumpy() for x in xs]


MXNET_GRADIENTS = {  # recorded from MXNet 1.9.1 (see the module docstring)
    'potrf':
        [[[0.4912561421, -0.3242649259, 0.5062268428], [-0.3242649259, 0.3253385712, -0.2485934996],
          [0.5062268428, -0.2485934996, 0.0828801222]]],
    'potrf upper':
        [[[0.4893427585, -0.1727068429, -0.058590139], [-0.1727068429, 0.3249781251, -0.6968936254],
          [-0.058590139, -0.6968936254, 0.0808917762]]],
    'potri':
        [[[-0.1132090203, 0.0, 0.0], [0.0814157883, -0.1023477882, 0.0],
          [-0.0384507126, 0.0836496673, -0.043328401]]],
    'potri upper':
        [[[-0.1197875246, 0.0876760252, -0.0255349341], [0.0, -0.1057287764, 0.0756394819],
          [0.0, 0.0, -0.0189520433]]],
    'trmm':
        [[[-1.1033876747, 0.0, 0.0], [-0.7543467448, -0.2648134781, 0.0],
          [-2.3168611886, -0.3948039194, 4.0667750683]],
         [[7.314268504, -2.5560281794], [-1.2386727184, -7.2876529505], [5.0981062031, -13.5583374927]]],
    'trmm upper transpose':
        [[[-0.7355917831, -0.5028978298, -1.5445741257], [0.0, -0.1765423187, -0.2632026129],
          [0.0, 0.0, 2.7111833788]],
         [[4.9821665985, -2.8298038383], [-1.2513527429, -3.7266357507], [3.3987374687, -9.0388916618]]],
    'trsm':
        [[[0.0405691032, 0.0, 0.0], [0.0110396772, 0.0073013803, 0.0],
          [0.0634823124, 0.0097673133, -0.0878200931]],
         [[0.2701981628, -0.1074302282], [-0.1230688777, -0.107783421], [0.110177731, -0.293016034]]],
    'trsm right upper':
        [[[0.109681871, -0.0836917854, 0.1002604251], [0.0, -0.0006660986, 0.0155847403],
          [0.0, 0.0, -0.1052759694]],
         [[0.561243531, -0.3580737194], [-0.2010722243, 0.3639944484], [-0.1344863698, -0.586032068]]],
    'sumlogdiag':
        [[[0.5243837814, 0.0, 0.0], [0.0, 0.5704842791, 0.0], [0.0, 0.0, 0.4136008984]]],
    'syrk':
        [[[19.5202654018, -4.8909459011, 9.908502586], [-9.3619435757, 3.6065900132, -23.7392470025],
          [6.8282338776, -15.3940106724, 3.7246394668]]],
    'gemm':
        [[[-1.4711835662, 0.0212345291, 3.8149494753], [-1.0057956597, -0.3530846374, 0.9419069095],
          [-3.0891482515, -0.5264052259, 5.4223667577]],
         [[9.7523580053, -3.4080375725], [-0.2533962263, -10.2434445008], [7.156939194, -18.9554071632]],
         [[0.8121726818, -0.3058782068], [-0.2640858761, -0.5364843111], [0.4327038147, -1.1507693484]]],
    'gelqf':
        [[[-0.1852923847, -0.4652694894, -1.6782686633, -0.2202285233],
          [-0.6572666944, 2.1063706844, -2.8564347672, 0.1810490942]]],
    'syevd':
        [[[-0.3608403737, 0.9892756724, 1.0273589789], [0.9892756724, -0.4670702304, -0.5959592503],
          [1.0273589789, -0.5959592503, -1.7813101663]]],
    'inverse':
        [[[-0.192908098, 0.0810825121, 0.0134545393], [0.1967667028, -0.1707115433, 0.2512467365],
          [-0.1559395241, 0.0854740837, -0.0602374444]]],
    'det':
        [[[17.7925628238, -0.6318124774, 0.6915701424], [-2.48394522, 19.802466771, -4.0297661784],
          [-0.7465797435, -1.4381981467, 14.2638145257]]],
    'slogdet':
        [[[-0.1348585648, 0.0047888168, -0.0052417495], [0.0188270397, -0.1500926131, 0.0305435754],
          [0.0056586942, 0.0109008095, -0.1081124498]]],
    'extracttrian upper':
        [[[1.6243453637, -0.6117564137, -1.0729686222], [0.0, -0.5281717523, 0.8654076293],
          [0.0, 0.0, -2.3015386969]]],
    'maketrian offset':
        [[-0.6117564137, -0.5281717523, -2.3015386969]],
}


if __name__ == "__main__":  # record under MXNet 1.9.1: prints the MXNET_GRADIENTS table
    import pprint
    import textwrap

    import mxnet
    print("MXNET_GRADIENTS = {  # recorded from MXNet 1.9.1 (see the module docstring)")
    for _name in CALLS:
        _table = pprint.pformat([np.round(g, 10).tolist() for g in gradients(mxnet, _name)], width=104, compact=True)
        print(f"    {_name!r}:\n        {textwrap.indent(_table, ' ' * 8).lstrip()},")
    print("}")
    raise SystemExit

import pytest  # noqa: E402

import mxjax as mx  # noqa: E402
from mxjax import autograd, nd  # noqa: E402
from mxjax.base import MXNetError  # noqa: E402


@pytest.mark.parametrize("name", sorted(CALLS))
def test_gradient_matches_mxnet(name):
    for got, expected in zip(gradients(mx, name), MXNET_GRADIENTS[name]):
        np.testing.assert_allclose(got, np.asarray(expected), rtol=1e-8, atol=1e-9)


# ---- higher order ----------------------------------------------------------------------------------

def test_potrf_third_order_through_log_det():
    """2 * sumlogdiag(potrf(S)) = log det S: its derivatives to third order, against the
    analytic d/dS log det S = S^-1 (symmetrised, MXNet's convention for a symmetric input)."""
    rs = np.random.RandomState(3)
    a = rs.uniform(-1, 1, (3, 3))
    s = a @ a.T + 3 * np.eye(3)
    v, u = rs.normal(size=(3, 3)), rs.normal(size=(3, 3))
    v, u = v + v.T, u + u.T
    x = nd.array(s, dtype="float64")
    x.attach_grad()
    with autograd.record():
        logdet = 2 * nd.linalg.sumlogdiag(nd.linalg.potrf(x))
        (g1,) = autograd.grad(logdet, [x], create_graph=True)
        (g2,) = autograd.grad((g1 * nd.array(v, dtype="float64")).sum(), [x], create_graph=True)
        head = (g2 * nd.array(u, dtype="float64")).sum()
    head.backward()
    inv = np.linalg.inv(s)
    np.testing.assert_allclose(logdet.asnumpy(), [np.linalg.slogdet(s)[1]], rtol=1e-12)
    np.testing.assert_allclose(g1.asnumpy(), inv, rtol=1e-10)
    np.testing.assert_allclose(g2.asnumpy(), -inv @ v @ inv, rtol=1e-10)           # d/dS <S^-1, V>
    third = inv @ u @ inv @ v @ inv + inv @ v @ inv @ u @ inv                       # d/dS <-S^-1 V S^-1, U>
    np.testing.assert_allclose(x.grad.asnumpy(), third, rtol=1e-9, atol=1e-12)


def test_det_second_order():
    rs = np.random.RandomState(4)
    a = rs.uniform(-1, 1, (3, 3)) + 2 * np.eye(3)
    v = rs.normal(size=(3, 3))
    x = nd.array(a, dtype="float64")
    x.attach_grad()
    with autograd.record():
        (g,) = autograd.grad(nd.linalg.det(x), [x], create_graph=True)
        head = (g * nd.array(v, dtype="float64")).sum()
    head.backward()
    det, inv = np.linalg.det(a), np.linalg.inv(a)
    np.testing.assert_allclose(g.asnumpy(), det * inv.T, rtol=1e-10)
    # d/dA <det(A) A^-T, V> = det(A) (<A^-T, V> A^-T - A^-T V^T A^-T)
    expected = det * (np.sum(inv.T * v) * inv.T - inv.T @ v.T @ inv.T)
    np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-9)


# ---- names and dtypes -------------------------------------------------------------------------------

LINALG = ("gemm", "gemm2", "potrf", "potri", "trsm", "trmm", "sumlogdiag", "syrk", "gelqf", "syevd",
          "inverse", "det", "slogdet", "extractdiag", "makediag", "extracttrian", "maketrian")


@pytest.mark.parametrize("name", LINALG)
def test_names(name):
    fn = getattr(nd.linalg, name)
    assert fn.__name__ == getattr(nd.op, f"_linalg_{name}").__name__ == f"_linalg_{name}"
    if name != "syevd":   # MXNet 1.9.1 has no nd.linalg_syevd
        assert getattr(nd, f"linalg_{name}").__name__ == f"_linalg_{name}"
    else:
        assert not hasattr(nd, "linalg_syevd")
    assert fn.__doc__


def test_float64_stays_float64():
    s = nd.array(np.eye(3) * 4, dtype="float64")
    for out in (nd.linalg.potrf(s), nd.linalg.inverse(s), nd.linalg.det(s), *nd.linalg.syevd(s),
                *nd.linalg.gelqf(s), nd.linalg.gemm2(s, s), nd.linalg.maketrian(nd.linalg.extracttrian(s))):
        assert out.dtype == np.float64


def test_batched_leading_dimensions():
    rs = np.random.RandomState(5)
    a = rs.uniform(-1, 1, (2, 3, 4, 4)) + 4 * np.eye(4)
    out = nd.linalg.inverse(nd.array(a, dtype="float64")).asnumpy()
    np.testing.assert_allclose(out, np.linalg.inv(a), rtol=1e-10)
    sign, logdet = nd.linalg.slogdet(nd.array(a, dtype="float64"))
    np.testing.assert_allclose(sign.asnumpy() * np.exp(logdet.asnumpy()), np.linalg.det(a), rtol=1e-10)


# ---- errors at the call -----------------------------------------------------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda: nd.linalg.gemm2(nd.ones((2, 3), dtype="int32"), nd.ones((3, 2), dtype="int32")),
     "float32 and float64 data types only, got int32"),
    (lambda: nd.linalg.potrf(nd.ones((2, 2), dtype="float16")), "float32 and float64 data types only"),
    (lambda: nd.linalg.gemm2(nd.ones((2, 3)), nd.ones((3, 2), dtype="float64")), "same dtype"),
    (lambda: nd.linalg.gemm2(nd.ones((2, 3)), nd.ones((2, 3))), "incompatible matrix dimensions"),
    (lambda: nd.linalg.gemm2(nd.ones((2, 2, 3)), nd.ones((3, 3, 2))), "same shape except on the row/column"),
    (lambda: nd.linalg.gemm2(nd.ones((3,)), nd.ones((3, 2))), "at least 2 dimensions"),
    (lambda: nd.linalg.gemm(nd.ones((2, 3)), nd.ones((3, 2)), nd.ones((2, 3))), "C must have the shape"),
    (lambda: nd.linalg.gemm2(nd.ones((2, 3)), nd.ones((3, 2)), axis=-1), "must not be the last axis"),
    (lambda: nd.linalg.potrf(nd.ones((2, 3))), "square matrices"),
    (lambda: nd.linalg.sumlogdiag(nd.ones((2, 3))), "square matrices"),
    (lambda: nd.linalg.trsm(nd.ones((3, 3)), nd.ones((3, 4)), rightside=True), "incompatible matrix dimensions"),
    (lambda: nd.linalg.gelqf(nd.ones((3, 2))), "last dimension must be >="),
    (lambda: nd.linalg.extractdiag(nd.ones((3, 3)), offset=3), "illegal offset 3"),
    (lambda: nd.linalg.maketrian(nd.ones((5,))), "not a triangular number"),
    (lambda: nd.linalg.potrf(nd.ones((3, 3)), transpose=True), "unexpected argument 'transpose'"),
])
def test_argument_errors(call, message):
    with pytest.raises(MXNetError, match=message):
        call()
