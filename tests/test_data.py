"""gluon.data: datasets, samplers, DataLoader, the vision datasets and transforms, as MXNet 1.9.1.

Orders, dtypes and contexts below were recorded from MXNet 1.9.1 on the same calls; the
transform outputs come from tests/reference/data/gluon/transforms.* (recorded by
tools/record_mxnet_gluon_data.py).  The vision datasets read tiny files in the standard
formats, written by the tests.
"""
import gzip
import json
import os
import random
import struct
import sys
import tarfile

import numpy as np
import pytest

import mxjax as mx
from mxjax import gluon, nd
from mxjax.base import MXNetError, NotImplementedForMXJax
from mxjax.gluon.data import (ArrayDataset, BatchSampler, DataLoader, FilterSampler, RandomSampler, Sampler,
                              SequentialSampler, SimpleDataset)
from mxjax.gluon.data.vision import transforms as T

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "reference"))
from gluon_transform_cases import CASES as TRANSFORM_CASES, run_transform_case  # noqa: E402

_DATA = os.path.join(HERE, "reference", "data", "gluon", "transforms")
with open(_DATA + ".json") as _fh:
    TRANSFORM_META = json.load(_fh)["cases"]
TRANSFORM_RECORDED = np.load(_DATA + ".npz")


def _values(loader):
    return [b.asnumpy().tolist() for b in loader]


# ---- datasets --------------------------------------------------------------------------------------------------
def test_array_dataset_items_as_mxnet():
    ds = ArrayDataset(nd.arange(5), np.arange(5) * 2, [1, 2, 3, 4, 5])
    assert len(ds) == 5
    a, b, c = ds[1]
    # a 1-d NDArray is converted to numpy: its items are numpy scalars
    assert (a, b, c) == (1.0, 2, 2)
    assert type(a) is np.float32 and type(b) is np.int64 and type(c) is int
    single = ArrayDataset(nd.arange(10).reshape((5, 2)))
    assert isinstance(single[1], nd.NDArray) and single[1].shape == (2,)
    with pytest.raises(AssertionError, match=r"array\[0\] has length 3 while array\[2\] has 4"):
        ArrayDataset(np.arange(3), np.arange(4))
    with pytest.raises(AssertionError, match="Needs at least 1 arrays"):
        ArrayDataset()


def test_lazy_transforms():
    calls = []

    def double(x, y):
        calls.append(x)
        return x * 2, y
    ds = ArrayDataset(np.arange(4.0), np.arange(4) + 10)
    lazy = ds.transform(double)
    assert calls == [] and len(lazy) == 4
    assert lazy[2] == (4.0, 12) and calls == [2.0]
    first = ds.transform_first(lambda x: x + 100)
    assert first[1] == (101.0, 11)
    eager = SimpleDataset([1, 2, 3]).transform(lambda x: x * 10, lazy=False)
    assert type(eager) is SimpleDataset and eager[2] == 30 and len(eager) == 3
    assert SimpleDataset([5, 6]).transform_first(lambda x: -x)[1] == -6


def test_dataset_shard_take_filter_sample():
    ds = SimpleDataset(list(range(10)))
    assert [len(ds.shard(3, i)) for i in range(3)] == [4, 3, 3]
    assert list(ds.shard(3, 2)) == [7, 8, 9]
    assert list(ds.take(3)) == [0, 1, 2] and len(ds.take(None)) == 10
    assert list(ds.filter(lambda x: x % 3 == 0)) == [0, 3, 6, 9]
    assert list(ds.sample(SequentialSampler(3, 4))) == [4, 5, 6]
    with pytest.raises(TypeError, match="Invalid sampler type"):
        ds.sample([1, 2])
    with pytest.raises(AssertionError, match="Shard index of out bound"):
        ds.shard(2, 2)


def test_record_file_dataset_reads_records_by_position(tmp_path):
    writer = mx.recordio.MXIndexedRecordIO(str(tmp_path / "d.idx"), str(tmp_path / "d.rec"), "w")
    for key in (7, 3, 5):
        writer.write_idx(key, bytes([key]) * key)
    writer.close()
    ds = gluon.data.RecordFileDataset(str(tmp_path / "d.rec"))
    assert len(ds) == 3
    assert [ds[i] for i in range(3)] == [bytes([7]) * 7, bytes([3]) * 3, bytes([5]) * 5]
    assert ds.idx_file == str(tmp_path / "d.idx")


