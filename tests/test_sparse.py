"""Sparse NDArrays (mx.nd.sparse): storage types, metadata, storage rules of operators,
autograd, gluon and optimizers on row_sparse gradients, nd.save/nd.load in MXNet's format.
Expected values were recorded from real MXNet 1.9.1 (tools/record_mxnet_sparse.py and the
outputs quoted in each test)."""
import os
import pickle
import subprocess

import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, gluon
from mxjax.base import MXNetError, NotSupportedForSparseNDArray
from mxjax.ndarray.sparse import CSRNDArray, RowSparseNDArray

REFERENCE = os.path.join(os.path.dirname(__file__), "reference", "data", "sparse_mxnet191.params")
MXREF = "/tmp/mxref/bin/python"
DENSE = np.array([[0, 1, 0], [2, 0, 0], [0, 0, 0], [0, 0, 3]], np.float32)


def _csr():
    return mx.nd.array(DENSE).tostype("csr")


def test_csr_metadata_and_classes():
    c = _csr()
    assert isinstance(c, CSRNDArray) and isinstance(c, mx.nd.NDArray) and c.stype == "csr"
    assert c.data.asnumpy().tolist() == [1, 2, 3]
    assert c.indices.asnumpy().tolist() == [1, 0, 2] and c.indices.dtype == np.int64
    assert c.indptr.asnumpy().tolist() == [0, 1, 2, 2, 3]
    assert repr(c) == "\n<CSRNDArray 4x3 @cpu(0)>"
    assert c._num_aux == 2
    with pytest.raises(NotImplementedError):
        c.size


def test_row_sparse_keeps_explicit_rows_and_nonzero_rows_of_dense():
    x = mx.nd.sparse.row_sparse_array(([[0, 0], [1, 2]], [0, 2]), shape=(3, 2))
    assert isinstance(x, RowSparseNDArray) and x.indices.asnumpy().tolist() == [0, 2]
    assert x.data.asnumpy().tolist() == [[0, 0], [1, 2]]
    # MXNet keeps the stored rows through these ops (recorded: [0 2] for each)
    for y in (x * 2, mx.nd.sqrt(x), x + x, x.copy(), x.tostype("row_sparse")):
        assert y.stype == "row_sparse" and y.indices.asnumpy().tolist() == [0, 2]
    d = mx.nd.array([[1, 0], [0, 0]]).tostype("row_sparse")
    assert d.indices.asnumpy().tolist() == [0] and d.data.asnumpy().tolist() == [[1, 0]]


def test_constructors():
    c = mx.nd.sparse.csr_matrix(([1., 2, 3], [1, 0, 2], [0, 1, 2, 2, 3]), shape=(4, 3))
    np.testing.assert_array_equal(c.asnumpy(), DENSE)
    inferred = mx.nd.sparse.csr_matrix(([1., 2, 3], [1, 0, 2], [0, 1, 2, 2, 3]))
    assert inferred.shape == (4, 3)
    assert mx.nd.sparse.row_sparse_array(([[1, 2]], [4])).shape == (5, 2)
    assert mx.nd.sparse.zeros("csr", (2, 3)).indptr.asnumpy().tolist() == [0, 0, 0]
    assert mx.nd.zeros((2, 3), stype="row_sparse").stype == "row_sparse"
    assert mx.nd.sparse.row_sparse_array((2, 3)).shape == (2, 3)
    with pytest.raises(ValueError):
        mx.nd.sparse.csr_matrix(mx.nd.ones((2, 2)), shape=(3, 2))
    with pytest.raises(ValueError):
        mx.nd.sparse.zeros("invalid_stype", (2, 2))
    with pytest.raises(ValueError):
        mx.nd.ones((3,)).tostype("csr")
    with pytest.raises(ValueError):
        c.tostype("row_sparse")


