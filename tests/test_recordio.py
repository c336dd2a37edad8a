"""mx.recordio: MXNet 1.9.1's RecordIO bytes (the hex strings below were written by real
MXNet 1.9.1), multi-part records around an embedded magic number, index files, pack/unpack."""
import pickle
import struct

import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError

MAGIC = struct.pack("<I", 0xced7230a)
RECORDS = [(3, b"abc"), (1, b"wxyz" + MAGIC + b"12345" + MAGIC + MAGIC),
           (2, mx.recordio.pack((0, [1.5, -2], 7, 9), b"hi"))]
#: MXNet 1.9.1: MXIndexedRecordIO('s.idx', 's.rec', 'w'), write_idx of RECORDS in order
MXNET_REC = bytes.fromhex(
    "0a23d7ce03000000616263000a23d7ce040000207778797a0a23d7ce0d00006031323334350a23d7ce0a23d7ce"
    "0000000a23d7ce220000000200000000000000070000000000000009000000000000000000c03f000000c0686900"
    "00")
MXNET_IDX = "3\t0\n1\t12\n2\t48\n"


def test_written_files_are_mxnets_bytes(tmp_path):
    rec, idx = str(tmp_path / "s.rec"), str(tmp_path / "s.idx")
    writer = mx.recordio.MXIndexedRecordIO(idx, rec, "w")
    for key, record in RECORDS:
        writer.write_idx(key, record)
    writer.close()
    assert open(rec, "rb").read() == MXNET_REC
    assert open(idx).read() == MXNET_IDX


def test_mxnets_files_read_back(tmp_path):
    rec, idx = tmp_path / "s.rec", tmp_path / "s.idx"
    rec.write_bytes(MXNET_REC)
    idx.write_text(MXNET_IDX)
    reader = mx.recordio.MXIndexedRecordIO(str(idx), str(rec), "r")
    assert reader.keys == [3, 1, 2]
    for key, record in reversed(RECORDS):
        assert reader.read_idx(key) == record
    header, payload = mx.recordio.unpack(reader.read_idx(2))
    assert payload == b"hi" and (header.flag, header.id, header.id2) == (2, 7, 9)
    np.testing.assert_array_equal(header.label, np.array([1.5, -2], np.float32))
    sequential = mx.recordio.MXRecordIO(str(rec), "r")
    assert [sequential.read() for _ in range(4)] == [r for _, r in RECORDS] + [None]
    sequential.reset()
    assert sequential.read() == b"abc"


def test_pack_with_a_number_label():
    packed = mx.recordio.pack(mx.recordio.IRHeader(3, 4.0, 5, 6), b"z")
    assert packed.hex() == "0000000000008040050000000000000006000000000000007a"   # MXNet 1.9.1
    assert mx.recordio.unpack(packed) == (mx.recordio.IRHeader(0, 4.0, 5, 6), b"z")


def test_every_aligned_magic_position_round_trips(tmp_path):
    path = str(tmp_path / "m.rec")
    records = [b"x" * pad + MAGIC * n + b"y" * tail for pad in (0, 1, 4) for n in (1, 2) for tail in (0, 3)]
    writer = mx.recordio.MXRecordIO(path, "w")
    for r in records:
        writer.write(r)
    writer.close()
    reader = mx.recordio.MXRecordIO(path, "r")
    assert [reader.read() for _ in records] == records
    assert reader.read() is None


def test_errors_and_pickling(tmp_path):
    path = str(tmp_path / "e.rec")
    with pytest.raises(ValueError, match="Invalid flag"):
        mx.recordio.MXRecordIO(path, "a")
    writer = mx.recordio.MXRecordIO(path, "w")
    with pytest.raises(TypeError, match="bytes"):
        writer.write("text")
    writer.write(b"abcdef")
    copy = pickle.loads(pickle.dumps(writer))      # closes the original, reopens (truncating) a writer
    assert copy.is_open and not writer.is_open
    copy.write(b"q")
    copy.close()
    reader = mx.recordio.MXRecordIO(path, "r")
    assert reader.read() == b"q" and reader.read() is None
    (tmp_path / "bad.rec").write_bytes(b"not a record file")
    with pytest.raises(MXNetError, match="Invalid RecordIO File"):
        mx.recordio.MXRecordIO(str(tmp_path / "bad.rec"), "r").read()
    with pytest.raises(MXNetError, match="cannot open"):
        mx.recordio.MXRecordIO(str(tmp_path / "missing" / "x.rec"), "r")


def test_images_round_trip_in_opencv_channel_order():
    pytest.importorskip("PIL")
    img = np.zeros((4, 5, 3), np.uint8)
    img[..., 0] = 200                                 # blue, in OpenCV's BGR order
    header, back = mx.recordio.unpack_img(mx.recordio.pack_img((0, 1.0, 0, 0), img, quality=3, img_fmt=".png"))
    np.testing.assert_array_equal(back, img)
    assert header.label == 1.0
