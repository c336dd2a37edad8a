"""nd.save / nd.load / nd.load_frombuffer in MXNet 1.9.1's binary format, and Gluon checkpoints.

Files in tests/reference/data/checkpoints/ were written by real MXNet 1.9.1
(``tools/record_mxnet_checkpoints.py``, values in values.npz, names in manifest.json), except
mxjax_dtypes_dict.params, written by mxjax.  Tests that run MXNet itself on files written here
need the reference venv /tmp/mxref and are skipped without it.
"""
import json
import os
import struct
import subprocess
import textwrap

import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError
from mxjax.gluon import nn
from mxjax.ndarray import serialization

DATA = os.path.join(os.path.dirname(__file__), "reference", "data", "checkpoints")
REF_PYTHON = "/tmp/mxref/bin/python"
with open(os.path.join(DATA, "manifest.json"), encoding="utf-8") as _fh:
    MANIFEST = json.load(_fh)
with np.load(os.path.join(DATA, "values.npz"), allow_pickle=False) as _npz:
    VALUES = {k: _npz[k] for k in _npz.files}
DTYPES = MANIFEST["dtypes"]  # name -> dtype, in the order of dtypes_dict.params


def data_path(name):
    return os.path.join(DATA, name)


def read_bytes(name):
    with open(data_path(name), "rb") as fh:
        return fh.read()


def assert_same(nd_value, expected, dtype):
    """Same dtype, shape and bits (NaN included); bfloat16 is compared through float32."""
    assert np.dtype(nd_value.dtype).name == dtype
    got = nd_value.asnumpy()
    if dtype == "bfloat16":
        got = got.astype(np.float32)
        expected = np.asarray(expected, np.float32)
    assert got.shape == expected.shape
    assert got.tobytes() == np.asarray(expected, got.dtype).tobytes()


def mxjax_dtype_arrays():
    return {k: mx.nd.array(VALUES[f"dtypes/{k}"], dtype=dt) for k, dt in DTYPES.items()}


# ---- files written by MXNet 1.9.1 load with identical values ---------------------------------
def test_load_mxnet_dict_of_every_dtype():
    loaded = mx.nd.load(data_path("dtypes_dict.params"))
    assert isinstance(loaded, dict)
    assert list(loaded) == list(DTYPES)
    for name, dtype in DTYPES.items():
        assert_same(loaded[name], VALUES[f"dtypes/{name}"], dtype)
        assert loaded[name].context == mx.cpu(0)


def test_load_mxnet_list_of_every_dtype():
    loaded = mx.nd.load(data_path("dtypes_list.params"))
    assert isinstance(loaded, list) and len(loaded) == len(DTYPES)
    for arr, (name, dtype) in zip(loaded, DTYPES.items()):
        assert_same(arr, VALUES[f"dtypes/{name}"], dtype)


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_load_frombuffer(kind):
    loaded = mx.nd.load_frombuffer(kind(read_bytes("dtypes_dict.params")))
    assert list(loaded) == list(DTYPES)
    assert_same(loaded["i64_3"], VALUES["dtypes/i64_3"], "int64")
    assert mx.nd.load_frombuffer(read_bytes("dtypes_list.params"))[1].dtype == np.float64


def test_load_mxnet_np_shape_file_with_0d_and_zero_size_arrays():
    # saved under mx.util.np_shape(True) (V3 arrays): like MXNet, mxjax loads it only under np_shape
    with pytest.raises(MXNetError, match="saved in np shape semantics, must be loaded in the same semantics"):
        mx.nd.load(data_path("np_shape.params"))
    with mx.util.np_shape(True):
        loaded = mx.nd.load(data_path("np_shape.params"))
    assert [a.shape for a in loaded] == [(), (2, 0), (3,), ()]
    for i, (arr, dtype) in enumerate(zip(loaded, ["float32", "float32", "int64", "int32"])):
        assert_same(arr, VALUES[f"np_shape/{i}"], dtype)


def test_load_mxnet_legacy_0d_array():
    # MXNet 1.9.1 writes this file (a 0-d array without np_shape) and then fails to read it
    loaded = mx.nd.load(data_path("legacy_0d.params"))
    assert list(loaded) == ["scalar", "vec"]
    assert loaded["scalar"].shape == ()
    assert_same(loaded["scalar"], VALUES["legacy_0d/scalar"], "float64")
    assert_same(loaded["vec"], VALUES["legacy_0d/vec"], "float32")


