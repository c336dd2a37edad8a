"""Run a compatibility suite under mxjax and compare with MXNet 1.9.1's recorded outputs.

    python -m compat_suite [--cases DIR] [-k PATTERN] [-j N] [--json OUT]
    mxjax compat [same arguments]

Every program runs as ``python -m mxjax program.py`` (``import mxnet`` is
mxjax) in a subprocess whose working directory is a fresh temp dir.  Each
program gets one of:

- ``PASS``: its records agree with MXNet's (see ``compare``);
- ``FAIL``: they differ (or MXNet's outputs were never recorded);
- ``CRASH``: it exited with an error (or ran past its timeout) where MXNet did not;
- ``KNOWN``: it differs, and ``KNOWN_DIFFERENCES.md`` lists it with the reason;
- ``BEYOND``: a ``# compat: beyond-mxnet`` program (something MXNet 1.x cannot
  do) that ran and whose ``check_*`` records are all True.

The exit status is 0 iff every program is PASS, KNOWN or BEYOND.
"""
import argparse
import json
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from .compare import beyond_failures, compare_records, first_difference
from .programs import (DEFAULT_CASES, discover, known_file, load_expected, mxjax_command, mxjax_path,
                       read_known, run_program)

__all__ = ["judge", "run_suite", "format_table", "main"]

OK_STATUSES = ("PASS", "KNOWN", "BEYOND")


def _crash_line(run):
    if run.get("timed_out"):
        return "timed out"
    lines = [line for line in run.get("stderr_tail", "").strip().splitlines() if line.strip()]
    return f"exit status {run['status']}: " + (lines[-1].strip() if lines else "(no stderr)")


def judge(program, run, expected, known_reason=None):
    """``(status, first difference or '')`` for one program's run under mxjax."""
    if program.beyond:
        if run["status"] != 0:
            status, detail = "CRASH", _crash_line(run)
        else:
            failed = beyond_failures(run["records"])
            status, detail = ("FAIL", "; ".join(failed)) if failed else ("BEYOND", "")
    elif expected is None:
        status, detail = "FAIL", "no MXNet output recorded (python -m compat_suite.record)"
    elif run["status"] != 0 and run["status"] != expected.get("status", 0):
        status, detail = "CRASH", _crash_line(run)
        emitted = run["records"]
        before = compare_records(expected.get("records", [])[:len(emitted)], emitted, program.rtol, program.atol)
        detail += f" (after {len(emitted)} records; first difference before: {before})" if before else \
            f" (after {len(emitted)} of {len(expected.get('records', []))} records, all agreeing)"
    else:
        diff = first_difference(expected, run, program.rtol, program.atol)
        status, detail = ("FAIL", diff) if diff else ("PASS", "")
    if known_reason is not None:
        if status in ("FAIL", "CRASH"):
            return "KNOWN", f"{detail} [known: {known_reason}]"
        if status == "PASS":
            return "PASS", "listed in KNOWN_DIFFERENCES.md but passes"
    return status, detail


def _one(program, cases_dir, known, python):
    run = run_program(mxjax_command(python), program, extra_path=mxjax_path())
    expected = None if program.beyond else load_expected(cases_dir, program.name)
    status, detail = judge(program, run, expected, known.get(program.name))
    return {"program": program.name, "status": status, "difference": detail,
            "seconds": run["seconds"], "exit_status": run["status"],
            "stderr_tail": run["stderr_tail"] if status in ("CRASH", "FAIL", "KNOWN") else ""}


def run_suite(cases_dir=DEFAULT_CASES, patterns=(), jobs=2, python=None, progress=None):
    """Run the programs of ``cases_dir`` matching ``patterns``; returns the results sorted by program."""
    programs = discover(cases_dir, patterns)
    known = read_known(known_file(cases_dir))
    results = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_one, p, cases_dir, known, python) for p in programs]
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            if progress:
                progress(result, len(results), len(programs))
    return sorted(results, key=lambda r: r["program"])


def _clip(text, width):
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:max(0, width - 3)] + "..."


def format_table(results, width=None):
    """The final table: program, status, first difference; then the counts."""
    width = width or max(100, shutil.get_terminal_size((120, 24)).columns)
    name_w = max([len("program")] + [len(r["program"]) for r in results])
    rest = max(20, width - name_w - 10)
    lines = [f"{'program':<{name_w}}  {'status':<6}  first difference", f"{'-' * name_w}  ------  {'-' * 16}"]
    for r in results:
        lines.append(f"{r['program']:<{name_w}}  {r['status']:<6}  {_clip(r['difference'], rest)}")
    lines.append("")
    lines.append(summary_line(results))
    return "\n".join(lines)


def summary_line(results):
    counts = {s: 0 for s in ("PASS", "FAIL", "CRASH", "KNOWN", "BEYOND")}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return f"{len(results)} programs: " + ", ".join(f"{counts[s]} {s}" for s in counts)


def _print_progress(result, done, total):
    line = f"[{done:>{len(str(total))}}/{total}] {result['status']:<6} {result['program']} ({result['seconds']:.1f}s)"
    if result["status"] not in ("PASS", "BEYOND"):
        line += "  " + _clip(result["difference"], 110)
    print(line, flush=True)


def build_parser(prog="python -m compat_suite"):
    parser = argparse.ArgumentParser(prog=prog, description="Check mxjax against outputs recorded from MXNet 1.9.1.")
    parser.add_argument("--cases", default=DEFAULT_CASES,
                        help="directory of programs; MXNet's outputs are read from its sibling expected/ "
                             "(default: the built-in suite)")
    parser.add_argument("-k", dest="patterns", action="append", default=[], metavar="PATTERN",
                        help="run only programs whose name contains PATTERN (or matches it as a glob); repeatable")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="programs run at once (default 2)")
    parser.add_argument("--json", dest="json_out", metavar="OUT", help="also write the results as JSON to OUT")
    parser.add_argument("--python", default=sys.executable,
                        help="interpreter that has mxjax installed (default: this one)")
    return parser


def main(argv=None, prog="python -m compat_suite"):
    args = build_parser(prog).parse_args(argv)
    if not os.path.isdir(args.cases):
        print(f"no such directory: {args.cases}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    results = run_suite(args.cases, args.patterns, args.jobs, args.python, progress=_print_progress)
    if not results:
        print("no programs matched", file=sys.stderr)
        return 2
    print()
    print(format_table(results))
    print(f"({time.perf_counter() - start:.0f}s)")
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as fh:
            json.dump({"cases": os.path.abspath(args.cases), "results": results}, fh, indent=1)
    return 0 if all(r["status"] in OK_STATUSES for r in results) else 1
