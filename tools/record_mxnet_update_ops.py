"""Write tests/reference/data/update_ops_mxnet191.npz with real MXNet 1.9.1 (run with the reference
venv: /tmp/mxref/bin/python tools/record_mxnet_update_ops.py).  For each optimizer update operator
and a few attribute sets it records the inputs, the operator's result with ``out=weight`` and every
input after the call (the states it updates in place).  tests/test_update_ops.py replays them."""
import os

import mxnet as mx
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "reference", "data", "update_ops_mxnet191.npz")

# (name, number of array inputs, which of them must be positive, attribute sets, dtype)
CASES = [
    ("sgd_update", 2, (), [dict(lr=0.1), dict(lr=0.05, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)]),
    ("sgd_mom_update", 3, (), [dict(lr=0.1, momentum=0.9),
                               dict(lr=0.05, momentum=0.5, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)]),
    ("nag_mom_update", 3, (), [dict(lr=0.1, momentum=0.9, wd=0.1),
                               dict(lr=0.05, momentum=0.5, wd=0.01, rescale_grad=0.5, clip_gradient=0.3)]),
    ("signsgd_update", 2, (), [dict(lr=0.1, wd=0.01, rescale_grad=3.0, clip_gradient=0.01)]),
    ("signum_update", 3, (), [dict(lr=0.1, momentum=0.9, wd=0.01, wd_lh=0.02),
                              dict(lr=0.1, momentum=0.5, rescale_grad=0.5, clip_gradient=0.2)]),
    ("ftml_update", 5, (2, 3), [dict(lr=0.1, t=3), dict(lr=0.05, t=1, wd=0.01, rescale_grad=0.5, clip_grad=0.3,
                                                        beta1=0.5, beta2=0.9, epsilon=1e-6)]),
    ("adam_update", 4, (3,), [dict(lr=0.1), dict(lr=0.05, beta1=0.8, beta2=0.9, epsilon=1e-6, wd=0.01,
                                                 rescale_grad=0.5, clip_gradient=0.3)]),
    ("rmsprop_update", 3, (2,), [dict(lr=0.1), dict(lr=0.05, gamma1=0.8, epsilon=1e-6, wd=0.01,
                                                    rescale_grad=0.5, clip_gradient=0.3, clip_weights=0.5)]),
    ("rmspropalex_update", 5, (2,), [dict(lr=0.1), dict(lr=0.05, gamma1=0.8, gamma2=0.7, epsilon=1e-6, wd=0.01,
                                                        rescale_grad=0.5, clip_gradient=0.3, clip_weights=0.5)]),
    ("ftrl_update", 4, (3,), [dict(lr=0.1), dict(lr=0.5, lamda1=0.1, beta=0.5, wd=0.01, rescale_grad=0.5,
                                                 clip_gradient=0.3)]),
    ("lamb_update_phase1", 4, (3,), [dict(t=2, wd=0.01), dict(t=3, wd=0.0, bias_correction=False, beta1=0.8,
                                                               rescale_grad=0.5, clip_gradient=0.3)]),
]


def main():
    rng = np.random.RandomState(0)
    arrays = {}
    for name, n, positive, attr_sets in CASES:
        for k, attrs in enumerate(attr_sets):
            for dtype in ("float32", "float64", "float16"):
                ins = [rng.uniform(-1, 1, (3, 4)).astype(dtype) for _ in range(n)]
                for i in positive:
                    ins[i] = np.abs(ins[i]) + np.asarray(0.1, dtype)
                nds = [mx.nd.array(a, dtype=dtype) for a in ins]
                getattr(mx.nd, name)(*nds, out=nds[0], **attrs)
                key = f"{name}/{k}/{dtype}"
                for i, a in enumerate(ins):
                    arrays[f"{key}/in{i}"] = a
                for i, a in enumerate(nds):
                    arrays[f"{key}/after{i}"] = a.asnumpy()
    # LAMB's second phase and the mixed-precision variants
    w = rng.uniform(-1, 1, (3, 4)).astype("float32")
    g = rng.uniform(-1, 1, (3, 4)).astype("float32")
    for k, (r1, r2, attrs) in enumerate([(2.0, 4.0, dict(lr=0.1)), (0.0, 4.0, dict(lr=0.1)),
                                         (2.0, 4.0, dict(lr=0.1, lower_bound=3.0)),
                                         (2.0, 4.0, dict(lr=0.1, upper_bound=1.0))]):
        out = mx.nd.lamb_update_phase2(mx.nd.array(w), mx.nd.array(g), mx.nd.array([r1]), mx.nd.array([r2]), **attrs)
        arrays[f"lamb_update_phase2/{k}/r"] = np.array([r1, r2], "float32")
        arrays[f"lamb_update_phase2/{k}/out"] = out.asnumpy()
    arrays["lamb_update_phase2/w"], arrays["lamb_update_phase2/g"] = w, g
    w16 = rng.uniform(-1, 1, (3, 4)).astype("float16")
    g16 = rng.uniform(-1, 1, (3, 4)).astype("float16")
    mom = rng.uniform(-1, 1, (3, 4)).astype("float32")
    arrays["mp/w16"], arrays["mp/g16"], arrays["mp/mom"] = w16, g16, mom
    for name, with_mom, attrs in [("mp_sgd_update", False, dict(lr=0.1, wd=0.01, clip_gradient=0.3)),
                                  ("mp_sgd_mom_update", True, dict(lr=0.1, momentum=0.9, wd=0.01)),
                                  ("mp_nag_mom_update", True, dict(lr=0.1, momentum=0.9, wd=0.1))]:
        nds = [mx.nd.array(w16, dtype="float16"), mx.nd.array(g16, dtype="float16")]
        if with_mom:
            nds.append(mx.nd.array(mom))
        nds.append(mx.nd.array(w16.astype("float32")))
        getattr(mx.nd, name)(*nds, out=nds[0], **attrs)
        for i, a in enumerate(nds):
            arrays[f"{name}/after{i}"] = a.asnumpy()
    np.savez(OUT, **arrays)


if __name__ == "__main__":
    main()
