"""Index positions as runtime arguments: ``x[i]``, ``x[a:b]``, ``slice_axis`` compile once.

An int index or a slice selects a *window* on its axis: a size, which fixes the
result's shape and so is static, and a start, which programs vary call after
call (the row of a dataset, the batch's offset) and so is an argument of the
compiled code.  ``windows`` splits a normalized key into both (the registry's
``offsets`` hook); ``take_window``/``put_window`` read and write the window with
``lax.dynamic_slice``/``dynamic_update_slice``; ``window_key`` is what is left
to apply inside the window (position 0 for an int, ``[::step]`` for a slice,
None, Ellipsis, index arrays).

Key items: ``("i", index)``, ``("s", start, stop, step)``, ``("n",)`` (None),
``("e",)`` (Ellipsis), ``("a", k)`` (the k-th index array); ints are already
bounds-checked and non-negative.
"""
import jax.numpy as jnp
from jax import lax


def windows(shapes, key):
    """Split a normalized key into its static form and the start positions that vary.

    Every int index and every slice becomes a window on its axis: a size (static: it fixes
    the output's shape) and a start (dynamic: an argument of the compiled code), so ``x[i]``
    for a thousand distinct ``i`` is one compiled program, not a thousand.  Inside the
    window, an int index is position 0 and a slice is ``[::step]``.  Whole-axis slices need
    no window.  Returns the static attributes (``key``, ``window`` as (axis, size) pairs) and
    the starts, one per window."""
    shape = shapes[0]
    static, window, starts = [], [], []
    axis = 0
    for item in key:
        kind = item[0]
        if kind == "i":
            window.append((axis, 1))
            starts.append(item[1])
            static.append(("i",))
        elif kind == "s":
            start, stop, step = slice(*item[1:]).indices(shape[axis])
            n = len(range(start, stop, step))
            size = (n - 1) * abs(step) + 1 if n else 0
            if not (step == 1 and size == shape[axis]):
                window.append((axis, size))
                starts.append(0 if not n else start if step > 0 else start + (n - 1) * step)
            static.append(("s", step))
        elif kind == "e":
            static.append(item)
            axis += len(shape) - sum(1 for it in key if it[0] in "isa") - 1
        else:   # "n" (new axis) or "a" (index array)
            static.append(item)
            if kind == "n":
                continue
        axis += 1
    return (("key", tuple(static)), ("window", tuple(window))), tuple(starts)


def split_positions(arrays, window):
    n = len(arrays) - len(window)
    return arrays[:n], arrays[n:]


def take_window(data, window, starts):
    if not window:
        return data
    begin, sizes = [0] * data.ndim, list(data.shape)
    for (axis, size), start in zip(window, starts):
        begin[axis], sizes[axis] = start, size
    return lax.dynamic_slice(data, begin, sizes)


def put_window(data, region, window, starts):
    if not window:
        return region
    begin = [0] * data.ndim
    for (axis, _), start in zip(window, starts):
        begin[axis] = start
    return lax.dynamic_update_slice(data, region, begin)


def window_key(key, index_arrays):
    out = []
    for item in key:
        kind = item[0]
        if kind == "i":
            out.append(0)
        elif kind == "s":
            out.append(slice(None, None, item[1]))
        elif kind == "n":
            out.append(None)
        elif kind == "e":
            out.append(Ellipsis)
        else:
            idx = index_arrays[item[1]]
            out.append(idx if jnp.issubdtype(idx.dtype, jnp.integer) else idx.astype(jnp.int32))
    return tuple(out)
