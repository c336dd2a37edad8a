"""What one sync point of a dynamic graph costs, and what it is made of.

    python benchmarks/sync_point.py [--repeats 7] [--n 3000] [--mxnet-python /tmp/mxref/bin/python]

The seed's data-dependent loop (``workloads._mx_dynamic``) reads a value at every step:
``b = b * 2; b.norm().asscalar()``.  Each such step is a sync point over two new nodes.
Measured in one run, microseconds per step (median over repeats):

* ``mxjax``: the step under ``autograd.record()``;
* ``mxjax record only``: the same two ops recorded, no value read (the record path);
* ``jax.jit floor``: the same computation as ONE already-compiled ``jax.jit`` call plus
  ``np.asarray`` of its result: what XLA:CPU's dispatch and the device-to-host read cost
  whatever mxjax does around them;
* ``mxjax sync point overhead`` = mxjax - record only - floor: the plan, the cache lookup
  and storing the values;
* ``mxnet``: MXNet 1.9.1 (``--mxnet-python``), the same step.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time

_MXNET_SNIPPET = """
import time, statistics, json, sys
import mxnet as mx
n, repeats = int(sys.argv[1]), int(sys.argv[2])
a = mx.nd.array([0.5]); a.attach_grad()
def step():
    with mx.autograd.record():
        b = a * 2
        b.norm().asscalar()
runs = []
for _ in range(repeats):
    start = time.perf_counter()
    for _ in range(n): step()
    runs.append((time.perf_counter() - start) / n * 1e6)
print(json.dumps(statistics.median(runs)))
"""


def _median_us(fn, n, repeats):
    fn()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(runs)


def measure(n, repeats):
    import jax
    import jax.numpy as jnp
    import numpy as np

    import mxjax as mx
    a = mx.nd.array([0.5])
    a.attach_grad()

    def step():
        with mx.autograd.record():
            b = a * 2
            b.norm().asscalar()

    def record_only():
        with mx.autograd.record():
            b = a * 2
            b.norm()

    floor_fn = jax.jit(lambda x, s: jnp.sqrt(jnp.sum((x * s) ** 2)))
    x, s = jnp.asarray([0.5], dtype=jnp.float32), jnp.asarray(2.0, dtype=jnp.float32)
    out = {"mxjax": _median_us(step, n, repeats),
           "mxjax record only": _median_us(record_only, n, repeats),
           "jax.jit floor": _median_us(lambda: np.asarray(floor_fn(x, s)), n, repeats)}
    out["mxjax sync point overhead"] = out["mxjax"] - out["mxjax record only"] - out["jax.jit floor"]
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--mxnet-python", default=None)
    args = parser.parse_args()
    results = measure(args.n, args.repeats)
    if args.mxnet_python:
        done = subprocess.run([args.mxnet_python, "-c", _MXNET_SNIPPET, str(args.n // 3), str(args.repeats)],
                              capture_output=True, text=True)
        if done.returncode == 0:
            results["mxnet"] = json.loads(done.stdout.strip().splitlines()[-1])
        else:
            print(f"mxnet run failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
    for name, us in results.items():
        print(f"{name:28s} {us:8.1f} us")


if __name__ == "__main__":
    main()
