"""``mx.AttrScope``: attributes attached to every Symbol created inside a ``with`` scope.

MXNet's semantics: attribute values must be strings (ValueError otherwise); a nested scope
holds its parents' attributes updated by its own; ``get(attr)`` merges the scope's attributes
with the ones passed at symbol creation (those win).  The current scope is thread-local.
``AttrScope.current`` (get and set) still works and warns DeprecationWarning, as in MXNet.
"""
import threading
from collections import defaultdict
import warnings

from .base import string_types

__all__ = ["AttrScope"]

_DEPRECATED = "AttrScope.current has been deprecated. It is advised to use the `with` statement with AttrScope."


class _AttrScopeMeta(type):
    """Gives the class a ``current`` property (MXNet's deprecated class-level accessor)."""

    @property
    def current(cls):
        warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
        if not hasattr(AttrScope._current, "value"):
            AttrScope._current.value = AttrScope()
        return AttrScope._current.value

    @current.setter
    def current(cls, value):
        warnings.warn(_DEPRECATED, DeprecationWarning, stacklevel=2)
        AttrScope._current.value = value


class AttrScope(metaclass=_AttrScopeMeta):
    """Attribute manager for scoping: ``with AttrScope(ctx_group='dev1'): ...``.

    Parameters
    ----------
    kwargs
        The attributes (strings) to set for all symbol creations in the scope.
    """
    _current = threading.local()
    #: subgraph name -> how many control-flow bodies took it (``mx.sym.contrib.foreach``...)
    _subgraph_names = defaultdict(int)

    def __init__(self, **kwargs):
        self._old_scope = None
        for value in kwargs.values():
            if not isinstance(value, string_types):
                raise ValueError("Attributes need to be string")
        self._attr = kwargs

    def get(self, attr):
        """The scope's attributes updated by ``attr`` (a dict of str, or None) as a new dict."""
        if self._attr:
            merged = self._attr.copy()
            if attr:
                merged.update(attr)
            return merged
        return attr if attr else {}

    def __enter__(self):
        if not hasattr(AttrScope._current, "value"):
            AttrScope._current.value = AttrScope()
        self._old_scope = AttrScope._current.value
        attr = AttrScope._current.value._attr.copy()
        attr.update(self._attr)
        self._attr = attr
        AttrScope._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        assert self._old_scope
        AttrScope._current.value = self._old_scope


def current():
    """The calling thread's current AttrScope (a fresh empty one in a new thread)."""
    scope = getattr(AttrScope._current, "value", None)
    if scope is None:
        scope = AttrScope._current.value = AttrScope()
    return scope


def unique_subgraph_name(name):
    """MXNet's name for a new control-flow body (``foreach``, ``while_loop``, ``cond``):
    ``<name><count>``, prefixed by ``<outer body's name>$`` inside another body (the current
    scope's ``__subgraph_name__``); counted in ``AttrScope._subgraph_names``."""
    outer = current()._attr.get("__subgraph_name__", "")
    if outer:
        name = f"{outer}${name}"
    AttrScope._subgraph_names[name] += 1
    return f"{name}{AttrScope._subgraph_names[name] - 1}"


AttrScope._current.value = AttrScope()
