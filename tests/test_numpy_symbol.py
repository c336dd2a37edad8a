"""``mx.sym.np`` / ``mx.sym.npx``: the symbolic NumPy front end (graphs of the same table
functions as mx.np), Gluon export/import of blocks written with ``F.np`` under
``npx.set_np()``, and MXNet 1.9.1's JSON of such blocks read and written (recorded by
tools/record_mxnet_npx_files.py)."""
import importlib.util
import json
import os

import numpy as onp
import pytest

import mxjax as mx
from mxjax import gluon, np, npx

DATA = os.path.join(os.path.dirname(__file__), "reference", "data", "npx")
INPUT = [[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]]


def _recorder():
    """tools/record_mxnet_npx_files.py: the block and parameter values it recorded."""
    path = os.path.join(os.path.dirname(os.path.dirname(__file__)), "tools", "record_mxnet_npx_files.py")
    spec = importlib.util.spec_from_file_location("record_mxnet_npx_files", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def numpy_mode():
    npx.set_np()
    yield
    npx.reset_np()


def _eval(sym, **arrays):
    return sym.as_nd_ndarray().eval(**{k: mx.nd.array(v, dtype=v.dtype) for k, v in arrays.items()})


def test_symbol_types():
    x = mx.sym.var("x")
    assert type(x.as_np_ndarray()) is mx.sym.np._Symbol
    assert type(x.as_np_ndarray().as_nd_ndarray()) is mx.sym.Symbol
    assert x.as_nd_ndarray() is x
    y = mx.sym.np.add(x.as_np_ndarray(), 1)
    assert type(y) is mx.sym.np._Symbol and y.list_arguments() == ["x"]
    assert mx.sym.numpy is mx.sym.np and mx.sym.numpy_extension is mx.sym.npx


def test_graph_matches_imperative():
    a = onp.arange(6, dtype="float32").reshape(2, 3) - 2
    b = onp.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)
    x, y = mx.sym.var("x").as_np_ndarray(), mx.sym.var("y").as_np_ndarray()
    sym = mx.sym.np.sum(x * y - 0.5, axis=1) + mx.sym.npx.relu(x)[:, 1] ** 2 + mx.sym.np.linalg.norm(y)
    expected = np.sum(np.array(a) * np.array(b) - 0.5, axis=1) + npx.relu(np.array(a))[:, 1] ** 2 + \
        np.linalg.norm(np.array(b))
    onp.testing.assert_allclose(_eval(sym, x=a, y=b)[0].asnumpy(), expected.asnumpy(), rtol=1e-6)
    parts = mx.sym.np.split(x, 3, axis=1)
    assert len(parts) == 3 and [p.list_outputs() for p in parts] == [[f"{parts[0].name}_output{i}"] for i in range(3)]
    assert [_eval(p, x=a)[0].shape for p in parts] == [(2, 1)] * 3
    flat = mx.sym.npx.reshape(x, (-5,))
    assert _eval(flat, x=a)[0].shape == (6,)


def test_scalar_dtypes_follow_mx_np():
    """A number in a graph takes its dtype when the graph runs, as in mx.np: an int array + 2
    stays int32, * 1.5 gives float32, / 2 gives float32 (MXNet 1.9.1)."""
    i = onp.array([1, 2, 3], dtype="int32")
    x = mx.sym.var("x").as_np_ndarray()
    assert _eval(x + 2, x=i)[0].dtype == onp.int32
    assert _eval(x * 1.5, x=i)[0].asnumpy().tolist() == [1.5, 3.0, 4.5]
    assert _eval(x / 2, x=i)[0].dtype == onp.float32
    assert _eval(2 - x, x=i)[0].asnumpy().tolist() == [1, 0, -1]


def test_export_imports_round_trip(numpy_mode, tmp_path):
    block = _recorder().np_block(gluon)
    block.initialize(mx.init.Uniform(1.0))
    block.hybridize()
    x = np.array(INPUT)
    out = block(x)
    prefix = str(tmp_path / "blk")
    block.export(prefix)
    imported = gluon.SymbolBlock.imports(prefix + "-symbol.json", ["data"], prefix + "-0000.params")
    again = imported(x)
    assert type(again) is np.ndarray
    onp.testing.assert_allclose(again.asnumpy(), out.asnumpy(), rtol=1e-6)
    sym = block(mx.sym.var("data").as_np_ndarray())
    assert type(sym) is mx.sym.np._Symbol


def _nodes(path):
    return [(n["op"], n["name"], n.get("attrs")) for n in json.load(open(path))["nodes"]]


