"""Record MXNet 1.9.1's symbolic control flow for tests/test_symbol_control_flow.py.

Run with the reference venv: ``/tmp/mxref/bin/python tools/record_mxnet_control_flow.py``.
Writes into tests/reference/data/control_flow/:

* ``<case>-symbol.json``: the graph as MXNet writes it (``Symbol.tojson``; each built under a
  fresh NameManager and subgraph-name count), for the cases
  ``foreach_rnn`` (a tanh RNN cell over 3 steps, its FullyConnected weights captured free
  variables), ``while_loop`` (a loop that stops on the data, before ``max_iterations``),
  ``cond`` (a branch on the sign of a sum);
* ``values.npz``: per case the inputs (``<case>/arg/<name>``), the head gradients
  (``<case>/head/<k>``), the outputs of a training forward (``<case>/out/<k>``), the
  gradients of every argument after ``backward`` (``<case>/grad/<name>``; for ``while_loop``
  those of MXNet's imperative loop, see ``while_loop_imperative_grads``), and for
  ``foreach_rnn`` the argument shapes ``infer_shape`` finds from the data shapes alone;
* ``gluon_foreach-symbol.json`` / ``-0000.params``: a HybridBlock whose forward runs a Dense
  layer inside ``F.contrib.foreach``, exported, with its input and output in ``values.npz``.
"""
import os
from collections import defaultdict

import mxnet as mx
import numpy as np
from mxnet import gluon
from mxnet.attribute import AttrScope
from mxnet.gluon import nn

OUT = os.path.join(os.path.dirname(__file__), os.pardir, "tests", "reference", "data", "control_flow")


def foreach_rnn():
    data, h0 = mx.sym.var("data"), mx.sym.var("h0")
    weights = {n: mx.sym.var(n) for n in ("i2h_weight", "i2h_bias", "h2h_weight", "h2h_bias")}

    def step(x, states):
        i2h = mx.sym.FullyConnected(x, weights["i2h_weight"], weights["i2h_bias"], num_hidden=3)
        h2h = mx.sym.FullyConnected(states[0], weights["h2h_weight"], weights["h2h_bias"], num_hidden=3)
        h = mx.sym.tanh(i2h + h2h)
        return h, [h]
    outs, states = mx.sym.contrib.foreach(step, data, [h0])
    return mx.sym.Group([outs, states[0]]), {"data": (3, 2, 4), "h0": (2, 3)}


def while_loop():
    i, s, x = mx.sym.var("i"), mx.sym.var("s"), mx.sym.var("x")

    def body(i, s):
        new_s = s * 1.5 + x
        return [new_s * 2], [i + 1, new_s]
    outs, (i_end, s_end) = mx.sym.contrib.while_loop(lambda i, s: s.sum() < 10, body, [i, s], max_iterations=8)
    return mx.sym.Group([outs[0], i_end, s_end]), {"i": (1,), "s": (2,), "x": (2,)}


def cond():
    a, b = mx.sym.var("a"), mx.sym.var("b")
    out = mx.sym.contrib.cond(a.sum() > 0, lambda: a * b, lambda: a + b * 2)
    return out, {"a": (2, 3), "b": (2, 3)}


def record(name, sym, shapes, values, rng, flip=None):
    with open(os.path.join(OUT, f"{name}-symbol.json"), "w") as f:
        f.write(sym.tojson())
    if name == "foreach_rnn":
        arg_shapes, _, _ = sym.infer_shape(**shapes)
        for arg, shape in zip(sym.list_arguments(), arg_shapes):
            values[f"{name}/shape/{arg}"] = np.array(shape)
    for variant in ([None] if flip is None else [None, flip]):
        key = name if variant is None else f"{name}_{variant}"
        args = {n: rng.uniform(-1, 1, shapes.get(n) or tuple(values[f"{name}/shape/{n}"])).astype(np.float32)
                for n in sym.list_arguments()}
        if name == "while_loop":
            args["i"] = np.zeros(1, np.float32)
            args["s"] = np.array([0.5, 1.0], np.float32)
            args["x"] = np.array([0.25, 0.5], np.float32)
        if variant == "negative":
            args["a"] = -np.abs(args["a"])
        exe = sym.bind(mx.cpu(), {n: mx.nd.array(v) for n, v in args.items()},
                       args_grad={n: mx.nd.zeros(v.shape) for n, v in args.items()})
        outs = exe.forward(is_train=True)
        heads = [rng.uniform(-1, 1, o.shape).astype(np.float32) for o in outs]
        exe.backward([mx.nd.array(h) for h in heads])
        for n, v in args.items():
            values[f"{key}/arg/{n}"] = v
            values[f"{key}/grad/{n}"] = exe.grad_dict[n].asnumpy()
        if name == "while_loop":
            values[f"{key}/symbolic_grad/s"] = values[f"{key}/grad/s"]
            for n, g in while_loop_imperative_grads(args, heads).items():
                values[f"{key}/grad/{n}"] = g
        for k, (h, o) in enumerate(zip(heads, outs)):
            values[f"{key}/head/{k}"] = h
            values[f"{key}/out/{k}"] = o.asnumpy()


def while_loop_imperative_grads(args, heads):
    """The gradients of the while_loop case through ``mx.nd.contrib.while_loop`` under autograd.
    MXNet 1.9.1's symbolic ``_while_loop`` gets the gradient of ``s`` and ``x`` wrong in this
    case (a new loop variable that is also used by a step output): its own imperative loop
    and the chain rule by hand agree on these values."""
    i, s, x = (mx.nd.array(args[n]) for n in ("i", "s", "x"))
    for a in (i, s, x):
        a.attach_grad()
    with mx.autograd.record():
        outs, (i_end, s_end) = mx.nd.contrib.while_loop(
            lambda i, s: s.sum() < 10, lambda i, s: ([(s * 1.5 + x) * 2], [i + 1, s * 1.5 + x]), [i, s],
            max_iterations=8)
        total = sum((o * mx.nd.array(h)).sum() for o, h in zip([outs[0], i_end, s_end], heads))
    total.backward()
    return {"i": i.grad.asnumpy(), "s": s.grad.asnumpy(), "x": x.grad.asnumpy()}


class ForeachDense(nn.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.dense = nn.Dense(3, flatten=False)

    def hybrid_forward(self, F, x, h):
        def step(d, states):
            new = F.tanh(self.dense(d) + states[0])
            return new, [new]
        outs, states = F.contrib.foreach(step, x, [h])
        return F.broadcast_add(outs, states[0].expand_dims(0))


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(0)
    values = {}
    for name, make in (("foreach_rnn", foreach_rnn), ("while_loop", while_loop), ("cond", cond)):
        AttrScope._subgraph_names = defaultdict(int)   # each graph named as in a fresh process
        with mx.name.NameManager():
            sym, shapes = make()
        record(name, sym, shapes, values, rng, flip="negative" if name == "cond" else None)
    mx.random.seed(0)
    net = ForeachDense(prefix="fd_")
    net.initialize(mx.init.Uniform(0.5))
    net.hybridize()
    x, h = rng.uniform(-1, 1, (4, 2, 5)).astype(np.float32), rng.uniform(-1, 1, (2, 3)).astype(np.float32)
    y = net(mx.nd.array(x), mx.nd.array(h))
    net.export(os.path.join(OUT, "gluon_foreach"))
    values["gluon_foreach/x"], values["gluon_foreach/h"], values["gluon_foreach/y"] = x, h, y.asnumpy()
    np.savez(os.path.join(OUT, "values.npz"), **values)


if __name__ == "__main__":
    main()
