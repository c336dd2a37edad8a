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


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "compat":
        return run_compat(argv[1:])
    if argv and argv[0] not in ("run", "compat", "-h", "--help") and argv[0].endswith(".py"):
        argv = ["run"] + argv  # python -m mxjax script.py
    parser = argparse.ArgumentParser(prog="mxjax", description="Run Apache MXNet 1.x programs on JAX.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a script with `import mxnet` resolving to mxjax")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    compat = sub.add_parser("compat", help="run the compatibility suite (python -m compat_suite)")
    compat.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    run_script(ns.script, ns.args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
