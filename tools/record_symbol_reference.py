"""Record MXNet 1.9.1's symbolic-API behaviour for tests/test_symbol_*.py.

Run with the reference interpreter:  /tmp/mxref/bin/python tools/record_symbol_reference.py
Writes tests/reference/symbol_reference.json (graph JSON text, names, inferred shapes and
types, executor outputs and gradients on fixed inputs).
"""
import json
import os

import mxnet as mx
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "reference", "symbol_reference.json")


def graphs():
    """name -> Symbol; the same construction code runs in the mxjax tests."""
    out = {}
    data = mx.sym.Variable("data")
    fc1 = mx.sym.FullyConnected(data=data, name="fc1", num_hidden=8)
    act = mx.sym.Activation(fc1, act_type="relu", name="relu1")
    fc2 = mx.sym.FullyConnected(act, name="fc2", num_hidden=3)
    out["mlp"] = mx.sym.SoftmaxOutput(fc2, name="softmax")
    with mx.name.NameManager():
        x = mx.sym.var("x")
        y = mx.sym.FullyConnected((x + 1) * x - 2 / x, num_hidden=4)
        y = mx.sym.BatchNorm(y, fix_gamma=False)
        out["auto_names"] = mx.sym.Group([y, -x, x ** 2, 3 - x, abs(x) % 2, x > 0.5])
    with mx.name.NameManager():
        d = mx.sym.var("d")
        c = mx.sym.Convolution(d, kernel=(3, 3), num_filter=4, pad=(1, 1), name="conv")
        c = mx.sym.BatchNorm(c, name="bn")
        c = mx.sym.Pooling(c, kernel=(2, 2), stride=(2, 2), pool_type="max")
        out["conv"] = mx.sym.FullyConnected(mx.sym.Flatten(c), num_hidden=5, name="fc")
    with mx.name.NameManager():
        v = mx.sym.Variable("v", shape=(2, 3), dtype="float16", init=mx.init.One(), lr_mult=2.0, wd_mult=0.5,
                            attr={"mood": "calm"})
        with mx.AttrScope(__group__="g1"):
            s = mx.sym.SliceChannel(v, num_outputs=3, axis=1, name="slice")
        out["attrs"] = mx.sym.Concat(s[2], s[0], dim=1, name="cat")
    with mx.name.Prefix("net_"):
        a = mx.sym.var("a")
        out["prefix"] = mx.sym.Embedding(a, input_dim=10, output_dim=4) + mx.sym.LayerNorm(mx.sym.var("b"))
    return out


def executor_case():
    """The mlp bound on fixed inputs; outputs and gradients for each grad_req."""
    rng = np.random.RandomState(0)
    sym = graphs()["mlp"]
    shapes = {"data": (4, 5), "fc1_weight": (8, 5), "fc1_bias": (8,), "fc2_weight": (3, 8), "fc2_bias": (3,),
              "softmax_label": (4,)}
    args = {k: rng.uniform(-1, 1, s).astype(np.float32) for k, s in shapes.items()}
    args["softmax_label"] = np.array([0, 2, 1, 2], np.float32)
    exe = sym.bind(mx.cpu(), {k: mx.nd.array(v) for k, v in args.items()},
                   args_grad={k: mx.nd.ones(s) for k, s in shapes.items()},
                   grad_req={"data": "null", "fc1_weight": "add", "fc1_bias": "write", "fc2_weight": "write",
                             "fc2_bias": "add", "softmax_label": "null"})
    exe.forward(is_train=True)
    exe.backward()
    result = {"args": {k: v.tolist() for k, v in args.items()},
              "output": exe.outputs[0].asnumpy().tolist(),
              "grads": {k: v.asnumpy().tolist() for k, v in exe.grad_dict.items()}}
    # a second graph: internal outputs with head gradients, BatchNorm in training mode
    x = mx.sym.var("x")
    bn = mx.sym.BatchNorm(x * 2, name="bn", fix_gamma=False, momentum=0.5)
    net = mx.sym.Group([mx.sym.sum(bn * bn, axis=1), mx.sym.tanh(x)])
    xv = rng.uniform(-1, 1, (3, 4)).astype(np.float32)
    exe = net.simple_bind(mx.cpu(), x=(3, 4))
    exe.arg_dict["bn_gamma"][:] = np.array([1.0, 2.0, 0.5, 1.5], np.float32)
    exe.arg_dict["bn_beta"][:] = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    exe.aux_dict["bn_moving_var"][:] = 1
    exe.forward(is_train=True, x=xv)
    heads = [mx.nd.array([1.0, -1.0, 0.5]), mx.nd.ones((3, 4)) * 0.25]
    exe.backward(heads)
    result["bn"] = {"x": xv.tolist(), "outputs": [o.asnumpy().tolist() for o in exe.outputs],
                    "grads": {k: v.asnumpy().tolist() for k, v in exe.grad_dict.items()},
                    "aux": {k: v.asnumpy().tolist() for k, v in exe.aux_dict.items()}}
    exe.forward(is_train=False, x=xv)
    result["bn"]["predict"] = [o.asnumpy().tolist() for o in exe.outputs]
    return result


def main():
    record = {"graphs": {}}
    for name, sym in graphs().items():
        record["graphs"][name] = {
            "json": sym.tojson(), "arguments": sym.list_arguments(), "outputs": sym.list_outputs(),
            "aux": sym.list_auxiliary_states(), "inputs": sym.list_inputs(),
            "internals": sym.get_internals().list_outputs(), "attr_dict": sym.attr_dict(),
        }
    shapes = {}
    g = graphs()
    for name, kwargs in (("mlp", {"data": (4, 5)}), ("conv", {"d": (2, 3, 8, 8)}), ("auto_names", {"x": (6, 7)}),
                         ("attrs", {}), ("prefix", {"a": (2, 3), "b": (2, 3, 4)})):
        arg, out, aux = g[name].infer_shape(**kwargs)
        shapes[name] = {"kwargs": kwargs, "arg": arg, "out": out, "aux": aux}
    partial = {}
    arg, out, aux = g["conv"].infer_shape_partial(d=(0, 3, 8, 8))
    partial["conv"] = {"arg": arg, "out": out, "aux": aux}
    arg, out, aux = g["mlp"].infer_shape_partial()
    partial["mlp_none"] = {"arg": arg, "out": out, "aux": aux}
    record["infer_shape"] = shapes
    record["infer_shape_partial"] = partial
    arg, out, aux = g["conv"].infer_type(d="float64")
    record["infer_type"] = {"arg": [np.dtype(t).name for t in arg], "out": [np.dtype(t).name for t in out],
                            "aux": [np.dtype(t).name for t in aux]}
    try:
        g["mlp"].infer_shape(data=(4, 5), fc1_weight=(7, 5))
    except mx.MXNetError as e:
        record["infer_error"] = str(e).splitlines()[0]
    record["executor"] = executor_case()
    with open(OUT, "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
