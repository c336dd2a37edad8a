"""Run MXNet programs unchanged: ``mxjax run script.py [args...]`` and the ``mxnet`` import alias.

``alias_mxnet()`` makes ``import mxnet`` and every ``mxnet.X`` import resolve
to ``mxjax`` and ``mxjax.X`` (the same module objects, never a second copy).
An MXNet module or attribute mxjax does not provide fails with an error that
names it (``mxnet.contrib.onnx is not provided by mxjax``) instead of a
confusing error deep inside.
"""
import argparse
import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys

from .base import MXNetError

__all__ = ["alias_mxnet", "main", "MissingMXNetModule"]


class MissingMXNetModule(MXNetError, ModuleNotFoundError):
    """An ``mxnet.X`` module that mxjax does not provide."""


class _MXNetAliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``mxnet[.X]`` as the already imported or importable ``mxjax[.X]``."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "mxnet" and not fullname.startswith("mxnet."):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        return importlib.import_module("mxjax" + spec.name[len("mxnet"):])

    def exec_module(self, module):
        """The mxjax module is already executed; register it under its mxnet name only."""


class _MissingModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Last on ``sys.meta_path``: an ``mxjax.X`` module that does not exist fails naming the
    MXNet module, however it is reached (``import mxnet.profiler``, ``from mxnet import
    profiler``, ``from mxnet.gluon import contrib``).  The error's ``name`` is the MXNet
    name, so the import system reports it instead of falling back to a bare
    "cannot import name"."""

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("mxjax."):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        name = "mxnet" + spec.name[len("mxjax"):]
        error = MissingMXNetModule(f"{name} is not provided by mxjax")
        error.name = name
        raise error

    def exec_module(self, module):
        """Never reached: ``create_module`` raises."""


_finder = _MXNetAliasFinder()
_missing = _MissingModuleFinder()


def report_missing_modules():
    """Install the finder that names missing MXNet modules (done when mxjax is imported)."""
    if _missing not in sys.meta_path:
        sys.meta_path.append(_missing)


def alias_mxnet():
    """Make ``import mxnet`` (and ``mxnet.X``) give mxjax's modules, in this process."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    for name, module in list(sys.modules.items()):
        if name == "mxjax" or name.startswith("mxjax."):
            sys.modules.setdefault("mxnet" + name[len("mxjax"):], module)


def run_script(path, argv):
    """Run ``path`` as ``__main__`` with ``sys.argv = [path] + argv`` under the mxnet alias."""
    alias_mxnet()
    sys.argv = [path] + list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")


def run_compat(args):
    """``mxjax compat [args]`` is ``python -m compat_suite [args]`` (the suite beside this package)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.path.isdir(os.path.join(root, "compat_suite")) and root not in sys.path:
        sys.path.insert(0, root)
    try:
        from compat_suite.runner import main as compat_main
    except ImportError:
        raise MXNetError("mxjax compat needs the compat_suite/ directory of an mxjax source checkout") from None
    return compat_main(list(args), prog="mxjax compat")


def _free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(n, launcher, script, args, hosts=None, port=None, poll=0.2, grace=None):
    """``mxjax launch -n N script.py args``: the workers of a jax.distributed job.

    ``local`` starts N processes here (``python -m mxjax script.py args`` with the job's
    environment: coordinator address, process count and rank, as MXJAX_* and DMLC_*) and
    waits for them; when one fails, the others get ``grace`` seconds
    (MXJAX_HEARTBEAT_TIMEOUT + 10) to end on their own (JAX's coordination service makes
    them fail), then are terminated; the exit status is the first failure's.  ``ssh`` and
    ``mpi`` print the command each host must run (mxjax starts nothing remotely)."""
    import subprocess
    import time
    port = port or _free_port()
    host = (hosts or ["127.0.0.1"])[0]
    commands = []
    for rank in range(n):
        env = {"MXJAX_COORDINATOR": f"{host}:{port}", "MXJAX_NUM_PROCESSES": str(n), "MXJAX_PROCESS_ID": str(rank),
               "DMLC_ROLE": "worker", "DMLC_NUM_WORKER": str(n), "DMLC_WORKER_ID": str(rank)}
        commands.append(env)
    argv = [sys.executable, "-m", "mxjax", script] + list(args)
    if launcher != "local":
        print(f"# mxjax launch --launcher {launcher}: start one worker per host/slot; rank 0's host "
              f"({host}) runs the coordinator on port {port}")
        for rank, env in enumerate(commands):
            target = hosts[rank % len(hosts)] if hosts else f"<host {rank}>"
            exports = " ".join(f"{k}={v}" for k, v in env.items())
            print(f"ssh {target} '{exports} python -m mxjax {script} {' '.join(args)}'" if launcher == "ssh"
                  else f"# rank {rank}: {exports} python -m mxjax {script} {' '.join(args)}")
        return 0
    grace = grace if grace is not None else int(os.environ.get("MXJAX_HEARTBEAT_TIMEOUT", "30")) + 10
    procs = [subprocess.Popen(argv, env=dict(os.environ, **env)) for env in commands]
    failed_at, status = None, 0
    while True:
        codes = [p.poll() for p in procs]
        if all(c is not None for c in codes):
            break
        bad = [c for c in codes if c not in (None, 0)]
        if bad and failed_at is None:
            failed_at, status = time.monotonic(), bad[0]
        if failed_at is not None and time.monotonic() - failed_at > grace:
            for p, c in zip(procs, codes):
                if c is None:
                    p.terminate()
            for p in procs:
                p.wait()
            break
        time.sleep(poll)
    if status == 0:
        status = next((c for c in (p.returncode for p in procs) if c), 0)
    if status:
        sys.stderr.write(f"mxjax launch: a worker failed (exit status {status}); the job stopped\n")
    return status


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "compat":
        return run_compat(argv[1:])
    if argv and argv[0] not in ("run", "compat", "launch", "-h", "--help") and argv[0].endswith(".py"):
        argv = ["run"] + argv  # python -m mxjax script.py
    parser = argparse.ArgumentParser(prog="mxjax", description="Run Apache MXNet 1.x programs on JAX.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a script with `import mxnet` resolving to mxjax")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    compat = sub.add_parser("compat", help="run the compatibility suite (python -m compat_suite)")
    compat.add_argument("args", nargs=argparse.REMAINDER)
    job = sub.add_parser("launch", help="start the worker processes of a multi-process job (kvstore dist_sync)")
    job.add_argument("-n", "--num-workers", type=int, required=True)
    job.add_argument("--launcher", choices=("local", "ssh", "mpi"), default="local")
    job.add_argument("-H", "--hostfile", help="a file naming one host per line (ssh, mpi)")
    job.add_argument("--port", type=int, help="the coordinator's port (default: a free one)")
    job.add_argument("script")
    job.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    if ns.command == "launch":
        hosts = None
        if ns.hostfile:
            with open(ns.hostfile) as f:
                hosts = [line.split()[0] for line in f if line.strip() and not line.startswith("#")]
        return launch(ns.num_workers, ns.launcher, ns.script, ns.args, hosts, ns.port)
    run_script(ns.script, ns.args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
