"""Record the parameter files of tests/test_serialization.py from real MXNet 1.9.1.

    /tmp/mxref/bin/python tools/record_mxnet_checkpoints.py           # MXNet's files (reference venv)
    /work/venv/bin/python tools/record_mxnet_checkpoints.py --mxjax   # the file mxjax writes (dev venv)

(``tools/record_mxnet_reference.py`` shows how to make the reference venv.)  The first run
writes, into tests/reference/data/checkpoints/:

- ``values.npz`` and ``manifest.json``: the arrays every file below holds, as plain numpy
  (bfloat16 arrays as float32; no pickle) and the names, order and dtypes of each file;
- ``dtypes_dict.params`` / ``dtypes_list.params``: ``mx.nd.save`` of one array per dtype;
- ``np_shape.params``: saved under ``mx.util.np_shape(True)`` (V3 arrays, 0-d and zero-size);
- ``legacy_0d.params``: a 0-d array saved without np_shape (MXNet 1.9.1 writes it but cannot
  load it back);
- ``sparse.params``: row_sparse and csr arrays;
- ``gluon_mlp.params``: ``net.save_parameters`` of a nested HybridSequential of Dense layers,
  ``gluon_mlp_paramdict.params``: ``net.collect_params().save(f, strip_prefix=net.prefix)``,
  and the net's output on a fixed input in values.npz.

The ``--mxjax`` run writes ``mxjax_dtypes_dict.params``: mxjax's ``nd.save`` of the arrays
of ``dtypes_dict.params``, kept so that the writer's bytes are checked without MXNet.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "tests", "reference", "data", "checkpoints")

#: arrays of the ``dtypes_*`` files: name -> (dtype, values); bfloat16 values are exact in bfloat16
DTYPE_ARRAYS = {
    "f32_2x3": ("float32", np.arange(6).reshape(2, 3) * 0.5 - 1.25),
    "f64_4": ("float64", [1 / 3, -2.5e-300, 1e300, np.pi]),
    "f16_2x2": ("float16", [[0.1, -65504.0], [6e-8, 1.0]]),
    "u8_5": ("uint8", [0, 1, 127, 128, 255]),
    "i8_3": ("int8", [-128, 0, 127]),
    "i32_2x2x2": ("int32", (np.arange(8).reshape(2, 2, 2) - 4) * 100003),
    "i64_3": ("int64", [-(2 ** 62), 0, 2 ** 40 + 3]),
    "bool_4": ("bool", [True, False, True, True]),
    "bf16_4": ("bfloat16", [1.5, -2.25, 3.0, 0.0078125]),
    "f32_1": ("float32", [42.0]),
    "f32_empty": ("float32", np.zeros((0,))),
    "f32_1x2x3x4": ("float32", np.arange(24).reshape(1, 2, 3, 4) / 7),
    "f32_special": ("float32", [np.nan, np.inf, -np.inf, -0.0]),
    "é_unicode.name": ("float32", [[1.0], [2.0]]),
}

NP_SHAPE_ARRAYS = [("float32", 3.5), ("float32", np.zeros((2, 0))), ("int64", [1, 2, 3]), ("int32", -7)]
LEGACY_0D_ARRAYS = {"scalar": ("float64", 2.75), "vec": ("float32", [1.0, 2.0])}
SPARSE_DENSE = np.array([[0, 0, 0], [1, 2, 3], [0, 0, 0], [4, 5, 6]], dtype=np.float32)
GLUON_INPUT = np.linspace(-1, 1, 10, dtype=np.float32).reshape(2, 5)


def numpy_arrays(spec):
    """name -> numpy array, bfloat16 given as float32."""
    return {k: np.asarray(v, dtype="float32" if dt == "bfloat16" else dt) for k, (dt, v) in spec.items()}


def record_mxnet():
    import mxnet as mx
    os.makedirs(OUT, exist_ok=True)
    path = lambda name: os.path.join(OUT, name)  # noqa: E731
    bf16 = np.dtype([("bfloat16", np.uint16)])

    def mx_array(dtype, values):
        if dtype == "bfloat16":
            return mx.nd.amp_cast(mx.nd.array(values, dtype="float32"), dtype=bf16)
        return mx.nd.array(values, dtype=dtype)

    values = {}
    dtype_arrays = {k: mx_array(dt, v) for k, (dt, v) in DTYPE_ARRAYS.items()}
    mx.nd.save(path("dtypes_dict.params"), dtype_arrays)
    mx.nd.save(path("dtypes_list.params"), list(dtype_arrays.values()))
    values.update({f"dtypes/{k}": v for k, v in numpy_arrays(DTYPE_ARRAYS).items()})

    with mx.util.np_shape(True):
        np_shape = [mx_array(dt, v) for dt, v in NP_SHAPE_ARRAYS]
        assert np_shape[0].shape == ()
        mx.nd.save(path("np_shape.params"), np_shape)
    values.update({f"np_shape/{i}": np.asarray(v, dtype=dt) for i, (dt, v) in enumerate(NP_SHAPE_ARRAYS)})

    legacy = {k: mx_array(dt, v) for k, (dt, v) in LEGACY_0D_ARRAYS.items()}
    assert legacy["scalar"].shape == ()
    mx.nd.save(path("legacy_0d.params"), legacy)
    values.update({f"legacy_0d/{k}": v for k, v in numpy_arrays(LEGACY_0D_ARRAYS).items()})

    sparse = {"rsp": mx.nd.array(SPARSE_DENSE).tostype("row_sparse"),
              "csr": mx.nd.array(SPARSE_DENSE).tostype("csr"),
              "rsp_empty": mx.nd.zeros((3, 2), stype="row_sparse")}
    mx.nd.save(path("sparse.params"), sparse)
    values.update({f"sparse/{k}": v.tostype("default").asnumpy() for k, v in sparse.items()})

    mx.random.seed(7)
    net = mx.gluon.nn.HybridSequential(prefix="mlp_")
    with net.name_scope():
        body = mx.gluon.nn.HybridSequential()
        body.add(mx.gluon.nn.Dense(8, activation="relu", in_units=5))
        body.add(mx.gluon.nn.Dense(6, activation="tanh", in_units=8))
        net.add(body)
        net.add(mx.gluon.nn.Dense(3, in_units=6))
    net.initialize(mx.init.Xavier())
    net.save_parameters(path("gluon_mlp.params"))
    net.collect_params().save(path("gluon_mlp_paramdict.params"), strip_prefix=net.prefix)
    values["gluon/x"] = GLUON_INPUT
    values["gluon/y"] = net(mx.nd.array(GLUON_INPUT)).asnumpy()

    np.savez(path("values.npz"), **values)
    manifest = {
        "mxnet_version": mx.__version__,
        "dtypes": {k: dt for k, (dt, _) in DTYPE_ARRAYS.items()},
        "gluon_mlp_keys": list(mx.nd.load(path("gluon_mlp.params"))),
        "gluon_mlp_paramdict_keys": list(mx.nd.load(path("gluon_mlp_paramdict.params"))),
    }
    with open(path("manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1, ensure_ascii=False)
    print(f"recorded MXNet {mx.__version__} checkpoints into {OUT}")


def write_mxjax():
    sys.path.insert(0, ROOT)
    import mxjax as mx
    arrays = {k: mx.nd.array(v, dtype=DTYPE_ARRAYS[k][0]) for k, v in numpy_arrays(DTYPE_ARRAYS).items()}
    mx.nd.save(os.path.join(OUT, "mxjax_dtypes_dict.params"), arrays)
    print(f"wrote mxjax_dtypes_dict.params into {OUT}")


if __name__ == "__main__":
    if "--mxjax" in sys.argv[1:]:
        write_mxjax()
    else:
        record_mxnet()
