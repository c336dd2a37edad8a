"""mx.io.NDArrayIter: MXNet 1.9.1's batching, padding, discarding and rolling over (values
recorded from real MXNet 1.9.1)."""
import numpy as np
import pytest

import mxjax as mx


def _epochs(handle, epochs=2):
    it = mx.io.NDArrayIter(np.arange(10).reshape(10, 1), np.arange(10), batch_size=4, last_batch_handle=handle)
    out = []
    for _ in range(epochs):
        for b in it:
            data, label = b.data[0].asnumpy(), b.label[0].asnumpy()
            assert data.dtype == np.float32 and label.dtype == np.float32
            out.append((data.ravel().tolist(), label.tolist(), b.pad))
        it.reset()
    return out


def test_pad_fills_the_last_batch_from_the_start():
    epoch = [([0, 1, 2, 3], [0, 1, 2, 3], 0), ([4, 5, 6, 7], [4, 5, 6, 7], 0), ([8, 9, 0, 1], [8, 9, 0, 1], 2)]
    assert _epochs("pad") == epoch * 2


def test_discard_drops_the_incomplete_batch():
    epoch = [([0, 1, 2, 3], [0, 1, 2, 3], 0), ([4, 5, 6, 7], [4, 5, 6, 7], 0)]
    assert _epochs("discard") == epoch * 2


def test_roll_over_completes_the_incomplete_batch_next_epoch():
    assert _epochs("roll_over") == [
        ([0, 1, 2, 3], [0, 1, 2, 3], 0), ([4, 5, 6, 7], [4, 5, 6, 7], 0),
        ([8, 9, 0, 1], [8, 9, 0, 1], 2), ([2, 3, 4, 5], [2, 3, 4, 5], 0), ([6, 7, 8, 9], [6, 7, 8, 9], 0)]


def test_hard_reset_drops_the_carried_samples():
    it = mx.io.NDArrayIter(np.arange(10), batch_size=4, last_batch_handle="roll_over")
    assert len(list(it)) == 2
    it.hard_reset()
    assert it.next().data[0].asnumpy().tolist() == [0, 1, 2, 3]


def test_names_are_sorted_and_small_data_is_tiled():
    it = mx.io.NDArrayIter({"b": np.ones((3, 2)), "a": np.zeros((3, 2))}, batch_size=2)
    assert [d.name for d in it.provide_data] == ["a", "b"]
    assert repr(it.provide_data[0]) == "DataDesc[a,(2, 2),<class 'numpy.float32'>,NCHW]"
    it = mx.io.NDArrayIter(np.arange(3), batch_size=7)
    batch = it.next()
    assert batch.data[0].asnumpy().tolist() == [0, 1, 2, 0, 1, 2, 0] and batch.pad == 4


def test_shuffle_follows_idx():
    np.random.seed(0)
    it = mx.io.NDArrayIter(np.arange(6), batch_size=1, shuffle=True)
    assert [b.data[0].asnumpy()[0] for b in it] == list(it.idx)


def test_arrays_longer_than_the_data_are_read_as_far_as_the_data_goes():
    """MXNet counts samples in the first data array; a longer label (a weight vector kept
    whole while the data is sliced) is read sample by sample, its extra entries unused."""
    it = mx.io.NDArrayIter(np.arange(4).reshape(4, 1), {"label": np.arange(8), "w": np.arange(8) * 10}, batch_size=2)
    assert [b.label[0].asnumpy().tolist() for b in it] == [[0, 1], [2, 3]]
    assert [b.label[0].asnumpy().tolist() for b in it] == []          # exhausted until reset
    it.reset()
    assert [b.label[1].asnumpy().tolist() for b in it] == [[0, 10], [20, 30]]


def test_arrays_shorter_than_the_data_are_refused():
    with pytest.raises(mx.MXNetError, match="'softmax_label' has 2 samples, fewer than the 4 of 'data'"):
        mx.io.NDArrayIter(np.arange(4), np.arange(2), batch_size=2)


def test_bad_input_type():
    with pytest.raises(TypeError, match="Input must be NDArray"):
        mx.io.NDArrayIter(3)


