"""Distributed kvstores (``dist_sync``, ``dist_device_sync``, ``dist_async``) on ``jax.distributed``.

MXNet runs a parameter server: workers push gradients to servers, which sum them
(and update, with ``set_optimizer``) and send the result back.  mxjax has no
server: every worker process is a JAX process of one ``jax.distributed`` job,
and a push sums the gradients of all workers with one XLA all-reduce over a mesh
of one device per process (gloo on CPU, NCCL on GPU); with an optimizer set,
every worker applies the same update to its own copy, so all workers hold the
same weights, as MXNet's pull from the servers gives them.

* ``rank``/``num_workers`` are ``jax.process_index()``/``jax.process_count()``.
* ``init`` takes worker 0's value (MXNet's servers keep the first init they get:
  worker 0's, since the others wait for it).
* ``dist_async``: MXNet applies each worker's push as it arrives, without
  waiting for the others.  mxjax runs it synchronously (as ``dist_sync``): the
  numbers are those of synchronous training, which MXNet's async mode only
  approximates.
* The job starts when ``mxjax`` is imported in a process whose environment names
  it (``mxjax launch`` sets it; MXNet's ``DMLC_*`` variables are understood): JAX
  must join a distributed job before it computes anything.  A worker that dies
  makes the others fail (JAX's coordination service notices the missing heartbeat)
  within ``MXJAX_HEARTBEAT_TIMEOUT`` seconds (default 30), never hang.

Environment (mxjax's name, else MXNet's):

=====================  ======================================  ====================
what                   mxjax                                   MXNet (DMLC)
=====================  ======================================  ====================
coordinator host:port  ``MXJAX_COORDINATOR``                   ``DMLC_PS_ROOT_URI`` + ``DMLC_PS_ROOT_PORT``
number of workers      ``MXJAX_NUM_PROCESSES``                 ``DMLC_NUM_WORKER``
this worker's rank     ``MXJAX_PROCESS_ID``                    ``DMLC_WORKER_ID``
=====================  ======================================  ====================

``DMLC_ROLE=server`` or ``scheduler`` (processes MXNet's ``tools/launch.py`` starts
besides the workers) have nothing to do in mxjax: such a process exits at import.
"""
import jax
import numpy as np

from .._engine.graph import constant
from ..base import MXNetError
from ..distributed import _state, job_environment
from ..ndarray.ndarray import from_value
from .kvstore import KVStore, _pairs, _sum, _dense

__all__ = ["DistKVStore"]

class _CrossProcessSum:
    """Sums an array over the processes: one jitted ``psum`` over a mesh of each process's
    first device (per shape and dtype, compiled once)."""

    def __init__(self):
        from jax.sharding import Mesh
        devices = [min((d for d in jax.devices() if d.process_index == p), key=lambda d: d.id)
                   for p in range(jax.process_count())]
        self.mesh = Mesh(np.array(devices), ("worker",))
        self.local = devices[jax.process_index()]
        self._fns = {}

    def __call__(self, array):
        from jax.sharding import NamedSharding, PartitionSpec
        spec = PartitionSpec("worker")
        fn = self._fns.get((array.shape, array.dtype))
        if fn is None:
            fn = self._fns[(array.shape, array.dtype)] = jax.jit(jax.shard_map(
                lambda b: jax.lax.psum(b, "worker"), mesh=self.mesh, in_specs=spec, out_specs=spec))
        block = jax.device_put(array.reshape((1,) + array.shape), self.local)
        n = len(self.mesh.devices)
        whole = jax.make_array_from_single_device_arrays((n,) + array.shape, NamedSharding(self.mesh, spec), [block])
        return fn(whole).addressable_shards[0].data.reshape(array.shape)


class DistKVStore(KVStore):
    """A kvstore shared by the worker processes of a ``jax.distributed`` job (module docstring)."""

    def __init__(self, name):
        if not _state["initialized"] or jax.process_count() < 2:
            job = job_environment()
            if job is None or job[1] > 1 and not _state["initialized"]:
                raise MXNetError(
                    f"kvstore '{name}' needs the workers of a distributed job: start the script with "
                    "`mxjax launch -n N script.py` (or MXNet's tools/launch.py, whose DMLC_* variables mxjax "
                    "reads), or use kvstore='device' to train on several devices in one process")
        super().__init__(name)
        self._reduce = _CrossProcessSum() if jax.process_count() > 1 else None

    @property
    def rank(self):
        return jax.process_index()

    @property
    def num_workers(self):
        return jax.process_count()

    def _across(self, nd_array):
        """``nd_array`` summed over the workers (a new NDArray on its context)."""
        if self._reduce is None:
            return nd_array
        total = self._reduce(nd_array._data())
        return from_value(constant(jax.device_put(total, nd_array.context.jax_device), nd_array.context))

    def init(self, key, value):
        """Every worker stores worker 0's value."""
        pairs = _pairs(key, value, "init")
        firsts = []
        for _, arrays in pairs:
            first = _dense(arrays[0])
            firsts.append(first if self.rank == 0 else first * 0)
        super().init([k for k, _ in pairs], [self._across(f) for f in firsts])

    def push(self, key, value, priority=0):
        """Sum the values over this worker's contexts and over the workers, then store the
        sum or update with it (every worker the same)."""
        pairs = _pairs(key, value, "push")
        totals = []
        for k, arrays in pairs:
            old = self._stored(k)
            totals.append([self._across(_sum(self._compressed(k, arrays), old.context))])
        threshold, self._threshold = self._threshold, None   # compressed above, once
        try:
            KVStore.push(self, [k for k, _ in pairs], totals, priority)
        finally:
            self._threshold = threshold

    def pushpull(self, key, value, out=None, priority=0):
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def _barrier(self):
        """All workers wait here."""
        if jax.process_count() > 1:
            from jax.experimental import multihost_utils
            multihost_utils.sync_global_devices("mxjax kvstore barrier")

    def barrier(self):
        self._barrier()
