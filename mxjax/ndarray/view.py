"""Views: ``x[0]``, ``x[1:3]`` and ``x.reshape(...)`` share ``x``'s storage in MXNet.

A view holds its base and how it derives from it.  Reading derives the value
from the base's current value (re-deriving after the base was written);
writing computes the base's new value and writes that into the base.
"""
import numpy as np

from ..base import MXNetError
from .._engine.graph import set_owner
from .._engine.state import state
from .ndarray import NDArray, _call, from_value, unrecorded
from .registry import register


def infer_reshape(src, spec, reverse=False, exact=True):
    """Target shape for MXNet's reshape codes: 0 copy, -1 infer, -2 rest, -3 merge two, -4 split one.

    ``exact``: a target whose size differs from the source's is an MXNetError; otherwise -1 is
    inferred by floor division and the caller compares the sizes (``NDArray.reshape``)."""
    if reverse:   # MXNet reverses both lists as they are: a -4 reads the two codes after it there
        return tuple(reversed(infer_reshape(tuple(reversed(src)), tuple(reversed(spec)), exact=exact)))
    out, i, j = [], 0, 0
    while j < len(spec):
        s = spec[j]
        if s in (0, -3, -4) and i + (2 if s == -3 else 1) > len(src):
            raise MXNetError(f"reshape: code {s} at position {j} of shape {spec} refers to a dimension "
                             f"that the source shape {src} does not have")
        if s == 0:
            out.append(src[i])
            i += 1
        elif s == -1:
            out.append(-1)
            i += 1
        elif s == -2:
            out.extend(src[i:])
            i = len(src)
        elif s == -3:
            out.append(src[i] * src[i + 1])
            i += 2
        elif s == -4:
            a, b = spec[j + 1], spec[j + 2]
            d = src[i]
            a = d // b if a == -1 else a
            b = d // a if b == -1 else b
            if a * b != d:
                raise MXNetError(f"reshape: cannot split dimension {d} into ({spec[j + 1]}, {spec[j + 2]})")
            out += [a, b]
            i += 1
            j += 2
        elif s > 0:
            out.append(s)
            i += 1
        else:
            raise MXNetError(f"reshape: invalid code {s} in shape {spec}")
        j += 1
    total = int(np.prod(src, dtype=np.int64))
    if out.count(-1) > 1:
        raise MXNetError(f"reshape: more than one -1 in shape {spec}")
    if -1 in out:
        known = int(np.prod([d for d in out if d != -1], dtype=np.int64))
        if known == 0 or (exact and total % known):
            raise MXNetError(f"reshape: cannot reshape array of shape {src} into {spec}")
        out[out.index(-1)] = total // known
    if exact and int(np.prod(out, dtype=np.int64)) != total:
        raise MXNetError(f"reshape: cannot reshape array of shape {src} (size {total}) into shape {tuple(out)}")
    return tuple(out)


def _legacy_target(src, target, keep_highest):
    """MXNet's deprecated ``target_shape``: one 0 is inferred from the size; ``keep_highest``
    keeps the first dimension of the source whatever the target's first is."""
    out = list(target)
    if keep_highest:
        out[0] = src[0]
    zeros = [i for i in range(1 if keep_highest else 0, len(out)) if out[i] == 0]
    if len(zeros) == 1:
        out[zeros[0]] = 1
        out[zeros[0]] = int(np.prod(src, dtype=np.int64)) // int(np.prod(out, dtype=np.int64))
    if int(np.prod(out, dtype=np.int64)) != int(np.prod(src, dtype=np.int64)):
        raise MXNetError(f"reshape: cannot reshape array of shape {src} into target_shape {tuple(target)}")
    return tuple(out)


@register("Reshape", attrs=dict(shape=(), reverse=False, target_shape=(), keep_highest=False), aliases=("reshape",))
def _reshape(data, shape, reverse, target_shape, keep_highest):
    if isinstance(shape, int):   # MXNet parses a shape attribute "-1" as (-1,)
        shape = (shape,)
    if not shape and target_shape:
        target = (target_shape,) if isinstance(target_shape, int) else target_shape
        return data.reshape(_legacy_target(data.shape, target, keep_highest))
    return data.reshape(infer_reshape(data.shape, shape, reverse))


def _derive(base, how):
    if how[0] == "reshape":
        return _call("Reshape", base, shape=how[1], reverse=how[2])
    if how[0] == "detach":
        return from_value(unrecorded(base._value))
    return _call("_getitem", base, key=how[1])


class View(NDArray):
    """An NDArray that shares its base's storage."""
    __slots__ = ("_base", "_how", "_src", "_cache")

    @property
    def _value(self):
        base = self._base
        if base is None:
            return self._cache
        src = base._value
        if src is not self._src:
            self._cache = _derive(self._base, self._how)._value
            self._src = src
            set_owner(self._cache, self)
        return self._cache

    @_value.setter
    def _value(self, value):
        """Rebinding a view (attach_grad, mark_variables) detaches it from its base."""
        self._base = None
        self._cache = value

    def _holds(self, value):
        """The version last derived (a sync point must not derive a view: deriving appends
        ops, and a long chain of writes through views would recurse into sync points)."""
        return self._cache is value

    def _assign(self, value):
        if self._base is None:
            return NDArray._assign(self, value)
        if value.shape != self.shape:
            raise MXNetError(f"cannot assign an array of shape {value.shape} to an array of shape {self.shape}")
        base, how = self._base, self._how
        new = from_value(value)
        if how[0] == "reshape":
            base._assign(_call("Reshape", new, shape=base.shape)._value)
        elif how[0] == "detach":
            base._assign(value)
        else:
            from .indexing import _setitem_spec
            base._assign(_setitem_spec(base, new, how[1])._value)
            if base._var is None and not state.recording and value.dtype == base._value.dtype:
                # reading the view back gives what was just written: keep it instead of deriving
                # it again (``y[i] += 1`` then writes it back with ``y[i] = view``: ``mirrors``)
                self._cache, self._src = value, base._value
                set_owner(value, self)

    def mirrors(self, base, how):
        """This view is ``base`` seen through ``how`` and still current, so writing it back
        there changes nothing."""
        return self._base is base and self._how == how and self._src is base._value


def make_view(base, how, cls=View):
    """A ``cls`` (View or a subclass: ``mx.np.ndarray``) sharing ``base``'s storage."""
    view = cls.__new__(cls)
    view._var = None
    view._base = base
    view._how = how
    view._src = None
    view._cache = None
    view._value  # derive now: shape errors surface at the call
    return view
