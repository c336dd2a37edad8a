"""``npx.save``/``npx.load`` and Gluon ``save_parameters``/``load_parameters`` under
``npx.set_np()``, both ways with real MXNet 1.9.1: files MXNet wrote (recorded by
tools/record_mxnet_npx_files.py into tests/reference/data/npx/) load with the same values,
dtypes and shapes, and mxjax writes the same bytes from the same arrays (so MXNet reads them)."""
import json
import os

import numpy as onp
import pytest

import mxjax as mx
from mxjax import gluon, np, npx

DATA = os.path.join(os.path.dirname(__file__), "reference", "data", "npx")
INPUT = [[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]]
# the arrays of arrays_dict.npx: name -> (value, dtype, shape)
EXPECTED = {"f32": ([[1.5, -2.0, 3.25]], "float32", (1, 3)), "f64": ([1e-300, 2.5], "float64", (2,)),
            "f16": ([0.5, 65504.0], "float16", (2,)), "i32": ([[1, -2], [3, 4]], "int32", (2, 2)),
            "i64": ([2 ** 40, -7], "int64", (2,)), "u8": ([0, 255], "uint8", (2,)), "i8": ([-128, 127], "int8", (2,)),
            "bool": ([True, False, True], "bool", (3,)), "scalar": (3.5, "float32", ()), "empty": ([], "float32", (0, 3))}


@pytest.fixture
def numpy_mode():
    npx.set_np()
    yield
    npx.reset_np()


def _arrays():
    return {k: np.array(v, dtype=d).reshape(s) for k, (v, d, s) in EXPECTED.items()}


def _read(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def _check(arr, name):
    value, dtype, shape = EXPECTED[name]
    assert type(arr) is np.ndarray
    assert arr.dtype == onp.dtype(dtype) and arr.shape == shape
    assert arr.asnumpy().tolist() == (value if shape != (0, 3) else [])


def test_load_files_written_by_mxnet(numpy_mode):
    loaded = npx.load(os.path.join(DATA, "arrays_dict.npx"))
    assert sorted(loaded) == sorted(EXPECTED)
    for name, arr in loaded.items():
        _check(arr, name)
    first, scalar, i64 = npx.load(os.path.join(DATA, "arrays_list.npx"))
    _check(first, "f32"), _check(scalar, "scalar"), _check(i64, "i64")
    (one,) = npx.load(os.path.join(DATA, "one.npx"))
    _check(one, "i32")


def test_mxjax_writes_mxnet_bytes(numpy_mode, tmp_path):
    a = _arrays()
    for name, value in (("arrays_dict.npx", a), ("arrays_list.npx", [a["f32"], a["scalar"], a["i64"]]),
                        ("one.npx", a["i32"])):
        path = str(tmp_path / name)
        npx.save(path, value)
        assert _read(name) == open(path, "rb").read(), name


def test_save_load_errors():
    with pytest.raises(ValueError, match="legacy mode"):
        npx.save("unused", [])
    with pytest.raises(ValueError, match="legacy mode"):
        npx.load(os.path.join(DATA, "one.npx"))
    npx.set_np()
    try:
        with pytest.raises(TypeError, match="Only accepts dict str->ndarray or list of ndarrays"):
            npx.save("unused", [mx.nd.ones(2)])
        with pytest.raises(ValueError, match="data needs to either be a ndarray"):
            npx.save("unused", 3)
        with pytest.raises(TypeError, match="file required to be a string"):
            npx.load(3)
    finally:
        npx.reset_np()


def _net():
    seq = gluon.nn.HybridSequential(prefix="net_")
    with seq.name_scope():
        seq.add(gluon.nn.Dense(4, in_units=3, activation="relu"), gluon.nn.BatchNorm(in_channels=4),
                gluon.nn.Dense(2, in_units=4))
    return seq


def test_gluon_parameters_both_ways(numpy_mode, tmp_path):
    expected = json.load(open(os.path.join(DATA, "gluon_np.json")))
    net = _net()
    net.load_parameters(os.path.join(DATA, "gluon_np.params"))
    out = net(np.array(INPUT))
    assert type(out) is np.ndarray and type(net[0].weight.data()) is np.ndarray
    onp.testing.assert_allclose(out.asnumpy(), expected["output"], rtol=1e-6)
    mine = _net()
    mine.initialize()
    for i, (_, p) in enumerate(sorted(mine.collect_params().items())):   # the recorder's values
        shape = p.shape
        p.set_data(np.array(onp.arange(int(onp.prod(shape)), dtype="float32").reshape(shape) * 0.1 + 0.05 * i + 0.1))
    path = str(tmp_path / "net.params")
    mine.save_parameters(path)
    assert open(path, "rb").read() == _read("gluon_np.params")
