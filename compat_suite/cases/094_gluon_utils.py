"""gluon.utils: split_data, split_and_load on one context, clip_global_norm on NDArrays."""
import mxnet as mx
from mxnet import gluon, nd
from compat_emit import emit, emit_error

data = nd.arange(12).reshape((6, 2))
emit("split_data", gluon.utils.split_data(data, 3))
emit("split_data_uneven", gluon.utils.split_data(nd.arange(7), 2, even_split=False))
emit_error("split_data_even_error", lambda: gluon.utils.split_data(nd.arange(7), 2))
loaded = gluon.utils.split_and_load(data, [mx.cpu()])
emit("split_and_load", loaded)
emit("split_and_load_ctx", [str(a.context) for a in loaded])
arrays = [nd.array([3.0, 4.0]), nd.array([[12.0]])]
norm = gluon.utils.clip_global_norm(arrays, 6.5)
emit("global_norm", norm)
emit("clipped", arrays)
small = [nd.array([0.3, 0.4])]
emit("not_clipped_norm", gluon.utils.clip_global_norm(small, 1.0))
emit("not_clipped", small)
