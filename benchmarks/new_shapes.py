"""Cost of an op on a shape never seen before: MXNet's own test_broadcast loop.

    python benchmarks/new_shapes.py [--shapes 200] [--repeats 3] [--mxnet-python /tmp/mxref/bin/python]

Each sample draws a random shape, makes an array of it and reads ``broadcast_to`` of it
back (``nd.array(dat).broadcast_to(shape).asnumpy()``), so every call is a new op instance.
Contenders, in one run: mxjax; pure JAX eager (``jnp.broadcast_to``: a compile per shape);
real MXNet 1.9.1 run by ``--mxnet-python`` where given.  Reported: the median over repeats
of the milliseconds per new shape, and the ratio to MXNet.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time


def samples(seed, n):
    import numpy as np
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(n):
        target = rng.randint(1, 11, size=rng.randint(1, 6))
        shape = [1 if flag else size for size, flag in zip(target, rng.randint(0, 2, size=len(target)))]
        out.append((tuple(int(s) for s in shape), tuple(int(t) for t in target), rng.rand(*shape) - 0.5))
    return out


def run_nd(mx, cases):
    start = time.perf_counter()
    for _, target, dat in cases:
        mx.nd.array(dat).broadcast_to(shape=target).asnumpy()
    return (time.perf_counter() - start) / len(cases) * 1e3


def run_jax(cases):
    import jax.numpy as jnp
    import numpy as np
    start = time.perf_counter()
    for _, target, dat in cases:
        np.asarray(jnp.broadcast_to(jnp.asarray(dat, jnp.float32), target))
    return (time.perf_counter() - start) / len(cases) * 1e3


def one(contender, shapes, seed):
    cases = samples(seed, shapes)
    if contender == "jax":
        return run_jax(cases)
    if contender == "mxjax":
        import mxjax as mx
    else:
        import mxnet as mx
    return run_nd(mx, cases)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mxnet-python", default=None, help="interpreter with mxnet 1.9.1 installed")
    parser.add_argument("--one", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.shapes, args.seed)))
        return
    contenders = [("mxjax", sys.executable), ("jax", sys.executable)]
    if args.mxnet_python:
        contenders.append(("mxnet", args.mxnet_python))
    times = {name: [] for name, _ in contenders}
    for r in range(args.repeats):   # a fresh process per run: every shape is new to it
        for name, python in contenders:
            out = subprocess.run([python, __file__, "--one", name, "--shapes", str(args.shapes), "--seed", str(r)],
                                 check=True, capture_output=True, text=True).stdout
            times[name].append(json.loads(out.strip().splitlines()[-1]))
    ref = statistics.median(times["mxnet"]) if "mxnet" in times else None
    print(f"{'contender':10s} {'ms per new shape':>18s} {'x MXNet':>9s}")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:10s} {med:18.2f} {med / ref if ref else float('nan'):9.2f}")


if __name__ == "__main__":
    main()