def test_json_both_ways_with_mxnet(numpy_mode, tmp_path):
    """MXNet's export of the block loads in mxjax with MXNet's output; mxjax's export of the
    same block names the nodes as MXNet's (so MXNet reads it: checked by hand with 1.9.1)."""
    recorder = _recorder()
    expected = json.load(open(os.path.join(DATA, "np_block.json")))["output"]
    imported = gluon.SymbolBlock.imports(os.path.join(DATA, "np_block-symbol.json"), ["data"],
                                         os.path.join(DATA, "np_block-0000.params"))
    onp.testing.assert_allclose(imported(np.array(INPUT)).asnumpy(), expected, rtol=1e-6)
    block = recorder.np_block(gluon)
    block.initialize()
    for i, (_, p) in enumerate(sorted(block.collect_params().items())):
        p.set_data(np.array(recorder.parameter_value(i, p.shape)) - 0.4)
    block.hybridize()
    onp.testing.assert_allclose(block(np.array(INPUT)).asnumpy(), expected, rtol=1e-6)
    block.export(str(tmp_path / "np_block"))
    mine = _nodes(str(tmp_path / "np_block-symbol.json"))
    theirs = _nodes(os.path.join(DATA, "np_block-symbol.json"))
    assert len(mine) == len(theirs)
    for (op, name, attrs), (op2, name2, attrs2) in zip(mine, theirs):
        assert name == name2
        if op2 == "_npx_relu":   # mxjax writes the registry's (legacy) name, which MXNet also reads
            assert op == "relu"
            continue
        assert op == op2
        if op2 != "_npi_mean":   # MXNet's Python mean writes its default keepdims too
            assert attrs == attrs2, name


def test_creation_functions_are_graph_nodes(numpy_mode):
    """mx.sym.np.zeros/ones/full/arange/eye/linspace/identity: nodes without inputs whose
    values and dtypes are mx.np's (float32 unless dtype is given)."""
    cases = [("zeros", ((2, 3),), {}), ("ones", ((2, 3),), {"dtype": "int32"}), ("full", ((2, 3), 2.5), {}),
             ("arange", (1, 7, 2), {}), ("eye", (3, 4, 1), {}), ("linspace", (0, 1, 5), {}),
             ("identity", (3,), {"dtype": "float64"}), ("empty", ((2,),), {})]
    for name, args, kwargs in cases:
        got = getattr(mx.sym.np, name)(*args, **kwargs).eval()[0]
        want = getattr(np, name)(*args, **kwargs)
        assert got.dtype == want.dtype, name
        onp.testing.assert_array_equal(got.asnumpy(), want.asnumpy())


def test_random_samplers_are_graph_nodes(numpy_mode):
    """mx.sym.np.random.*: each run of the graph draws anew from mx.random's stream (seeded
    runs repeat); parameters may be Symbols (then size= is required)."""
    x = mx.sym.var("x").as_np_ndarray()
    u = mx.sym.np.random.uniform(2.0, 3.0, size=(200,))
    mx.random.seed(7)
    first = u.eval()[0].asnumpy()
    second = u.eval()[0].asnumpy()
    mx.random.seed(7)
    onp.testing.assert_array_equal(u.eval()[0].asnumpy(), first)
    assert first.dtype == onp.float32 and first.shape == (200,)
    assert (first >= 2).all() and (first < 3).all() and not (first == second).all()
    r = mx.sym.np.random.randint(5, size=(100,)).eval()[0].asnumpy()
    assert r.dtype == onp.int64 and set(r) <= set(range(5))
    shifted = mx.sym.np.random.normal(x, 0.01, size=(4,)).eval(x=mx.nd.full((4,), 100.0))[0].asnumpy()
    assert onp.abs(shifted - 100).max() < 0.1
    with pytest.raises(TypeError, match="size="):
        mx.sym.np.random.normal(x, 1.0)


def test_split_family_returns_a_list(numpy_mode):
    """MXNet 1.9.1: mx.sym.np.split/array_split/hsplit/vsplit give a Python list of symbols,
    also for one section (len 1), so ``split(x, 1)[0]`` is the piece, not a row of it."""
    x = mx.sym.var("x").as_np_ndarray()
    for name, sections, count in (("split", 1, 1), ("split", 2, 2), ("split", [1, 2], 3),
                                  ("array_split", 1, 1), ("hsplit", 1, 1), ("vsplit", 1, 1)):
        pieces = getattr(mx.sym.np, name)(x, sections)
        assert type(pieces) is list and len(pieces) == count, (name, sections)
        assert all(type(p) is mx.sym.np._Symbol for p in pieces)


def test_split_of_one_section_exports_and_imports(numpy_mode, tmp_path):
    """The block of MXNet's test_net_symbol_save_load: split(x, 1)[0][:, -1, :] in a hybridized,
    exported and re-imported block is x[:, -1, :] (MXNet 1.9.1 gives shape (10, 8, 64))."""
    class Block(gluon.HybridBlock):
        def __init__(self, prefix=None, params=None):
            super().__init__(prefix=prefix, params=params)
            with self.name_scope():
                self.layer = gluon.nn.Dense(4, flatten=False)

        def hybrid_forward(self, F, x, y):
            x = F.np.split(x, 1)[0]
            return self.layer(x[:, -1, :] + y[:, -1, :])

    data = [np.array(onp.arange(240, dtype="float32").reshape(2, 5, 4, 6) / 240),
            np.array(onp.ones((2, 5, 4, 6), "float32"))]
    block = Block()
    block.hybridize()
    block.initialize(mx.init.Uniform(1.0))
    out = block(*data)
    assert out.shape == (2, 4, 4)
    prefix = str(tmp_path / "split")
    block.export(prefix)
    imported = gluon.SymbolBlock.imports(prefix + "-symbol.json", ["data0", "data1"], prefix + "-0000.params")
    onp.testing.assert_allclose(imported(*data).asnumpy(), out.asnumpy(), rtol=1e-6)