def test_check_format_finds_malformed_definitions():
    a = mx.nd.sparse.csr_matrix(([7, 8, 9], [0, 2, 1], [0, 5, 2, 3]), shape=(3, 4))
    with pytest.raises(MXNetError):
        a.check_format()
    b = mx.nd.sparse.row_sparse_array(([[1, 2], [3, 4]], [1, 0]), shape=(3, 2))
    with pytest.raises(MXNetError):
        b.check_format()
    _csr().check_format()


def test_scipy_round_trip():
    spsp = pytest.importorskip("scipy.sparse")
    c = _csr()
    s = c.asscipy()
    assert isinstance(s, spsp.csr_matrix)
    np.testing.assert_array_equal(s.toarray(), DENSE)
    back = mx.nd.sparse.array(s)
    assert back.stype == "csr" and back.indptr.asnumpy().tolist() == [0, 1, 2, 2, 3]


def test_storage_types_of_results():
    # recorded from MXNet 1.9.1
    c, r = _csr(), mx.nd.array([[0, 0], [1, 1], [0, 0]]).tostype("row_sparse")
    assert mx.nd.dot(c, mx.nd.ones((3, 2))).stype == "default"
    t = mx.nd.dot(c, mx.nd.array(np.arange(8).reshape(4, 2)), transpose_a=True)
    assert t.stype == "row_sparse" and t.indices.asnumpy().tolist() == [0, 1, 2]
    assert t.asnumpy().tolist() == [[4, 6], [0, 1], [18, 21]]
    assert mx.nd.dot(mx.nd.ones((2, 4)), c).stype == "csr"
    assert (c * 2).stype == "csr" and (c + 1).stype == "default" and (c / 2).stype == "csr"
    assert mx.nd.sqrt(c).stype == "csr" and mx.nd.exp(c).stype == "default"
    assert mx.nd.relu(r).stype == "row_sparse" and mx.nd.sigmoid(r).stype == "default"
    assert mx.nd.zeros_like(r).stype == "row_sparse" and mx.nd.ones_like(r).stype == "default"
    assert (r > 0).stype == "row_sparse" and (r >= 0).stype == "default" and (0 == r).stype == "default"
    assert (1 == r).stype == "row_sparse"
    r2 = mx.nd.array([[1, 1], [0, 0], [0, 0]]).tostype("row_sparse")
    assert (r * r2).indices.asnumpy().tolist() == [0, 1]
    assert mx.nd.add_n(r, r2).stype == "row_sparse"
    assert c[1:3].stype == "csr" and c[1:3].indptr.asnumpy().tolist() == [0, 1, 1]
    assert mx.nd.sparse.retain(mx.nd.sparse.row_sparse_array(([[0, 0], [1, 2]], [0, 2]), shape=(3, 2)),
                               mx.nd.array([1, 2])).indices.asnumpy().tolist() == [1, 2]
    sq = mx.nd.sparse.square_sum(r, axis=1, keepdims=True)
    assert sq.stype == "row_sparse" and sq.asnumpy().ravel().tolist() == [0, 2, 0]
    assert mx.nd.contrib.getnnz(c).asnumpy().tolist() == [3]
    with pytest.raises(NotSupportedForSparseNDArray):
        r.reshape((6,))


def test_setitem_and_inplace():
    x = mx.nd.sparse.zeros("row_sparse", (2, 3))
    x[:] = 2
    assert (x.asnumpy() == 2).all() and x.indices.asnumpy().tolist() == [0, 1]
    y = mx.nd.sparse.zeros("csr", (2, 2))
    y[:] = mx.nd.array([[0, 5], [0, 0]])
    assert y.indices.asnumpy().tolist() == [1]
    y += y
    assert y.stype == "csr" and y.asnumpy().tolist() == [[0, 10], [0, 0]]
    with pytest.raises(ValueError):
        y[:] = 1


