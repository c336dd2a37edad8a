"""sort/argsort/topk (ret_typ value/indices/both/mask) and their index dtypes."""
from mxnet import nd
from compat_emit import emit

x = nd.array([[3, 1, 4, 1.5], [9, 2, 6, 5]])
emit("sort", nd.sort(x))
emit("sort_desc", nd.sort(x, is_ascend=False))
emit("sort_axis0", nd.sort(x, axis=0))
emit("argsort", nd.argsort(x))
emit("argsort_int32", nd.argsort(x, dtype='int32'))
emit("topk", nd.topk(x, k=2))
emit("topk_value", nd.topk(x, k=2, ret_typ='value'))
emit("topk_both", nd.topk(x, k=1, ret_typ='both'))
emit("topk_mask", nd.topk(x, k=2, ret_typ='mask'))
emit("topk_ascend", nd.topk(x, k=2, is_ascend=True, axis=1))
emit("topk_axis0", nd.topk(x, k=1, axis=0))
emit("topk_none", nd.topk(x, k=3, axis=None))
