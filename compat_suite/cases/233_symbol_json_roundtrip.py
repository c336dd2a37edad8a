"""Symbols as files and strings, as old model-zoo code handles them: tojson/load_json,
save/load, list_arguments/outputs/auxiliary_states/inputs after the round trip,
get_internals and picking an internal output to build a feature extractor, get_children,
attributes (AttrScope, lr_mult/wd_mult on Variables, attr_dict), NameManager/Prefix
naming, and the feature extractor bound and run with the original weights."""
import json

import mxnet as mx
import numpy as np
from compat_emit import emit

with mx.name.Prefix("net_"):
    data = mx.sym.Variable("data")
    with mx.AttrScope(ctx_group="stage1", lr_mult="0.5"):
        fc1 = mx.sym.FullyConnected(data, num_hidden=4, name="fc1")
        act = mx.sym.Activation(fc1, act_type="relu", name="relu1")
    w2 = mx.sym.Variable("fc2_weight", lr_mult=2.0, wd_mult=0.0)
    fc2 = mx.sym.FullyConnected(act, weight=w2, num_hidden=3, name="fc2")
    bn = mx.sym.BatchNorm(fc2, fix_gamma=False, name="bn")
    out = mx.sym.SoftmaxOutput(bn, name="softmax")
auto = mx.sym.FullyConnected(mx.sym.Variable("x"), num_hidden=2)
auto2 = mx.sym.FullyConnected(auto, num_hidden=2)
emit("auto_names", auto2.list_arguments())
emit("arguments", out.list_arguments())
emit("aux", out.list_auxiliary_states())
emit("inputs", out.list_inputs())
emit("outputs", out.list_outputs())
emit("fc1_attrs", sorted(fc1.list_attr().items()))  # MXNet keeps them in a hash map
emit("w2_attr", w2.attr("__lr_mult__"))
emit("attr_dict", {k: sorted(v.items()) for k, v in sorted(out.attr_dict().items())})

text = out.tojson()
parsed = json.loads(text)
emit("json_keys", sorted(parsed))
emit("json_ops", [n["op"] for n in parsed["nodes"]])
emit("json_names", [n["name"] for n in parsed["nodes"]])
emit("json_arg_nodes", parsed["arg_nodes"])
emit("json_heads", parsed["heads"])
emit("json_fc2_attrs", [n.get("attrs") for n in parsed["nodes"] if n["name"] == "net_fc2"])
back = mx.sym.load_json(text)
emit("roundtrip_json_equal", back.tojson() == text)
emit("roundtrip_arguments", back.list_arguments())
out.save("net-symbol.json")
loaded = mx.sym.load("net-symbol.json")
emit("loaded_outputs", loaded.list_outputs())
emit("loaded_shapes", loaded.infer_shape(data=(2, 5)))

internals = loaded.get_internals()
emit("internal_outputs", internals.list_outputs())
feature = internals["net_relu1_output"]
emit("feature_arguments", feature.list_arguments())
emit("children", [c.name for c in bn.get_children()])
emit("children_of_var", data.get_children())
group = mx.sym.Group([feature, internals["net_fc2_output"]])
emit("group_outputs", group.list_outputs())
emit("group_len", len(group))
emit("group_item_name", group[1].name)

rng = np.random.RandomState(2)
args = {"data": rng.normal(0, 1, (2, 5)), "net_fc1_weight": rng.normal(0, 1, (4, 5)),
        "net_fc1_bias": rng.normal(0, 1, (4,)), "fc2_weight": rng.normal(0, 1, (3, 4)),
        "net_fc2_bias": rng.normal(0, 1, (3,))}
ex = group.bind(mx.cpu(), {k: mx.nd.array(v) for k, v in args.items()})
ex.forward()
emit("feature_values", ex.outputs[0])
emit("fc2_values", ex.outputs[1])
emit("eval", feature.eval(ctx=mx.cpu(), **{k: mx.nd.array(v) for k, v in args.items() if "fc2" not in k})[0])
