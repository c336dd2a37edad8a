"""``KVStoreBase`` (MXNet's plug-in interface and registry), ``TestStore`` and ``create``."""
import warnings

from ..base import NotImplementedForMXJax
from ..ndarray import NDArray

__all__ = ["KVStoreBase", "TestStore", "create"]


class KVStoreBase:
    """The interface of a key-value store: ``broadcast``, ``pushpull``, ``set_optimizer``,
    ``is_capable``, the optimizer-state files, ``type``, ``rank`` and ``num_workers``.
    Subclasses registered with ``KVStoreBase.register`` are what ``create(name)`` builds."""

    OPTIMIZER = "optimizer"
    kv_registry = {}

    def broadcast(self, key, value, out, priority=0):
        raise NotImplementedError()

    def pushpull(self, key, value, out=None, priority=0):
        raise NotImplementedError()

    def set_optimizer(self, optimizer):
        raise NotImplementedError()

    def is_capable(self, capability):
        raise NotImplementedError()

    def save_optimizer_states(self, fname, dump_optimizer=False):
        raise NotImplementedError()

    def load_optimizer_states(self, fname):
        raise NotImplementedError()

    @property
    def type(self):
        raise NotImplementedError()

    @property
    def rank(self):
        raise NotImplementedError()

    @property
    def num_workers(self):
        raise NotImplementedError()

    @staticmethod
    def register(klass):
        """Register ``klass`` under its lower-cased name (a later one with the same name
        replaces it, with a warning, as in MXNet); returns ``klass`` (a class decorator)."""
        assert isinstance(klass, type)
        name = klass.__name__.lower()
        if name in KVStoreBase.kv_registry:
            old = KVStoreBase.kv_registry[name]
            warnings.warn(f"WARNING: New kvstore {klass.__module__}.{klass.__name__} is overriding existing "
                          f"kvstore {old.__module__}.{old.__name__}")
        KVStoreBase.kv_registry[name] = klass
        return klass


@KVStoreBase.register
class TestStore(KVStoreBase):
    """MXNet's store for testing the plug-in interface: ``pushpull`` sums the values on the
    first value's context; it has no optimizer support (a Trainer then updates locally)."""

    def broadcast(self, key, value, out, priority=0):
        for o in (out if isinstance(out, list) else [out]):
            o[:] = value

    def pushpull(self, key, value, out=None, priority=0):
        if isinstance(value, NDArray):
            if out is not None:
                for o in (out if isinstance(out, list) else [out]):
                    o[:] = value
            return
        ctx = value[0].context
        total = value[0].copy()
        for v in value[1:]:
            total += v.as_in_context(ctx)
        for o in (value if out is None else (out if isinstance(out, list) else [out])):
            o[:] = total

    @staticmethod
    def is_capable(capability):
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return False
        raise ValueError(f"Unknown capability: {capability}")

    @property
    def type(self):
        return "teststore"

    @property
    def rank(self):
        return 0

    @property
    def num_workers(self):
        return 1

    def set_optimizer(self, optimizer):
        raise NotImplementedError()

    def save_optimizer_states(self, fname, dump_optimizer=False):
        raise NotImplementedError()

    def load_optimizer_states(self, fname):
        raise NotImplementedError()


def create(name="local"):
    """A new key-value store of type ``name`` (see the package docstring)."""
    from .kvstore import KVStore
    if not isinstance(name, str):
        raise TypeError("name must be a string")
    name = name.lower()
    if name in KVStoreBase.kv_registry:
        return KVStoreBase.kv_registry[name]()
    if name in ("dist_sync", "dist_device_sync", "dist_async", "dist_sync_device", "dist_async_device", "dist"):
        from .dist import DistKVStore
        return DistKVStore(name)
    if "dist" in name or name == "horovod":
        raise NotImplementedForMXJax(
            f"kvstore '{name}': mxjax's distributed kvstores are dist_sync, dist_device_sync and dist_async "
            "(on jax.distributed); horovod is not provided")
    return KVStore(name)
