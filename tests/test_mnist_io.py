"""mx.io.MNISTIter, test_utils.get_mnist and get_mnist_iterator against what real MXNet 1.9.1
reads from the same synthetic idx files (recorded by tools/record_mxnet_mnist_io.py)."""
import json
import os
import sys

import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "reference"))
from mnist_files import write_mnist  # noqa: E402

with open(os.path.join(os.path.dirname(__file__), "reference", "data", "mnist_io.json")) as _f:
    REF = json.load(_f)


def _index_of(batch):
    pixels = np.round(batch.data[0].asnumpy().reshape(batch.data[0].shape[0], -1)[:, :2] * 256).astype(np.int64)
    return (pixels[:, 0] + 256 * pixels[:, 1]).tolist()


def _check_batch(batch, want):
    assert isinstance(batch, mx.io.DataBatch)
    assert _index_of(batch) == want["index"]
    assert batch.label[0].asnumpy().tolist() == want["label"]
    assert list(batch.data[0].shape) == want["shape"] and batch.data[0].dtype == np.float32
    assert batch.label[0].dtype == np.float32 and batch.pad == want["pad"] == 0
    np.testing.assert_allclose(batch.data[0].asnumpy().astype(np.float64).sum(), want["sum"], rtol=1e-12)


def _check_batches(it, expected):
    got = list(it)
    assert len(got) == len(expected)
    for batch, want in zip(got, expected):
        _check_batch(batch, want)


def _order(it):
    order = [i for b in it for i in _index_of(b)]
    return dict(n=len(order), head=order[:12], checksum=int(np.dot(np.arange(len(order)), order)))


@pytest.fixture
def small(tmp_path):
    write_mnist(str(tmp_path), "small", 23, False)
    return dict(image=str(tmp_path / "small-images-idx3-ubyte"), label=str(tmp_path / "small-labels-idx1-ubyte"),
                silent=True)


def test_mnist_iter_batches_scaling_and_dropped_last_batch(small):
    it = mx.io.MNISTIter(batch_size=5, shuffle=False, **small)
    assert [list(d.shape) for d in it.provide_data] == REF["plain"]["provide_data"]
    assert [list(d.shape) for d in it.provide_label] == REF["plain"]["provide_label"]
    assert it.provide_data[0].name == "data" and it.provide_label[0].name == "softmax_label"
    assert it.batch_size == 5
    _check_batches(it, REF["plain"]["batches"])      # 23 images: 4 batches, the last 3 never seen
    it.reset()
    first = it.next()
    assert _index_of(first) == REF["plain_after_reset"]
    assert first.index.dtype == np.uint64 and first.index.tolist() == [0] * 5
    assert it.iter_next() and it.getpad() == 0 and it.getlabel().shape == (5,)


def test_mnist_iter_flat_and_parts(small):
    flat = mx.io.MNISTIter(batch_size=5, shuffle=False, flat=True, **small)
    assert [list(d.shape) for d in flat.provide_data] == [[5, 784]]
    _check_batch(flat.next(), REF["flat"][0])
    _check_batches(mx.io.MNISTIter(batch_size=3, shuffle=False, num_parts=3, part_index=1, **small), REF["part"])


def test_mnist_iter_shuffles_in_mxnets_order(small, tmp_path):
    _check_batches(mx.io.MNISTIter(batch_size=4, **small), REF["shuffle_small_seed0"])   # shuffle=True by default
    write_mnist(str(tmp_path), "big", 1000, False)
    for seed in (0, 7):
        it = mx.io.MNISTIter(image=str(tmp_path / "big-images-idx3-ubyte"),
                             label=str(tmp_path / "big-labels-idx1-ubyte"), batch_size=100, seed=seed, silent=True)
        assert _order(it) == REF[f"shuffle_big_seed{seed}"]
        it.reset()    # no reshuffle
        assert _order(it) == REF[f"shuffle_big_seed{seed}"]


def test_mnist_iter_shuffle_of_60000_records(tmp_path):
    """At MNIST's size libstdc++'s draws reject some outputs: the order still matches MXNet's."""
    write_mnist(str(tmp_path), "tiny", 60000, False, rows=1, cols=3)
    it = mx.io.MNISTIter(image=str(tmp_path / "tiny-images-idx3-ubyte"), label=str(tmp_path / "tiny-labels-idx1-ubyte"),
                         batch_size=1000, silent=True)
    assert _order(it) == REF["shuffle_tiny_seed0"]


def test_mnist_iter_reads_gzip_and_logs_unless_silent(small, tmp_path, capsys):
    write_mnist(str(tmp_path), "zipped", 23, True)
    plain = mx.io.MNISTIter(batch_size=5, shuffle=False, **small)
    zipped = mx.io.MNISTIter(image=str(tmp_path / "zipped-images-idx3-ubyte.gz"),
                             label=str(tmp_path / "zipped-labels-idx1-ubyte.gz"), batch_size=5, shuffle=False,
                             flat=True, input_shape=(784,), prefetch_buffer=4)   # unknown arguments are ignored
    assert "MNISTIter: load 23 images, shuffle=0, shape=(5,784)" in capsys.readouterr().err
    np.testing.assert_array_equal(plain.next().data[0].asnumpy().reshape(5, -1), zipped.next().data[0].asnumpy())


