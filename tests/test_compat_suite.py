"""The compatibility-suite machinery: emitting records, comparing them, judging programs, the runner.

The fast tests use synthetic records and tiny programs.  One test runs a few
real programs of compat_suite/cases end to end through ``python -m
compat_suite``; the whole suite runs only in the ``slow`` test.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from compat_suite import compat_emit  # noqa: E402
from compat_suite.compare import beyond_failures, compare_records, first_difference  # noqa: E402
from compat_suite.programs import (DEFAULT_CASES, Program, discover, expected_dir, known_file,  # noqa: E402
                                   load_expected, parse_output, read_known)
from compat_suite.runner import format_table, judge, run_suite, summary_line  # noqa: E402


class FakeNDArray:
    """Anything with asnumpy() is encoded as an NDArray."""

    def __init__(self, value):
        self._value = np.asarray(value)

    def asnumpy(self):
        return self._value


def emitted(capsys, fn):
    fn()
    return parse_output(capsys.readouterr().out)


def rec(name, value):
    record = {"name": name}
    record.update(compat_emit.encode(value))
    return record


def err(name, cls, mro=None):
    return {"name": name, "kind": "error", "class": cls, "mro": mro or [cls, "Exception", "BaseException", "object"],
            "message": "m"}


# ------------------------------------------------------------------ emit
def test_encode_kinds():
    assert compat_emit.encode(FakeNDArray(np.array([[1, 2]], dtype=np.int32))) == \
        {"kind": "ndarray", "shape": [1, 2], "dtype": "int32", "values": [[1, 2]]}
    assert compat_emit.encode(np.array([1.5], dtype=np.float16))["dtype"] == "float16"
    assert compat_emit.encode(np.array([1.5]))["kind"] == "array"
    assert compat_emit.encode(np.float32(2.5)) == {"kind": "scalar", "dtype": "float32", "value": 2.5}
    assert compat_emit.encode(np.bool_(True)) == {"kind": "scalar", "dtype": "bool", "value": True}
    assert compat_emit.encode(True) == {"kind": "bool", "value": True}
    assert compat_emit.encode(3) == {"kind": "int", "value": 3}
    assert compat_emit.encode(3.0) == {"kind": "float", "value": 3.0}
    assert compat_emit.encode("s") == {"kind": "str", "value": "s"}
    assert compat_emit.encode(None) == {"kind": "none"}
    assert compat_emit.encode((1, [2.0])) == {"kind": "tuple", "items": [
        {"kind": "int", "value": 1}, {"kind": "list", "items": [{"kind": "float", "value": 2.0}]}]}
    assert compat_emit.encode({"b": 1, "a": None}) == {"kind": "dict", "items": [
        ["b", {"kind": "int", "value": 1}], ["a", {"kind": "none"}]]}
    assert compat_emit.encode(object)["kind"] == "object"
    assert compat_emit.encode(np.array([None, 1], dtype=object))["values"] == ["None", "1"]


def test_emit_writes_one_marked_json_line(capsys):
    records = emitted(capsys, lambda: (print("noise"), compat_emit.emit("x", FakeNDArray([1.0, float("nan")]))))
    assert len(records) == 1
    assert records[0]["name"] == "x" and records[0]["shape"] == [2] and np.isnan(records[0]["values"][1])


def test_emit_error_records_class_mro_and_informative_message(capsys):
    class MXNetError(RuntimeError):
        pass

    class Sub(MXNetError):
        pass

    def raise_sub():
        raise Sub("Traceback (most recent call last):\n  File \"x.h\", line 1\nMXNetError: Check failed: shapes")

    records = emitted(capsys, lambda: (compat_emit.emit_error("e", raise_sub),
                                       compat_emit.emit_error("ok", lambda: 1)))
    assert records[0]["class"] == "Sub"
    assert records[0]["mro"][:3] == ["Sub", "MXNetError", "RuntimeError"]
    assert records[0]["message"] == "MXNetError: Check failed: shapes"
    assert records[1] == {"name": "ok", "kind": "noerror"}


def test_emit_error_waits_for_lazy_results(capsys):
    class Lazy:
        def wait_to_read(self):
            raise ValueError("surfaced at the sync point")

    records = emitted(capsys, lambda: compat_emit.emit_error("lazy", lambda: [Lazy()]))
    assert records[0]["class"] == "ValueError"


# ------------------------------------------------------------------ compare
def test_values_within_tolerance_pass_and_beyond_fail():
    expected = [rec("w", FakeNDArray(np.array([1.0, 2.0], dtype=np.float32)))]
    close = [rec("w", FakeNDArray(np.array([1.00001, 2.0], dtype=np.float32)))]
    far = [rec("w", FakeNDArray(np.array([1.0, 2.01], dtype=np.float32)))]
    assert compare_records(expected, close) is None
    diff = compare_records(expected, far)
    assert "'w'" in diff and "1/2 values differ" in diff and "(1,)" in diff
    assert compare_records(expected, far, rtol=1e-2) is None


def test_dtype_shape_and_kind_mismatches():
    base = [rec("x", FakeNDArray(np.zeros((2, 2), dtype=np.float32)))]
    assert "dtype float64, MXNet float32" in compare_records(base, [rec("x", FakeNDArray(np.zeros((2, 2))))])
    assert "shape (4,), MXNet (2, 2)" in compare_records(base, [rec("x", FakeNDArray(np.zeros(4, np.float32)))])
    assert "mxjax gave array" in compare_records(base, [rec("x", np.zeros((2, 2), np.float32))])
    assert "numpy float32 scalar" in compare_records([rec("s", np.float32(1))], [rec("s", 1.0)])
    assert compare_records([rec("i", FakeNDArray(np.array([1, 2])))], [rec("i", FakeNDArray(np.array([1, 3])))])


def test_nan_matches_nan_and_strings_compare_exactly():
    nan = [rec("x", np.array([np.nan, 1.0]))]
    assert compare_records(nan, nan) is None
    assert compare_records([rec("s", "\n[1. 2.]\n<NDArray 2 @cpu(0)>")],
                           [rec("s", "\n[1. 2.]\n<NDArray 2 @cpu(0)>")]) is None
    assert "vs MXNet" in compare_records([rec("s", "[1. 2.]")], [rec("s", "[1.  2.]")])


def test_nested_values_name_the_position():
    diff = compare_records([rec("t", (1, [2.0, FakeNDArray([3.0])]))], [rec("t", (1, [2.0, FakeNDArray([4.0])]))])
    assert diff.startswith("'t'[1][1]")
    assert "keys" in compare_records([rec("d", {"a": 1})], [rec("d", {"b": 1})])


def test_errors_match_by_class_in_mro():
    expected = [err("e", "MXNetError")]
    assert compare_records(expected, [err("e", "MXNetError")]) is None
    assert compare_records(expected, [err("e", "DeferredInitializationError",
                                          ["DeferredInitializationError", "MXNetError", "Exception"])]) is None
    assert "MXNet raised MXNetError" in compare_records(expected, [err("e", "ValueError")])
    assert "mxjax raised nothing" in compare_records(expected, [{"name": "e", "kind": "noerror"}])
    assert "MXNet raised nothing" in compare_records([{"name": "e", "kind": "noerror"}], [err("e", "TypeError")])


def test_missing_extra_and_renamed_records():
    expected = [rec("a", 1), rec("b", 2)]
    assert compare_records(expected, [rec("a", 1)]).startswith("missing record 'b'")
    assert compare_records(expected, expected + [rec("c", 3)]).startswith("extra record 'c'")
    assert "mxjax emitted 'c', MXNet 'b'" in compare_records(expected, [rec("a", 1), rec("c", 2)])


def test_exit_status_is_compared_after_records():
    run = {"status": 0, "records": [rec("a", 1)]}
    assert first_difference(run, dict(run)) is None
    assert first_difference(run, {"status": 1, "records": [rec("a", 1)]}) == "exit status 1, MXNet 0"


def test_beyond_checks():
    assert beyond_failures([rec("check_a", True), rec("value", 3.0), rec("check_b", np.bool_(True))]) == []
    assert beyond_failures([rec("check_a", False)]) == ["check_a is False"]
    assert beyond_failures([rec("check_a", 1)]) == ["check_a is 1"]
    assert beyond_failures([rec("x", 1.0)]) == ["no check_* records emitted"]


# ------------------------------------------------------------------ programs and judging
def test_program_directives(tmp_path):
    path = tmp_path / "001_x.py"
    path.write_text("# compat: beyond-mxnet\n\"\"\"doc\"\"\"\n# compat: rtol=1e-3 atol=1e-6 timeout=9\nimport mxnet\n")
    program = Program.from_path(str(path))
    assert program.name == "001_x" and program.beyond
    assert (program.rtol, program.atol, program.timeout) == (1e-3, 1e-6, 9.0)
    plain = tmp_path / "002_y.py"
    plain.write_text("x = '# compat: beyond-mxnet'\n")
    assert not Program.from_path(str(plain)).beyond


def test_known_differences_table(tmp_path):
    path = tmp_path / "KNOWN_DIFFERENCES.md"
    path.write_text("# Known\n\ntext | not a row\n\n| case | reason |\n|---|---|\n"
                    "| `010_a` | random streams differ |\n| 011_b.py | repr of a View |\n")
    assert read_known(str(path)) == {"010_a": "random streams differ", "011_b": "repr of a View"}
    assert read_known(str(tmp_path / "missing.md")) == {}


def test_judge_statuses():
    program = Program("/x/010_a.py")
    ok = {"status": 0, "records": [rec("a", 1)], "stderr_tail": ""}
    bad = {"status": 0, "records": [rec("a", 2)], "stderr_tail": ""}
    crash = {"status": 1, "records": [], "stderr_tail": "Traceback\n  File x\nAttributeError: no conv\n"}
    assert judge(program, ok, ok) == ("PASS", "")
    assert judge(program, bad, ok)[0] == "FAIL"
    assert judge(program, crash, ok) == ("CRASH", "exit status 1: AttributeError: no conv "
                                         "(after 0 of 1 records, all agreeing)")
    crash_after_diff = dict(crash, records=[rec("a", 5)])
    assert "first difference before: 'a': 5 vs MXNet 1" in judge(program, crash_after_diff, ok)[1]
    assert judge(program, ok, None)[0] == "FAIL"
    status, detail = judge(program, bad, ok, known_reason="random streams differ")
    assert status == "KNOWN" and "random streams differ" in detail
    assert judge(program, crash, ok, known_reason="r")[0] == "KNOWN"
    assert judge(program, ok, ok, known_reason="r") == ("PASS", "listed in KNOWN_DIFFERENCES.md but passes")
    beyond = Program("/x/060_b.py", beyond=True)
    assert judge(beyond, {"status": 0, "records": [rec("check_x", True)]}, None) == ("BEYOND", "")
    assert judge(beyond, {"status": 0, "records": [rec("check_x", False)]}, None) == ("FAIL", "check_x is False")
    assert judge(beyond, crash, None)[0] == "CRASH"


def test_table_and_summary():
    results = [{"program": "001_a", "status": "PASS", "difference": ""},
               {"program": "002_b", "status": "FAIL", "difference": "'x': 1 vs MXNet 2"}]
    table = format_table(results, width=100)
    assert "002_b" in table and "'x': 1 vs MXNet 2" in table
    assert summary_line(results) == "2 programs: 1 PASS, 1 FAIL, 0 CRASH, 0 KNOWN, 0 BEYOND"


def test_the_builtin_suite_is_complete():
    """Every program is recorded or beyond-MXNet; KNOWN_DIFFERENCES names real programs."""
    programs = discover(DEFAULT_CASES)
    assert len(programs) >= 80
    for program in programs:
        expected = load_expected(DEFAULT_CASES, program.name)
        if program.beyond:
            assert expected is None, program.name
            continue
        assert expected is not None, f"{program.name}: run python -m compat_suite.record -k {program.name}"
        assert expected["status"] == 0 and expected["records"], program.name
    names = {p.name for p in programs}
    assert set(read_known(known_file(DEFAULT_CASES))) <= names
    assert os.path.basename(expected_dir(DEFAULT_CASES)) == "expected"


# ------------------------------------------------------------------ running programs
def _suite(tmp_path, known=""):
    cases = tmp_path / "cases"
    cases.mkdir()
    (tmp_path / "expected").mkdir()
    programs = {
        "001_pass": "from mxnet import nd\nfrom compat_emit import emit\nemit('x', nd.array([1, 2]) * 2)\n",
        "002_fail": "from mxnet import nd\nfrom compat_emit import emit\nemit('x', nd.array([1, 2]) * 3)\n",
        "003_beyond": "# compat: beyond-mxnet\nfrom compat_emit import emit\nemit('check_ok', True)\n",
        "004_crash": "import mxnet as mx\nmx.nd.no_such_operator()\n",
    }
    for name, source in programs.items():
        (cases / f"{name}.py").write_text(source)
    x2 = {"name": "x", "kind": "ndarray", "shape": [2], "dtype": "float32", "values": [2.0, 4.0]}
    for name in ("001_pass", "002_fail", "004_crash"):
        (tmp_path / "expected" / f"{name}.json").write_text(json.dumps({"status": 0, "records": [x2]}))
    if known:
        (tmp_path / "KNOWN_DIFFERENCES.md").write_text(known)
    return str(cases)


def test_run_suite_on_a_user_directory(tmp_path):
    cases = _suite(tmp_path, known="| case | reason |\n|--|--|\n| 004_crash | deliberately calls a missing op |\n")
    lines = []
    results = run_suite(cases, jobs=2, progress=lambda r, done, total: lines.append((r["program"], done, total)))
    statuses = {r["program"]: r["status"] for r in results}
    assert statuses == {"001_pass": "PASS", "002_fail": "FAIL", "003_beyond": "BEYOND", "004_crash": "KNOWN"}
    assert len(lines) == 4 and {total for _, _, total in lines} == {4}
    fail = next(r for r in results if r["program"] == "002_fail")
    assert "'x'" in fail["difference"] and "vs MXNet" in fail["difference"]


def test_runner_end_to_end_on_real_cases(tmp_path):
    """``python -m compat_suite -k ...`` on a few programs of the built-in suite: table, JSON, exit status."""
    out = tmp_path / "results.json"
    picks = ["001_seed_d2l_autograd", "004_seed_autograd_api", "065_beyond_third_order"]
    cmd = [sys.executable, "-m", "compat_suite", "-j", "2", "--json", str(out)]
    for name in picks:
        cmd += ["-k", name]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    results = {r["program"]: r for r in json.load(open(out))["results"]}
    assert set(results) == set(picks), proc.stdout + proc.stderr
    assert {n: r["status"] for n, r in results.items()} == {
        "001_seed_d2l_autograd": "PASS", "004_seed_autograd_api": "PASS", "065_beyond_third_order": "BEYOND"}, \
        proc.stdout
    assert "3 programs: 2 PASS, 0 FAIL, 0 CRASH, 0 KNOWN, 1 BEYOND" in proc.stdout
    assert proc.returncode == 0


@pytest.mark.slow
def test_whole_suite_passes():
    proc = subprocess.run([sys.executable, "-m", "compat_suite", "-j", "2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=3 * 3600)
    assert proc.returncode == 0, proc.stdout[-20000:]
