"""The programs of a compatibility suite, their directives, and running one in a subprocess.

A suite is a directory of Python programs (``NNN_short_name.py``) that report
results with ``compat_emit.emit``; MXNet's outputs live in the sibling
directory ``expected/`` (``NAME.json``) and intentional differences in the
sibling ``KNOWN_DIFFERENCES.md``.  For the built-in suite these are
``compat_suite/cases``, ``compat_suite/expected`` and
``compat_suite/KNOWN_DIFFERENCES.md``.

A program may carry directives in comments near its top::

    # compat: beyond-mxnet            (checks its own answers; not compared with MXNet)
    # compat: rtol=1e-3 atol=1e-5     (tolerances for its values)
    # compat: timeout=600             (seconds, for slow programs)
"""
import fnmatch
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from .compare import DEFAULT_ATOL, DEFAULT_RTOL
from .compat_emit import MARKER

__all__ = ["SUITE_DIR", "DEFAULT_CASES", "Program", "discover", "expected_dir", "known_file",
           "read_known", "parse_output", "run_program", "load_expected"]

SUITE_DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CASES = os.path.join(SUITE_DIR, "cases")
REPO_ROOT = os.path.dirname(SUITE_DIR)
DEFAULT_TIMEOUT = 300
_DIRECTIVE = re.compile(r"^\s*#\s*compat:\s*(.*)$")
_HEAD_LINES = 30


@dataclass
class Program:
    """One program of a suite and the directives in its first lines."""
    path: str
    beyond: bool = False
    rtol: float = DEFAULT_RTOL
    atol: float = DEFAULT_ATOL
    timeout: float = DEFAULT_TIMEOUT
    options: dict = field(default_factory=dict)

    @property
    def name(self):
        return os.path.splitext(os.path.basename(self.path))[0]

    @classmethod
    def from_path(cls, path):
        program = cls(os.path.abspath(path))
        with open(path, encoding="utf-8") as fh:
            head = [next(fh, "") for _ in range(_HEAD_LINES)]
        for line in head:
            match = _DIRECTIVE.match(line)
            if not match:
                continue
            for word in match.group(1).split():
                key, _, value = word.partition("=")
                program.options[key] = value or True
                if key == "beyond-mxnet":
                    program.beyond = True
                elif key in ("rtol", "atol", "timeout"):
                    setattr(program, key, float(value))
        return program


def _matches(name, patterns):
    return not patterns or any(p in name or fnmatch.fnmatch(name, p) for p in patterns)


def discover(cases_dir=DEFAULT_CASES, patterns=()):
    """The programs of ``cases_dir`` (``*.py`` not starting with ``_``), sorted by name, filtered by ``patterns``."""
    names = sorted(n for n in os.listdir(cases_dir) if n.endswith(".py") and not n.startswith("_"))
    programs = [Program.from_path(os.path.join(cases_dir, n)) for n in names]
    return [p for p in programs if _matches(p.name, patterns)]


def expected_dir(cases_dir):
    """Where MXNet's recorded outputs for ``cases_dir`` live: the sibling ``expected/``."""
    return os.path.join(os.path.dirname(os.path.abspath(cases_dir)), "expected")


def known_file(cases_dir):
    """The sibling ``KNOWN_DIFFERENCES.md`` of ``cases_dir``."""
    return os.path.join(os.path.dirname(os.path.abspath(cases_dir)), "KNOWN_DIFFERENCES.md")


def read_known(path):
    """``{case name: reason}`` from the markdown table of a KNOWN_DIFFERENCES.md (missing file: empty)."""
    known = {}
    if not os.path.exists(path):
        return known
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line.startswith("|"):
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) < 2 or set(cells[0]) <= set("-: "):
                continue
            case = cells[0].strip("`* ")
            if case.endswith(".py"):
                case = case[:-3]
            if case.lower() in ("case", "program", ""):
                continue
            known[case] = cells[1]
    return known


def load_expected(cases_dir, name):
    """MXNet's recorded run of program ``name``, or None if it was never recorded."""
    path = os.path.join(expected_dir(cases_dir), name + ".json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def parse_output(stdout):
    """The records in a program's stdout (the ``@@compat@@`` lines)."""
    records = []
    for line in stdout.splitlines():
        if line.startswith(MARKER + " "):
            try:
                records.append(json.loads(line[len(MARKER) + 1:]))
            except json.JSONDecodeError:
                records.append({"name": "<unparsable record>", "kind": "str", "value": line[:200]})
    return records


def _pythonpath(extra):
    parts = [SUITE_DIR] + list(extra)
    if os.environ.get("PYTHONPATH"):
        parts.append(os.environ["PYTHONPATH"])
    return os.pathsep.join(parts)


def run_program(command, program, extra_path=(), env=None):
    """Run ``command + [program.path]`` with cwd a fresh temp dir; returns the run as a dict.

    ``{"status", "records", "stderr_tail", "seconds", "timed_out"}``; the
    status is -1 when the program ran past its timeout.
    """
    environ = dict(os.environ)
    environ.update(env or {})
    environ["PYTHONPATH"] = _pythonpath(extra_path)
    environ.setdefault("PYTHONHASHSEED", "0")
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="compat_") as cwd:
        try:
            proc = subprocess.run(list(command) + [program.path], cwd=cwd, env=environ,
                                  capture_output=True, text=True, timeout=program.timeout)
            status, stdout, stderr, timed_out = proc.returncode, proc.stdout, proc.stderr, False
        except subprocess.TimeoutExpired as exc:
            def text(b):
                return b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
            status, stdout, stderr, timed_out = -1, text(exc.stdout), text(exc.stderr), True
    return {"status": status, "records": parse_output(stdout), "stderr_tail": stderr[-4000:],
            "seconds": round(time.perf_counter() - start, 2), "timed_out": timed_out}


def mxjax_command(python=None):
    """How the runner starts a program under mxjax: ``python -m mxjax program.py``."""
    return [python or sys.executable, "-m", "mxjax"]


def mxjax_path():
    """Directories to put on PYTHONPATH so that the mxjax beside this suite is the one tested."""
    return [REPO_ROOT] if os.path.isdir(os.path.join(REPO_ROOT, "mxjax")) else []
