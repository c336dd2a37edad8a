"""The CPU convolution's formulations (mxjax/ndarray/ops/conv_cpu.py) against
``lax.conv_general_dilated``: forward, data and weight gradients of every candidate on random
geometries (1-D/2-D/3-D, strides, asymmetric padding, dilation, groups), second-order
gradients, the tuner, its switches and its disk cache, and ``nd.Convolution`` in both layouts."""
import itertools
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import mxjax as mx
from mxjax import autograd, nd
from mxjax.ndarray.ops import conv_cpu

SPEC = {1: ("NCW", "OIW", "NCW"), 2: ("NCHW", "OIHW", "NCHW"), 3: ("NCDHW", "OIDHW", "NCDHW")}


def _lax(x, w, s, pad, d, g):
    return lax.conv_general_dilated(x, w, s, pad, rhs_dilation=d, dimension_numbers=SPEC[x.ndim - 2],
                                    feature_group_count=g)


def _geometries(count, seed=0):
    """Random valid convolutions: (x shape, w shape, stride, pad, dilate, groups)."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        n = int(rng.integers(1, 4))
        g = int(rng.choice([1, 1, 2, 3]))
        c, f = g * int(rng.integers(1, 3)), g * int(rng.integers(1, 3))
        k = tuple(int(v) for v in rng.integers(1, 4, n))
        if all(v == 1 for v in k):   # 1x1 kernels take their own path (test_one_by_one_kernels_match_lax)
            continue
        s = tuple(int(v) for v in rng.integers(1, 3, n))
        d = tuple(int(v) for v in rng.integers(1, 3, n))
        pad = tuple((int(lo), int(hi)) for lo, hi in rng.integers(0, 3, (n, 2)))
        size = tuple(int(v) for v in rng.integers(3, 8 if n < 3 else 6, n))
        if any(sz + lo + hi < di * (ki - 1) + 1 for sz, (lo, hi), di, ki in zip(size, pad, d, k)):
            continue
        out.append(((int(rng.integers(1, 3)), c) + size, (f, c // g) + k, s, pad, d, g))
    # Winograd's shapes: 2-D 3x3 stride 1, odd sizes and uneven pads
    out += [((2, 3, 7, 6), (4, 3, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),
            ((1, 2, 5, 8), (3, 2, 3, 3), (1, 1), ((0, 2), (1, 0)), (1, 1), 1)]
    return out


def _names(x_shape, w_shape, s, d, g):
    """Every formulation that applies (not only those the tuner would time)."""
    last = (x_shape[0],) + x_shape[2:] + (x_shape[1],)
    dx = ["xla", "col"] + (["wino"] if conv_cpu._wino_fits(last, w_shape, s, d, g) else [])
    dw = ["xla", "tap", "col"] + (["ext"] if all(v == 1 for v in s) else []) + dx[2:]
    return dx, dw


def _with_choice(choice, dtype="float32"):
    """``conv_cpu.conv`` with its gradients' formulations fixed to ``choice``."""
    def f(x, w, s, pad, d, g):
        last = (x.shape[0],) + x.shape[2:] + (x.shape[1],)
        conv_cpu._choices[(last, tuple(w.shape), s, pad, d, g, dtype)] = choice
        return conv_cpu.conv(x, w, s, pad, d, g)
    return f


def _rand(rng, shape, dtype=np.float32):
    return jnp.asarray(rng.uniform(-1, 1, shape).astype(dtype))


@pytest.fixture(autouse=True)
def _clean_choices():
    saved = dict(conv_cpu._choices)
    yield
    conv_cpu._choices.clear()
    conv_cpu._choices.update(saved)


_GEOMETRIES = _geometries(24)
_FAST = 4


def _ids(geo):
    return "x{}w{}s{}p{}d{}g{}".format(*geo)


@pytest.mark.parametrize("geo", _GEOMETRIES[:_FAST] + _GEOMETRIES[-2:]
                         + [pytest.param(g, marks=pytest.mark.slow) for g in _GEOMETRIES[_FAST:-2]], ids=_ids)