def test_sparse_arrays_load_with_their_storage_type():
    loaded = mx.nd.load(data_path("sparse.params"))
    assert list(loaded) == ["rsp", "csr", "rsp_empty"]
    stypes = {"rsp": "row_sparse", "csr": "csr", "rsp_empty": "row_sparse"}
    for name, arr in loaded.items():
        assert arr.stype == stypes[name]
        assert_same(arr, VALUES[f"sparse/{name}"], "float32")


# ---- files written by mxjax: MXNet's exact bytes ---------------------------------------------
def test_writer_gives_mxnet_bytes_for_a_dict_of_every_dtype(tmp_path):
    arrays = mxjax_dtype_arrays()
    mx.nd.save(str(tmp_path / "d.params"), arrays)
    written = (tmp_path / "d.params").read_bytes()
    assert written == read_bytes("dtypes_dict.params")  # recorded from MXNet 1.9.1
    assert written == read_bytes("mxjax_dtypes_dict.params")  # recorded from mxjax


def test_writer_gives_mxnet_bytes_for_a_list(tmp_path):
    path = tmp_path / "l.params"
    mx.nd.save(path, list(mxjax_dtype_arrays().values()))  # a path-like name works too
    assert path.read_bytes() == read_bytes("dtypes_list.params")


def test_writer_gives_mxnet_bytes_for_a_0d_array(tmp_path):
    arrays = {"scalar": mx.nd.array(VALUES["legacy_0d/scalar"], dtype="float64"),
              "vec": mx.nd.array(VALUES["legacy_0d/vec"])}
    assert arrays["scalar"].shape == ()
    mx.nd.save(str(tmp_path / "z.params"), arrays)
    assert (tmp_path / "z.params").read_bytes() == read_bytes("legacy_0d.params")
    assert mx.nd.load(str(tmp_path / "z.params"))["scalar"].asnumpy() == np.float64(2.75)


def test_save_single_array_and_empty_containers(tmp_path):
    a = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    f = str(tmp_path / "a")
    mx.nd.save(f, a)
    (back,) = mx.nd.load(f)
    np.testing.assert_array_equal(back.asnumpy(), a.asnumpy())
    for empty in ([], {}):  # MXNet loads both as an empty list
        mx.nd.save(f, empty)
        assert mx.nd.load(f) == []
        assert open(f, "rb").read() == struct.pack("<QQQQ", 0x112, 0, 0, 0)


