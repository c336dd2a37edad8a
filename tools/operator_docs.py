"""Generate docs/operators.md from mxjax's operator registry, and count MXNet's operators.

    python tools/operator_docs.py              # writes docs/operators.md
    python tools/operator_docs.py --count      # prints "provided X of Y MXNet 1.9.1 nd operators" and the
                                               # missing names
    /tmp/mxref/bin/python tools/operator_docs.py --record-mxnet
                                               # (re)records tools/mxnet_1.9.1_nd_operators.txt; needs
                                               # MXNet 1.9.1, never run at doc-generation time

The document lists every registered operator once (aliases with it): its ``nd`` names, array
inputs, attributes with their defaults in MXNet's call order, and the first line of its
docstring plus any "mxjax differs" note; then the Python-level functions of MXNet's list
that mxjax provides outside the registry; then MXNet 1.9.1's operators that mxjax does not
provide yet.  The output depends only on the registry and the recorded list, so running it
again gives the same file.
"""
import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MXNET_LIST = os.path.join(HERE, "mxnet_1.9.1_nd_operators.txt")
OUTPUT = os.path.join(ROOT, "docs", "operators.md")

#: the namespaces of MXNet's list: path prefix -> prefixes of registered operator names behind it
NAMESPACES = {"": ("",), "linalg.": ("_linalg_",), "contrib.": ("_contrib_",),
              "random.": ("_random_", "_sample_", "")}

#: public callables of mx.nd that are no operators (creation, I/O, interop, engine, indexing helpers)
EXCLUDED = {
    "array", "zeros", "ones", "full", "empty", "arange", "eye", "linspace",          # creation
    "load", "save", "load_frombuffer", "imdecode",                                   # I/O
    "from_dlpack", "from_numpy", "to_dlpack_for_read", "to_dlpack_for_write",         # interop
    "waitall",                                                                        # engine
    "get_indexing_dispatch_code", "get_oshape_of_gather_nd_op",                      # indexing helpers
    "indexing_key_expand_implicit_axes",
}

HEADER = """\
# The public operator names of MXNet 1.9.1's mx.nd, mx.nd.linalg, mx.nd.contrib and mx.nd.random,
# recorded once from MXNet 1.9.1 by `tools/operator_docs.py --record-mxnet`; one name per line, as a
# path under nd ("sin", "linalg.gemm2", "contrib.box_nms", "random.uniform").
#
# Rule: a public name (no leading underscore) of one of those four namespaces is listed when it is
#  * a function generated from an operator of MXNet's C++ registry (MXListAllOpNames): the name
#    itself or an alias ("uniform", "linalg_gemm2"), or its namespaced registered name
#    ("_linalg_gemm2" for linalg.gemm2, "_contrib_box_nms" for contrib.box_nms, "_random_uniform" or
#    "_sample_uniform" for random.uniform); every alias is listed as a name of its own;
#  * or a Python function defined in that namespace's own module that computes arrays from arrays
#    (nd.add, nd.maximum, nd.concatenate, nd.moveaxis, contrib.foreach, contrib.isnan, random.randn...).
# Left out: modules, classes (NDArray, CachedOp), names imported from elsewhere (current_context,
# contrib.uniform), and the helpers that are no operators: array creation (array, zeros, ones, full,
# empty, arange, eye, linspace), I/O (load, save, load_frombuffer, imdecode), interop (from_dlpack,
# from_numpy, to_dlpack_for_read, to_dlpack_for_write), waitall, indexing helpers
# (get_indexing_dispatch_code, get_oshape_of_gather_nd_op, indexing_key_expand_implicit_axes), and
# the gradient kernels exposed as contrib.backward_* (autograd calls them, users do not).
"""


# ---- MXNet's list (recorded under the reference venv only) -------------------------------------------

