"""Data-parallel Gluon step on 1, 2 and 4 devices (simulated CPU devices, or real GPUs).

Each (workload, device count) runs in its own process, since the number of simulated CPU
devices (``XLA_FLAGS=--xla_force_host_platform_device_count=N``) is fixed when JAX starts.
The step is MXNet's multi-device loop: ``split_and_load`` of one global batch, a forward and
loss per context under ``record()``, ``autograd.backward`` of all losses, ``trainer.step``
(kvstore 'device'), and reading every loss.  Reported: median ms per step, the ratio to one
device, and the compiled XLA calls per step (1: the whole step is one SPMD program).

    python benchmarks/data_parallel.py [--steps 20] [--rounds 5] [--gpu]

Simulated CPU devices share the machine's cores, so on CPU the ratio measures the cost of
the SPMD program and its all-reduce, not a speed-up; on GPUs (``--gpu``) each context is a
real device.
"""
import argparse
import json
import os
import subprocess
import sys

WORKER = r'''
import json, sys, time
import numpy as np
sys.path.insert(0, sys.argv[4])
import mxjax as mx
from mxjax import autograd, gluon, nd
from mxjax._engine.executor import plan_cache
from workloads import BATCH_LENET, BATCH_MLP, _mx_lenet, _mx_mlp, _data

workload, n, steps, _, rounds, gpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6] == "1"
ctxs = [mx.gpu(i) if gpu else mx.cpu(i) for i in range(n)]
net = _mx_mlp(mx) if workload == "mlp" else _mx_lenet(mx)
net.initialize(mx.init.Xavier(), ctx=ctxs)
shape = (BATCH_MLP, 784) if workload == "mlp" else (BATCH_LENET, 1, 28, 28)
X, Y = _data(shape)
X, Y = nd.array(X), nd.array(Y)
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01}, kvstore="device")
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()

def step():
    xs, ys = gluon.utils.split_and_load(X, ctxs), gluon.utils.split_and_load(Y, ctxs)
    with autograd.record():
        losses = [loss_fn(net(x), y) for x, y in zip(xs, ys)]
    autograd.backward(losses)
    trainer.step(shape[0])
    for l in losses:
        l.asnumpy()

for _ in range(5):
    step()
times = []
for _ in range(rounds):
    before = plan_cache.calls
    start = time.perf_counter()
    for _ in range(steps):
        step()
    times.append((time.perf_counter() - start) / steps)
    calls = (plan_cache.calls - before) / steps
print(json.dumps({"ms": 1000 * sorted(times)[len(times) // 2], "calls": calls,
                  "devices": len({c.jax_device for c in ctxs})}))
'''


def run(workload, n, steps, rounds, gpu):
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, PYTHONPATH=os.path.dirname(here))
    if not gpu:
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={n}"
        env["JAX_PLATFORMS"] = "cpu"
    res = subprocess.run([sys.executable, "-c", WORKER, workload, str(n), str(steps), here, str(rounds),
                          "1" if gpu else "0"], env=env, capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(res.stderr[-3000:])
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--gpu", action="store_true", help="contexts mx.gpu(i) instead of simulated CPUs")
    parser.add_argument("--devices", default="1,2,4")
    args = parser.parse_args()
    print("| workload | devices | median ms/step | x 1 device | compiled calls/step |")
    print("|---|---|---|---|---|")
    for workload in ("mlp", "lenet"):
        base = None
        for n in [int(x) for x in args.devices.split(",")]:
            r = run(workload, n, args.steps, args.rounds, args.gpu)
            base = base or r["ms"]
            print(f"| {workload} | {r['devices']} | {r['ms']:.3f} | {r['ms'] / base:.2f} | {r['calls']:.0f} |",
                  flush=True)


if __name__ == "__main__":
    main()