def test_round_trip_keeps_dtype_shape_and_bits(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {
        "f32": mx.nd.array(rng.standard_normal((3, 4, 5)).astype(np.float32)),
        "f64": mx.nd.array(rng.standard_normal(7), dtype="float64"),
        "f16": mx.nd.array(rng.standard_normal((2, 3)), dtype="float16"),
        "i64": mx.nd.array(rng.integers(-2 ** 62, 2 ** 62, 5), dtype="int64"),
        "u8": mx.nd.array(rng.integers(0, 256, (4, 1)), dtype="uint8"),
        "bool": mx.nd.array(rng.integers(0, 2, 9).astype(bool), dtype="bool"),
        "bf16": mx.nd.array([0.5, -3.0], dtype="bfloat16"),
        "empty": mx.nd.zeros((2, 0, 3)),
        "view": mx.nd.arange(12).reshape((3, 4))[1:3],
    }
    f = str(tmp_path / "r")
    mx.nd.save(f, arrays)
    loaded = mx.nd.load(f)
    assert list(loaded) == list(arrays)
    for name, arr in arrays.items():
        assert loaded[name].dtype == arr.dtype
        assert loaded[name].shape == arr.shape
        assert loaded[name].asnumpy().tobytes() == arr.asnumpy().tobytes()


def test_save_and_load_argument_errors(tmp_path):
    f = str(tmp_path / "x")
    a = mx.nd.ones((1,))
    # recorded from MXNet 1.9.1: the exception classes and messages
    with pytest.raises(ValueError, match="data needs to either be a NDArray, dict of str, NDArray pairs"):
        mx.nd.save(f, 3)
    with pytest.raises(ValueError):
        mx.nd.save(f, (a,))
    with pytest.raises(TypeError, match=r"save only accept dict str->NDArray or list of NDArray"):
        mx.nd.save(f, [3])
    with pytest.raises(TypeError, match=r"save only accept dict str->NDArray or list of NDArray"):
        mx.nd.save(f, {1: a})
    with pytest.raises(TypeError, match="fname required to be a string"):
        mx.nd.load(3)
    with pytest.raises(TypeError, match="buf required to be a string or bytes"):
        mx.nd.load_frombuffer(3)
    with pytest.raises(MXNetError, match="No such file or directory"):
        mx.nd.save(str(tmp_path / "no_dir" / "x"), a)
    missing = str(tmp_path / "missing.params")
    with pytest.raises(MXNetError, match="missing.params"):
        mx.nd.load(missing)


def test_unsupported_dtype_is_refused(tmp_path):
    with pytest.raises(MXNetError, match="complex64"):
        serialization._encode([mx.nd.array([1, 2], dtype="complex64")], [])


# ---- older layouts MXNet 1.9.1 still reads ----------------------------------------------------
def _list_file(*arrays, names=()):
    out = struct.pack("<QQQ", 0x112, 0, len(arrays)) + b"".join(arrays) + struct.pack("<Q", len(names))
    return out + b"".join(struct.pack("<Q", len(n)) + n.encode() for n in names)


def test_load_v1_and_oldest_layouts():
    values = np.array([[1.5, -2.0, 3.0], [4.0, 5.0, 6.25]], np.float32)
    v1 = struct.pack("<Iiqq", 0xF993FAC8, 2, 2, 3) + struct.pack("<iii", 1, 0, 0) + values.tobytes()
    oldest = struct.pack("<III", 2, 2, 3) + struct.pack("<iii", 1, 0, 0) + values.tobytes()
    loaded = mx.nd.load_frombuffer(_list_file(v1, oldest, names=("a", "b")))
    for arr in loaded.values():
        np.testing.assert_array_equal(arr.asnumpy(), values)


def test_none_array_of_older_versions_loads_empty():
    none = struct.pack("<Iii", 0xF993FAC9, 0, 0)  # V2, dense, ndim 0, no payload
    dense = struct.pack("<Iiiq", 0xF993FAC9, 0, 1, 2) + struct.pack("<iii", 1, 0, 6) + \
        np.array([5, 6], np.int64).tobytes()
    first, second = mx.nd.load_frombuffer(_list_file(none, dense))
    assert first.shape == (0,)
    np.testing.assert_array_equal(second.asnumpy(), [5, 6])


def test_array_saved_on_gpu_loads_on_gpu_when_present():
    buf = bytearray(read_bytes("dtypes_list.params"))
    ctx_at = 24 + 4 + 4 + 4 + 2 * 8  # header, count, magic, stype, ndim, 2 dims of the first array
    assert struct.unpack_from("<ii", buf, ctx_at) == (1, 0)
    struct.pack_into("<ii", buf, ctx_at, 2, 0)
    first = mx.nd.load_frombuffer(bytes(buf))[0]
    assert first.context == (mx.gpu(0) if mx.context.num_gpus() else mx.cpu(0))
    assert_same(first, VALUES["dtypes/f32_2x3"], "float32")


# ---- corrupt files ------------------------------------------------------------------------------
def _corrupt(buf, offset, fmt, value):
    buf = bytearray(buf)
    struct.pack_into("<" + fmt, buf, offset, value)
    return bytes(buf)


def _assert_invalid(buf, tmp_path, detail):
    f = str(tmp_path / "corrupt.params")
    with open(f, "wb") as fh:
        fh.write(buf)
    with pytest.raises(MXNetError) as info:
        mx.nd.load(f)
    message = str(info.value)
    assert f"File '{f}' is not a valid MXNet parameter file" in message
    assert detail in message, message
    with pytest.raises(MXNetError, match="is not a valid MXNet parameter file"):
        mx.nd.load_frombuffer(buf)


GOOD = read_bytes("dtypes_dict.params")
ARRAY0 = 24  # the first array's magic
SMALL = read_bytes("legacy_0d.params")  # ends with the names "scalar" and "vec": 8+8+6+8+3 bytes


@pytest.mark.parametrize("name, buf, detail", [
    ("empty file", b"", "truncated"),
    ("not a parameter file", b"hello world, this is not a file of params", "bad file magic"),
    ("bad array magic", _corrupt(GOOD, ARRAY0, "I", 0xDEADBEEF), "bad magic number 0xdeadbeef"),
    ("absurd array count", _corrupt(GOOD, 16, "Q", 2 ** 62), "declares 4611686018427387904 arrays"),
    ("absurd ndim", _corrupt(GOOD, ARRAY0 + 8, "i", 10 ** 6), "ndim 1000000"),
    ("negative ndim", _corrupt(GOOD, ARRAY0 + 8, "i", -1), "ndim -1"),
    ("absurd dimension", _corrupt(GOOD, ARRAY0 + 12, "q", 2 ** 40), "truncated: the data of array 0"),
    ("impossible dimension", _corrupt(GOOD, ARRAY0 + 12, "q", 2 ** 62), "impossibly large shape"),
    ("empty array of impossible shape",
     _corrupt(_corrupt(GOOD, ARRAY0 + 12, "q", 0), ARRAY0 + 20, "q", 2 ** 62), "impossibly large shape"),
    ("negative dimension", _corrupt(GOOD, ARRAY0 + 12, "q", -5), "negative dimension"),
    ("unknown storage type", _corrupt(GOOD, ARRAY0 + 4, "i", 9), "unknown storage type 9"),
    ("unknown device type", _corrupt(GOOD, ARRAY0 + 28, "i", 77), "unknown device type 77"),
    ("unknown type flag", _corrupt(GOOD, ARRAY0 + 36, "i", 99), "unknown type flag 99"),
    ("absurd name count", _corrupt(SMALL, len(SMALL) - 33, "Q", 2 ** 40), "but 1099511627776 names"),
    ("absurd name length", _corrupt(SMALL, len(SMALL) - 25, "Q", 2 ** 60), "truncated: name 0"),
    ("name not utf-8", SMALL[:-1] + b"\xff", "not utf-8"),
    ("v3 sparse", _corrupt(read_bytes("sparse.params"), ARRAY0, "I", 0xF993FACA), "unknown storage type 1"),
])
def test_corrupt_file_raises_mxnet_error(name, buf, detail, tmp_path):
    with mx.util.np_shape(name.startswith("v3")):
        _assert_invalid(buf, tmp_path, detail)


@pytest.mark.parametrize("save_np_shape,load_np_shape,ok", [(False, False, True), (True, False, False),
                                                            (False, True, False), (True, True, True)])
def test_np_shape_semantics_of_saved_files(save_np_shape, load_np_shape, ok, tmp_path):
    """MXNet writes V3 arrays under np_shape and loads them only there; older ones only outside it."""
    f = str(tmp_path / "a.params")
    arrays = [mx.nd.array(np.arange(6).reshape(2, 3)), mx.nd.zeros((2, 0, 1))]
    with mx.util.np_shape(save_np_shape):
        mx.nd.save(f, arrays)
    with open(f, "rb") as fh:
        assert struct.unpack_from("<I", fh.read(), 24)[0] == (0xF993FACA if save_np_shape else 0xF993FAC9)
    with mx.util.np_shape(load_np_shape):
        if ok:
            loaded = mx.nd.load(f)
            assert [a.shape for a in loaded] == [(2, 3), (2, 0, 1)]
            np.testing.assert_array_equal(loaded[0].asnumpy(), np.arange(6).reshape(2, 3))
        else:
            with pytest.raises(MXNetError, match="np shape semantics"):
                mx.nd.load(f)


def test_np_shape_globally_on_loads_old_files(tmp_path):
    f = str(tmp_path / "a.params")
    mx.nd.save(f, [mx.nd.ones((2,))])
    prev = mx.util.set_np_shape(2)
    try:
        assert mx.nd.load(f)[0].shape == (2,)
    finally:
        mx.util.set_np_shape(prev)


def test_sparse_arrays_cannot_be_saved_under_np_shape(tmp_path):
    with mx.util.np_shape(True), pytest.raises(MXNetError, match="default storage type in np shape semantics"):
        mx.nd.save(str(tmp_path / "a.params"), [mx.nd.zeros((2, 2)).tostype("csr")])


def test_every_truncation_raises_mxnet_error():
    for buf, np_shape in ((GOOD, False), (read_bytes("sparse.params"), False), (read_bytes("np_shape.params"), True)):
        with mx.util.np_shape(np_shape):
            for cut in range(0, len(buf), 3):
                with pytest.raises(MXNetError, match="is not a valid MXNet parameter file"):
                    mx.nd.load_frombuffer(buf[:cut])


def test_sparse_corruptions_are_caught():
    sparse = read_bytes("sparse.params")
    # first array: row_sparse; after magic, stype, storage shape (2 dims) and shape (2 dims)
    dims_at = ARRAY0 + 8 + 4 + 16 + 4 + 16
    with pytest.raises(MXNetError, match="malformed row_sparse"):
        mx.nd.load_frombuffer(_corrupt(sparse, dims_at - 16, "q", 1))  # the dense shape has 1 row
    huge = _corrupt(_corrupt(sparse, dims_at - 16, "q", 2 ** 40), dims_at - 8, "q", 3)
    with pytest.raises(MXNetError, match="refuses to allocate"):
        mx.nd.load_frombuffer(huge)


def test_no_pickle():
    with open(serialization.__file__, encoding="utf-8") as fh:
        source = fh.read()
    assert "import pickle" not in source and "pickle." not in source


# ---- Gluon --------------------------------------------------------------------------------------
def mlp(in_units=True):
    """The net of gluon_mlp.params (see tools/record_mxnet_checkpoints.py)."""
    net = nn.HybridSequential(prefix="mlp_")
    with net.name_scope():
        body = nn.HybridSequential()
        body.add(nn.Dense(8, activation="relu", in_units=5 if in_units else 0))
        body.add(nn.Dense(6, activation="tanh", in_units=8 if in_units else 0))
        net.add(body)
        net.add(nn.Dense(3, in_units=6 if in_units else 0))
    return net


@pytest.mark.parametrize("in_units", [True, False])
def test_load_parameters_saved_by_mxnet_gives_mxnet_outputs(in_units):
    net = mlp(in_units)
    net.load_parameters(data_path("gluon_mlp.params"))
    out = net(mx.nd.array(VALUES["gluon/x"])).asnumpy()
    np.testing.assert_allclose(out, VALUES["gluon/y"], rtol=1e-5, atol=1e-6)  # recorded from MXNet 1.9.1


def test_save_parameters_gives_mxnet_bytes(tmp_path):
    net = mlp()
    net.load_parameters(data_path("gluon_mlp.params"))
    net.save_parameters(str(tmp_path / "p"))
    assert list(mx.nd.load(str(tmp_path / "p"))) == MANIFEST["gluon_mlp_keys"]
    assert (tmp_path / "p").read_bytes() == read_bytes("gluon_mlp.params")


def test_load_parameters_from_a_parameter_dict_file():
    # ParameterDict.save with strip_prefix: names without '.', loaded through collect_params().load
    assert list(mx.nd.load(data_path("gluon_mlp_paramdict.params"))) == MANIFEST["gluon_mlp_paramdict_keys"]
    net = mlp()
    net.load_parameters(data_path("gluon_mlp_paramdict.params"))
    out = net(mx.nd.array(VALUES["gluon/x"])).asnumpy()
    np.testing.assert_allclose(out, VALUES["gluon/y"], rtol=1e-5, atol=1e-6)


def test_save_load_parameters_round_trip(tmp_path):
    net = mlp(in_units=False)
    net.initialize(mx.init.Xavier())
    x = mx.nd.array(np.random.default_rng(1).standard_normal((4, 5)))
    expected = net(x).asnumpy()  # completes the deferred shapes
    f = str(tmp_path / "mlp.params")
    net.save_parameters(f)
    fresh = mlp(in_units=False)
    fresh.load_parameters(f, ctx=mx.cpu(0))
    np.testing.assert_array_equal(fresh(x).asnumpy(), expected)
    fresh.hybridize()
    np.testing.assert_allclose(fresh(x).asnumpy(), expected, rtol=1e-6, atol=1e-7)


def _dense_pair():
    net = nn.HybridSequential()
    net.add(nn.Dense(4, in_units=3), nn.Dense(2, in_units=4))
    net.initialize(mx.init.Constant(0.5))
    return net


def test_allow_missing_and_ignore_extra(tmp_path):
    one = nn.HybridSequential()
    one.add(nn.Dense(4, in_units=3))
    one.initialize(mx.init.Constant(2.0))
    f = str(tmp_path / "one.params")
    one.save_parameters(f)

    net = _dense_pair()
    with pytest.raises(AssertionError, match=r"Parameter '1.weight' is missing in file"):   # MXNet asserts
        net.load_parameters(f)
    net.load_parameters(f, allow_missing=True)
    np.testing.assert_array_equal(net[0].weight.data().asnumpy(), np.full((4, 3), 2.0, np.float32))
    np.testing.assert_array_equal(net[1].weight.data().asnumpy(), np.full((2, 4), 0.5, np.float32))

    big = _dense_pair()
    g = str(tmp_path / "two.params")
    big.save_parameters(g)
    small = nn.HybridSequential()
    small.add(nn.Dense(4, in_units=3))
    small.initialize()
    with pytest.raises(ValueError, match=r"Parameter '1.weight' loaded from file .* is not present"):   # MXNet's ValueError
        small.load_parameters(g)
    small.load_parameters(g, ignore_extra=True)
    np.testing.assert_array_equal(small[0].weight.data().asnumpy(), np.full((4, 3), 0.5, np.float32))


def test_cast_dtype(tmp_path):
    f = str(tmp_path / "f32.params")
    _dense_pair().save_parameters(f)
    half = _dense_pair()
    half.cast("float16")
    with pytest.raises(AssertionError, match="dtype incompatible"):   # MXNet asserts
        half.load_parameters(f)
    half.load_parameters(f, cast_dtype=True)
    assert half[0].weight.data().dtype == np.float16
    np.testing.assert_array_equal(half[0].weight.data().asnumpy(), np.full((4, 3), 0.5, np.float16))


def test_cast_dtype_from_saved(tmp_path):
    f = str(tmp_path / "f32.params")
    _dense_pair().save_parameters(f)
    saved = _dense_pair()
    saved.cast("float16")
    saved.load_parameters(f, cast_dtype=True, dtype_source="saved")
    assert saved[0].weight.dtype == np.float32
    assert saved[0].weight.data().dtype == np.float32  # recorded from MXNet 1.9.1


def test_load_parameters_error_classes_match_mxnet(tmp_path):
    f = str(tmp_path / "p.params")
    _dense_pair().save_parameters(f)
    one = nn.HybridSequential()
    one.add(nn.Dense(4, in_units=3))
    one.initialize()
    g = str(tmp_path / "one.params")
    one.save_parameters(g)
    with pytest.raises(AssertionError):
        _dense_pair().load_parameters(g)
    with pytest.raises(ValueError):
        one.load_parameters(f)


def test_shape_mismatch_raises(tmp_path):
    f = str(tmp_path / "p.params")
    _dense_pair().save_parameters(f)
    other = nn.HybridSequential()
    other.add(nn.Dense(5, in_units=3), nn.Dense(2, in_units=5))
    other.initialize()
    with pytest.raises(AssertionError, match="incompatible"):   # MXNet asserts
        other.load_parameters(f)


def _train(net, trainer, steps):
    x = mx.nd.array(np.linspace(-1, 1, 6).reshape(2, 3))
    for _ in range(steps):
        with mx.autograd.record():
            loss = (net(x) ** 2).sum()
        loss.backward()
        trainer.step(2)


def _shared_pair():
    net = nn.HybridSequential()
    first = nn.Dense(3, in_units=3)
    net.add(first, nn.Dense(3, in_units=3, params=first.params))
    net.initialize(mx.init.Constant(1.0))
    return net


def test_deduplicated_shared_parameters(tmp_path):
    f = str(tmp_path / "shared.params")
    _shared_pair().save_parameters(f, deduplicate=True)
    assert list(mx.nd.load(f)) == ["1.weight", "1.bias"]  # recorded from MXNet 1.9.1
    _shared_pair().load_parameters(f)  # MXNet 1.9.1 loads it


def test_trainer_states_file_is_a_dict_in_mxnet_format(tmp_path):
    """MXNet's Trainer.save_states pickles its updater; mxjax writes a dict of arrays in MXNet's
    array format instead (its key layout is mxjax's own, see Trainer.save_states)."""
    net = _dense_pair()
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01, "momentum": 0.9})
    _train(net, trainer, 2)
    f = str(tmp_path / "trainer.states")
    trainer.save_states(f)
    with open(f, "rb") as fh:
        assert fh.read(8) == struct.pack("<Q", 0x112)
    states = mx.nd.load(f)
    assert isinstance(states, dict) and states
    assert all(isinstance(v, mx.nd.NDArray) for v in states.values())
    momentum_shapes = sorted(v.shape for v in states.values() if v.shape in ((4, 3), (4,), (2, 4), (2,)))
    assert momentum_shapes == [(2,), (2, 4), (4,), (4, 3)]


