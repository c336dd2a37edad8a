"""Convolution layers on the CPU, forward and forward+backward: mxjax vs plain lax.conv vs MXNet 1.9.1.

    python benchmarks/conv_layers.py [--repeats 5] [--only lenet,resnet18] [--mxnet-python /tmp/mxref/bin/python]

Layers (float32, NCHW): LeNet's two convolutions (batch 64), ResNet-18's on CIFAR (32x32,
batch 32), ResNet-50's on ImageNet (224x224, batch 8), each distinct shape once.  Contenders,
in one run: ``mxjax`` (the registered ``Convolution`` under ``jax.jit``: the tuned CPU
lowering of ``mxjax/ndarray/ops/conv_cpu.py``), ``lax`` (``lax.conv_general_dilated`` under
``jax.jit``), MXNet 1.9.1 (oneDNN) run in a subprocess by ``--mxnet-python`` when it exists,
PyTorch when importable.  Forward+backward gives the weight gradient and, except for a
network's first layer (whose input is the images), the data gradient.  Reported: medians over
``--repeats`` (mxjax and lax alternate in one process; MXNet runs before and after them, the
faster kept), in ms, and mxjax over the faster of MXNet and PyTorch.  ``tune s``: mxjax's first
forward+backward call (tuning the gradients' formulations, then compiling; run with
``MXJAX_CONV_CACHE=`` to see it without the disk cache); ``choice``: the data and weight
gradients' formulations chosen.  Tuning is opt-in in mxjax; this benchmark turns it on
(``MXJAX_CONV_AUTOTUNE=1``) unless the environment chooses another mode.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("MXJAX_CONV_AUTOTUNE", "1")

# (name, data shape, weight shape, stride, pad, data needs a gradient)
LAYERS = [
    ("lenet.conv1", (64, 1, 28, 28), (20, 1, 5, 5), 1, 0, False),
    ("lenet.conv2", (64, 20, 12, 12), (50, 20, 5, 5), 1, 0, True),
    ("r18c.conv1", (32, 3, 32, 32), (64, 3, 3, 3), 1, 1, False),
    ("r18c.s1.3x3", (32, 64, 32, 32), (64, 64, 3, 3), 1, 1, True),
    ("r18c.s2.3x3/2", (32, 64, 32, 32), (128, 64, 3, 3), 2, 1, True),
    ("r18c.s2.1x1/2", (32, 64, 32, 32), (128, 64, 1, 1), 2, 0, True),
    ("r18c.s2.3x3", (32, 128, 16, 16), (128, 128, 3, 3), 1, 1, True),
    ("r18c.s3.3x3", (32, 256, 8, 8), (256, 256, 3, 3), 1, 1, True),
    ("r18c.s4.3x3", (32, 512, 4, 4), (512, 512, 3, 3), 1, 1, True),
    ("r50i.conv1", (8, 3, 224, 224), (64, 3, 7, 7), 2, 3, False),
    ("r50i.s1.1x1", (8, 64, 56, 56), (64, 64, 1, 1), 1, 0, True),
    ("r50i.s1.3x3", (8, 64, 56, 56), (64, 64, 3, 3), 1, 1, True),
    ("r50i.s1.1x1up", (8, 64, 56, 56), (256, 64, 1, 1), 1, 0, True),
    ("r50i.s2.3x3", (8, 128, 28, 28), (128, 128, 3, 3), 1, 1, True),
    ("r50i.s3.3x3", (8, 256, 14, 14), (256, 256, 3, 3), 1, 1, True),
    ("r50i.s3.1x1", (8, 1024, 14, 14), (256, 1024, 1, 1), 1, 0, True),
    ("r50i.s4.3x3", (8, 512, 7, 7), (512, 512, 3, 3), 1, 1, True),
]


def _attrs(w_shape, stride, pad):
    k = w_shape[2:]
    return dict(kernel=k, stride=(stride,) * len(k), pad=(pad,) * len(k), num_filter=w_shape[0], no_bias=True)


def _median_ms(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def run_mxnet(layers, repeats):
    import mxnet as mx
    import numpy as np
    out = {}
    for name, xs, ws, stride, pad, dgrad in layers:
        x, w = mx.nd.array(np.random.randn(*xs)), mx.nd.array(np.random.randn(*ws))
        attrs = _attrs(ws, stride, pad)
        dy = mx.nd.Convolution(x, w, **attrs)
        dy = mx.nd.array(np.random.randn(*dy.shape))
        fwd = _median_ms(lambda: mx.nd.Convolution(x, w, **attrs).wait_to_read(), repeats)
        w.attach_grad()
        if dgrad:
            x.attach_grad()

        def step():
            with mx.autograd.record():
                y = mx.nd.Convolution(x, w, **attrs)
            y.backward(dy)
            w.grad.wait_to_read()
            if dgrad:
                x.grad.wait_to_read()
        out[name] = (fwd, _median_ms(step, repeats))
    return out


def run_torch(layers, repeats):
    import torch
    out = {}
    for name, xs, ws, stride, pad, dgrad in layers:
        x, w = torch.randn(*xs, requires_grad=dgrad), torch.randn(*ws, requires_grad=True)
        conv = lambda: torch.nn.functional.conv2d(x, w, stride=stride, padding=pad)
        with torch.no_grad():
            dy = torch.randn(*conv().shape)
            fwd = _median_ms(conv, repeats)
        out[name] = (fwd, _median_ms(lambda: conv().backward(dy), repeats))
    return out


def run_jax(layers, repeats):
    import jax
    import numpy as np
    from jax import lax

    from mxjax.ndarray.ops import conv as conv_ops
    from mxjax.ndarray.ops import conv_cpu

    def contenders(xs, ws, stride, pad, dgrad):
        attrs = _attrs(ws, stride, pad)

        def mxjax_conv(x, w):
            return conv_ops._convolution(x, w, workspace=1024, cudnn_tune=None, cudnn_off=False, layout=None,
                                         dilate=(), num_group=1, **attrs)

        def lax_conv(x, w):
            return lax.conv_general_dilated(x, w, attrs["stride"], [(pad, pad)] * (len(xs) - 2),
                                            dimension_numbers=("NCHW", "OIHW", "NCHW"))
        out = {}
        for label, f in (("mxjax", mxjax_conv), ("lax", lax_conv)):
            fb = jax.jit(lambda x, w, dy, f=f: jax.vjp(lambda *a: f(*a) if dgrad else f(x, *a),
                                                       *((x, w) if dgrad else (w,)))[1](dy))
            out[label] = (jax.jit(f), fb)
        return out

    res = {}
    for name, xs, ws, stride, pad, dgrad in layers:
        rng = np.random.default_rng(0)
        x = jax.numpy.asarray(rng.standard_normal(xs, np.float32))
        w = jax.numpy.asarray(rng.standard_normal(ws, np.float32))
        fns = contenders(xs, ws, stride, pad, dgrad)
        dy = fns["lax"][0](x, w)
        start = time.perf_counter()
        jax.block_until_ready(fns["mxjax"][1](x, w, dy))   # first sighting of the backward: tuning + compile
        tune = time.perf_counter() - start
        choice = dict(conv_cpu._choices)
        times = {(label, part): [] for label in fns for part in (0, 1)}
        for part in (0, 1):
            args = (x, w) if part == 0 else (x, w, dy)
            for label, pair in fns.items():
                jax.block_until_ready(pair[part](*args))
            for _ in range(repeats):
                for label, pair in fns.items():
                    start = time.perf_counter()
                    jax.block_until_ready(pair[part](*args))
                    times[label, part].append(time.perf_counter() - start)
        res[name] = {label: tuple(statistics.median(times[label, p]) * 1e3 for p in (0, 1)) for label in fns}
        res[name]["tune_s"] = tune
        res[name]["choice"] = [v for k, v in choice.items() if k[0] == (xs[0],) + xs[2:] + (xs[1],) and k[1] == ws]
    return res


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated name prefixes (lenet, r18c, r50i)")
    parser.add_argument("--mxnet-python", default=os.environ.get("MXREF_PYTHON", "/tmp/mxref/bin/python"))
    parser.add_argument("--one", choices=("mxnet", "torch"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    layers = [lay for lay in LAYERS if not args.only or any(lay[0].startswith(p) for p in args.only.split(","))]
    if args.one:
        print(json.dumps((run_mxnet if args.one == "mxnet" else run_torch)(layers, args.repeats)))
        return
    others = {}
    argv = [__file__, "--repeats", str(args.repeats), "--only", args.only]
    mxnet_runs = []

    def mxnet_run():
        proc = subprocess.run([args.mxnet_python] + argv + ["--one", "mxnet"], capture_output=True, text=True)
        if proc.returncode == 0:
            mxnet_runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    if os.path.exists(args.mxnet_python):
        mxnet_run()
    try:
        import torch  # noqa: F401
        others["torch"] = run_torch(layers, args.repeats)
    except ImportError:
        pass
    res = run_jax(layers, args.repeats)
    if mxnet_runs:   # before and after, the faster of the two (the machine's load varies)
        mxnet_run()
        others["mxnet"] = {name: tuple(min(r[name][p] for r in mxnet_runs) for p in (0, 1)) for name in mxnet_runs[0]}
    heads = ["layer", "mxjax fwd", "lax fwd"] + [f"{k} fwd" for k in others] + \
            ["mxjax f+b", "lax f+b"] + [f"{k} f+b" for k in others] + ["fwd ratio", "f+b ratio", "tune s", "choice"]
    print("| " + " | ".join(heads) + " |")
    print("|" + "---|" * len(heads))
    for name, *_ in layers:
        r = res[name]
        ref = [min(o[name][p] for o in others.values() if name in o) if others else float("nan") for p in (0, 1)]
        row = [name, r["mxjax"][0], r["lax"][0]] + [o.get(name, (float("nan"),) * 2)[0] for o in others.values()] + \
              [r["mxjax"][1], r["lax"][1]] + [o.get(name, (float("nan"),) * 2)[1] for o in others.values()] + \
              [r["mxjax"][0] / ref[0], r["mxjax"][1] / ref[1], r["tune_s"],
               "/".join(r["choice"][0]) if r["choice"] else "lax"]
        print("| " + " | ".join(c if isinstance(c, str) else f"{c:.2f}" for c in row) + " |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
