"""Record MXNet 1.9.1's outputs of the fused optimizer updates and contrib operators into
tests/reference/data/contrib_ops_mxnet191.npz (read by tests/test_contrib_ops.py).

    /tmp/mxref/bin/python tools/record_mxnet_contrib_ops.py

Each case is a call ``nd.<path>(*args, **kwargs)``: its arrays (seeded numpy data), the call's
structure as JSON (``{"a": i}`` stands for array i, lists stay lists), the outputs, and every
input array after the call (optimizer states are updated in place).  The test replays the same
JSON against mxjax, so cases live here only.
"""
import json
import os
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "reference", "data",
                   "contrib_ops_mxnet191.npz")


class Case:
    """``unchanged``: inputs whose values after the call mxjax leaves as they were where MXNet's
    kernel overwrites them as a side effect (documented in the operator's docstring).
    ``grad``: also record the gradients of sum(output_0 * head) (head: seeded data) with respect
    to every input array.
    ``via_symbol``: MXNet runs the operator only through a bound Symbol (its imperative call
    fails), so record it that way; ``args`` must then be the arrays in order.
    ``slow``: the replay takes seconds (tests mark it slow)."""
    def __init__(self, path, arrays, args, kwargs=None, out=None, tol=None, unchanged=(), grad=False,
                 via_symbol=False, slow=False):
        self.path, self.arrays, self.args, self.kwargs, self.out, self.tol = path, arrays, args, kwargs or {}, out, tol
        self.unchanged = list(unchanged)
        self.grad = grad
        self.via_symbol = via_symbol
        self.slow = slow


def A(i):
    return {"a": i}


def _rng(seed):
    return np.random.RandomState(seed)