# ---- samplers --------------------------------------------------------------------------------------------------
def test_samplers():
    assert list(SequentialSampler(3, 2)) == [2, 3, 4] and len(SequentialSampler(3)) == 3
    np.random.seed(0)
    indices = list(RandomSampler(5))
    assert indices == [2, 0, 1, 3, 4]                      # recorded from MXNet 1.9.1 after np.random.seed(0)
    assert type(indices[0]) is np.int64
    assert list(FilterSampler(lambda x: x > 1, [0, 3, 1, 5])) == [1, 3]
    assert isinstance(RandomSampler(2), Sampler)


def test_batch_sampler_last_batch_modes():
    keep = BatchSampler(SequentialSampler(7), 3, "keep")
    assert len(keep) == 3 and list(keep) == [[0, 1, 2], [3, 4, 5], [6]]
    discard = BatchSampler(SequentialSampler(7), 3, "discard")
    assert len(discard) == 2 and list(discard) == [[0, 1, 2], [3, 4, 5]]
    roll = BatchSampler(SequentialSampler(7), 3, "rollover")
    assert len(roll) == 2 and list(roll) == [[0, 1, 2], [3, 4, 5]]
    assert len(roll) == 2 and list(roll) == [[6, 0, 1], [2, 3, 4]]
    assert len(roll) == 3
    with pytest.raises(ValueError, match="last_batch must be one of 'keep', 'discard', or 'rollover', but got foo"):
        list(BatchSampler(SequentialSampler(7), 3, "foo"))


# ---- DataLoader ---------------------------------------------------------------------------------------------------
def test_default_batchify_dtypes():
    dl = DataLoader(ArrayDataset(nd.arange(5), np.arange(5) * 2, [1, 2, 3, 4, 5]), batch_size=2)
    assert len(dl) == 3
    batch = next(iter(dl))
    assert isinstance(batch, list)                           # tuple samples give a list of batches
    assert [(b.dtype, b.shape) for b in batch] == [(np.float32, (2,)), (np.int64, (2,)), (np.int64, (2,))]
    dl = DataLoader(SimpleDataset([(np.ones((2,)), 1, 2.5, True)] * 3), batch_size=2, last_batch="discard")
    batches = list(dl)
    assert len(batches) == 1
    assert [(b.dtype, b.shape) for b in batches[0]] == [(np.float64, (2, 2)), (np.int64, (2,)), (np.float64, (2,)),
                                                        (np.bool_, (2,))]
    dl = DataLoader(ArrayDataset(nd.arange(8).reshape((4, 2)), np.arange(4)), batch_size=3)
    assert [[(x.shape, x.dtype) for x in b] for b in dl] == [[((3, 2), np.float32), ((3,), np.int64)],
                                                             [((1, 2), np.float32), ((1,), np.int64)]]
    assert next(iter(dl))[0].context == mx.cpu(0)


def test_shuffle_last_batch_and_batch_sampler():
    ds = SimpleDataset(list(range(10)))
    np.random.seed(42)
    dl = DataLoader(ds, batch_size=4, shuffle=True)
    # recorded from MXNet 1.9.1: a new permutation every epoch
    assert _values(dl) == [[8, 1, 5, 0], [7, 2, 9, 4], [3, 6]]
    assert _values(dl) == [[0, 1, 8, 5], [3, 4, 7, 9], [6, 2]]
    dl = DataLoader(ds, batch_size=4, last_batch="rollover")
    assert _values(dl) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert _values(dl) == [[8, 9, 0, 1], [2, 3, 4, 5], [6, 7, 8, 9]]
    assert len(dl) == 2
    dl = DataLoader(ds, batch_sampler=BatchSampler(SequentialSampler(5, 3), 2))
    assert _values(dl) == [[3, 4], [5, 6], [7]]
    dl = DataLoader(ds, batch_size=3, sampler=SequentialSampler(4, 6))
    assert _values(dl) == [[6, 7, 8], [9]]


