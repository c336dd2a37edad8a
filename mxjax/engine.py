"""``mx.engine``: MXNet's bulk-execution settings.

MXNet bundles up to ``bulk size`` consecutive operators into one engine task.  mxjax
already defers operators and runs repeated traces as one compiled XLA call, so the bulk
size changes nothing in how mxjax computes; it is kept (per thread, as in MXNet's engine)
so that ``set_bulk_size`` returns the previous value and ``with mx.engine.bulk(n)`` works.
"""
import threading

__all__ = ["set_bulk_size", "bulk"]

_bulk = threading.local()


def set_bulk_size(size):
    """Set the bulk size of this thread; returns the previous one (0 at first, as in MXNet)."""
    prev = getattr(_bulk, "size", 0)
    _bulk.size = int(size)
    return prev


class _BulkScope:
    """``with`` scope setting the bulk size and restoring the previous one."""

    def __init__(self, size):
        self._size = size
        self._old_size = None

    def __enter__(self):
        self._old_size = set_bulk_size(self._size)
        return self

    def __exit__(self, ptype, value, trace):
        set_bulk_size(self._old_size)


def bulk(size):
    """A scope with bulk size ``size``: ``with mx.engine.bulk(10): ...``."""
    return _BulkScope(size)
