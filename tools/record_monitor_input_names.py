"""Print the operators whose inputs MXNet 1.9.1's monitors name by position.

An executor's monitor with ``monitor_all=True`` (and a hybridized block's
``register_op_hook``) names the input ``k`` of node ``n`` ``n_<name>``, where ``<name>`` is
what the operator's ``FListInputNames`` attribute lists (``data``, ``weight``, ``lhs``...,
``arg0``, ``arg1``... for variadic operators).  Operators that do not register that
attribute (most unary and scalar operators, ``Activation``, ``reshape``...) get ``input0``,
``input1``...  Python cannot read the attribute, so this script binds each legacy (non-NumPy)
operator on small inputs and looks at the names its monitor reports.

Run with MXNet's interpreter: ``/tmp/mxref/bin/python tools/record_monitor_input_names.py``.
It prints a JSON list of operator names; ``mxjax/symbol/op_rules.py`` keeps it as
``POSITIONAL_INPUT_NAMES`` (the operators mxjax registers).  Operators it cannot bind
(required attributes it does not know) are left out, so they keep their argument names.
"""
import json
import warnings

import mxnet as mx

S = (2, 3)
#: attributes (and input shapes) for operators that need them to bind
REQUIRED = {
    "Activation": ({"act_type": "relu"}, [S]), "Cast": ({"dtype": "float32"}, [S]),
    "amp_cast": ({"dtype": "float32"}, [S]), "Reshape": ({"shape": (-1,)}, [S]),
    "broadcast_to": ({"shape": S}, [S]), "clip": ({"a_min": 0, "a_max": 1}, [S]),
    "expand_dims": ({"axis": 0}, [S]), "slice": ({"begin": (0,), "end": (1,)}, [S]),
    "slice_axis": ({"axis": 0, "begin": 0, "end": 1}, [S]), "crop": ({"begin": (0,), "end": (1,)}, [S]),
    "cast_storage": ({"stype": "default"}, [S]), "flip": ({"axis": 0}, [S]), "tile": ({"reps": (1,)}, [S]),
    "repeat": ({"repeats": 2}, [S]), "one_hot": ({"depth": 3}, [S]), "pick": ({}, [S, (2,)]),
    "FullyConnected": ({"num_hidden": 2}, [S]), "Embedding": ({"input_dim": 3, "output_dim": 2}, [S]),
    "Pooling": ({"kernel": (2, 2)}, [(1, 2, 4, 4)]), "Convolution": ({"kernel": (1, 1), "num_filter": 2}, [(1, 2, 4, 4)]),
    "SliceChannel": ({"num_outputs": 1}, [S]), "depth_to_space": ({"block_size": 2}, [(1, 4, 2, 2)]),
    "space_to_depth": ({"block_size": 2}, [(1, 1, 4, 4)]), "moments": ({"axes": (0,)}, [S]),
}
#: NumPy-interface and backward operators, and graph-sampling ones that crash on these inputs
SKIP = ("_np", "_backward", "_image", "_contrib_dgl", "_contrib_quantize")
SHAPES = [(2, 3), (2, 3, 4), (1, 2, 4, 4), (4,), (2, 2)]


def creator(name):
    for prefix, namespace in [("_contrib_", mx.sym.contrib), ("_linalg_", mx.sym.linalg),
                              ("_random_", mx.sym.random), ("", mx.sym), ("", mx.sym._internal)]:
        if name.startswith(prefix) and hasattr(namespace, name[len(prefix):]):
            return getattr(namespace, name[len(prefix):])
    return None


def input_names(make, attrs, shapes):
    """The suffixes the monitor gives the node's inputs, or None if it does not bind."""
    try:
        inputs = [mx.sym.var(f"v{k}") for k in range(len(shapes))]
        exe = make(*inputs, name="node", **attrs).simple_bind(mx.cpu(), **{f"v{k}": s for k, s in enumerate(shapes)})
        names = []
        exe.set_monitor_callback(lambda name, _: names.append(mx.base.py_str(name)), True)
        exe.forward()
        mx.nd.waitall()
    except Exception:   # pylint: disable=broad-except  (an operator that does not bind this way)
        try:
            mx.nd.waitall()
        except Exception:   # pylint: disable=broad-except
            pass
        return None
    return [n[len("node_"):] for n in names if n.startswith("node_") and not n.startswith("node_output")]


def main():
    warnings.simplefilter("ignore")
    positional = []
    for name in mx.operator.get_all_registered_operators():
        make = creator(name)
        if make is None or name.startswith(SKIP):
            continue
        tries = [REQUIRED[name]] if name in REQUIRED else [({}, [s] * n) for n in (1, 2) for s in SHAPES]
        for attrs, shapes in tries:
            names = input_names(make, attrs, shapes)
            if names is not None:
                if names and all(n.startswith("input") for n in names):
                    positional.append(name)
                break
    print(json.dumps(sorted(positional)))


if __name__ == "__main__":
    main()
