"""Record MXNet 1.9.1's kvstore results for tests/test_kvstore_reference.py.

Run with real MXNet: ``/tmp/mxref/bin/python tools/record_kvstore_reference.py`` prints the
JSON that the test holds (``REFERENCE``).  Works with mxjax too (``python -m mxjax ...``),
which is how the test checks it."""
import json

import numpy as np
import mxnet as mx


def record(kv_type):
    ctxs = [mx.cpu(i) for i in range(4)]
    out = {}
    kv = mx.kv.create(kv_type)
    out["type"], out["rank"], out["num_workers"] = kv.type, kv.rank, kv.num_workers
    shape = (2, 3)
    kv.init(3, mx.nd.ones(shape))
    kv.push(3, [mx.nd.ones(shape, ctx=c) * (i + 1) for i, c in enumerate(ctxs)])
    outs = [mx.nd.zeros(shape, ctx=c) for c in ctxs]
    kv.pull(3, out=outs)
    out["push_pull"] = [o.asnumpy().tolist() for o in outs]
    kv.init([5, 7], [mx.nd.ones(shape) * 2, mx.nd.ones(shape) * 3])
    vals = [[mx.nd.arange(6, ctx=c).reshape(shape) * (i + 1) for i, c in enumerate(ctxs)],
            [mx.nd.ones(shape, ctx=c) * -1 for c in ctxs]]
    kv.pushpull([5, 7], vals)
    out["pushpull_inplace"] = [[v.asnumpy().tolist() for v in vs] for vs in vals]
    bouts = [mx.nd.zeros(shape, ctx=c) for c in ctxs]
    kv.broadcast(11, mx.nd.arange(6).reshape(shape) + 0.5, out=bouts)
    out["broadcast"] = [b.asnumpy().tolist() for b in bouts]
    # string keys and an optimizer on the store
    kv2 = mx.kv.create(kv_type)
    kv2.init("w", mx.nd.ones(shape))
    kv2.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, rescale_grad=0.5))
    for step in range(2):
        kv2.push("w", [mx.nd.ones(shape, ctx=c) * (i + step) for i, c in enumerate(ctxs)])
    w = [mx.nd.zeros(shape, ctx=c) for c in ctxs]
    kv2.pull("w", out=w)
    out["sgd_momentum"] = [x.asnumpy().tolist() for x in w]
    # row_sparse_pull
    kv3 = mx.kv.create(kv_type)
    kv3.init("e", mx.nd.arange(12).reshape((4, 3)).tostype("row_sparse"))
    rs = [mx.nd.sparse.zeros("row_sparse", (4, 3), ctx=c) for c in ctxs[:2]]
    kv3.row_sparse_pull("e", out=rs, row_ids=[mx.nd.array([0, 2]), mx.nd.array([3, 3, 1])])
    out["row_sparse_pull"] = [[r.indices.asnumpy().tolist(), r.data.asnumpy().tolist()] for r in rs]
    # errors
    errors = {}
    for name, fn in [("mixed_keys", lambda: kv3.init(1, mx.nd.ones(shape))),
                     ("duplicate_init", lambda: kv.init(3, mx.nd.ones(shape))),
                     ("unknown_key", lambda: kv.pull(99, out=mx.nd.zeros(shape)))]:
        try:
            fn()
            errors[name] = None
        except Exception as e:   # noqa: BLE001 -- recording which class MXNet raises
            errors[name] = type(e).__name__
    out["errors"] = errors
    return out


if __name__ == "__main__":
    print(json.dumps({t: record(t) for t in ("local", "device")}))
