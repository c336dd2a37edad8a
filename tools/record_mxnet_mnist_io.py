"""Record what real MXNet 1.9.1's ``mx.io.MNISTIter``, ``test_utils.get_mnist`` and
``test_utils.get_mnist_iterator`` read from the synthetic idx files of
tests/reference/mnist_files.py, into tests/reference/data/mnist_io.json (read by
tests/test_mnist_io.py).  Only these recorded numbers come from MXNet.

    /tmp/mxref/bin/python tools/record_mxnet_mnist_io.py
"""
import json
import os
import sys
import tempfile

import numpy as np

REFERENCE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "reference")
sys.path.insert(0, REFERENCE)
from mnist_files import write_mnist  # noqa: E402

import mxnet as mx  # noqa: E402


def index_of(batch):
    pixels = np.round(batch.data[0].asnumpy().reshape(batch.data[0].shape[0], -1)[:, :2] * 256).astype(np.int64)
    return (pixels[:, 0] + 256 * pixels[:, 1]).tolist()


def batches(it):
    return [dict(index=index_of(b), label=b.label[0].asnumpy().tolist(),
                 sum=float(b.data[0].asnumpy().astype(np.float64).sum()), shape=list(b.data[0].shape), pad=b.pad)
            for b in it]


def order_summary(it):
    order = [i for b in it for i in index_of(b)]
    return dict(n=len(order), head=order[:12], checksum=int(np.dot(np.arange(len(order)), order)))


def main():
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)
        write_mnist(tmp, "small", 23, False)
        write_mnist(tmp, "big", 1000, False)
        write_mnist(tmp, "tiny", 60000, False, rows=1, cols=3)
        kw = dict(image="small-images-idx3-ubyte", label="small-labels-idx1-ubyte", silent=True)
        it = mx.io.MNISTIter(batch_size=5, shuffle=False, **kw)
        out["plain"] = dict(provide_data=[list(it.provide_data[0].shape)],
                            provide_label=[list(it.provide_label[0].shape)], batches=batches(it))
        it.reset()
        out["plain_after_reset"] = index_of(it.next())
        out["flat"] = batches(mx.io.MNISTIter(batch_size=5, shuffle=False, flat=True, **kw))[:1]
        out["part"] = batches(mx.io.MNISTIter(batch_size=3, shuffle=False, num_parts=3, part_index=1, **kw))
        out["shuffle_small_seed0"] = batches(mx.io.MNISTIter(batch_size=4, shuffle=True, **kw))
        for seed in (0, 7):
            out[f"shuffle_big_seed{seed}"] = order_summary(mx.io.MNISTIter(
                image="big-images-idx3-ubyte", label="big-labels-idx1-ubyte", batch_size=100, seed=seed, silent=True))
        out["shuffle_tiny_seed0"] = order_summary(mx.io.MNISTIter(
            image="tiny-images-idx3-ubyte", label="tiny-labels-idx1-ubyte", batch_size=1000, silent=True))
        for name, kwargs in (("batch_size", dict(batch_size=0)), ("num_parts", dict(num_parts=0)),
                             ("part_index", dict(num_parts=3, part_index=3)), ("shuffle", dict(shuffle="maybe")),
                             ("too_small", dict(batch_size=50))):
            try:
                mx.io.MNISTIter(**dict(dict(kw, batch_size=5), **kwargs))
                out["error_" + name] = None
            except BaseException as e:  # noqa: BLE001  (recording whatever MXNet raises)
                out["error_" + name] = [type(e).__name__, str(e).strip().splitlines()[-1] if str(e).strip() else ""]
        os.makedirs("data")
        for prefix, n in (("train", 130), ("t10k", 70)):
            write_mnist(tmp, prefix, n, True)
            write_mnist(os.path.join(tmp, "data"), prefix, n, False)
        data = mx.test_utils.get_mnist()
        out["get_mnist"] = {k: dict(shape=list(v.shape), dtype=str(v.dtype), sum=float(v.astype(np.float64).sum()),
                                    head=v.ravel()[:3].tolist() if k.endswith("label") else v[0, 0, 0, :4].tolist())
                            for k, v in data.items()}
        train, val = mx.test_utils.get_mnist_iterator(32, (1, 28, 28))
        out["iterator"] = dict(train=batches(train), val=batches(val))
        train, val = mx.test_utils.get_mnist_iterator(16, (784,), num_parts=2, part_index=1)
        out["iterator_parts"] = dict(train=batches(train), val=batches(val))
    with open(os.path.join(REFERENCE, "data", "mnist_io.json"), "w") as f:
        json.dump(out, f, indent=None)
        f.write("\n")


if __name__ == "__main__":
    main()
