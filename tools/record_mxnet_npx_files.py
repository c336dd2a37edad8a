"""Record the files of tests/test_npx_files.py from real MXNet 1.9.1.

    /tmp/mxref/bin/python tools/record_mxnet_npx_files.py

writes into tests/reference/data/npx/:

- ``arrays_dict.npx``: ``npx.save`` under ``npx.set_np()`` of a dict with one array per dtype,
  a zero-dim array and a zero-size array; ``arrays_list.npx``: a list of three of them;
  ``one.npx``: a single array (MXNet saves it as a list of one);
- ``np_block-symbol.json`` / ``np_block-0000.params``: ``export`` of a hybridized block whose
  ``hybrid_forward`` uses ``F.np``/``F.npx`` (``NpBlock`` below), and its output in
  ``np_block.json``;
- ``gluon_np.params``: ``net.save_parameters`` under ``npx.set_np()`` of a Dense-BatchNorm-Dense
  HybridSequential whose parameters are set to fixed values (``parameter_value`` below, the
  same formula the test uses), and ``gluon_np.json``: that net's output on a fixed input.

The test loads each file with mxjax (same values, dtypes and shapes) and checks that mxjax
writes the same bytes from the same arrays, so both directions are covered without MXNet.
"""
import json
import os

import numpy as onp

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(HERE), "tests", "reference", "data", "npx")


def arrays(np):
    """The arrays of arrays_dict.npx (``np`` is mxnet.numpy or mxjax.numpy)."""
    return {"f32": np.array([[1.5, -2.0, 3.25]], dtype="float32"), "f64": np.array([1e-300, 2.5], dtype="float64"),
            "f16": np.array([0.5, 65504.0], dtype="float16"), "i32": np.array([[1, -2], [3, 4]], dtype="int32"),
            "i64": np.array([2 ** 40, -7], dtype="int64"), "u8": np.array([0, 255], dtype="uint8"),
            "i8": np.array([-128, 127], dtype="int8"), "bool": np.array([True, False, True], dtype="bool"),
            "scalar": np.array(3.5), "empty": np.zeros((0, 3))}


def net(gluon):
    """The HybridSequential of gluon_np.params (``gluon`` is mxnet.gluon or mxjax.gluon)."""
    seq = gluon.nn.HybridSequential(prefix="net_")
    with seq.name_scope():
        seq.add(gluon.nn.Dense(4, in_units=3, activation="relu"), gluon.nn.BatchNorm(in_channels=4),
                gluon.nn.Dense(2, in_units=4))
    return seq


def parameter_value(i, shape):
    """The value given to the i-th parameter (sorted by name)."""
    return (onp.arange(int(onp.prod(shape)), dtype="float32").reshape(shape) * 0.1 + 0.05 * i + 0.1)


INPUT = [[1.0, -2.0, 0.5], [0.25, 3.0, -1.0]]


def np_block(gluon):
    """A HybridBlock written against F.np / F.npx (``gluon`` is mxnet.gluon or mxjax.gluon)."""
    class NpBlock(gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.dense = gluon.nn.Dense(4, in_units=3)
                self.w = self.params.get("w", shape=(4,))

        def hybrid_forward(self, F, x, w):
            h = self.dense(x)
            return F.npx.relu(F.np.sum(h * w, axis=-1) + 1.0) + h[:, 0] ** 2 - F.np.mean(h, axis=1) / 2
    return NpBlock(prefix="net_")


def main():
    import mxnet as mx
    from mxnet import gluon, np, npx
    assert mx.__version__ == "1.9.1", mx.__version__
    npx.set_np()
    os.makedirs(OUT, exist_ok=True)
    a = arrays(np)
    npx.save(os.path.join(OUT, "arrays_dict.npx"), a)
    npx.save(os.path.join(OUT, "arrays_list.npx"), [a["f32"], a["scalar"], a["i64"]])
    npx.save(os.path.join(OUT, "one.npx"), a["i32"])
    model = net(gluon)
    model.initialize()
    for i, (_, p) in enumerate(sorted(model.collect_params().items())):
        p.set_data(np.array(parameter_value(i, p.shape)))
    model.save_parameters(os.path.join(OUT, "gluon_np.params"))
    out = model(np.array(INPUT))
    with open(os.path.join(OUT, "gluon_np.json"), "w") as f:
        json.dump({"output": out.asnumpy().tolist(), "output_type": type(out).__name__}, f)
    block = np_block(gluon)
    block.initialize()
    for i, (_, p) in enumerate(sorted(block.collect_params().items())):
        p.set_data(np.array(parameter_value(i, p.shape)) - 0.4)
    block.hybridize()
    out = block(np.array(INPUT))
    block.export(os.path.join(OUT, "np_block"))
    with open(os.path.join(OUT, "np_block.json"), "w") as f:
        json.dump({"output": out.asnumpy().tolist()}, f)


if __name__ == "__main__":
    main()
