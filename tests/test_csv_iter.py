"""mx.io.CSVIter against MXNet 1.9.1 (every expected value below was printed by MXNet 1.9.1's
CSVIter on the same files)."""
import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError


@pytest.fixture
def files(tmp_path):
    (tmp_path / "data.csv").write_text("1,2,3\n2,3,4\n3,4,5\n4,5,6\n5,6,7\n")
    (tmp_path / "label.csv").write_text("10\n20\n30\n40\n50\n")
    (tmp_path / "l2.csv").write_text("1,2\n3,4\n5,6\n")
    (tmp_path / "d1.csv").write_text("7\n8\n9\n")
    return tmp_path


def _epoch(it):
    return [(b.data[0].asnumpy().tolist(), b.label[0].asnumpy().tolist(), b.pad, b.index.tolist()) for b in it]


def test_round_batch_wraps_and_the_next_epoch_continues(files):
    it = mx.io.CSVIter(data_csv=str(files / "data.csv"), data_shape=(3,), batch_size=2)
    assert repr(it.provide_data) == "[DataDesc[data,(2, 3),<class 'numpy.float32'>,NCHW]]"
    assert repr(it.provide_label) == "[DataDesc[softmax_label,(2,),<class 'numpy.float32'>,NCHW]]"
    first = _epoch(it)
    assert first == [([[1, 2, 3], [2, 3, 4]], [0, 0], 0, [0, 1]),
                     ([[3, 4, 5], [4, 5, 6]], [0, 0], 0, [2, 3]),
                     ([[5, 6, 7], [1, 2, 3]], [0, 0], 1, [4, 0])]
    it.reset()
    assert _epoch(it) == [([[2, 3, 4], [3, 4, 5]], [0, 0], 0, [1, 2]),
                          ([[4, 5, 6], [5, 6, 7]], [0, 0], 0, [3, 4])]
    it.reset()
    assert _epoch(it) == first


def test_labels_int64_and_round_batch_false_keeps_the_old_rows(files):
    it = mx.io.CSVIter(data_csv=str(files / "data.csv"), data_shape=(3, 1), label_csv=str(files / "label.csv"),
                       batch_size=2, round_batch=False, dtype="int64")
    assert repr(it.provide_data) == "[DataDesc[data,(2, 3, 1),<class 'numpy.int64'>,NCHW]]"
    assert repr(it.provide_label) == "[DataDesc[softmax_label,(2,),<class 'numpy.int64'>,NCHW]]"
    batches = list(it)
    assert [b.data[0].dtype for b in batches] == [np.int64] * 3 and batches[0].label[0].dtype == np.int64
    assert [(b.data[0].asnumpy()[:, :, 0].tolist(), b.label[0].asnumpy().tolist(), b.pad) for b in batches] == [
        ([[1, 2, 3], [2, 3, 4]], [10, 20], 0), ([[3, 4, 5], [4, 5, 6]], [30, 40], 0),
        ([[5, 6, 7], [4, 5, 6]], [50, 40], 1)]
    it.reset()
    assert it.iter_next()
    assert it.getdata().asnumpy()[:, :, 0].tolist() == [[1, 2, 3], [2, 3, 4]]
    assert it.getlabel().asnumpy().tolist() == [10, 20] and it.getpad() == 0


def test_label_shapes_and_int32(files):
    it = mx.io.CSVIter(data_csv=str(files / "d1.csv"), data_shape=(1,), label_csv=str(files / "l2.csv"),
                       label_shape=(2,), batch_size=2)
    assert [d.shape for d in it.provide_data + it.provide_label] == [(2, 1), (2, 2)]
    it = mx.io.CSVIter(data_csv=str(files / "d1.csv"), data_shape=(1, 1), label_csv=str(files / "l2.csv"),
                       label_shape=(1, 2), batch_size=2)
    assert [d.shape for d in it.provide_data + it.provide_label] == [(2, 1, 1), (2,)]
    assert it.next().label[0].asnumpy().tolist() == [1.0, 2.0]          # MXNet's "label 1D" reshape
    it = mx.io.CSVIter(data_csv=str(files / "l2.csv"), data_shape=(2,), batch_size=4, dtype="int32")
    batch = it.next()
    assert batch.data[0].dtype == np.int32
    assert batch.data[0].asnumpy().tolist() == [[1, 2], [3, 4], [5, 6], [1, 2]]
    assert it.getlabel().asnumpy().tolist() == [0, 0, 0, 0]


def test_large_integers_parse_exactly(tmp_path):
    (tmp_path / "d.csv").write_text("2147483648,1\n")
    it = mx.io.CSVIter(data_csv=str(tmp_path / "d.csv"), data_shape=(2,), batch_size=1, dtype="int64")
    assert it.next().data[0].asnumpy().tolist() == [[2147483648, 1]]


@pytest.mark.parametrize("kwargs,message", [
    (dict(data_csv="l2.csv", data_shape=(3,), batch_size=2),
     r"Check failed: row.length == shape.Size\(\) \(2 vs. 3\) : The data size in CSV do not match size of shape: "
     r"specified shape=\[3\], the csv row-length=2"),
    (dict(data_csv="l2.csv", data_shape=(2,), batch_size=2, dtype="float64"), "float64 is not supported for CSVIter"),
    (dict(data_csv="nonexist.csv", data_shape=(2,), batch_size=2), "nonexist.csv error: No such file or directory"),
    (dict(data_shape=(2,), batch_size=2), "Required parameter data_csv of string is not presented"),
    (dict(data_csv="l2.csv", data_shape=(2,)), r"Required parameter batch_size of int \(non-negative\) is not"),
    (dict(data_csv="l2.csv", data_shape=(2,), batch_size=7), "number of input must be bigger than batch size"),
    (dict(data_csv="data.csv", data_shape=(3,), label_csv="d1.csv", batch_size=2),
     "Data CSV's row is smaller than the number of rows in label_csv"),
])
def test_errors(files, kwargs, message):
    kwargs = {k: str(files / v) if k.endswith("_csv") else v for k, v in kwargs.items()}
    with pytest.raises(MXNetError, match=message):
        for _ in mx.io.CSVIter(**kwargs):
            pass
