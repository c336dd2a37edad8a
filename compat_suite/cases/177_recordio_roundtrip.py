"""RecordIO as MXNet's im2rec tools write it: packed headers with scalar and vector labels, an
indexed file read back in shuffled order, and the raw bytes of the file."""
import random
import numpy as np
import mxnet as mx
from compat_emit import emit

writer = mx.recordio.MXIndexedRecordIO("data.idx", "data.rec", "w")
for i in range(6):
    label = float(i) if i % 2 else np.arange(i + 1, dtype=np.float32) / 4
    writer.write_idx(i, mx.recordio.pack(mx.recordio.IRHeader(0, label, i, 0), bytes([i]) * (i * 3 + 1)))
writer.close()
emit("rec_bytes", list(open("data.rec", "rb").read()))
emit("idx_text", open("data.idx").read())
reader = mx.recordio.MXIndexedRecordIO("data.idx", "data.rec", "r")
keys = list(reader.keys)
random.Random(0).shuffle(keys)
for key in keys:
    header, payload = mx.recordio.unpack(reader.read_idx(key))
    emit(f"record_{key}", [header.flag, np.asarray(header.label, np.float32).tolist(), header.id, list(payload)])
sequential = mx.recordio.MXRecordIO("data.rec", "r")
count = 0
while sequential.read() is not None:
    count += 1
emit("count", count)