@pytest.mark.parametrize("optimizer, params", [("sgd", {"learning_rate": 0.01, "momentum": 0.9}),
                                               ("adam", {"learning_rate": 0.01})])
@pytest.mark.parametrize("fresh_trainer", [False, True])
def test_trainer_states_resume_exactly(tmp_path, optimizer, params, fresh_trainer):
    # MXNet 1.9.1 resumes exactly, also in a new Trainer before its first step (checked on the reference)
    net = _dense_pair()
    trainer = mx.gluon.Trainer(net.collect_params(), optimizer, dict(params))
    _train(net, trainer, 2)
    f = str(tmp_path / "trainer.states")
    trainer.save_states(f)
    net.save_parameters(str(tmp_path / "net.params"))
    _train(net, trainer, 1)
    expected = [p.data().asnumpy() for p in net.collect_params().values()]
    if fresh_trainer:
        net = _dense_pair()
        trainer = mx.gluon.Trainer(net.collect_params(), optimizer, dict(params))
    net.load_parameters(str(tmp_path / "net.params"))
    trainer.load_states(f)
    _train(net, trainer, 1)
    for p, e in zip(net.collect_params().values(), expected):
        np.testing.assert_array_equal(p.data().asnumpy(), e)


# ---- real MXNet 1.9.1 reads files written by mxjax --------------------------------------------
MXNET_READER = textwrap.dedent("""
    import sys, numpy as np, mxnet as mx
    src, out = sys.argv[1], sys.argv[2]
    bf16 = np.dtype([("bfloat16", np.uint16)])
    result = {}
    for prefix, loaded in (("d", mx.nd.load(src + "/dict.params")), ("l", mx.nd.load(src + "/list.params"))):
        items = loaded.items() if isinstance(loaded, dict) else enumerate(loaded)
        for k, v in items:
            result[f"{prefix}/{k}/dtype"] = np.array(str(np.dtype(v.dtype)) if v.dtype != bf16 else "bfloat16")
            result[f"{prefix}/{k}"] = (mx.nd.amp_cast(v, dtype="float32") if v.dtype == bf16 else v).asnumpy()
    net = mx.gluon.nn.HybridSequential(prefix="mlp_")
    with net.name_scope():
        body = mx.gluon.nn.HybridSequential()
        body.add(mx.gluon.nn.Dense(8, activation="relu"), mx.gluon.nn.Dense(6, activation="tanh"))
        net.add(body, mx.gluon.nn.Dense(3))
    net.load_parameters(src + "/mlp.params")
    result["gluon/y"] = net(mx.nd.array(np.load(src + "/x.npy"))).asnumpy()
    np.savez(out, **result)
""")


