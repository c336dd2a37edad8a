"""A real program, side by side: one epoch of MXNet's Gluon MNIST example
(benchmarks/mnist_epoch_program.py) run unchanged by mxjax (``python -m mxjax``) and, where
its venv exists, by real MXNet 1.9.1, on MNIST-format files this script writes.

    python benchmarks/real_program.py [--train 60000] [--test 10000] [--repeats 3]
                                      [--contenders mxjax,mxnet] [--json out.json]

The files are synthetic (MNIST's format, sizes and gzip idx files, in the layout
gluon.data.vision.MNIST reads): each class has a random mask of 20% of the pixels, each
image shows 70% of its class's mask plus 5% noise pixels (mostly black, as MNIST), so the
network learns and both contenders' accuracies can be compared (real MXNet is started with its download step told to use the
local files: their SHA-1 is not the published files', so it would download those).
Contenders run in turn, repeat after repeat (machine noise hits both alike), each run a
fresh process; reported: median epoch time (the training loop), validation pass, whole
process (imports and data loading included), accuracies, and mxjax's ratio to MXNet.
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = os.path.join(HERE, "mnist_epoch_program.py")
MXREF = os.environ.get("MXREF_PYTHON", "/tmp/mxref/bin/python")


def write_mnist(folder, n_train, n_test, seed=0):
    """The four ``*-ubyte.gz`` files of gluon.data.vision.MNIST, synthetic, into ``folder``."""
    rng = np.random.RandomState(seed)
    masks = rng.rand(10, 28, 28) < 0.2
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.randint(0, 10, n).astype(np.uint8)
        keep = rng.rand(n, 28, 28) < 0.7
        noise = rng.rand(n, 28, 28) < 0.05
        images = (((masks[labels] & keep) | noise) * 255).astype(np.uint8)
        with gzip.open(os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz"), "wb", compresslevel=1) as f:
            f.write(struct.pack(">IIII", 2051, n, 28, 28) + images.tobytes())
        with gzip.open(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz"), "wb", compresslevel=1) as f:
            f.write(struct.pack(">II", 2049, n) + labels.tobytes())


#: real MXNet's MNIST re-downloads a file whose SHA-1 is not the published one's; the files
#: here are synthetic, so its download step is told to use the local file as it is (what it
#: does when the SHA-1 matches; nothing else of MXNet is touched)
_MXNET_LAUNCH = ("import os, runpy, sys; import mxnet.gluon.data.vision.datasets as d; "
                 "d.download = lambda url, path=None, **kwargs: os.path.join(path, url.split('/')[-1]); "
                 "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")


def command(contender, data_dir):
    if contender == "mxjax":
        return [sys.executable, "-m", "mxjax", PROGRAM, "--data-dir", data_dir]
    return [MXREF, "-c", _MXNET_LAUNCH, PROGRAM, "--data-dir", data_dir]


def run_once(contender, data_dir, threads, timeout):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    start = time.perf_counter()
    try:
        proc = subprocess.run(command(contender, data_dir), capture_output=True, text=True, env=env,
                              timeout=timeout, cwd=data_dir)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    wall = time.perf_counter() - start
    lines = proc.stdout.strip().splitlines()
    if proc.returncode or not lines:
        err = proc.stderr.strip().splitlines()
        return {"error": err[-1] if err else f"exit {proc.returncode}"}
    return dict(json.loads(lines[-1]), wall_s=wall)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train", type=int, default=60000, help="training images (MNIST: 60000)")
    p.add_argument("--test", type=int, default=10000, help="validation images (MNIST: 10000)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--contenders", default="mxjax,mxnet")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--timeout", type=float, default=3600)
    p.add_argument("--json")
    args = p.parse_args()
    contenders = [c for c in args.contenders.split(",") if c != "mxnet" or os.path.exists(MXREF)]
    runs = {c: [] for c in contenders}
    with tempfile.TemporaryDirectory() as data_dir:
        write_mnist(data_dir, args.train, args.test)
        for r in range(args.repeats):
            for c in contenders:
                result = run_once(c, data_dir, args.threads, args.timeout)
                runs[c].append(result)
                print(f"repeat {r + 1}/{args.repeats} {c}: {result}", file=sys.stderr, flush=True)
    summary = {}
    for c, results in runs.items():
        good = [x for x in results if "error" not in x]
        if not good:
            summary[c] = {"error": results[-1]["error"]}
            continue
        summary[c] = {key: statistics.median(x[key] for x in good)
                      for key in ("epoch_s", "val_s", "total_s", "wall_s", "train_acc", "val_acc")}
        summary[c]["runs"] = len(good)
    import jax
    meta = {"date": time.strftime("%Y-%m-%d"), "device": jax.devices()[0].platform, "cpus": os.cpu_count(),
            "threads": args.threads, "train": args.train, "test": args.test, "repeats": args.repeats,
            "command": " ".join(sys.argv)}
    lines = [f"Real program {meta['date']} on {meta['device']} ({meta['cpus']} CPUs): one epoch of MXNet's Gluon "
             f"MNIST example, {args.train} training + {args.test} validation images (synthetic MNIST files), "
             f"batch 100; medians of {args.repeats} runs", "",
             "| contender | epoch s | validation s | whole process s | train acc | val acc | epoch x MXNet |",
             "|---|---|---|---|---|---|---|"]
    base = summary.get("mxnet", {}).get("epoch_s")
    for c, s in summary.items():
        if "error" in s:
            lines.append(f"| {c} | error: {s['error'][:80]} | | | | | |")
            continue
        ratio = f"{s['epoch_s'] / base:.2f}" if base else "-"
        lines.append(f"| {c} | {s['epoch_s']:.2f} | {s['val_s']:.2f} | {s['wall_s']:.2f} | {s['train_acc']:.4f} | "
                     f"{s['val_acc']:.4f} | {ratio} |")
    text = "\n".join(lines)
    print(text)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "summary": summary, "runs": runs}, fh, indent=1)


if __name__ == "__main__":
    main()
