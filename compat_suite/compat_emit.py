"""What a compatibility-suite program calls to report its results.

    from compat_emit import emit, emit_error

    emit("y", y)                                   # an NDArray, numpy value, number, string, list...
    emit_error("no_record", lambda: y.backward())  # the exception a call raises (or that it did not)

Each call prints one line ``@@compat@@ {json}`` on stdout.  The same program
runs under real MXNet 1.9.1 (``python -m compat_suite.record``) and under
mxjax (``python -m compat_suite``); the runner compares the two streams of
records.  This module imports only numpy, so it behaves the same in both.

Encodings (the ``kind`` field):

- ``ndarray``: anything with ``.asnumpy()`` (an MXNet NDArray or an mxjax one):
  shape, numpy dtype name and the values as nested lists.
- ``array``: a numpy array, likewise (an object array: the ``str`` of its items).
- ``scalar``: a numpy scalar (dtype and value).
- ``bool``, ``int``, ``float``, ``str``, ``none``: the Python values.
- ``list``, ``tuple``: their items, encoded recursively; ``dict``: its
  ``[key, value]`` pairs in iteration order (keys as ``str``).
- ``object``: anything else, as its type name and ``str()``.
- ``error``: from ``emit_error``: the exception's class name, the names of all
  classes in its MRO and the first line of its message; ``noerror`` when the
  call returned normally.
"""
import json
import re
import sys

import numpy as np

MARKER = "@@compat@@"

__all__ = ["MARKER", "emit", "emit_error", "encode"]


def _array(kind, arr):
    arr = np.asarray(arr)
    if arr.dtype.kind == "O":  # an array of Python objects: their str()
        values = np.array([str(v) for v in arr.ravel()]).reshape(arr.shape).tolist()
    else:
        values = arr.tolist()
    return {"kind": kind, "shape": list(arr.shape), "dtype": str(arr.dtype), "values": values}


def encode(value):
    """The JSON-ready record of ``value`` (without its name)."""
    if hasattr(value, "asnumpy") and callable(value.asnumpy):
        return _array("ndarray", value.asnumpy())
    if isinstance(value, np.ndarray):
        return _array("array", value)
    if isinstance(value, np.generic):
        return {"kind": "scalar", "dtype": str(value.dtype), "value": value.item()}
    if value is None:
        return {"kind": "none"}
    if isinstance(value, bool):
        return {"kind": "bool", "value": value}
    if isinstance(value, int):
        return {"kind": "int", "value": value}
    if isinstance(value, float):
        return {"kind": "float", "value": value}
    if isinstance(value, str):
        return {"kind": "str", "value": value}
    if isinstance(value, (list, tuple)):
        return {"kind": type(value).__name__ if type(value) in (list, tuple) else "list",
                "items": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"kind": "dict", "items": [[str(k), encode(v)] for k, v in value.items()]}
    return {"kind": "object", "type": type(value).__name__, "value": str(value)}


def _write(record):
    sys.stdout.write(MARKER + " " + json.dumps(record) + "\n")
    sys.stdout.flush()


def emit(name, value):
    """Report ``value`` under ``name``."""
    record = {"name": str(name)}
    record.update(encode(value))
    _write(record)


def _sync(result):
    """Values are computed lazily (MXNet's engine is asynchronous): make errors surface."""
    items = result if isinstance(result, (list, tuple)) else [result]
    for item in items:
        if hasattr(item, "wait_to_read") and callable(item.wait_to_read):
            item.wait_to_read()


_NOISE = re.compile(r"^(Traceback \(most recent call last\)|File \"|\[bt\]|Stack trace|\d+: )")


def _message_line(exc):
    """The first informative line of an exception's message (MXNet's start with a C++ traceback)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    for line in lines:
        if not _NOISE.match(line):
            return line
    return lines[0] if lines else ""


def emit_error(name, fn):
    """Call ``fn()`` (then wait for its NDArray results) and report what it raised, if anything."""
    try:
        _sync(fn())
    except Exception as exc:  # noqa: BLE001 - reporting the class is the point
        _write({"name": str(name), "kind": "error", "class": type(exc).__name__,
                "mro": [cls.__name__ for cls in type(exc).__mro__], "message": _message_line(exc)})
    else:
        _write({"name": str(name), "kind": "noerror"})