def _optimizer_cases():
    cases = []
    for dtype in ("float32", "float16", "float64"):
        r = _rng(1)
        w = [r.uniform(-1, 1, s).astype(dtype) for s in ((3, 4), (5,))]
        g = [r.uniform(-1, 1, s).astype(dtype) for s in ((3, 4), (5,))]
        m = [r.uniform(-0.5, 0.5, s).astype(dtype) for s in ((3, 4), (5,))]
        w32 = [x.astype("float32") for x in w]
        m32 = [x.astype("float32") for x in m]
        for clip in (-1.0, 0.3):
            kw = dict(lrs=[0.1, 0.05], wds=[0.01, 0.2], rescale_grad=0.7, clip_gradient=clip, num_weights=2)
            arrays = [w[0], g[0], w[1], g[1]]
            cases.append(Case("multi_sgd_update", arrays, [A(i) for i in range(4)], kw, out=[A(0), A(2)]))
            arrays = [w[0], g[0], m[0], w[1], g[1], m[1]]
            cases.append(Case("multi_sgd_mom_update", arrays, [A(i) for i in range(6)], dict(kw, momentum=0.9),
                              out=[A(0), A(3)]))
            # MXNet 1.9.1 runs the non-mp preloaded forms for float32 weights only (float32 lrs/wds)
            lw = [np.array([0.1, 0.05], "float32"), np.array([0.01, 0.2], "float32")]
            pkw = dict(rescale_grad=0.7, clip_gradient=clip, num_weights=2)
            if dtype == "float32":
                cases.append(Case("preloaded_multi_sgd_update", [w[0], g[0], w[1], g[1]] + lw,
                                  [A(i) for i in range(6)], pkw, out=[A(0), A(2)]))
                cases.append(Case("preloaded_multi_sgd_mom_update", [w[0], g[0], m[0], w[1], g[1], m[1]] + lw,
                                  [A(i) for i in range(8)], dict(pkw, momentum=0.9), out=[A(0), A(3)]))
            if dtype != "float64":
                arrays = [w[0], g[0], w32[0], w[1], g[1], w32[1]]
                cases.append(Case("multi_mp_sgd_update", arrays, [A(i) for i in range(6)], kw, out=[A(0), A(3)]))
                cases.append(Case("preloaded_multi_mp_sgd_update", arrays + lw, [A(i) for i in range(8)], pkw,
                                  out=[A(0), A(3)]))
                arrays = [w[0], g[0], m32[0], w32[0], w[1], g[1], m32[1], w32[1]]
                cases.append(Case("multi_mp_sgd_mom_update", arrays, [A(i) for i in range(8)],
                                  dict(kw, momentum=0.9), out=[A(0), A(4)]))
                cases.append(Case("preloaded_multi_mp_sgd_mom_update", arrays + lw, [A(i) for i in range(10)],
                                  dict(pkw, momentum=0.9), out=[A(0), A(4)]))
        var = [r.uniform(0.1, 1, s).astype(dtype) for s in ((3, 4), (5,))]
        var32 = [x.astype("float32") for x in var]
        for clip, scale in ((-1.0, 0.7), (0.3, 2.0), (-1.0, 0.0)):
            kw = dict(lr=0.1, eta=0.5, wd=0.01, clip_gradient=clip, beta1=0.8, beta2=0.95, epsilon=1e-6)
            mkw = dict(lrs=[0.1, 0.05], wds=[0.01, 0.2], etas=[0.5, 1.0], clip_gradient=clip)
            if dtype == "float32":   # MXNet: its float32 rescale_grad array fails other dtypes' type check
                cases.append(Case("contrib.adamw_update", [w[0], g[0], m[0], var[0]],
                                  [A(0), A(1), A(2), A(3), scale], kw, out=A(0), unchanged=[1]))
                cases.append(Case("contrib.multi_adamw_update",
                                  [w[0], g[0], m[0], var[0], w[1], g[1], m[1], var[1]],
                                  [[A(0), A(4)], [A(1), A(5)], [A(2), A(6)], [A(3), A(7)], scale], mkw,
                                  out=[A(0), A(4)]))
            if dtype != "float64":
                cases.append(Case("contrib.mp_adamw_update", [w[0], g[0], m32[0], var32[0], w32[0]],
                                  [A(0), A(1), A(2), A(3), A(4), scale], kw, out=A(0)))
                cases.append(Case("contrib.multi_mp_adamw_update",
                                  [w[0], g[0], m32[0], var32[0], w32[0], w[1], g[1], m32[1], var32[1], w32[1]],
                                  [[A(0), A(5)], [A(1), A(6)], [A(2), A(7)], [A(3), A(8)], [A(4), A(9)], scale],
                                  mkw, out=[A(0), A(5)]))
        for extra in (dict(), dict(bias_correction=False, lower_bound=0.5, upper_bound=1.0, clip_gradient=0.3,
                                   rescale_grad=0.5, beta1=0.8)):
            lkw = dict(step_count=[2, 5], lrs=[0.1, 0.05], wds=[0.01, 0.2], **extra)
            cases.append(Case("contrib.multi_lamb_update", [w[0], g[0], m[0], var[0], w[1], g[1], m[1], var[1]],
                              [[A(0), A(4)], [A(1), A(5)], [A(2), A(6)], [A(3), A(7)]], lkw, out=[A(0), A(4)]))
            if dtype != "float64":
                cases.append(Case("contrib.multi_mp_lamb_update",
                                  [w[0], g[0], m32[0], var32[0], w32[0], w[1], g[1], m32[1], var32[1], w32[1]],
                                  [[A(0), A(5)], [A(1), A(6)], [A(2), A(7)], [A(3), A(8)], [A(4), A(9)]],
                                  lkw, out=[A(0), A(5)]))
        hist = r.uniform(0.1, 1, (3, 1)).astype(dtype)
        for clip in (-1.0, 0.3):
            cases.append(Case("contrib.group_adagrad_update", [w[0], g[0], hist],
                              [A(0), {"a": 1, "stype": "row_sparse"}, A(2)],
                              dict(lr=0.1, rescale_grad=0.7, clip_gradient=clip, epsilon=1e-4), out=A(0)))
    r = _rng(2)
    cases.append(Case("multi_lars", [r.uniform(0.01, 0.1, 4).astype("float32"),
                                     np.array([1.5, 0.0, 2.0, 3.0], "float32"),
                                     np.array([0.7, 1.0, 0.0, 2.5], "float32"),
                                     np.array([0.01, 0.02, 0.0, 0.1], "float32")],
                      [A(0), A(1), A(2), A(3)], dict(eta=0.01, eps=1e-8, rescale_grad=0.5)))
    return cases


