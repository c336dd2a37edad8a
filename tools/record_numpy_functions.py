"""Record MXNet 1.9.1's results of the ``mx.np`` / ``mx.npx`` expressions that
``tests/test_numpy_functions.py`` checks: run with real MXNet's python
(``/tmp/mxref/bin/python tools/record_numpy_functions.py``); writes
``tests/reference/numpy_functions.json`` (expression -> shape, dtype, values)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
from numpy_expressions import EXPRESSIONS  # noqa: E402

from mxnet import np, npx  # noqa: E402

npx.set_np()


def record(value):
    if isinstance(value, (list, tuple)):
        return [record(v) for v in value]
    value = value.asnumpy() if hasattr(value, "asnumpy") else value
    import numpy
    value = numpy.asarray(value)
    return {"shape": list(value.shape), "dtype": value.dtype.name,
            "values": numpy.where(numpy.isnan(value), None, value).tolist() if value.dtype.kind == "f"
            else value.tolist()}


out = {}
for expr in EXPRESSIONS:
    env = {"np": np, "npx": npx}
    exec("a = np.array([[1., -2., 3.], [4., 5., -6.]]); i = np.array([[1, 2], [3, 4]], dtype='int32'); "
         "v = np.array([3., 1., 2., 1.]); m = np.array([[2., 1.], [1., 3.]])", env)
    try:
        out[expr] = record(eval(expr, env))
    except Exception as exc:  # noqa: BLE001  (the test checks that mxjax raises the same type)
        out[expr] = {"error": type(exc).__name__}
path = os.path.join(os.path.dirname(__file__), "..", "tests", "reference", "numpy_functions.json")
with open(path, "w") as f:
    json.dump(out, f, indent=0, sort_keys=True)
print(f"{len(out)} expressions recorded in {path}")