def test_attach_grad_with_stype_and_sparse_dot_grad():
    for stype in ("default", "row_sparse", "csr"):
        x = mx.nd.zeros((2, 2)).tostype(stype)
        x.attach_grad()
        assert x.grad.stype == stype
        with autograd.record():
            y = x * 2
        y.backward(out_grad=mx.nd.ones_like(y).tostype(x.stype))
        assert (x.grad.asnumpy() == 2).all()
    v = mx.nd.array([[1., 2], [3, 4]])
    v.attach_grad(stype="row_sparse")
    c2 = mx.nd.sparse.csr_matrix(([1., 2], [0, 0], [0, 1, 1, 2]), shape=(3, 2))
    with autograd.record():
        y = mx.nd.dot(c2, v)
    y.backward()
    # MXNet 1.9.1: row_sparse [0] [[3, 3], [0, 0]]
    assert v.grad.stype == "row_sparse" and v.grad.indices.asnumpy().tolist() == [0]
    assert v.grad.asnumpy().tolist() == [[3, 3], [0, 0]]


def test_sparse_embedding_lazy_sgd_and_adam():
    net = gluon.nn.Embedding(6, 2, sparse_grad=True)
    net.initialize(mx.init.One())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 1, "wd": 0.1})
    with autograd.record():
        out = net(mx.nd.array([1, 4]))
    out.backward()
    assert net.weight.grad().stype == "row_sparse"
    assert net.weight.grad().indices.asnumpy().tolist() == [1, 4]
    trainer.step(1)
    w = np.ones((6, 2), np.float32)
    w[[1, 4]] = -0.10000002384185791     # MXNet 1.9.1; weight decay skips the other rows
    np.testing.assert_allclose(net.weight.data().asnumpy(), w, rtol=1e-6)
    adam = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.1})
    with autograd.record():
        out = net(mx.nd.array([2]))
    out.backward()
    adam.step(1)
    w[2] = 0.8999993801116943
    np.testing.assert_allclose(net.weight.data().asnumpy(), w, rtol=1e-6)


def test_row_sparse_parameter():
    with pytest.raises(AssertionError):
        gluon.Parameter("w", shape=(2, 2), stype="invalid")
    with pytest.raises(AssertionError):
        gluon.Parameter("w", shape=(2, 2), grad_stype="invalid")
    p = gluon.Parameter("weight", shape=(4, 2), stype="row_sparse", grad_stype="row_sparse")
    p.initialize(init=mx.init.Constant(3))
    with pytest.raises(RuntimeError):
        p.row_sparse_data(mx.nd.array([0]))
    with pytest.raises(RuntimeError):
        p.data()
    gluon.Trainer([p], "sgd")
    rows = p.row_sparse_data(mx.nd.array([0, 2]))
    assert rows.stype == "row_sparse" and rows.indices.asnumpy().tolist() == [0, 2]
    assert rows.asnumpy().tolist() == [[3, 3], [0, 0], [3, 3], [0, 0]]
    assert p.grad().stype == "row_sparse" and len(p.list_row_sparse_data(mx.nd.array([1]))) == 1


def test_row_sparse_parameter_trains_through_row_sparse_data_on_two_contexts():
    """As MXNet: row_sparse_data refills the parameter's own array (the variable whose gradient
    is the parameter's) with the rows asked for, from the Trainer's kvstore, which holds the
    weights and updates them (update_on_kvstore is forced on for row_sparse weights)."""
    ctxs = [mx.cpu(0), mx.cpu(1)]
    w = gluon.Parameter("w", shape=(4, 3), stype="row_sparse", grad_stype="row_sparse")
    w.initialize(init=mx.init.One(), ctx=ctxs)
    trainer = gluon.Trainer([w], "sgd", {"learning_rate": 1})
    batches = [mx.nd.array([0, 2], ctx=ctxs[0]), mx.nd.array([1, 2], ctx=ctxs[1])]
    with autograd.record():
        outs = [mx.nd.Embedding(x, w.row_sparse_data(x), input_dim=4, output_dim=3, sparse_grad=True)
                for x in batches]
    assert outs[0].asnumpy().tolist() == [[1, 1, 1]] * 2
    for out in outs:
        out.backward()
    assert w.list_grad()[1].asnumpy().tolist() == [[0, 0, 0], [1, 1, 1], [1, 1, 1], [0, 0, 0]]
    trainer.step(1)
    assert trainer._update_on_kvstore is True
    # the gradients of both contexts are summed: row 2 was used once on each
    weight = w.row_sparse_data(mx.nd.arange(0, 4)).asnumpy()
    assert weight.tolist() == [[0, 0, 0], [0, 0, 0], [-1, -1, -1], [1, 1, 1]]
    part = w.row_sparse_data(mx.nd.array([3]))     # only the rows asked for are in this copy
    assert part.indices.asnumpy().tolist() == [3] and part.asnumpy()[:3].sum() == 0
    assert w.list_row_sparse_data(mx.nd.array([2]))[1].asnumpy()[2].tolist() == [-1, -1, -1]
    other = gluon.Parameter("v", shape=(4, 3), stype="row_sparse")
    other.initialize(ctx=ctxs)
    with pytest.raises(ValueError, match="update_on_kvstore=False when sparse weights"):
        gluon.Trainer([other], "sgd", update_on_kvstore=False)._init_kvstore()
    with pytest.raises(RuntimeError, match="More than one trainers for a row_sparse Parameter"):
        gluon.Trainer([w], "sgd")