@pytest.mark.parametrize("name, kwargs, message", [
    ("batch_size", dict(batch_size=0), "value 0 for Parameter batch_size should be greater equal to 1"),
    ("num_parts", dict(num_parts=0), "Check failed: param_.num_parts > 0 (0 vs. 0)"),
    ("part_index", dict(num_parts=3, part_index=3), "Check failed: param_.num_parts > param_.part_index (3 vs. 3)"),
    ("shuffle", dict(shuffle="maybe"), "Invalid Parameter format for shuffle expect boolean but value='maybe'"),
])
def test_mnist_iter_errors(small, name, kwargs, message):
    assert REF["error_" + name][0] == "MXNetError"
    with pytest.raises(MXNetError) as info:
        mx.io.MNISTIter(**dict(dict(small, batch_size=5), **kwargs))
    assert message in str(info.value)


def test_mnist_iter_smaller_than_a_batch_and_missing_files(small, tmp_path):
    assert REF["error_too_small"][0] == "StopIteration"
    with pytest.raises(StopIteration):
        mx.io.MNISTIter(**dict(small, batch_size=50))
    with pytest.raises(MXNetError, match="MNISTIter: cannot open .*nope"):
        mx.io.MNISTIter(image=str(tmp_path / "nope"), label=small["label"])
    (tmp_path / "junk").write_bytes(b"\x01\x02\x03\x04\x05")
    with pytest.raises(MXNetError, match="invalid mnist format"):
        mx.io.MNISTIter(image=str(tmp_path / "junk"), label=small["label"])


@pytest.fixture
def mnist_dir(tmp_path, monkeypatch):
    """MXNet's layout: the .gz files in the current directory, the raw ones in data/."""
    (tmp_path / "data").mkdir()
    for prefix, n in (("train", 130), ("t10k", 70)):
        write_mnist(str(tmp_path), prefix, n, True)
        write_mnist(str(tmp_path / "data"), prefix, n, False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MXNET_HOME", str(tmp_path / "home"))
    return tmp_path


def _check_get_mnist(data):
    assert list(data) == ["train_data", "train_label", "test_data", "test_label"]
    for key, want in REF["get_mnist"].items():
        value = data[key]
        assert isinstance(value, np.ndarray) and list(value.shape) == want["shape"]
        assert str(value.dtype) == want["dtype"]
        np.testing.assert_allclose(value.astype(np.float64).sum(), want["sum"], rtol=1e-12)
        head = value.ravel()[:3] if key.endswith("label") else value[0, 0, 0, :4]
        np.testing.assert_array_equal(head, np.array(want["head"], dtype=value.dtype))


def test_get_mnist(mnist_dir, tmp_path_factory):
    _check_get_mnist(mx.test_utils.get_mnist())
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    for name in os.listdir(mnist_dir):
        if name.endswith(".gz"):
            os.rename(mnist_dir / name, elsewhere / name)
    _check_get_mnist(mx.test_utils.get_mnist(path=str(elsewhere)))
    with pytest.raises(MXNetError, match=r"get_mnist: missing MNIST file\(s\) train-labels-idx1-ubyte.gz, "
                                         r"train-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, "
                                         r"t10k-images-idx3-ubyte.gz .*mxjax does not download datasets.*put them in"):
        mx.test_utils.get_mnist()


def test_get_mnist_iterator(mnist_dir):
    train, val = mx.test_utils.get_mnist_iterator(32, (1, 28, 28))
    _check_batches(train, REF["iterator"]["train"])
    _check_batches(val, REF["iterator"]["val"])
    train, val = mx.test_utils.get_mnist_iterator(16, (784,), num_parts=2, part_index=1)
    _check_batches(train, REF["iterator_parts"]["train"])
    _check_batches(val, REF["iterator_parts"]["val"])


def test_get_mnist_iterator_from_zip_or_gz_files_and_missing(mnist_dir):
    import zipfile
    with zipfile.ZipFile(mnist_dir / "data" / "mnist.zip", "w") as zf:
        for name in os.listdir(mnist_dir / "data"):
            if name.endswith("ubyte"):
                zf.write(mnist_dir / "data" / name, name)
                os.remove(mnist_dir / "data" / name)
    _check_batches(mx.test_utils.get_mnist_iterator(32, (1, 28, 28))[1], REF["iterator"]["val"])   # extracted
    for name in os.listdir(mnist_dir / "data"):
        os.remove(mnist_dir / "data" / name)
    _check_batches(mx.test_utils.get_mnist_iterator(32, (1, 28, 28))[1], REF["iterator"]["val"])   # ./*.gz
    for name in os.listdir(mnist_dir):
        if name.endswith(".gz"):
            os.remove(mnist_dir / name)
    with pytest.raises(MXNetError, match=r"get_mnist_iterator: missing MNIST file\(s\) train-images-idx3-ubyte, "
                                         r".*does not download datasets.*put them in .*data"):
        mx.test_utils.get_mnist_iterator(32, (1, 28, 28))