def test_dataloader_argument_errors():
    ds = SimpleDataset(list(range(5)))
    with pytest.raises(ValueError, match="batch_size must be specified unless batch_sampler is specified"):
        DataLoader(ds)
    with pytest.raises(ValueError, match="shuffle must not be specified if sampler is specified"):
        DataLoader(ds, batch_size=2, shuffle=True, sampler=SequentialSampler(5))
    with pytest.raises(ValueError, match="must not be specified if batch_sampler is specified"):
        DataLoader(ds, batch_size=2, batch_sampler=BatchSampler(SequentialSampler(5), 2))
    with pytest.raises(AssertionError, match="timeout must be positive, given 0"):
        DataLoader(ds, batch_size=2, timeout=0)


def _tuple_batchify(samples):
    return tuple(nd.array([s[0] for s in samples]) + i for i in range(2))


def test_workers_as_mxnet():
    ds = SimpleDataset(list(range(10)))
    np.random.seed(0)
    dl = DataLoader(ds, batch_size=3, shuffle=True, num_workers=2, prefetch=1)
    batches = list(dl)
    assert [b.asnumpy().tolist() for b in batches] == [[2, 8, 4], [9, 1, 6], [7, 3, 0], [5]]   # MXNet 1.9.1
    assert all(b.context == mx.Context("cpu_shared", 0) for b in batches)
    assert len(list(dl)) == 4                                   # a second epoch
    # a custom batchify_fn's structure is kept; arrays come back in shared memory, as from MXNet's processes
    dl = DataLoader(ArrayDataset(np.arange(4), np.arange(4) * 2.), batch_size=3, batchify_fn=_tuple_batchify,
                    num_workers=2)
    out = list(dl)
    assert [type(b) for b in out] == [tuple, tuple]
    assert [[(x.context, x.asnumpy().tolist()) for x in b] for b in out] == [
        [(mx.Context("cpu_shared", 0), [0.0, 1.0, 2.0]), (mx.Context("cpu_shared", 0), [1.0, 2.0, 3.0])],
        [(mx.Context("cpu_shared", 0), [3.0]), (mx.Context("cpu_shared", 0), [4.0])]]
    # thread_pool keeps the worker's own arrays; the default batchify still uses shared memory
    dl = DataLoader(ds, batch_size=4, batchify_fn=lambda s: nd.array(s), num_workers=2, thread_pool=True)
    assert [b.context for b in dl] == [mx.cpu(0)] * 3
    dl = DataLoader(SimpleDataset([nd.ones((2,))] * 3), batch_size=2, num_workers=2, thread_pool=True)
    assert [(b.context, b.shape) for b in dl] == [(mx.Context("cpu_shared", 0), (2, 2)),
                                                  (mx.Context("cpu_shared", 0), (1, 2))]


def test_pin_memory_and_auto_reload():
    dl = DataLoader(ArrayDataset(np.arange(4), np.arange(4) * 2.), batch_size=3, num_workers=1, pin_memory=True)
    out = list(dl)
    assert all(type(b) is list for b in out)
    assert [[(x.context, x.dtype) for x in b] for b in out] == [[(mx.cpu_pinned(0), np.int64),
                                                                 (mx.cpu_pinned(0), np.float64)]] * 2
    dl = DataLoader(SimpleDataset([nd.ones((2,))] * 3), batch_size=2, pin_memory=True)
    assert [b.context for b in dl] == [mx.cpu_pinned(0)] * 2
    np.random.seed(0)
    dl = DataLoader(SimpleDataset(list(range(10))), batch_size=3, shuffle=True, auto_reload=True)
    assert _values(dl) == [[2, 8, 4], [9, 1, 6], [7, 3, 0], [5]]        # MXNet 1.9.1
    assert _values(dl) == [[3, 5, 1], [2, 9, 8], [0, 6, 7], [4]]


def test_worker_errors_reach_the_caller():
    def broken(i):
        raise KeyError("sample missing")
    ds = SimpleDataset(list(range(4))).transform(broken)
    with pytest.raises(KeyError, match="sample missing"):
        list(DataLoader(ds, batch_size=2, num_workers=2))


def test_training_loop_over_a_dataloader():
    """A DataLoader feeding a Dense net and a Trainer: the usual Gluon loop runs."""
    rs = np.random.RandomState(0)
    x = rs.uniform(size=(8, 3)).astype("float32")
    y = (x.sum(1) > 1.5).astype("float32")
    net = gluon.nn.Dense(2, in_units=3)
    net.initialize(mx.init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    metric = mx.metric.Accuracy()
    for data, label in DataLoader(ArrayDataset(x, y), batch_size=4, shuffle=True):
        with mx.autograd.record():
            out = net(data)
            loss = loss_fn(out, label)
        loss.backward()
        trainer.step(data.shape[0])
        metric.update([label], [out])
    assert metric.num_inst == 8


# ---- vision datasets --------------------------------------------------------------------------------------------
def _write_idx(path, magic, array):
    with gzip.open(path, "wb") as fh:
        fh.write(struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape))
        fh.write(array.astype(np.uint8).tobytes())