def _deformable_cases():
    cases = []
    r = _rng(3)
    x = r.uniform(-1, 1, (2, 4, 6, 5)).astype("float32")
    for kw, dg in ((dict(kernel=(3, 3), num_filter=4, pad=(1, 1)), 1),
                   (dict(kernel=(3, 2), num_filter=6, stride=(2, 1), dilate=(1, 2), pad=(1, 0), num_group=2,
                         num_deformable_group=2), 2)):
        kh, kwid = kw["kernel"]
        s, dl, p = kw.get("stride", (1, 1)), kw.get("dilate", (1, 1)), kw["pad"]
        oh = (6 + 2 * p[0] - dl[0] * (kh - 1) - 1) // s[0] + 1
        ow = (5 + 2 * p[1] - dl[1] * (kwid - 1) - 1) // s[1] + 1
        # offsets whose fractional parts stay away from the integer kinks of bilinear sampling
        off = (r.randint(-2, 3, (2, 2 * dg * kh * kwid, oh, ow)) + r.uniform(0.2, 0.8, (2, 2 * dg * kh * kwid, oh, ow)))
        off = off.astype("float32")
        mask = r.uniform(0, 1, (2, dg * kh * kwid, oh, ow)).astype("float32")
        wt = r.uniform(-1, 1, (kw["num_filter"], 4 // kw.get("num_group", 1), kh, kwid)).astype("float32")
        b = r.uniform(-1, 1, (kw["num_filter"],)).astype("float32")
        cases.append(Case("contrib.DeformableConvolution", [x, off, wt, b], [A(0), A(1), A(2), A(3)], kw,
                          tol=1e-5, grad=True, slow=True))
        cases.append(Case("contrib.ModulatedDeformableConvolution", [x, off, mask, wt, b],
                          [A(0), A(1), A(2), A(3), A(4)], kw, tol=1e-5))   # its CPU backward: "only in GPU"
    return cases


def _graph_cases():
    adj = np.array([[0, 5, 0, 2], [1, 0, 0, 0], [0, 3, 4, 0], [0, 0, 0, 6]], "float32")
    u = np.array([0, 0, 1, 1, 2, 2, 3, 3], "int64")
    v = np.array([1, 2, 0, 3, 1, 2, 3, 0], "int64")
    return [Case("contrib.edge_id", [adj, u, v], [{"a": 0, "stype": "csr"}, A(1), A(2)])]


def _quantization_cases():
    r = _rng(4)
    x = np.concatenate([np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 200, -200, 126.5]),
                        r.uniform(-3, 3, 30)]).astype("float32").reshape(2, 4, 5)
    rng = lambda v: np.array([v], "float32")   # noqa: E731
    cases = []
    for lo, hi in ((-127.0, 127.0), (-1.0, 2.0), (-255.0, 255.0), (0.5, 3.0)):
        for t in ("int8", "uint8"):
            cases.append(Case("contrib.quantize", [x, rng(lo), rng(hi)], [A(0), A(1), A(2)], dict(out_type=t)))
    for t in ("int8", "uint8", "auto"):
        cases.append(Case("contrib.quantize_v2", [x[:, :, 1:]], [A(0)], dict(out_type=t)))
        for lo, hi in ((-127.0, 127.0), (-0.9, 1.5), (0.2, 2.0)):
            cases.append(Case("contrib.quantize_v2", [x], [A(0)], dict(out_type=t, min_calib_range=lo,
                                                                        max_calib_range=hi)))
    for t, lo, hi in (("int8", -2.0, 2.0), ("uint8", -1.0, 2.0), ("int8", -3.0, 1.0), ("uint8", 0.0, 5.0)):
        lim = (-128, 128) if t == "int8" else (0, 256)
        q = np.arange(*lim).astype(t).reshape(4, -1)
        cases.append(Case("contrib.dequantize", [q, rng(lo), rng(hi)], [A(0), A(1), A(2)]))
    i32 = np.concatenate([np.array([-1000, -3, 0, 7, 10 ** 6, 2 ** 31 - 1, -2 ** 31 + 1]),
                          r.randint(-2 ** 30, 2 ** 30, 13)]).astype("int32").reshape(4, 5)
    for t in ("int8", "uint8", "auto"):
        for calib in ((-0.9, 1.5), (0.5, 4.0)):
            cases.append(Case("contrib.requantize", [i32, rng(-5.0), rng(5.0)], [A(0), A(1), A(2)],
                              dict(out_type=t, min_calib_range=calib[0], max_calib_range=calib[1])))
    # without calibration (no value near 2^31: MXNet casts the float max |x| to int32, which overflows there)
    cases.append(Case("contrib.requantize", [i32[2:], rng(-5.0), rng(3.0)], [A(0), A(1), A(2)], dict()))
    q8 = r.randint(-128, 128, (2, 3, 2, 2)).astype("int8")
    u8 = r.randint(0, 256, (2, 3, 2, 2)).astype("uint8")
    for q in (q8, u8):
        cases.append(Case("contrib.quantized_flatten", [q, rng(-1.5), rng(2.0)], [A(0), A(1), A(2)]))
    # (MXNet's quantized_act on uint8 data returns the bytes as int8, unrectified)
    cases.append(Case("contrib.quantized_act", [q8, rng(-1.5), rng(2.0)], [A(0), A(1), A(2)], dict(act_type="relu")))
    b8 = r.randint(-127, 128, (3,)).astype("int8")
    ranges = [rng(-1.0), rng(2.0), rng(-0.5), rng(0.5), rng(-0.1), rng(0.1)]
    # MXNet's oneDNN kernels on AVX2 CPUs (no VNNI) sum adjacent u8*s8 products in saturating int16
    # (int8 data shifted by +128): magnitudes small enough that no pair saturates, where the exact
    # product (mxjax's, and MXNet's on VNNI CPUs) and MXNet's agree
    w8s = r.randint(-60, 61, (3, 12)).astype("int8")
    for q in (np.clip(q8, -60, 60), np.minimum(u8, 250)):
        cases.append(Case("contrib.quantized_fully_connected", [q, w8s, b8] + ranges, [A(i) for i in range(9)],
                          dict(num_hidden=3)))
        cases.append(Case("contrib.quantized_fully_connected", [q, w8s] + ranges[:4], [A(i) for i in range(6)],
                          dict(num_hidden=3, no_bias=True)))
    x4 = r.randint(0, 256, (2, 2, 5, 4)).astype("uint8")
    wc = r.randint(-60, 61, (4, 2, 3, 3)).astype("int8")
    bc = r.randint(-127, 128, (4,)).astype("int8")
    cases.append(Case("contrib.quantized_conv", [x4, wc, bc] + ranges, [A(i) for i in range(9)],
                      dict(kernel=(3, 3), num_filter=4, pad=(1, 1))))
    cases.append(Case("contrib.quantized_conv", [x4, wc] + ranges[:4], [A(i) for i in range(6)],
                      dict(kernel=(3, 3), num_filter=4, stride=(2, 1), no_bias=True)))
    p8 = r.randint(-128, 128, (2, 3, 5, 6)).astype("int8")
    pu8 = r.randint(0, 256, (2, 3, 5, 6)).astype("uint8")
    for q in (p8, pu8):
        for kw in (dict(kernel=(2, 2), stride=(2, 2), pool_type="max"),
                   dict(kernel=(2, 2), stride=(2, 2), pool_type="avg"),
                   dict(kernel=(3, 3), stride=(1, 2), pad=(1, 1), pool_type="avg"),
                   dict(kernel=(3, 3), stride=(2, 2), pool_type="max", pooling_convention="full"),
                   dict(kernel=(1, 1), global_pool=True, pool_type="avg")):
            cases.append(Case("contrib.quantized_pooling", [q, rng(-1.0), rng(2.0)], [A(0), A(1), A(2)], kw))
    c8 = r.randint(-128, 128, (2, 2, 3)).astype("int8")
    cu8 = r.randint(0, 256, (2, 3, 3)).astype("uint8")
    cases.append(Case("contrib.quantized_concat", [c8, cu8, rng(-1.0), rng(2.0), rng(0.5), rng(3.0)],
                      [A(i) for i in range(6)], dict(num_args=2, dim=1)))
    cases.append(Case("contrib.quantized_concat", [cu8, cu8, rng(0.0), rng(2.0), rng(0.0), rng(1.0)],
                      [A(i) for i in range(6)], dict(num_args=2, dim=1)))
    cases.append(Case("contrib.quantized_concat", [c8, c8, rng(-1.0), rng(2.0), rng(-2.0), rng(1.0)],
                      [A(i) for i in range(6)], dict(num_args=2, dim=2)))
    m1 = r.randint(-128, 128, (3, 4)).astype("int8")
    m2 = r.randint(-128, 128, (3, 4)).astype("int8")
    # MXNet 1.9.1's imperative call fails (its shape function clears its outputs): recorded through a Symbol
    for kw in (dict(), dict(min_calib_range=-50.0, max_calib_range=60.0),
               dict(min_calib_range=-0.5, max_calib_range=0.5),
               dict(enable_float_output=True)):
        cases.append(Case("contrib.quantized_elemwise_mul", [m1, m2, rng(-1.0), rng(2.0), rng(-3.0), rng(0.5)],
                          [A(i) for i in range(6)], kw, via_symbol=True))
    emb = r.randint(-127, 128, (5, 3)).astype("int8")
    cases.append(Case("contrib.quantized_embedding", [np.array([[0, 4], [2, 2]], "float32"), emb, rng(-1.0), rng(2.0)],
                      [A(0), A(1), A(2), A(3)], dict(input_dim=5, output_dim=3)))
    return cases