def test_pickle_keeps_storage():
    x = mx.nd.sparse.row_sparse_array(([[0, 0], [1, 2]], [0, 2]), shape=(3, 2))
    y = pickle.loads(pickle.dumps(x))
    assert y.stype == "row_sparse" and y.indices.asnumpy().tolist() == [0, 2]


def _arrays():
    return {"r": mx.nd.sparse.row_sparse_array(([[0, 0], [1, 2]], [0, 2]), shape=(3, 2)),
            "c": _csr(), "d": mx.nd.ones((2,))}


def test_load_file_written_by_mxnet_and_write_same_bytes(tmp_path):
    loaded = mx.nd.load(REFERENCE)
    assert loaded["r"].stype == "row_sparse" and loaded["r"].indices.asnumpy().tolist() == [0, 2]
    assert loaded["r"].data.asnumpy().tolist() == [[0, 0], [1, 2]]
    assert loaded["c"].stype == "csr" and loaded["c"].indptr.asnumpy().tolist() == [0, 1, 2, 2, 3]
    np.testing.assert_array_equal(loaded["c"].asnumpy(), DENSE)
    out = tmp_path / "mine.params"
    mx.nd.save(str(out), _arrays())
    assert out.read_bytes() == open(REFERENCE, "rb").read()


@pytest.mark.skipif(not os.path.exists(MXREF), reason="needs the reference MXNet venv")
def test_real_mxnet_loads_our_file(tmp_path):
    out = tmp_path / "mine.params"
    mx.nd.save(str(out), _arrays())
    script = ("import mxnet as mx, sys; l = mx.nd.load(sys.argv[1]); "
              "print(l['r'].stype, l['r'].indices.asnumpy().tolist(), l['c'].stype, "
              "l['c'].indices.asnumpy().tolist(), l['c'].asnumpy().sum())")
    res = subprocess.run([MXREF, "-c", script, str(out)], capture_output=True, text=True, timeout=120)
    assert res.stdout.split("\n")[0] == "row_sparse [0, 2] csr [1, 0, 2] 6.0"


def test_parameter_dict_with_a_row_sparse_parameter_saves(tmp_path):
    """ParameterDict.save reduces each parameter over its contexts whatever its storage type
    (it used to call list_data(), which a row_sparse parameter refuses)."""
    params = mx.gluon.ParameterDict("net_")
    params.get("w", shape=(4, 2), stype="row_sparse")
    params.get("b", shape=(2,))
    params.initialize(init=mx.init.Constant(0.5), ctx=[mx.cpu(0), mx.cpu(1)])
    path = str(tmp_path / "p.params")
    params.save(path)
    loaded = mx.nd.load(path)
    assert sorted(loaded) == ["net_b", "net_w"]
    np.testing.assert_array_equal(loaded["net_w"].asnumpy(), np.full((4, 2), 0.5, np.float32))