def _write_mnist(root, prefix, n, seed):
    rs = np.random.RandomState(seed)
    images = rs.randint(0, 256, (n, 28, 28)).astype(np.uint8)
    labels = rs.randint(0, 10, n).astype(np.uint8)
    _write_idx(os.path.join(root, f"{prefix}-images-idx3-ubyte.gz"), 2051, images)
    _write_idx(os.path.join(root, f"{prefix}-labels-idx1-ubyte.gz"), 2049, labels)
    return images, labels


@pytest.mark.parametrize("cls", [gluon.data.vision.MNIST, gluon.data.vision.FashionMNIST])
def test_mnist_from_idx_files(tmp_path, cls):
    images, labels = _write_mnist(str(tmp_path), "train", 5, 0)
    test_images, test_labels = _write_mnist(str(tmp_path), "t10k", 3, 1)
    ds = cls(root=str(tmp_path))
    assert len(ds) == 5
    data, label = ds[2]
    assert isinstance(data, nd.NDArray) and data.shape == (28, 28, 1) and data.dtype == np.uint8
    assert type(label) is np.int32 and label == labels[2]
    np.testing.assert_array_equal(data.asnumpy()[:, :, 0], images[2])
    test = cls(root=str(tmp_path), train=False)
    assert len(test) == 3 and test[1][1] == test_labels[1]
    np.testing.assert_array_equal(test[1][0].asnumpy()[:, :, 0], test_images[1])
    seen = cls(root=str(tmp_path), transform=lambda d, l: (d.astype("float32") / 255, l + 1))
    assert seen[0][0].dtype == np.float32 and seen[0][1] == labels[0] + 1


def test_mnist_through_transforms_and_dataloader(tmp_path):
    _write_mnist(str(tmp_path), "train", 6, 2)
    ds = gluon.data.vision.MNIST(root=str(tmp_path)).transform_first(
        T.Compose([T.ToTensor(), T.Normalize(0.13, 0.31)]))
    data, label = next(iter(DataLoader(ds, batch_size=4)))
    assert data.shape == (4, 1, 28, 28) and data.dtype == np.float32
    assert label.shape == (4,) and label.dtype == np.int32


def test_missing_dataset_files_say_where_to_put_them(tmp_path):
    root = str(tmp_path / "mnist")
    with pytest.raises(MXNetError, match=r"MNIST: missing file\(s\) train-images-idx3-ubyte.gz, "
                                         r"train-labels-idx1-ubyte.gz in .*mnist.*does not download"):
        gluon.data.vision.MNIST(root=root)
    assert os.path.isdir(root)                         # created, as MXNet does
    with pytest.raises(MXNetError, match=r"CIFAR10: missing file\(s\) data_batch_1.bin"):
        gluon.data.vision.CIFAR10(root=str(tmp_path / "cifar"))
    with pytest.raises(MXNetError, match=r"CIFAR100: missing file\(s\) test.bin"):
        gluon.data.vision.CIFAR100(root=str(tmp_path / "cifar100"), train=False)


def _cifar_records(n, label_bytes, seed):
    rs = np.random.RandomState(seed)
    labels = rs.randint(0, 10, (n, label_bytes)).astype(np.uint8)
    pixels = rs.randint(0, 256, (n, 3, 32, 32)).astype(np.uint8)
    return np.concatenate([labels, pixels.reshape(n, -1)], axis=1), labels, pixels


def test_cifar10_binary_batches(tmp_path):
    root = str(tmp_path)
    expected = []
    for i, name in enumerate([f"data_batch_{k}.bin" for k in range(1, 6)] + ["test_batch.bin"]):
        records, labels, pixels = _cifar_records(2, 1, i)
        records.tofile(os.path.join(root, name))
        expected.append((labels[:, 0], pixels))
    ds = gluon.data.vision.CIFAR10(root=root)
    assert len(ds) == 10
    data, label = ds[3]                                 # second record of data_batch_2
    assert data.shape == (32, 32, 3) and data.dtype == np.uint8 and type(label) is np.int32
    assert label == expected[1][0][1]
    np.testing.assert_array_equal(data.asnumpy(), expected[1][1][1].transpose(1, 2, 0))
    test = gluon.data.vision.CIFAR10(root=root, train=False)
    assert len(test) == 2 and test[0][1] == expected[5][0][0]