def record_mxnet_names():
    """The operator names of MXNet 1.9.1's nd namespaces (see HEADER for the rule)."""
    import ctypes
    import inspect
    import types

    import mxnet as mx
    from mxnet.base import _LIB, check_call, py_str

    count, names = ctypes.c_uint(), ctypes.POINTER(ctypes.c_char_p)()
    check_call(_LIB.MXListAllOpNames(ctypes.byref(count), ctypes.byref(names)))
    registered = {py_str(names[i]) for i in range(count.value)}
    modules = {"": mx.nd, "linalg.": mx.nd.linalg, "contrib.": mx.nd.contrib, "random.": mx.nd.random}
    own_modules = {"": ("mxnet.ndarray.ndarray", "mxnet.ndarray.utils"), "linalg.": ("mxnet.ndarray.linalg",),
                   "contrib.": ("mxnet.ndarray.contrib",), "random.": ("mxnet.ndarray.random",)}
    result = []
    for path, module in modules.items():
        for name in dir(module):
            obj = getattr(module, name)
            if name.startswith(("_", "backward_")) or name in EXCLUDED or not callable(obj):
                continue
            if isinstance(obj, types.ModuleType) or inspect.isclass(obj):
                continue
            if any(prefix + name in registered for prefix in NAMESPACES[path]):
                result.append(path + name)
            elif getattr(obj, "__module__", None) in own_modules[path]:
                result.append(path + name)
    return sorted(result, key=_sort_key)


def _sort_key(path):
    return (path.count("."), path.split(".")[0] if "." in path else "", path.lower(), path)


def write_mxnet_list():
    names = record_mxnet_names()
    with open(MXNET_LIST, "w") as fh:
        fh.write(HEADER)
        fh.write("".join(name + "\n" for name in names))
    print(f"recorded {len(names)} MXNet 1.9.1 nd operator names into {MXNET_LIST}")


def read_mxnet_list():
    with open(MXNET_LIST) as fh:
        return [line.strip() for line in fh if line.strip() and not line.startswith("#")]


# ---- mxjax's side -------------------------------------------------------------------------------------

def _mxjax():
    sys.path.insert(0, ROOT)
    import mxjax
    from mxjax.ndarray.registry import OPS, REQUIRED
    return mxjax, OPS, REQUIRED


def provided(nd, path):
    """Whether mxjax's nd has the callable ``path`` ("sin", "linalg.gemm2")."""
    obj = nd
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return False
    return callable(obj)


def _nd_paths(name, prefixes=(("_linalg_", "linalg."), ("_contrib_", "contrib."))):
    """The public nd paths of a registered name."""
    paths = [] if name.startswith("_") else [name]
    for prefix, namespace in prefixes:
        if name.startswith(prefix):
            paths.append(namespace + name[len(prefix):])
    return paths


def _default(value, required):
    if value is required:
        return None
    if isinstance(value, str):
        return repr(value)
    return repr(value)


def signature(op, required):
    """MXNet's call signature: array inputs (``?`` optional, ``*data`` variadic), then attributes."""
    parts = ["*data"] if op.variadic else [n + ("=None" if n in op.optional else "") for n in op.inputs]
    for key, value in op.attrs.items():
        if key.startswith("_"):
            continue
        parts.append(key if value is required else f"{key}={_default(value, required)}")
    return f"{op.name}({', '.join(parts)})"


_DIFFERS = re.compile(r"mxjax differs[^.]*(?:\.(?!\s|$)[^.]*)*\.?", re.IGNORECASE)


def summary(op):
    """The first line of the docstring, plus its "mxjax differs" note when there is one."""
    doc = " ".join((op.__doc__ or "").split())
    first = re.split(r"(?<=\.)\s", doc, maxsplit=1)[0] if doc else ""
    notes = [m.group(0).strip() for m in _DIFFERS.finditer(doc) if m.group(0).strip() not in first]
    return " ".join([first] + notes).replace("|", "\\|")


