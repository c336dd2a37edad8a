"""The weight gradient of each convolution layer of ``conv_layers.py``, per formulation.

    python benchmarks/conv_weight_gradients.py [--repeats 5]

For each layer (1x1 kernels aside: they are matmuls), every weight-gradient formulation
``mxjax/ndarray/ops/conv_cpu.py`` can take there is compiled and timed alternately on the
same random data; prints the best time (ms) and the compile time (s) of each.  The untimed
default choice (``conv_cpu._fixed``) was read from this table (docs/performance.md).
"""
import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np

from conv_layers import LAYERS
from mxjax.ndarray.ops import conv_cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print("| layer | " + " | ".join(f"{m} ms (compile s)" for m in ("xla", "tap", "ext", "wino")) + " | default |")
    print("|---" * 6 + "|")
    for name, xs, ws, stride, pad, _ in LAYERS:
        if all(k == 1 for k in ws[2:]):
            continue
        n, c = xs[:2]
        x_shape = (n,) + xs[2:] + (c,)   # channel-last, as conv_cpu computes
        geo = ((stride,) * 2, ((pad, pad),) * 2, (1, 1), 1)
        rng = np.random.default_rng(0)
        x = jnp.asarray(rng.standard_normal(x_shape, np.float32))
        out = [conv_cpu._out_size(size, k, stride, 1, pad, pad) for size, k in zip(xs[2:], ws[2:])]
        dy = jnp.asarray(rng.standard_normal((n, *out, ws[0]), np.float32))
        names = [m for m in ("xla", "tap", "ext", "wino") if m in conv_cpu.candidates(x_shape, ws, geo[0], geo[2], 1)[1]]
        fns, compile_s, best = {}, {}, {}
        for m in names:
            fns[m] = jax.jit(lambda x, dy, m=m: conv_cpu._DW[m](x, ws, dy, *geo))
            start = time.perf_counter()
            jax.block_until_ready(fns[m](x, dy))
            compile_s[m], best[m] = time.perf_counter() - start, float("inf")
        for _ in range(args.repeats):
            for m in names:
                start = time.perf_counter()
                jax.block_until_ready(fns[m](x, dy))
                best[m] = min(best[m], time.perf_counter() - start)
        cells = [f"{best[m] * 1e3:.1f} ({compile_s[m]:.1f})" if m in names else "" for m in ("xla", "tap", "ext", "wino")]
        print(f"| {name} | " + " | ".join(cells) + f" | {conv_cpu._fixed(x_shape, ws, geo[0], geo[1], geo[2])[1]} |")


if __name__ == "__main__":
    main()
