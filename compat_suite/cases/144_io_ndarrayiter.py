"""mx.io.NDArrayIter: batches, padding with last_batch_handle='pad', provide_data, reset."""
import numpy as np
import mxnet as mx
from compat_emit import emit

data = np.arange(14, dtype=np.float32).reshape((7, 2))
label = np.arange(7, dtype=np.float32)
it = mx.io.NDArrayIter(data, label, batch_size=3, last_batch_handle='pad')
emit("provide_data", [(d.name, d.shape) for d in it.provide_data])
emit("provide_label", [(d.name, d.shape) for d in it.provide_label])
for i, batch in enumerate(it):
    emit(f"batch{i}", (batch.data[0], batch.label[0], batch.pad))
it.reset()
emit("after_reset", next(iter(it)).data[0])
it2 = mx.io.NDArrayIter(data, label, batch_size=3, last_batch_handle='discard')
emit("discard_count", len(list(it2)))
