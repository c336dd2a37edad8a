"""Automatic names, as MXNet's ``mx.name.NameManager`` gives them (``dense0``, ``dense1``...)."""
import threading
import warnings


class _NameManagerMeta(type):
    """Gives the class MXNet's deprecated ``NameManager.current`` (get warns; set does not)."""

    @property
    def current(cls):
        warnings.warn("NameManager.current has been deprecated. It is advised to use the `with` statement "
                      "with NameManager.", DeprecationWarning, stacklevel=2)
        return current()

    @current.setter
    def current(cls, manager):
        NameManager._current.value = manager


class NameManager(metaclass=_NameManagerMeta):
    """Counts names per hint; ``with NameManager():`` starts a fresh count.  The current manager
    is thread-local."""
    _current = threading.local()

    def __init__(self):
        self._counter = {}
        self._old = None

    def get(self, name, hint):
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return f"{hint}{count}"

    def __enter__(self):
        self._old = current()
        NameManager._current.value = self
        return self

    def __exit__(self, *exc):
        NameManager._current.value = self._old


class Prefix(NameManager):
    """Prepends ``prefix`` to every name."""

    def __init__(self, prefix):
        super().__init__()
        self._prefix = prefix

    def get(self, name, hint):
        return self._prefix + super().get(name, hint)


def current():
    manager = getattr(NameManager._current, "value", None)
    if manager is None:
        manager = NameManager._current.value = NameManager()
    return manager
