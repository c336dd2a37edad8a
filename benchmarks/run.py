"""Side-by-side benchmark: mxjax vs pure JAX (jit, jit with synchronous CPU dispatch, eager),
PyTorch and, where its reference venv exists, real MXNet 1.9.1 — in ONE invocation that
interleaves the contenders.

    python benchmarks/run.py [--workloads mlp,lenet,tiny_ops,higher_order,dynamic] [--rounds 5]
                             [--steps 20] [--json results.json] [--markdown results.md] [--png ratios.png]

Each (contender, workload) runs in its own worker process (same thread settings for all),
which reports its first-step time (compile included) and peak memory; the parent asks the
workers for timing rounds in turn, so machine noise hits everyone alike.  A worker starts each
round with as many untimed steps as it then times: it sat idle while the others ran, and a
step of tens of microseconds would otherwise be timed with cold caches.  Reported: median
step time, ratio to pure JAX jit, first step, peak RSS; plus whole-process import times.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MXREF = os.environ.get("MXREF_PYTHON", "/tmp/mxref/bin/python")
WORKLOADS = ["mlp", "lenet", "tiny_ops", "higher_order", "dynamic"]
CONTENDERS = ["mxjax", "mxjax-hybrid", "mxjax-module", "jax-jit", "jax-jit-sync", "jax-eager", "torch", "mxnet",
              "mxnet-hybrid", "mxnet-module"]
#: jax-jit-sync: the same hand-written jax.jit with synchronous CPU dispatch, the setting mxjax
#: runs with; it matters for the small workloads only (ratios stay against plain jax-jit)
#: run only when named (--workloads resnet18): a ResNet-18 step on 32x32 images takes seconds here
EXTRA_WORKLOADS = ["resnet18"]
APPLIES = {"mxjax-hybrid": ("mlp", "lenet", "resnet18"), "mxnet-hybrid": ("mlp", "lenet", "resnet18"),
           "mxjax-module": ("mlp",), "mxnet-module": ("mlp",),
           "jax-jit": ("mlp", "lenet", "tiny_ops", "higher_order"), "jax-jit-sync": ("tiny_ops", "higher_order"),
           "jax-eager": ("mlp", "lenet", "tiny_ops", "higher_order"), "torch": tuple(WORKLOADS)}


def worker(contender, workload):
    """Runs inside a worker process: build the step, then serve `run N` requests."""
    import resource
    sys.path.insert(0, HERE)
    import workloads
    if contender.startswith("mxjax"):
        import mxjax as mx
        step = workloads.make_mx(mx, workload, hybrid=contender.endswith("hybrid"),
                                 module=contender.endswith("module"))
    elif contender.startswith("mxnet"):
        import mxnet as mx
        step = workloads.make_mx(mx, workload, hybrid=contender.endswith("hybrid"),
                                 module=contender.endswith("module"))
    elif contender.startswith("jax"):
        if contender == "jax-jit-sync":
            import jax
            jax.config.update("jax_cpu_enable_async_dispatch", False)
        step = workloads.make_jax(workload, jit=contender != "jax-eager")
    else:
        import torch
        torch.set_num_threads(int(os.environ["BENCH_THREADS"]))
        step = workloads.make_torch(workload)
    t = time.perf_counter()
    step()
    first = time.perf_counter() - t
    for _ in range(3):
        step()
    print(json.dumps({"first_step_s": first}), flush=True)
    for line in sys.stdin:
        n = int(line)
        for _ in range(n):   # untimed: the worker sat idle while the others ran (cold caches)
            step()
        times = []
        for _ in range(n):
            t = time.perf_counter()
            step()
            times.append(time.perf_counter() - t)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"median_s": statistics.median(times), "peak_rss_mb": rss_mb}), flush=True)


def _python_for(contender):
    return MXREF if contender.startswith("mxnet") else sys.executable


def _start(contender, workload, threads):
    env = dict(os.environ, BENCH_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
               MKL_NUM_THREADS=str(threads), JAX_PLATFORMS=os.environ.get("JAX_PLATFORMS", ""))
    proc = subprocess.Popen([_python_for(contender), os.path.abspath(__file__), "--worker", contender, workload],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    line = proc.stdout.readline()
    if not line:
        err = proc.stderr.read().strip().splitlines()
        proc.kill()
        return None, (err[-1] if err else "worker failed")
    return proc, json.loads(line)


def import_time(python, module, repeats=3):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        r = subprocess.run([python, "-c", f"import {module}"], capture_output=True)
        if r.returncode:
            return None
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workloads", default=",".join(WORKLOADS))
    p.add_argument("--contenders", default=",".join(CONTENDERS))
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--json")
    p.add_argument("--markdown")
    p.add_argument("--png")
    p.add_argument("--worker", nargs=2)
    args = p.parse_args()
    if args.worker:
        return worker(*args.worker)
    have_mxnet = os.path.exists(MXREF)
    pairs = [(c, w) for w in args.workloads.split(",") for c in args.contenders.split(",")
             if w in APPLIES.get(c, WORKLOADS + EXTRA_WORKLOADS) and (have_mxnet or not c.startswith("mxnet"))]
    workers, results = {}, {}
    for c, w in pairs:
        print(f"starting {c:>13} / {w}", file=sys.stderr, flush=True)
        proc, info = _start(c, w, args.threads)
        if proc is None:
            results[(c, w)] = {"error": info}
            continue
        workers[(c, w)] = proc
        results[(c, w)] = {"first_step_s": info["first_step_s"], "medians": []}
    for r in range(args.rounds):
        for key, proc in workers.items():
            proc.stdin.write(f"{max(args.steps // args.rounds, 1) if key[1] == 'dynamic' else args.steps}\n")
            proc.stdin.flush()
            out = json.loads(proc.stdout.readline())
            results[key]["medians"].append(out["median_s"])
            results[key]["peak_rss_mb"] = out["peak_rss_mb"]
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    for proc in workers.values():
        proc.stdin.close()
        proc.wait()
    for res in results.values():
        if "medians" in res:
            res["median_ms"] = statistics.median(res["medians"]) * 1e3
    table = []
    for (c, w), res in results.items():
        base = results.get(("jax-jit", w), {}).get("median_ms")
        table.append({"workload": w, "contender": c, **{k: v for k, v in res.items() if k != "medians"},
                      "ratio_vs_jax_jit": res["median_ms"] / base if base and "median_ms" in res else None})
    imports = {"mxjax": import_time(sys.executable, "mxjax"), "jax": import_time(sys.executable, "jax"),
               "torch": import_time(sys.executable, "torch")}
    if have_mxnet:
        imports["mxnet"] = import_time(MXREF, "mxnet")
    import jax
    meta = {"date": time.strftime("%Y-%m-%d"), "jax": jax.__version__, "device": jax.devices()[0].platform,
            "threads": args.threads, "cpus": os.cpu_count(), "steps": args.steps, "rounds": args.rounds}
    lines = [f"Benchmark {meta['date']} on {meta['device']} ({meta['cpus']} CPUs, {meta['threads']} threads), "
             f"jax {meta['jax']}; medians of {args.rounds} rounds x {args.steps} steps", "",
             "| workload | contender | median ms/step | x JAX jit | first step s | peak RSS MB |",
             "|---|---|---|---|---|---|"]
    for row in table:
        if "error" in row:
            lines.append(f"| {row['workload']} | {row['contender']} | error: {row['error'][:60]} | | | |")
            continue
        ratio = f"{row['ratio_vs_jax_jit']:.2f}" if row["ratio_vs_jax_jit"] else "-"
        lines.append(f"| {row['workload']} | {row['contender']} | {row['median_ms']:.3f} | {ratio} | "
                     f"{row['first_step_s']:.2f} | {row.get('peak_rss_mb', 0):.0f} |")
    lines += ["", "Import time (whole process, s): " +
              ", ".join(f"{k} {v:.2f}" for k, v in imports.items() if v is not None)]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(text + "\n")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "results": table, "import_s": imports}, fh, indent=1)
    if args.png:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("matplotlib not installed: no plot", file=sys.stderr)
            return
        rows = [r for r in table if r.get("ratio_vs_jax_jit")]
        labels = [f"{r['workload']}\n{r['contender']}" for r in rows]
        plt.figure(figsize=(max(6, len(rows) * 0.6), 4))
        plt.bar(range(len(rows)), [r["ratio_vs_jax_jit"] for r in rows])
        plt.xticks(range(len(rows)), labels, rotation=90, fontsize=7)
        plt.yscale("log")
        plt.ylabel("time / pure JAX jit")
        plt.tight_layout()
        plt.savefig(args.png)


if __name__ == "__main__":
    main()