def _correlation_cases():
    r = _rng(5)
    a = r.uniform(-1, 1, (2, 3, 7, 8)).astype("float32")
    b = r.uniform(-1, 1, (2, 3, 7, 8)).astype("float32")
    cases = []
    for kw in (dict(), dict(kernel_size=3, max_displacement=2, stride1=2, stride2=1, pad_size=2),
               dict(kernel_size=1, max_displacement=4, stride1=1, stride2=2, pad_size=4, is_multiply=False),
               dict(kernel_size=3, max_displacement=1, stride1=3, stride2=1, pad_size=1, is_multiply=False)):
        cases.append(Case("Correlation", [a, b], [A(0), A(1)], kw, tol=1e-5, grad=True, slow=bool(kw)))
    return cases


def _roi_cases():
    r = _rng(6)
    x = r.uniform(-1, 1, (2, 8, 9, 10)).astype("float32")
    rois = np.array([[0, 1.4, 2.5, 6.6, 7.2], [1, 0, 0, 9, 8], [0, 3, 3, 3.2, 3.4], [1, -2, 5, 12, 12.5]], "float32")
    return [Case("contrib.PSROIPooling", [x, rois], [A(0), A(1)], dict(spatial_scale=1.0, output_dim=2, pooled_size=2),
                 tol=1e-5, grad=True),
            Case("contrib.PSROIPooling", [x, rois], [A(0), A(1)],
                 dict(spatial_scale=0.55, output_dim=8, pooled_size=3, group_size=1), tol=1e-5, grad=True),
            Case("contrib.RROIAlign", [x, np.array([[0, 4.3, 3.2, 4.1, 2.6, 30], [1, 5, 5, 7.5, 3.3, -65],
                                                    [0, 1.2, 7.7, 3.3, 9.1, 140], [1, 9.5, 0.5, 6, 6, 0]], "float32")],
                 [A(0), A(1)], dict(pooled_size=(2, 3), spatial_scale=1.0), tol=1e-5),
            Case("contrib.RROIAlign",
                 [x, np.array([[0, 8.6, 6.4, 8.2, 5.2, 30], [1, 10, 10, 15, 6.6, -65]], "float32")],
                 [A(0), A(1)], dict(pooled_size=(3, 3), spatial_scale=0.5, sampling_ratio=2), tol=1e-5)]