def _unique_ops(ops):
    seen, result = set(), []
    for op in ops.values():
        if id(op) not in seen:
            seen.add(id(op))
            result.append(op)
    return sorted(result, key=lambda op: (op.name.lstrip("_").lower(), op.name))


def _aliases(op, ops):
    return sorted(n for n, o in ops.items() if o is op and n != op.name)


def generate():
    mxjax, ops, required = _mxjax()
    nd = mxjax.nd
    mxnet_names = read_mxnet_list()
    have = [n for n in mxnet_names if provided(nd, n)]
    missing = [n for n in mxnet_names if not provided(nd, n)]
    registry_paths = set()
    for name in ops:
        registry_paths.update(_nd_paths(name))
    unique = _unique_ops(ops)

    lines = [
        "# Operators",
        "",
        "Generated by `python tools/operator_docs.py` from mxjax's operator registry "
        "(`mxjax/ndarray/registry.py`); do not edit by hand.",
        "",
        f"mxjax provides **{len(have)} of {len(mxnet_names)}** MXNet 1.9.1 `nd` operators "
        "(the names of `mx.nd`, `mx.nd.linalg`, `mx.nd.contrib` and `mx.nd.random` listed in "
        "`tools/mxnet_1.9.1_nd_operators.txt`, which states the rule), "
        f"through {len(unique)} registered operators.",
        "",
        "Each registered operator is one JAX implementation: its `nd` function (`nd.<name>`, "
        "`nd.linalg.<name>` for `_linalg_<name>`, `nd.contrib.<name>` for `_contrib_<name>`), "
        "`nd.op.<name>`, `nd._internal.<name>` and, where marked, the NDArray method come from it. "
        "Signatures are MXNet's: array inputs first (`=None`: optional), then attributes with their "
        "defaults (no default: required).",
        "",
        "## Registered operators",
        "",
        "| Operator | Aliases | Signature | Method | Description |",
        "|---|---|---|---|---|",
    ]
    for op in unique:
        aliases = ", ".join(f"`{a}`" for a in _aliases(op, ops)) or ""
        method = f"`.{op.method}()`" if op.method else ""
        lines.append(f"| `{op.name}` | {aliases} | `{signature(op, required)}` | {method} | {summary(op)} |")

    python_level = [n for n in have if n not in registry_paths]
    lines += [
        "",
        "## Python-level functions",
        "",
        "Names of MXNet's list that mxjax provides as Python functions over the registered operators "
        f"({len(python_level)}):",
        "",
        ", ".join(f"`{n}`" for n in python_level) or "(none)",
        "",
        "## Not provided yet",
        "",
        f"MXNet 1.9.1 `nd` operators mxjax does not provide ({len(missing)}):",
        "",
    ]
    groups = {}
    for name in missing:
        groups.setdefault(name.split(".")[0] + "." if "." in name else "nd.", []).append(name)
    for group in sorted(groups, key=lambda g: (g != "nd.", g)):
        title = "`nd`" if group == "nd." else f"`nd.{group[:-1]}`"
        lines.append(f"- {title}: " + ", ".join(f"`{n}`" for n in groups[group]))
    return "\n".join(lines) + "\n", have, missing, mxnet_names


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", action="store_true", help="print the coverage and the missing names")
    parser.add_argument("--record-mxnet", action="store_true",
                        help="record tools/mxnet_1.9.1_nd_operators.txt (run with MXNet 1.9.1 installed)")
    args = parser.parse_args()
    if args.record_mxnet:
        write_mxnet_list()
        return
    text, have, missing, mxnet_names = generate()
    if args.count:
        print(f"provided {len(have)} of {len(mxnet_names)} MXNet 1.9.1 nd operators")
        print(f"missing ({len(missing)}): " + " ".join(missing))
        return
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    with open(OUTPUT, "w") as fh:
        fh.write(text)
    print(f"wrote {OUTPUT}: provided {len(have)} of {len(mxnet_names)} MXNet 1.9.1 nd operators")


if __name__ == "__main__":
    main()