def test_every_formulation_matches_lax(geo):
    x_shape, w_shape, s, pad, d, g = geo
    rng = np.random.default_rng(1)
    x, w = _rand(rng, x_shape), _rand(rng, w_shape)
    dy = _rand(rng, _lax(x, w, s, pad, d, g).shape)
    dxs, dws = _names(x_shape, w_shape, s, d, g)
    choices = list(itertools.zip_longest(dxs, dws, fillvalue="xla"))

    @jax.jit
    def all_of_them(x, w, dy):     # one compile for the reference and every formulation
        outs = []
        for fn in [_lax] + [_with_choice(c) for c in choices]:
            y, vjp = jax.vjp(lambda x, w: fn(x, w, s, pad, d, g), x, w)
            outs.append((y,) + vjp(dy))
        return outs
    (ref, rdx, rdw), *got = all_of_them(x, w, dy)
    for (dx_name, dw_name), (y, gx, gw) in zip(choices, got):
        np.testing.assert_allclose(y, ref, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(gx, rdx, rtol=1e-5, atol=1e-5, err_msg=f"data gradient by {dx_name}")
        np.testing.assert_allclose(gw, rdw, rtol=1e-5, atol=1e-5, err_msg=f"weight gradient by {dw_name}")


def _derivatives(geo, seed):
    """For a convolution function ``conv(x, w, stride, pad, dilate, groups)``: its value, the
    gradient of a weighted squared loss and a Hessian-vector product of that loss, on random
    float64 data of geometry ``geo`` (the same data for every ``conv``)."""
    x_shape, w_shape, s, pad, d, g = geo
    rng = np.random.default_rng(seed)
    x, w = _rand(rng, x_shape, np.float64), _rand(rng, w_shape, np.float64)
    r = _rand(rng, _lax(x, w, s, pad, d, g).shape, np.float64)
    vx, vw = _rand(rng, x_shape, np.float64), _rand(rng, w_shape, np.float64)

    def derivatives(conv):
        def loss(x, w):
            return jnp.sum(conv(x, w, s, pad, d, g) ** 2 * r)

        def inner(x, w):
            gx, gw = jax.grad(loss, (0, 1))(x, w)
            return jnp.sum(gx * vx) + jnp.sum(gw * vw)
        return (conv(x, w, s, pad, d, g),) + jax.grad(loss, (0, 1))(x, w) + jax.grad(inner, (0, 1))(x, w)
    return derivatives


_ONE_BY_ONE = [((2, 4, 5, 6), (6, 4, 1, 1), (1, 1), ((0, 0), (0, 0)), (1, 1), 1),
               ((2, 6, 7), (4, 3, 1), (2,), ((1, 2),), (1,), 2),
               ((1, 3, 5, 4, 3), (2, 3, 1, 1, 1), (2, 1, 3), ((0, 1), (1, 0), (0, 0)), (2, 1, 1), 1)]


@pytest.mark.parametrize("geo", _ONE_BY_ONE, ids=_ids)
def test_one_by_one_kernels_match_lax(geo):
    """1x1 kernels (any rank, strides, padding, groups) are batched matmuls, to second order."""
    both = _derivatives(geo, seed=4)
    for a, b in zip(*jax.jit(lambda: (both(conv_cpu.conv), both(_lax)))()):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("geo", [((2, 2, 5, 6), (3, 2, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),
                                 ((1, 4, 7), (4, 2, 2), (2,), ((1, 0),), (2,), 2)], ids=["2d-3x3", "1d-groups"])
def test_second_order_gradients_match_lax(geo):
    """A Hessian-vector product through the custom backward (float64, every formulation)."""
    x_shape, w_shape, s, pad, d, g = geo
    derivatives = _derivatives(geo, seed=2)

    def hvp(conv):
        return derivatives(conv)[3:]
    dxs, dws = _names(x_shape, w_shape, s, d, g)
    choices = list(itertools.zip_longest(dxs, dws, fillvalue="xla"))
    want, *got = jax.jit(lambda: [hvp(_lax)] + [hvp(_with_choice(c, "float64")) for c in choices])()
    for choice, pair in zip(choices, got):
        for a, b in zip(pair, want):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9, err_msg=str(choice))


def test_tuner_times_candidates_and_keeps_the_fastest(monkeypatch):
    monkeypatch.setenv("MXJAX_CONV_AUTOTUNE", "1")
    key = ((2, 6, 3), (4, 3, 2), (1,), ((1, 0),), (1,), 1, "float32")
    monkeypatch.setattr(conv_cpu, "TUNE_MIN_MACS", 0)
    choice = conv_cpu._choose(*key)
    times = conv_cpu.timings[key]
    assert set(times[0]) == {"xla", "col"} and set(times[1]) == {"ext", "tap", "col", "xla"}
    assert choice == tuple(min(t, key=t.get) for t in times)


def test_by_default_nothing_is_timed_and_large_outputs_take_the_per_tap_weight_gradient(monkeypatch):
    monkeypatch.delenv("MXJAX_CONV_AUTOTUNE", raising=False)
    monkeypatch.setattr(conv_cpu, "_tune", lambda key: pytest.fail("tuned without MXJAX_CONV_AUTOTUNE=1"))
    monkeypatch.setattr(conv_cpu, "TUNE_MIN_MACS", 0)
    same = ((1, 1), (1, 1))
    # a 32x32 output on 64 channels (ResNet-18's CIFAR layer), stride 1 and 2
    assert conv_cpu._choose((2, 32, 32, 64), (64, 64, 3, 3), (1, 1), same, (1, 1), 1, "float32") == ("xla", "tap")
    assert conv_cpu._choose((2, 32, 32, 64), (64, 64, 3, 3), (2, 2), same, (1, 1), 1, "float32") == ("xla", "tap")
    # small outputs (8x8) and a one-channel input keep XLA's weight gradient
    assert conv_cpu._choose((2, 8, 8, 64), (64, 64, 3, 3), (1, 1), same, (1, 1), 1, "float32") == ("xla", "xla")
    assert conv_cpu._choose((2, 28, 28, 1), (20, 1, 5, 5), (1, 1), same, (1, 1), 1, "float32") == ("xla", "xla")


def test_small_convolutions_keep_xla_gradients_untuned(monkeypatch):
    monkeypatch.setattr(conv_cpu, "_tune", lambda key: pytest.fail("tuned a tiny convolution"))
    choice = conv_cpu._choose((2, 8, 8, 3), (4, 3, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1, "float32")
    assert choice == ("xla", "xla")


def test_xla_mode_and_other_dtypes_keep_lax_conv(monkeypatch):
    x, w = jnp.ones((1, 2, 4, 4), jnp.float32), jnp.ones((2, 2, 3, 3), jnp.float32)
    assert conv_cpu.applies(x, w)
    assert not conv_cpu.applies(x.astype(jnp.float16), w.astype(jnp.float16))
    assert not conv_cpu.applies(x.astype(jnp.bfloat16), w.astype(jnp.bfloat16))
    monkeypatch.setenv("MXJAX_CONV_AUTOTUNE", "xla")
    assert not conv_cpu.applies(x, w)


def test_disk_cache_round_trip(monkeypatch, tmp_path):
    path = tmp_path / "conv.json"
    monkeypatch.setenv("MXJAX_CONV_CACHE", str(path))
    monkeypatch.setenv("MXJAX_CONV_AUTOTUNE", "1")
    key = ((1, 5, 5, 2), (2, 2, 3, 3), (1, 1), ((0, 0), (0, 0)), (1, 1), 1, "float32")
    monkeypatch.setattr(conv_cpu, "TUNE_MIN_MACS", 0)
    monkeypatch.setattr(conv_cpu, "_tune", lambda key: ("col", "tap"))
    first = conv_cpu._choose(*key)
    assert json.loads(path.read_text())[conv_cpu._disk_section()][repr(key)] == list(first)
    conv_cpu._choices.clear()
    path.write_text(json.dumps({conv_cpu._disk_section(): {repr(key): ["col", "ext"]}}))
    monkeypatch.setattr(conv_cpu, "_tune", lambda key: pytest.fail("tuned although the disk cache knows"))
    assert conv_cpu._choose(*key) == ("col", "ext")
    conv_cpu._choices.clear()
    path.write_text("not json")     # a broken cache is ignored, then rewritten
    monkeypatch.setattr(conv_cpu, "_tune", lambda key: ("xla", "tap"))
    assert conv_cpu._choose(*key) == ("xla", "tap")
    assert json.loads(path.read_text())[conv_cpu._disk_section()][repr(key)] == ["xla", "tap"]


@pytest.mark.parametrize("layout", [None, "NHWC"])
def test_nd_convolution_gradients_through_autograd(layout, monkeypatch):
    monkeypatch.setattr(conv_cpu, "TUNE_MIN_MACS", 0)   # the per-tap weight gradient (checked above)
    monkeypatch.setattr(conv_cpu, "TAP_MIN_POSITIONS", 1)
    rng = np.random.default_rng(3)
    x_np = rng.uniform(-1, 1, (2, 4, 6, 5)).astype(np.float32)
    w_np = rng.uniform(-1, 1, (6, 2, 3, 2)).astype(np.float32)
    b_np = rng.uniform(-1, 1, (6,)).astype(np.float32)
    attrs = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), dilate=(1, 2), num_filter=6, num_group=2)
    to_last = (lambda a: np.moveaxis(a, 1, -1)) if layout else (lambda a: a)
    x, w, b = nd.array(to_last(x_np)), nd.array(to_last(w_np)), nd.array(b_np)
    for a in (x, w, b):
        a.attach_grad()
    with autograd.record():
        y = nd.Convolution(x, w, b, layout=layout, **attrs)
    head = rng.uniform(-1, 1, y.shape).astype(np.float32)
    y.backward(nd.array(head))

    def ref(x, w, b):
        out = _lax(x, w, (2, 1), ((1, 1), (1, 1)), (1, 2), 2) + b[None, :, None, None]
        return jnp.sum(out * jnp.asarray(np.moveaxis(head, -1, 1) if layout else head))
    gx, gw, gb = jax.grad(ref, (0, 1, 2))(x_np, w_np, b_np)
    np.testing.assert_allclose(x.grad.asnumpy(), to_last(np.asarray(gx)), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(w.grad.asnumpy(), to_last(np.asarray(gw)), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(b.grad.asnumpy(), gb, rtol=1e-5, atol=1e-5)
    assert mx.context.current_context().device_type == "cpu"