def _proposal_cases():
    r = _rng(7)
    cases = []
    for n, path in ((1, "contrib.Proposal"), (2, "contrib.MultiProposal")):
        cls = r.uniform(0, 1, (n, 2 * 6, 5, 6)).astype("float32")
        bbox = r.uniform(-0.3, 0.3, (n, 4 * 6, 5, 6)).astype("float32")
        info = np.array([[70, 90, 1.0], [50, 64, 1.5]], "float32")[:n]
        kw = dict(scales=(2.0, 4.0), ratios=(0.5, 1.0, 2.0), feature_stride=16, rpn_pre_nms_top_n=50,
                  rpn_post_nms_top_n=20, threshold=0.5, rpn_min_size=8)
        cases.append(Case(path, [cls, bbox, info], [A(0), A(1), A(2)], kw, tol=1e-4))
        cases.append(Case(path, [cls, bbox, info], [A(0), A(1), A(2)],
                          dict(kw, output_score=True, rpn_post_nms_top_n=100, rpn_pre_nms_top_n=-1, threshold=0.3),
                          tol=1e-4, slow=True))
        cases.append(Case(path, [cls, bbox * 20, info], [A(0), A(1), A(2)], dict(kw, iou_loss=True), tol=1e-4))
    return cases


CASE_GROUPS = [_optimizer_cases, _deformable_cases, _graph_cases, _quantization_cases, _correlation_cases,
               _roi_cases, _proposal_cases]