@pytest.mark.skipif(not os.path.exists(REF_PYTHON),
                    reason=f"needs the MXNet 1.9.1 reference venv ({REF_PYTHON} not found; "
                           "see tools/record_mxnet_reference.py)")
def test_mxnet_loads_files_written_by_mxjax(tmp_path):
    arrays = mxjax_dtype_arrays()
    mx.nd.save(str(tmp_path / "dict.params"), arrays)
    mx.nd.save(str(tmp_path / "list.params"), list(arrays.values()))
    net = mlp(in_units=False)
    net.initialize(mx.init.Xavier())
    x = np.random.default_rng(2).standard_normal((3, 5)).astype(np.float32)
    expected_y = net(mx.nd.array(x)).asnumpy()
    net.save_parameters(str(tmp_path / "mlp.params"))
    np.save(tmp_path / "x.npy", x)
    out = tmp_path / "mxnet_view.npz"
    subprocess.run([REF_PYTHON, "-c", MXNET_READER, str(tmp_path), str(out)], check=True,
                   capture_output=True, timeout=120)
    with np.load(out, allow_pickle=False) as got:
        for i, (name, dtype) in enumerate(DTYPES.items()):
            expected = VALUES[f"dtypes/{name}"]
            for key in (f"d/{name}", f"l/{i}"):
                assert str(got[key + "/dtype"]) == dtype
                value = got[key]
                assert value.shape == expected.shape
                assert value.tobytes() == np.asarray(expected, value.dtype).tobytes()
        np.testing.assert_allclose(got["gluon/y"], expected_y, rtol=1e-5, atol=1e-6)
