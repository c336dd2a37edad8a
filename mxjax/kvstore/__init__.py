"""``mx.kv`` / ``mx.kvstore``: key-value stores for data-parallel training, as in MXNet 1.9.1.

``create('local')``, ``create('device')`` (and any other non-distributed name) give the
single-process ``KVStore`` of kvstore.py; ``create('teststore')`` gives MXNet's
``TestStore``; classes registered with ``KVStoreBase.register`` are created by their
lower-cased class name.  ``dist_sync``, ``dist_device_sync`` and ``dist_async`` give the
``DistKVStore`` of dist.py (a ``jax.distributed`` job, see docs/distributed.md);
``horovod`` is not provided.
"""
from .base import KVStoreBase, TestStore, create
from .kvstore import KVStore

__all__ = ["KVStoreBase", "TestStore", "KVStore", "create"]
