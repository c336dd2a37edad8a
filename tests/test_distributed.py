"""kvstore dist_sync on jax.distributed: ``mxjax launch -n 2`` starts two local workers."""
import os
import subprocess
import sys

import numpy as np
import pytest

from mxjax.distributed import job_environment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "tests", "scripts", "dist_mlp.py")


def test_dmlc_environment_is_understood():
    env = {"DMLC_PS_ROOT_URI": "10.0.0.1", "DMLC_PS_ROOT_PORT": "9000", "DMLC_NUM_WORKER": "4",
           "DMLC_WORKER_ID": "2", "DMLC_ROLE": "worker"}
    assert job_environment(env) == ("10.0.0.1:9000", 4, 2)
    assert job_environment({"MXJAX_COORDINATOR": "h:1", "MXJAX_NUM_PROCESSES": "2", "MXJAX_PROCESS_ID": "1"}) == (
        "h:1", 2, 1)
    assert job_environment({}) is None
    env.pop("DMLC_WORKER_ID")
    env["DMLC_TASK_ID"] = "3"   # MXNet's local launcher numbers workers this way
    assert job_environment(env) == ("10.0.0.1:9000", 4, 3)


def test_mxnet_server_and_scheduler_processes_exit():
    """MXNet's launcher also starts servers and a scheduler: mxjax has none to run."""
    env = dict(os.environ, PYTHONPATH=ROOT, JAX_PLATFORMS="cpu", DMLC_ROLE="server")
    res = subprocess.run([sys.executable, "-c", "import mxjax; print('ran')"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0 and "ran" not in res.stdout
    assert "no parameter server" in res.stderr


def test_dist_kvstore_without_a_job_says_how_to_launch():
    import mxjax as mx
    with pytest.raises(mx.base.MXNetError, match="mxjax launch"):
        mx.kv.create("dist_sync")


def _run(args, tmp_path, timeout=240):
    env = dict(os.environ, PYTHONPATH=ROOT, JAX_PLATFORMS="cpu", XLA_FLAGS="")
    return subprocess.run([sys.executable, "-m", "mxjax"] + args, env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=tmp_path)


@pytest.mark.slow
def test_two_workers_equal_one_process_over_the_whole_batch(tmp_path):
    res = _run(["launch", "-n", "2", SCRIPT, str(tmp_path / "dist")], tmp_path)
    assert res.returncode == 0, res.stderr[-3000:]
    res = _run([SCRIPT, str(tmp_path / "single"), "single"], tmp_path)
    assert res.returncode == 0, res.stderr[-3000:]
    single = np.load(tmp_path / "single_0.npz")
    for rank in range(2):
        worker = np.load(tmp_path / f"dist_{rank}.npz")
        for name in single.files:
            np.testing.assert_allclose(worker[name], single[name], rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_a_dead_worker_stops_the_job(tmp_path):
    script = tmp_path / "dies.py"
    script.write_text("import os, time\nimport mxnet as mx\nkv = mx.kv.create('dist_sync')\n"
                      "if kv.rank == 1:\n    os._exit(3)\nkv.barrier()\nprint('unreachable')\n")
    env_timeout = {"MXJAX_HEARTBEAT_TIMEOUT": "10"}
    os.environ.update(env_timeout)
    try:
        res = _run(["launch", "-n", "2", str(script)], tmp_path, timeout=180)
    finally:
        os.environ.pop("MXJAX_HEARTBEAT_TIMEOUT")
    assert res.returncode != 0
    assert "unreachable" not in res.stdout
    assert "a worker failed" in res.stderr
