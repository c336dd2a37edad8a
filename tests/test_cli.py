"""The ``mxnet`` alias and ``mxjax run``: MXNet scripts run unchanged."""
import os
import subprocess
import sys
import textwrap

import pytest

import mxjax


def _run(tmp_path, source, *args, module=False):
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(source))
    cmd = [sys.executable, "-m", "mxjax", str(script), *args] if module else \
        [sys.executable, "-c", "import sys; from mxjax.cli import main; sys.exit(main())", "run", str(script), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_alias_gives_the_same_module_objects():
    mxjax.alias_mxnet()
    import mxnet
    import mxnet.ndarray
    from mxnet import autograd, gluon, nd
    from mxnet.gluon import nn
    assert mxnet is mxjax
    assert sys.modules["mxnet.ndarray"] is sys.modules["mxjax.ndarray"]
    assert nd is mxjax.nd and mxnet.ndarray is mxjax.ndarray
    assert autograd is mxjax.autograd and gluon is mxjax.gluon
    assert nn is sys.modules["mxjax.gluon.nn"]


def test_star_imports_through_the_alias():
    mxjax.alias_mxnet()
    namespace = {}
    exec("from mxnet.autograd import *\nfrom mxnet.ndarray import *", namespace)
    assert namespace["record"] is mxjax.autograd.record
    assert namespace["NDArray"] is mxjax.nd.NDArray
    assert namespace["zeros"] is mxjax.nd.zeros


def test_missing_module_names_the_mxnet_api():
    mxjax.alias_mxnet()
    with pytest.raises(ImportError, match=r"mxnet\.contrib\.onnx is not provided by mxjax"):
        import mxnet.contrib.onnx  # noqa: F401
    with pytest.raises(mxjax.MXNetError, match=r"mxnet\.torch is not provided by mxjax"):
        import mxnet.torch  # noqa: F401


def test_missing_attribute_names_the_mxnet_api():
    with pytest.raises(AttributeError, match=r"mxnet\.visualization is not provided by mxjax"):
        mxjax.visualization
    assert not hasattr(mxjax, "visualization")


SCRIPT = """
import sys
import mxnet as mx
from mxnet import nd, autograd
x = nd.array([1.0, 2.0, 3.0])
x.attach_grad()
with autograd.record():
    y = (x * x).sum()
y.backward()
print("argv", sys.argv[1:])
print("grad", x.grad.asnumpy().tolist())
print("name", __name__)
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
"""


@pytest.mark.parametrize("module", [False, True], ids=["mxjax-run", "python-m-mxjax"])
def test_run_passes_argv_and_exit_code(tmp_path, module):
    result = _run(tmp_path, SCRIPT, "7", "--flag", module=module)
    assert result.returncode == 7, result.stderr
    assert "argv ['7', '--flag']" in result.stdout
    assert "grad [2.0, 4.0, 6.0]" in result.stdout
    assert "name __main__" in result.stdout


def test_run_reports_an_uncaught_error_with_exit_status_1(tmp_path):
    result = _run(tmp_path, "import mxnet as mx\nmx.nd.ones((2,)).asscalar()\n")
    assert result.returncode == 1
    assert "The current array is not a scalar" in result.stderr


def test_console_script_is_installed():
    exe = os.path.join(os.path.dirname(sys.executable), "mxjax")
    if not os.path.exists(exe):
        pytest.fail("the `mxjax` console script is missing: pip install -e . installs it")
    result = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "run" in result.stdout
