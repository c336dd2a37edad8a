"""Joining a multi-process job (``jax.distributed``) from the environment, at ``import mxjax``.

JAX must join a distributed job before it computes anything, so ``mxjax/__init__``
calls ``initialize_from_env()`` first thing; the environment is what ``mxjax launch``
or MXNet's ``tools/launch.py`` (``DMLC_*``) sets.  See kvstore/dist.py for the
kvstores that use the job and docs/distributed.md for launching.
"""
import os
import sys

import jax

from .base import MXNetError

__all__ = ["initialize_from_env", "job_environment"]

_state = {"initialized": False}


def job_environment(env=None):
    """(coordinator address, number of processes, process id) from the environment, or
    None when the environment names no distributed job."""
    env = os.environ if env is None else env
    coordinator = env.get("MXJAX_COORDINATOR")
    if coordinator is None and env.get("DMLC_PS_ROOT_URI"):
        coordinator = f"{env['DMLC_PS_ROOT_URI']}:{env.get('DMLC_PS_ROOT_PORT', '9091')}"
    count = env.get("MXJAX_NUM_PROCESSES", env.get("DMLC_NUM_WORKER"))
    # MXNet's local launcher (dmlc_tracker) numbers its workers with DMLC_TASK_ID
    rank = env.get("MXJAX_PROCESS_ID", env.get("DMLC_WORKER_ID", env.get("DMLC_TASK_ID")))
    if coordinator is None or count is None:
        return None
    if rank is None:
        raise MXNetError("a distributed job needs each worker's rank: set MXJAX_PROCESS_ID (or DMLC_WORKER_ID) "
                         "to 0..N-1 in each worker, or start the workers with `mxjax launch -n N script.py`")
    return coordinator, int(count), int(rank)


def initialize_from_env():
    """Join the distributed job the environment names (at ``import mxjax``); a server or
    scheduler process of MXNet's launcher exits, having nothing to do."""
    role = os.environ.get("DMLC_ROLE", "worker")
    if role in ("server", "scheduler"):
        sys.stderr.write(f"mxjax: DMLC_ROLE={role}: mxjax has no parameter server; workers sum gradients with "
                         "jax.distributed collectives, so this process exits\n")
        sys.exit(0)
    job = job_environment()
    if job is None or _state["initialized"]:
        return
    coordinator, count, rank = job
    if count > 1:
        jax.config.update("jax_cpu_collectives_implementation", "gloo")
        timeout = int(os.environ.get("MXJAX_HEARTBEAT_TIMEOUT", "30"))
        jax.distributed.initialize(coordinator, count, rank, initialization_timeout=max(timeout, 60),
                                   heartbeat_timeout_seconds=timeout, shutdown_timeout_seconds=timeout)
    _state["initialized"] = True


