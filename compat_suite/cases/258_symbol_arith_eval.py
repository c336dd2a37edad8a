"""Symbol algebra as scripts write it: arithmetic with symbols and scalars on both sides,
powers, negation, comparisons, maximum/minimum, creation symbols (zeros/ones/full/arange),
multi-output SliceChannel indexed by position and iterated, composition by calling a
symbol with keyword inputs, copy, and eval of each result with the auto-generated names."""
import copy

import mxnet as mx
import numpy as np
from compat_emit import emit

a = mx.sym.Variable("a")
b = mx.sym.Variable("b")
av = mx.nd.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]])
bv = mx.nd.array([[2.0, 1.0, -1.0], [3.0, 0.25, 2.0]])
exprs = {
    "add": a + b, "radd": 2 + a, "sub": a - 1.5, "rsub": 1.5 - a, "mul": a * b, "rmul": 3 * b,
    "div": a / b, "rdiv": 1 / b, "pow": a ** 2, "rpow": 2 ** a, "sympow": mx.sym.abs(a) ** b, "neg": -a,
    "gt": a > b, "ge": a >= 0.5, "lt": a < b, "eq": a == b, "ne": a != 3, "le": 1 <= a,
    "maximum": mx.sym.maximum(a, b), "minimum": mx.sym.minimum(a, 1.0), "mod": a % 2,
    "chain": mx.sym.sqrt(mx.sym.square(a) + 1) * mx.sym.exp(-b) - mx.sym.log(mx.sym.abs(b) + 1),
}
for name, sym in exprs.items():
    emit(f"{name}_name", sym.name)
    emit(f"{name}_val", sym.eval(ctx=mx.cpu(), **{k: v for k, v in (("a", av), ("b", bv))
                                                   if k in sym.list_arguments()})[0])

emit("zeros", mx.sym.zeros((2, 2)).eval()[0])
emit("ones_dtype", mx.sym.ones((3,), dtype="int32").eval()[0])
emit("full", mx.sym.full((2,), 7.5).eval()[0])
emit("arange", mx.sym.arange(1, 7, 2).eval()[0])
emit("zeros_plus", (mx.sym.zeros((2, 3)) + a).eval(a=av)[0])

parts = mx.sym.SliceChannel(a, num_outputs=3, axis=1, name="split")
emit("split_outputs", parts.list_outputs())
emit("split_len", len(parts))
emit("split_second", parts[1].eval(a=av)[0])
emit("split_iter", [p.name for p in parts])
emit("split_sum", (parts[0] + parts[2]).eval(a=av)[0])

x = mx.sym.Variable("x")
template = mx.sym.FullyConnected(x, num_hidden=2, name="fc", no_bias=True)
composed = template(x=mx.sym.tanh(a, name="pre"))
emit("composed_arguments", composed.list_arguments())
w = mx.nd.array([[1.0, 0.0, 1.0], [0.5, 0.5, 0.5]])
emit("composed_val", composed.eval(a=av, fc_weight=w)[0])
dup = copy.deepcopy(composed)
emit("deepcopy_json_equal", dup.tojson() == composed.tojson())
emit("copy_arguments", composed.__copy__().list_arguments())
emit("str", str(composed))
emit("repr_group", repr(mx.sym.Group([a, b])))