def test_cifar100_labels_and_archive_extraction(tmp_path):
    staging = tmp_path / "staging" / "cifar-100-binary"
    staging.mkdir(parents=True)
    train, labels, pixels = _cifar_records(3, 2, 7)
    train.tofile(str(staging / "train.bin"))
    _cifar_records(1, 2, 8)[0].tofile(str(staging / "test.bin"))
    root = tmp_path / "root"
    root.mkdir()
    with tarfile.open(str(root / "cifar-100-binary.tar.gz"), "w:gz") as tar:   # the original archive's layout
        tar.add(str(staging), arcname="cifar-100-binary")
    coarse = gluon.data.vision.CIFAR100(root=str(root))
    fine = gluon.data.vision.CIFAR100(root=str(root), fine_label=True)
    assert [coarse[i][1] for i in range(3)] == labels[:, 0].tolist()
    assert [fine[i][1] for i in range(3)] == labels[:, 1].tolist()
    np.testing.assert_array_equal(fine[2][0].asnumpy(), pixels[2].transpose(1, 2, 0))


def _png_images(count):
    rs = np.random.RandomState(0)
    return [rs.randint(0, 256, (5 + i, 4 + 2 * i, 3)).astype(np.uint8) for i in range(count)]


def test_image_record_dataset_decodes_packed_images(tmp_path):
    pytest.importorskip("PIL")
    images = _png_images(3)
    writer = mx.recordio.MXIndexedRecordIO(str(tmp_path / "i.idx"), str(tmp_path / "i.rec"), "w")
    for i, img in enumerate(images):   # pack_img takes BGR, as OpenCV does
        writer.write_idx(i, mx.recordio.pack_img(mx.recordio.IRHeader(0, [i, 2.5], i, 0), img, img_fmt=".png"))
    writer.close()
    ds = gluon.data.vision.ImageRecordDataset(str(tmp_path / "i.rec"))
    assert len(ds) == 3
    img, label = ds[2]
    assert img.dtype == np.uint8 and img.shape == (7, 8, 3)
    np.testing.assert_array_equal(img.asnumpy(), images[2][:, :, ::-1])
    np.testing.assert_array_equal(label, [2, 2.5])
    assert gluon.data.vision.ImageRecordDataset(str(tmp_path / "i.rec"), flag=0)[1][0].shape == (6, 6, 1)
    scaled = gluon.data.vision.ImageRecordDataset(str(tmp_path / "i.rec"), transform=lambda x, y: (x * 0 + 1, y[0]))
    assert scaled[1][0].asnumpy().max() == 1 and scaled[1][1] == 1


def test_image_folder_dataset_lists_classes_and_skips_other_files(tmp_path):
    pytest.importorskip("PIL")
    images = _png_images(3)
    for name, i in (("b", 0), ("a", 1), ("a", 2)):
        os.makedirs(tmp_path / name, exist_ok=True)
        png = mx.recordio.unpack(mx.recordio.pack_img(mx.recordio.IRHeader(0, 0, 0, 0), images[i], img_fmt=".png"))[1]
        (tmp_path / name / f"{i}.PNG").write_bytes(png)
    (tmp_path / "a" / "readme.txt").write_text("x")
    (tmp_path / "loose.png").write_bytes(b"")
    with pytest.warns(UserWarning) as caught:
        ds = gluon.data.vision.ImageFolderDataset(str(tmp_path))
    assert sorted(str(w.message).split(",")[0] for w in caught) == [
        f"Ignoring {tmp_path / 'a' / 'readme.txt'} of type .txt. Only support .jpg",
        f"Ignoring {tmp_path / 'loose.png'}"]
    assert ds.synsets == ["a", "b"]
    assert [(os.path.basename(p), label) for p, label in ds.items] == [("1.PNG", 0), ("2.PNG", 0), ("0.PNG", 1)]
    img, label = ds[2]
    np.testing.assert_array_equal(img.asnumpy(), images[0][:, :, ::-1])
    assert label == 1 and len(ds) == 3