def test_csr_data_needs_discard_and_batches_are_csr():
    dense = np.array([[0, 1, 0], [2, 0, 0], [0, 0, 3], [4, 0, 5], [0, 6, 0]], dtype=np.float32)
    csr = mx.nd.array(dense).tostype("csr")
    with pytest.raises(NotImplementedError, match="only supports ``CSRNDArray`` with `last_batch_handle` set to"):
        mx.io.NDArrayIter({"data": csr}, dense, 2)
    batches = list(mx.io.NDArrayIter({"csr_data": csr, "dns_data": dense}, None, 2, last_batch_handle="discard"))
    assert len(batches) == 2 and batches[0].label == []
    assert [b.data[0].stype for b in batches] == ["csr", "csr"] and batches[0].data[1].stype == "default"
    assert batches[1].data[0].asnumpy().tolist() == dense[2:4].tolist()
    assert batches[1].data[1].asnumpy().tolist() == dense[2:4].tolist()


def test_scipy_csr_input_becomes_csr(monkeypatch):
    spsp = pytest.importorskip("scipy.sparse")
    dense = np.arange(12, dtype=np.float64).reshape(4, 3) % 3
    as_nd = mx.nd.array(spsp.csr_matrix(dense))
    assert type(as_nd).__name__ == "CSRNDArray" and as_nd.dtype == np.float64      # MXNet keeps scipy's dtype
    with pytest.raises(TypeError, match="source_array must be array like object"):
        mx.nd.array(spsp.coo_matrix(dense))
    with pytest.raises(NotImplementedError):
        mx.io.NDArrayIter({"data": spsp.csr_matrix(dense)}, dense, 3)
    np.random.seed(0)
    it = mx.io.NDArrayIter({"data": spsp.csr_matrix(dense)}, dense, 2, shuffle=True, last_batch_handle="discard")
    for batch in it:
        assert batch.data[0].stype == "csr"
        assert batch.data[0].asnumpy().tolist() == batch.label[0].asnumpy().tolist()   # rows stay paired


def test_nd_array_copies_its_numpy_source():
    """MXNet's nd.array copies: iterators that refill one host buffer per batch rely on it."""
    for dtype in (None, np.float32):
        source = np.zeros(1 << 20, dtype=np.float32)
        arr = mx.nd.array(source, dtype=dtype)
        source[0] = 5
        assert arr[0].asscalar() == 0


def test_ndarrayiter_shuffle_orders_compose_across_resets():
    """MXNet reorders its data by each reset's permutation, so the orders compose; recorded
    from MXNet 1.9.1 (np.random.seed(5), 10 samples, batch 4, roll_over)."""
    np.random.seed(5)
    it = mx.io.NDArrayIter(np.arange(10).astype("float32"), np.arange(10), batch_size=4, shuffle=True,
                           last_batch_handle="roll_over")
    epochs = []
    for _ in range(3):
        epochs.append([b.data[0].asnumpy().astype(int).tolist() for b in it])
        it.reset()
    assert epochs == [[[9, 5, 2, 4], [7, 1, 0, 8]],
                      [[6, 3, 2, 5], [9, 7, 0, 1], [8, 6, 4, 3]],
                      [[9, 0, 4, 7], [3, 2, 1, 6]]]


# ---- ImageRecordIter (values recorded from real MXNet 1.9.1) --------------------------------------------------------
def _ramp_rec(path, count=5):
    """PNG records of 6x8 images: B a horizontal ramp (+ the record number), G a vertical one, R 200."""
    writer = mx.recordio.MXRecordIO(str(path), "w")
    for i in range(count):
        img = np.zeros((6, 8, 3), np.uint8)
        img[:, :, 0] = np.arange(8) * 10 + i
        img[:, :, 1] = np.arange(6)[:, None] * 20
        img[:, :, 2] = 200
        writer.write(mx.recordio.pack_img(mx.recordio.IRHeader(0, [i, 10 + i], i, 0), img, img_fmt=".png"))
    writer.close()
    return str(path)


