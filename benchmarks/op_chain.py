"""Per-op cost of a 200-op chain recorded and back-propagated, mxjax vs pure JAX (and PyTorch).

    python benchmarks/op_chain.py [--ops 200] [--repeats 30]

* repeated: the same chain every step (mxjax's hot tier: one compiled call per step);
* first sighting: a new random sequence of ops every step, so no whole-trace cache can hit
  (mxjax's cold tier: per-op cached jitted forward and vjp), twice: in a new program, and in
  a long-running one, where recurring pairs of ops run fused (``cold_tier.cold_entries``;
  fusing starts after ``FUSE_SIGHTINGS`` sightings of a pair, here after 60 warm-up chains);
* pure JAX jit: jax.jit(jax.grad) of the same chain, compiled once;
* PyTorch eager (if installed): the same chain with requires_grad and backward().
Reported: medians over repeats, in microseconds per op, and the ratio to pure JAX jit.
"""
import argparse
import contextlib
import json
import os
import random
import statistics
import time

UNARY = ["sin", "cos", "tanh", "exp_small"]


def chain_spec(rng, n):
    """A chain of n ops: alternating 'scale' and a unary function drawn from rng."""
    return [("mul", 1.0 + 0.01 * rng.random()) if i % 2 == 0 else (rng.choice(UNARY), None) for i in range(n)]


def run_mxjax(spec, x, nd, autograd):
    with autograd.record():
        y = x
        for op, c in spec:
            if op == "mul":
                y = y * c
            elif op == "exp_small":
                y = nd.exp(y * 0.01)
            else:
                y = getattr(nd, op)(y)
    y.backward()
    x.grad.wait_to_read()


def median_us(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e6


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ops", type=int, default=200)
    p.add_argument("--repeats", type=int, default=30)
    p.add_argument("--json", default=None)
    args = p.parse_args()
    n, repeats = args.ops, args.repeats

    import jax
    import jax.numpy as jnp
    from mxjax import autograd, nd
    from mxjax._engine import cold_tier, executor, policy

    @contextlib.contextmanager
    def new_program():
        """As in a program that just started: no pair of ops fused yet (and none fused now)."""
        saved = cold_tier._pairs, policy.FUSE_SIGHTINGS
        cold_tier._pairs, policy.FUSE_SIGHTINGS = {}, float("inf")
        try:
            yield
        finally:
            cold_tier._pairs, policy.FUSE_SIGHTINGS = saved

    rng = random.Random(0)
    fixed = chain_spec(rng, n)
    x = nd.ones((10,))
    x.attach_grad()
    for _ in range(3):  # warm up: op instances, then the whole-trace compile
        run_mxjax(fixed, x, nd, autograd)
    with new_program():
        for _ in range(3):
            run_mxjax(chain_spec(rng, n), x, nd, autograd)

    def jax_fn(v):
        y = v
        for op, c in fixed:
            if op == "mul":
                y = y * c
            elif op == "exp_small":
                y = jnp.exp(y * 0.01)
            else:
                y = getattr(jnp, op)(y)
        return y.sum()
    jgrad = jax.jit(jax.grad(jax_fn))
    xa = jnp.ones(10, jnp.float32)
    jgrad(xa).block_until_ready()

    results = {}
    fresh_specs = [chain_spec(rng, n) for _ in range(2 * repeats)]

    def first_sighting_new_program():
        with new_program():
            run_mxjax(fresh_specs.pop(), x, nd, autograd)
    for _ in range(60):  # a long-running program's history: its recurring pairs get fused
        run_mxjax(chain_spec(rng, n), x, nd, autograd)
    rounds = {"mxjax repeated": lambda: run_mxjax(fixed, x, nd, autograd),
              "mxjax first sighting": first_sighting_new_program,
              "... long-running": lambda: run_mxjax(fresh_specs.pop(), x, nd, autograd),
              "pure JAX jit": lambda: jgrad(xa).block_until_ready()}
    try:
        import torch
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", os.cpu_count())))
        xt = torch.ones(10, requires_grad=True)

        def torch_step():
            y = xt
            for op, c in fixed:
                y = y * c if op == "mul" else (torch.exp(y * 0.01) if op == "exp_small" else getattr(torch, op)(y))
            y.sum().backward()
            xt.grad = None
        rounds["PyTorch eager"] = torch_step
    except ImportError:
        pass
    samples = {k: [] for k in rounds}
    for _ in range(3):  # interleave the contenders
        for name, fn in rounds.items():
            samples[name].append(median_us(fn, repeats // 3) / n)
    for name, vals in samples.items():
        results[name] = statistics.median(vals)
    base = results["pure JAX jit"]
    print(f"{n}-op chain, recorded + backward (median us per op; jax {jax.__version__}, {jax.devices()[0].platform})")
    print(f"{'contender':<24}{'us/op':>10}{'x JAX jit':>12}")
    for name, val in results.items():
        print(f"{name:<24}{val:>10.2f}{val / base:>12.1f}")
    fused = sum(1 for v in cold_tier._pairs.values() if not isinstance(v, int))
    print(f"plan cache: {executor.plan_cache.compiles} compiles, {executor.plan_cache.hits} hits; "
          f"{fused} fused pairs")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"ops": n, "us_per_op": results}, fh, indent=2)


if __name__ == "__main__":
    main()
