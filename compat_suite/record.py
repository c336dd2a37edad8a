"""Record what real MXNet 1.9.1 prints for every program of a suite.

    python -m compat_suite.record [--cases DIR] [-k PATTERN] [-j N] [--venv /tmp/mxref]

Creates the reference virtual environment if it is missing
(``python3 -m venv /tmp/mxref && /tmp/mxref/bin/pip install mxnet==1.9.1 "numpy<1.24"
"opencv-python-headless<4.9"``),
runs each program there (``import mxnet`` is the real MXNet) in a subprocess
whose working directory is a fresh temp dir, and writes its records and exit
status to ``expected/NAME.json`` beside the cases directory.  Programs marked
``# compat: beyond-mxnet`` check themselves and are not recorded.
"""
import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed

from .programs import DEFAULT_CASES, discover, expected_dir, run_program

__all__ = ["ensure_venv", "record_suite", "write_expected", "main"]

DEFAULT_VENV = os.environ.get("MXREF_VENV", "/tmp/mxref")
# OpenCV: MXNet's recordio.pack_img/unpack_img import cv2 (the image programs need it)
MXNET_REQUIREMENTS = ["mxnet==1.9.1", "numpy<1.24", "opencv-python-headless<4.9"]


def ensure_venv(venv=DEFAULT_VENV):
    """The reference interpreter, creating the venv with MXNet 1.9.1 if needed."""
    python = os.path.join(venv, "bin", "python")
    if os.path.exists(python):
        check = subprocess.run([python, "-c", "import mxnet; print(mxnet.__version__)"],
                               capture_output=True, text=True)
        if check.returncode == 0:
            return python
    else:
        subprocess.check_call(["python3", "-m", "venv", venv])
    subprocess.check_call([os.path.join(venv, "bin", "pip"), "install", "-q"] + MXNET_REQUIREMENTS)
    return python


def mxnet_version(python):
    out = subprocess.run([python, "-c", "import mxnet; print(mxnet.__version__)"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def write_expected(path, name, version, run):
    """One JSON file per program, one record per line (small, diff-friendly)."""
    head = {"case": name, "mxnet_version": version, "status": run["status"]}
    if run["status"] != 0:
        head["stderr_tail"] = run["stderr_tail"][-1500:]
    lines = [json.dumps(head)[:-1] + ', "records": [']
    lines.append(",\n".join(" " + json.dumps(r) for r in run["records"]))
    lines.append("]}")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def record_suite(cases_dir=DEFAULT_CASES, patterns=(), jobs=2, venv=DEFAULT_VENV):
    python = ensure_venv(venv)
    version = mxnet_version(python)
    out_dir = expected_dir(cases_dir)
    os.makedirs(out_dir, exist_ok=True)
    programs = [p for p in discover(cases_dir, patterns) if not p.beyond]
    env = {"OMP_NUM_THREADS": "1"}
    failures = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(run_program, [python], p, (), env): p for p in programs}
        for done, future in enumerate(as_completed(futures), 1):
            program, run = futures[future], future.result()
            write_expected(os.path.join(out_dir, program.name + ".json"), program.name, version, run)
            note = "" if run["status"] == 0 else "  exit status %d: %s" % (
                run["status"], (run["stderr_tail"].strip().splitlines() or [""])[-1])
            if run["status"] != 0:
                failures.append(program.name)
            print(f"[{done:>3}/{len(programs)}] {program.name}: {len(run['records'])} records "
                  f"({run['seconds']:.1f}s){note}", flush=True)
    print(f"recorded {len(programs)} programs with MXNet {version} into {out_dir}")
    if failures:
        print("exited with an error under MXNet: " + ", ".join(sorted(failures)))
    return failures


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m compat_suite.record",
                                     description="Record MXNet 1.9.1's outputs for a compatibility suite.")
    parser.add_argument("--cases", default=DEFAULT_CASES,
                        help="directory of programs; outputs go to its sibling expected/ (default: the built-in suite)")
    parser.add_argument("-k", dest="patterns", action="append", default=[], metavar="PATTERN",
                        help="record only programs whose name contains PATTERN; repeatable")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--venv", default=DEFAULT_VENV, help="reference venv (default /tmp/mxref or $MXREF_VENV)")
    args = parser.parse_args(argv)
    failures = record_suite(args.cases, args.patterns, args.jobs, args.venv)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