def cases():
    for group in CASE_GROUPS:
        yield from group()


def _resolve(spec, arrays):
    if isinstance(spec, dict) and set(spec) == {"a"}:
        return arrays[spec["a"]]
    if isinstance(spec, dict) and set(spec) == {"a", "stype"}:
        return arrays[spec["a"]].tostype(spec["stype"])
    if isinstance(spec, list):
        return [_resolve(s, arrays) for s in spec]
    if isinstance(spec, dict):
        return {k: _resolve(v, arrays) for k, v in spec.items()}
    return spec


def call(nd, spec, arrays):
    """Run one recorded call spec against ``nd`` (MXNet's or mxjax's) on NDArrays ``arrays``."""
    fn = nd
    for part in spec["path"].split("."):
        fn = getattr(fn, part)
    kwargs = _resolve(spec["kwargs"], arrays)
    if spec["out"] is not None:
        kwargs["out"] = _resolve(spec["out"], arrays)
    result = fn(*_resolve(spec["args"], arrays), **kwargs)
    return list(result) if isinstance(result, (list, tuple)) else [result]


def main():
    import mxnet as mx
    data = {}
    for k, case in enumerate(cases()):
        key = f"{k:03d}"
        spec = dict(path=case.path, args=case.args, kwargs=case.kwargs, out=case.out, tol=case.tol,
                    unchanged=case.unchanged, grad=case.grad, slow=case.slow)
        arrays = [mx.nd.array(a, dtype=a.dtype) for a in case.arrays]
        if case.grad:
            for a in arrays:
                a.attach_grad()
            with mx.autograd.record():
                outs = call(mx.nd, spec, arrays)
            head = np.random.RandomState(k).uniform(-1, 1, outs[0].shape).astype(outs[0].dtype)
            outs[0].backward(mx.nd.array(head, dtype=head.dtype))
            data[f"{key}/head"] = head
            for i, a in enumerate(arrays):
                data[f"{key}/grad{i}"] = a.grad.asnumpy()
        elif case.via_symbol:
            fn = mx.sym
            for part in case.path.split("."):
                fn = getattr(fn, part)
            names = [f"x{i}" for i in range(len(arrays))]
            executor = fn(*[mx.sym.var(n) for n in names], **case.kwargs).bind(mx.cpu(), dict(zip(names, arrays)))
            outs = executor.forward()
        else:
            outs = call(mx.nd, spec, arrays)
        data[f"{key}/spec"] = np.array(json.dumps(spec))
        for i, a in enumerate(case.arrays):
            data[f"{key}/in{i}"] = a
            data[f"{key}/after{i}"] = arrays[i].asnumpy()
        for i, o in enumerate(outs):
            data[f"{key}/out{i}"] = o.asnumpy()
        print(key, case.path, [o.dtype for o in case.arrays][0], file=sys.stderr)
    np.savez_compressed(OUT, **data)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
