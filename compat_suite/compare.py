"""Compare the records a program emitted under mxjax with those recorded from MXNet 1.9.1.

A run is a dict ``{"status": exit_status, "records": [record, ...]}`` (see
``compat_emit`` for the records).  ``first_difference(expected, actual)``
returns ``None`` when they agree, else one sentence naming the first record
that differs and how.  The rules:

- the same record names in the same order, and the same exit status;
- arrays: the same shape and numpy dtype, values within ``rtol``/``atol``
  (NaNs must match NaNs); integer and bool arrays must be equal;
- numbers: within ``rtol``/``atol`` for floats, equal otherwise; strings equal;
- errors: MXNet's exception class name must be one of the classes in the MRO
  of what mxjax raised (mxjax may raise a subclass); messages are not compared.
"""
import math

import numpy as np

__all__ = ["DEFAULT_RTOL", "DEFAULT_ATOL", "first_difference", "compare_records", "beyond_failures"]

DEFAULT_RTOL = 1e-4
DEFAULT_ATOL = 1e-5


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _describe(record):
    kind = record.get("kind")
    if kind in ("ndarray", "array"):
        return f"{kind} {tuple(record['shape'])} {record['dtype']}"
    if kind == "scalar":
        return f"numpy {record['dtype']} scalar"
    if kind == "error":
        return f"error {record['class']}"
    if kind == "noerror":
        return "no error"
    return kind


def _close(expected, actual, rtol, atol):
    if isinstance(expected, float) or isinstance(actual, float):
        if expected is None or actual is None:
            return expected is actual
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        if math.isinf(expected) or math.isinf(actual):
            return expected == actual
        return abs(actual - expected) <= atol + rtol * abs(expected)
    return expected == actual


def _compare_arrays(expected, actual, rtol, atol, where):
    if list(expected["shape"]) != list(actual["shape"]):
        return f"{where}: shape {tuple(actual['shape'])}, MXNet {tuple(expected['shape'])}"
    if expected["dtype"] != actual["dtype"]:
        return f"{where}: dtype {actual['dtype']}, MXNet {expected['dtype']}"
    dtype = np.dtype(expected["dtype"])
    want = np.array(expected["values"], dtype=dtype).reshape(expected["shape"])
    got = np.array(actual["values"], dtype=dtype).reshape(actual["shape"])
    if dtype.kind in "fc":
        want64, got64 = want.astype(np.float64), got.astype(np.float64)
        with np.errstate(invalid="ignore"):
            ok = np.isclose(got64, want64, rtol=rtol, atol=atol, equal_nan=True)
    else:
        ok = got == want
    if ok.all():
        return None
    index = tuple(int(i) for i in np.argwhere(~ok)[0])
    count = int((~ok).sum())
    detail = f"{got[index]!r} vs MXNet {want[index]!r}"
    if dtype.kind in "fc":
        with np.errstate(invalid="ignore"):
            diff = np.nanmax(np.abs(got.astype(np.float64) - want.astype(np.float64)))
        detail += f" (max abs diff {diff:.3g})"
    return f"{where}: {count}/{ok.size} values differ, first at {index}: {detail}"


def _compare_value(expected, actual, rtol, atol, where):
    ekind, akind = expected.get("kind"), actual.get("kind")
    if ekind == "error" or akind == "error" or ekind == "noerror" or akind == "noerror":
        if ekind == "noerror" and akind == "noerror":
            return None
        if ekind == "noerror":
            return f"{where}: mxjax raised {actual['class']}({_short(actual.get('message', ''))}), MXNet raised nothing"
        if akind == "noerror":
            return f"{where}: mxjax raised nothing, MXNet raised {expected['class']}"
        if akind != "error":
            return f"{where}: mxjax gave {_describe(actual)}, MXNet raised {expected['class']}"
        if expected["class"] not in actual.get("mro", [actual["class"]]):
            return (f"{where}: mxjax raised {actual['class']}({_short(actual.get('message', ''))}), "
                    f"MXNet raised {expected['class']}")
        return None
    if ekind != akind:
        return f"{where}: mxjax gave {_describe(actual)}, MXNet {_describe(expected)}"
    if ekind in ("ndarray", "array"):
        return _compare_arrays(expected, actual, rtol, atol, where)
    if ekind == "scalar":
        if expected["dtype"] != actual["dtype"]:
            return f"{where}: numpy scalar dtype {actual['dtype']}, MXNet {expected['dtype']}"
        if not _close(expected["value"], actual["value"], rtol, atol):
            return f"{where}: {_short(actual['value'])} vs MXNet {_short(expected['value'])}"
        return None
    if ekind in ("list", "tuple"):
        eitems, aitems = expected["items"], actual["items"]
        if len(eitems) != len(aitems):
            return f"{where}: {ekind} of {len(aitems)} items, MXNet {len(eitems)}"
        for i, (e, a) in enumerate(zip(eitems, aitems)):
            diff = _compare_value(e, a, rtol, atol, f"{where}[{i}]")
            if diff:
                return diff
        return None
    if ekind == "dict":
        ekeys = [k for k, _ in expected["items"]]
        akeys = [k for k, _ in actual["items"]]
        if ekeys != akeys:
            return f"{where}: dict keys {_short(akeys)}, MXNet {_short(ekeys)}"
        for (key, e), (_, a) in zip(expected["items"], actual["items"]):
            diff = _compare_value(e, a, rtol, atol, f"{where}[{key!r}]")
            if diff:
                return diff
        return None
    if ekind == "none":
        return None
    if ekind == "float":
        if not _close(expected["value"], actual["value"], rtol, atol):
            return f"{where}: {_short(actual['value'])} vs MXNet {_short(expected['value'])}"
        return None
    if ekind == "object" and expected.get("type") != actual.get("type"):
        return f"{where}: object of type {actual.get('type')}, MXNet {expected.get('type')}"
    if expected.get("value") != actual.get("value"):
        return f"{where}: {_short(actual.get('value'))} vs MXNet {_short(expected.get('value'))}"
    return None


def compare_records(expected, actual, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL):
    """The first difference between two lists of records, or None."""
    for i, (e, a) in enumerate(zip(expected, actual)):
        if e.get("name") != a.get("name"):
            return f"record #{i}: mxjax emitted {a.get('name')!r}, MXNet {e.get('name')!r}"
        diff = _compare_value(e, a, rtol, atol, repr(e.get("name")))
        if diff:
            return diff
    if len(actual) < len(expected):
        return f"missing record {expected[len(actual)].get('name')!r} (mxjax emitted {len(actual)} of {len(expected)})"
    if len(actual) > len(expected):
        return f"extra record {actual[len(expected)].get('name')!r} (MXNet emitted {len(expected)})"
    return None


def first_difference(expected, actual, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL):
    """Compare two runs (records and exit status); None when they agree."""
    diff = compare_records(expected.get("records", []), actual.get("records", []), rtol, atol)
    if diff:
        return diff
    if expected.get("status", 0) != actual.get("status", 0):
        return f"exit status {actual.get('status')}, MXNet {expected.get('status')}"
    return None


def beyond_failures(records):
    """For a beyond-MXNet program: the ``check_*`` records that are not True (or a note that there are none)."""
    checks = [r for r in records if str(r.get("name", "")).startswith("check_")]
    if not checks:
        return ["no check_* records emitted"]
    failed = []
    for r in checks:
        value = r.get("value") if r.get("kind") in ("bool", "scalar") else None
        if value is not True:
            failed.append(f"{r['name']} is {_short(r.get('value', _describe(r)))}")
    return failed
