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


@pytest.mark.parametrize("statement, missing", [
    ("import mxnet.rtc", "mxnet.rtc"),
    ("import mxnet.contrib.onnx", "mxnet.contrib.onnx"),
    ("import mxnet.gluon.contrib.no_such_module", "mxnet.gluon.contrib.no_such_module"),
    ("from mxnet.image import detection", "mxnet.image.detection"),
    ("from mxnet import rtc, nd", "mxnet.rtc"),
    ("from mxnet.gluon.contrib import no_such_module", "mxnet.gluon.contrib.no_such_module"),
    ("from mxnet.gluon.model_zoo import text", "mxnet.gluon.model_zoo.text"),
    ("from mxnet.gluon.data.vision import no_such_module", "mxnet.gluon.data.vision.no_such_module"),
])
def test_missing_module_names_the_mxnet_api_however_it_is_imported(statement, missing):
    """``from mxnet import X`` used to fail with a bare "cannot import name 'X' from 'mxjax'"."""
    mxjax.alias_mxnet()
    with pytest.raises(ImportError, match=f"^{missing} is not provided by mxjax$") as info:
        exec(statement, {})
    assert isinstance(info.value, mxjax.MXNetError)
    assert info.value.name == missing


@pytest.mark.parametrize("path", ["rtc", "gluon.contrib.no_such_module", "sym.no_such_op", "nd.no_such_op",
                                  "gluon.nn.no_such_layer", "autograd.no_such_function"])
def test_missing_attribute_names_the_mxnet_api(path):
    *parents, name = path.split(".")
    module = mxjax
    for p in parents:
        module = getattr(module, p)
    public = module.__name__.replace("mxjax", "mxnet", 1)
    with pytest.raises(AttributeError, match=f"^{public}.{name} is not provided by mxjax$"):
        getattr(module, name)
    assert not hasattr(module, name)


def test_debug_logging_shows_the_program_s_lines_not_jax_internals(tmp_path):
    """MXNet examples start with logging.basicConfig(level=logging.DEBUG); JAX's loggers must
    not flood their output (a loop used to print thousands of lines)."""
    result = _run(tmp_path, """
        import logging
        logging.basicConfig(level=logging.DEBUG, format="%(name)s:%(message)s")
        import mxnet as mx
        from mxnet import autograd, gluon, nd
        net = gluon.nn.Dense(2)
        net.initialize()
        trainer = gluon.Trainer(net.collect_params(), "sgd")
        for i in range(4):
            with autograd.record():
                loss = net(nd.ones((3, 4)) * i).sum()
            loss.backward()
            trainer.step(3)
        logging.getLogger("train").info("loss %.1f", -0.9)
        logging.getLogger("jax").debug("asked for by name")
        logging.getLogger("jax").setLevel(logging.DEBUG)
        logging.getLogger("jax").debug("asked for by name")
    """)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()   # after the setLevel, JAX's own lines (at exit) are asked for
    assert lines[:2] == ["train:loss -0.9", "jax:asked for by name"], lines


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