def test_image_record_iter_crops_mirrors_and_normalizes(tmp_path):
    pytest.importorskip("PIL")
    it = mx.io.ImageRecordIter(path_imgrec=_ramp_rec(tmp_path / "s.rec"), data_shape=(3, 4, 4), batch_size=2,
                               label_width=2, mirror=True, mean_r=100, mean_g=10, mean_b=5, std_r=2, std_g=4,
                               std_b=5, scale=0.5)
    batches = list(it)
    assert [(b.label[0].asnumpy().tolist(), b.pad) for b in batches] == [
        ([[0, 10], [1, 11]], 0), ([[2, 12], [3, 13]], 0), ([[4, 14], [0, 10]], 1)]
    row = batches[0].data[0].asnumpy()[1, :, 1, :]
    np.testing.assert_allclose(row, [[25] * 4, [3.75] * 4, [4.6, 3.6, 2.6, 1.6]], rtol=1e-6)
    assert batches[0].index.tolist() == [0, 0]


def test_image_record_iter_round_batch_rolls_the_next_epoch_on(tmp_path):
    pytest.importorskip("PIL")
    writer = mx.recordio.MXRecordIO(str(tmp_path / "r.rec"), "w")
    for i in range(7):
        img = np.full((5, 5, 3), i, np.uint8)
        writer.write(mx.recordio.pack_img(mx.recordio.IRHeader(0, float(i), i, 0), img, img_fmt=".png"))
    writer.close()
    it = mx.io.ImageRecordIter(path_imgrec=str(tmp_path / "r.rec"), data_shape=(3, 4, 4), batch_size=3)
    epochs = []
    for _ in range(3):
        epochs.append([(b.label[0].asnumpy().tolist(), b.pad) for b in it])
        it.reset()
    assert epochs == [[([0, 1, 2], 0), ([3, 4, 5], 0), ([6, 0, 1], 2)],
                      [([2, 3, 4], 0), ([5, 6, 0], 1)],
                      [([1, 2, 3], 0), ([4, 5, 6], 0)]]


def test_image_record_uint8_iter_and_grayscale(tmp_path):
    pytest.importorskip("PIL")
    path = _ramp_rec(tmp_path / "s.rec")
    it = mx.io.ImageRecordUInt8Iter(path_imgrec=path, data_shape=(3, 4, 4), batch_size=3, label_width=2)
    assert it.provide_data[0].shape == (3, 3, 4, 4) and it.provide_data[0].dtype == np.uint8
    assert it.provide_label[0].shape == (3, 2)
    batch = next(iter(it))
    assert batch.data[0].dtype == np.uint8
    assert batch.data[0].asnumpy()[2, :, 0, :].tolist() == [[200] * 4, [20] * 4, [22, 32, 42, 52]]
    gray = mx.io.ImageRecordIter(path_imgrec=path, data_shape=(1, 4, 4), batch_size=2, label_width=2)
    assert next(iter(gray)).data[0].asnumpy()[0, 0].tolist() == [
        [73, 74, 76, 77], [85, 86, 87, 88], [97, 98, 99, 100], [109, 110, 111, 112]]
    padded = mx.io.ImageRecordIter(path_imgrec=path, data_shape=(3, 10, 10), batch_size=2, label_width=2, pad=2,
                                   fill_value=7)
    data = next(iter(padded)).data[0].asnumpy()
    assert data[0, 0, :, 0].tolist() == [7] * 10 and data[0, 2, 1].tolist() == [7] * 10
    with pytest.raises(mx.base.MXNetError, match="rec file provide 2-dimensional label but label_width is set to 1"):
        next(iter(mx.io.ImageRecordIter(path_imgrec=path, data_shape=(3, 4, 4), batch_size=2)))
    with pytest.raises(NotImplementedError, match="max_rotate_angle"):
        mx.io.ImageRecordIter(path_imgrec=path, data_shape=(3, 4, 4), batch_size=2, max_rotate_angle=10)
    with pytest.raises(mx.base.MXNetError, match="Cannot find argument 'bogus'"):
        mx.io.ImageRecordIter(path_imgrec=path, data_shape=(3, 4, 4), batch_size=2, bogus=1)
