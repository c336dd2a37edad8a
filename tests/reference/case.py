"""Reference cases: operator calls whose outputs were recorded from real MXNet 1.9.1.

A case names an operator by its path under ``nd`` ("sin", "linalg.gemm2",
"contrib.arange_like", "random.uniform"), its array inputs as generator specs
(deterministic: numpy's legacy RandomState gives the same numbers under
MXNet's numpy 1.23 and mxjax's numpy 2), and keyword attributes.  This module
imports neither mxnet nor mxjax: ``tools/record_mxnet_reference.py`` runs the
cases under real MXNet, ``tests/test_op_reference.py`` under mxjax.

Family modules ``cases_<family>.py`` define ``CASES``, a list of Case.
"""
import dataclasses

import numpy as np


@dataclasses.dataclass
class Case:
    id: str                      # unique across all families, e.g. "sin" or "topk.both"
    op: str                      # path under nd
    inputs: tuple = ()           # array specs, see make_input
    attrs: dict = dataclasses.field(default_factory=dict)
    rtol: float = 1e-5
    atol: float = 1e-6
    method: bool = False         # call as a method of the first input: x.<op>(*rest, **attrs)
    seed_random: int = None      # mx.random.seed(n) first (random ops: only shapes/dtypes compare)
    compare: str = "values"      # "values", or "shape_dtype" for random samples


def uniform(shape, lo=-1.0, hi=1.0, dtype="float32", seed=0):
    return ("uniform", tuple(shape), lo, hi, dtype, seed)


def integers(shape, lo, hi, dtype="float32", seed=0):
    return ("integers", tuple(shape), lo, hi, dtype, seed)


def values(array, dtype="float32"):
    return ("values", np.asarray(array).tolist(), dtype)


def make_input(spec):
    """The numpy array a spec describes."""
    kind = spec[0]
    if kind == "uniform":
        _, shape, lo, hi, dtype, seed = spec
        return np.random.RandomState(seed).uniform(lo, hi, shape).astype(dtype)
    if kind == "integers":
        _, shape, lo, hi, dtype, seed = spec
        return np.random.RandomState(seed).randint(lo, hi, shape).astype(dtype)
    if kind == "values":
        return np.asarray(spec[1], dtype=spec[2])
    raise ValueError(f"unknown input spec {spec!r}")


def all_cases():
    """Every case of every family module beside this file, with duplicate ids rejected."""
    import glob
    import importlib.util
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    cases = []
    for path in sorted(glob.glob(os.path.join(here, "cases_*.py"))):
        spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases.extend(module.CASES)
    ids = [c.id for c in cases]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"duplicate reference case ids: {sorted(dup)}")
    return cases


def run_case(nd_module, mx_module, case):
    """Run ``case`` with an nd module (mxnet.nd or mxjax.nd); returns a list of numpy outputs,
    or ("error", class name, message) if it raised."""
    fn = nd_module
    arrays = [nd_module.array(make_input(s), dtype=make_input(s).dtype) for s in case.inputs]
    if case.seed_random is not None:
        mx_module.random.seed(case.seed_random)
    try:
        if case.method:
            out = getattr(arrays[0], case.op)(*arrays[1:], **case.attrs)
        else:
            for part in case.op.split("."):
                fn = getattr(fn, part)
            out = fn(*arrays, **case.attrs)
        outs = out if isinstance(out, (list, tuple)) else [out]
        return [o.asnumpy() for o in outs]   # MXNet raises some errors only when values are read
    except Exception as exc:  # recorded, then compared by class name
        return ("error", type(exc).__name__, str(exc).splitlines()[-1][:200] if str(exc) else "")