# ---- transforms ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", TRANSFORM_CASES, ids=[c.id for c in TRANSFORM_CASES])
def test_transform_matches_mxnet(case):
    out = run_transform_case(mx, case)
    meta = TRANSFORM_META[case.id]["outputs"][0]
    assert list(out.shape) == meta["shape"] and str(out.dtype) == meta["dtype"]
    expected = TRANSFORM_RECORDED[f"{case.id}/0"]
    if out.dtype == np.uint8:
        np.testing.assert_array_equal(out, expected)        # OpenCV's integer arithmetic, bit for bit
    else:
        np.testing.assert_allclose(out, expected, rtol=case.rtol, atol=case.atol)


def test_compose_groups_hybrid_transforms():
    c = T.Compose([T.Resize(3), T.CenterCrop(2), T.ToTensor(), T.Normalize(0.1, 0.2)])
    children = list(c._children.values())
    assert [type(b).__name__ for b in children] == ["Resize", "CenterCrop", "HybridSequential"]
    assert children[2]._active                           # the hybrid run is hybridized, as in MXNet
    assert repr(T.Compose([T.ToTensor(), T.Normalize(0.1, 0.2)])) == (
        "Compose(\n  (0): HybridSequential(\n    (0): ToTensor(\n    \n    )\n    (1): Normalize(\n    \n    )\n  )\n)")


def test_random_flips_are_flips():
    x = nd.array(np.arange(2 * 3 * 2).reshape(2, 3, 2), dtype="uint8")
    mx.random.seed(0)
    lr = [T.RandomFlipLeftRight()(x).asnumpy() for _ in range(12)]
    tb = [T.RandomFlipTopBottom()(x).asnumpy() for _ in range(12)]
    plain = x.asnumpy()
    assert all((o == plain).all() or (o == plain[:, ::-1]).all() for o in lr)
    assert any((o == plain[:, ::-1]).all() for o in lr) and any((o == plain).all() for o in lr)
    assert all((o == plain).all() or (o == plain[::-1]).all() for o in tb)
    assert any((o == plain[::-1]).all() for o in tb)
    with pytest.raises(MXNetError):
        T.RandomFlipLeftRight()(nd.ones((1, 2, 3, 3)))


def test_crop_resize():
    x = nd.array(np.random.RandomState(0).randint(0, 256, (6, 8, 3)), dtype="uint8")
    out = T.CropResize(1, 2, 4, 3)(x)
    np.testing.assert_array_equal(out.asnumpy(), x.asnumpy()[2:5, 1:5])
    assert T.CropResize(1, 2, 4, 3, size=(2, 2))(x).shape == (2, 2, 3)


def test_transform_errors():
    with pytest.raises(MXNetError, match="ToTensor: input image must have shape"):
        T.ToTensor()(nd.ones((5, 4)))
    with pytest.raises(MXNetError, match="Resize: input image dimension should be 3 or 4 but got 2"):
        T.Resize(3)(nd.ones((5, 4)))
    with pytest.raises(MXNetError, match=r"mean must have either 1 or 3 elements, but got \[0.5, 0.1\]"):
        T.Normalize((0.5, 0.1), (0.25, 1))(nd.ones((3, 2, 4)))
    with pytest.raises(MXNetError, match="channel dimension of the input must have 1 or 3 elements"):
        T.Normalize(0.5, 0.25)(nd.ones((2, 4, 3)))
    with pytest.raises(NotImplementedForMXJax, match="interpolation=2"):
        T.Resize((3, 2), interpolation=2)(nd.ones((5, 4, 3)))
    with pytest.raises(NotImplementedForMXJax):
        T.RandomBrightness(0.1)


def test_random_resized_crop_uses_python_random():
    x = nd.array(np.random.RandomState(1).randint(0, 256, (12, 16, 3)), dtype="uint8")
    random.seed(5)
    a = T.RandomResizedCrop(5)(x).asnumpy()
    random.seed(5)
    b = T.RandomResizedCrop(5)(x).asnumpy()
    np.testing.assert_array_equal(a, b)


def test_worker_batches_feed_a_cpu_net_directly():
    net = gluon.nn.Dense(2, in_units=3)
    net.initialize()
    batch = next(iter(DataLoader(SimpleDataset([nd.ones((3,))] * 4), batch_size=2, num_workers=1)))
    assert net(batch).shape == (2, 2)
