"""Shape, layout and indexing operators with MXNet 1.9.1's names, arguments and checks.

Index inputs (``take``'s indices, ``pick``'s index, ``gather_nd``'s indices) are
float arrays in MXNet: they are truncated toward zero (C's cast), and their
gradient is zero.  Invalid arguments raise MXNetError naming the operator and
the argument, at the call (shapes are inferred there), as MXNet does.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..._engine.kernel_checks import fail_if
from ...base import MXNetError
from ..registry import REQUIRED, register
from ..windows import take_window, window_key, windows


def _error(op, message):
    return MXNetError(f"{op}: {message}")


def _as_tuple(value):
    if value is None:
        return ()
    return (value,) if isinstance(value, (int, np.integer)) else tuple(value)


def _axis(op, arg, axis, ndim, negative=True):
    """``axis`` in [0, ndim), MXNet's check; ``negative``: -ndim..-1 count from the end."""
    axis = int(axis)
    low = -ndim if negative else 0
    if not low <= axis < ndim:
        raise _error(op, f"{arg}={axis} is out of range for an array with {ndim} dimensions "
                         f"(valid: [{low}, {ndim - 1}])")
    return axis % ndim


def _indices(idx):
    """Index array as int32, truncated toward zero like MXNet's cast of float indices."""
    return idx if jnp.issubdtype(idx.dtype, jnp.integer) else idx.astype(jnp.int32)


def _scalar_as_1d(out):
    return out.reshape((1,)) if out.ndim == 0 else out


# ---- reshaping ------------------------------------------------------------------------------------

@register("reshape_like", inputs=("lhs", "rhs"),
          attrs=dict(lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None))
def _reshape_like(lhs, rhs, lhs_begin, lhs_end, rhs_begin, rhs_end):
    """Reshape ``lhs[lhs_begin:lhs_end]``'s dims to ``rhs[rhs_begin:rhs_end]``'s (all dims by default).

    mxjax differs: the result is a copy, not a view of ``lhs``."""
    def span(shape, begin, end, side):
        ndim = len(shape)
        b = 0 if begin is None else int(begin) + (ndim if begin < 0 else 0)
        e = ndim if end is None else int(end) + (ndim if end < 0 else 0)
        if not 0 <= b < e <= ndim:
            raise _error("reshape_like", f"invalid {side}_begin={begin}, {side}_end={end} for an "
                                         f"input with {ndim} dimensions")
        return b, e
    lb, le = span(lhs.shape, lhs_begin, lhs_end, "lhs")
    rb, re = span(rhs.shape, rhs_begin, rhs_end, "rhs")
    shape = lhs.shape[:lb] + rhs.shape[rb:re] + lhs.shape[le:]
    if int(np.prod(shape)) != lhs.size:
        raise _error("reshape_like", f"cannot reshape lhs of shape {lhs.shape} to {shape}: different sizes")
    return lhs.reshape(shape)


@register("flatten", method=True, aliases=("Flatten",), view_method=True)
def _flatten(data):
    """(d0, d1, ..., dk) -> (d0, d1*...*dk); a 1-d array becomes (n, 1)."""
    return data.reshape((data.shape[0], -1)) if data.ndim else data.reshape((1, 1))


@register("expand_dims", attrs=dict(axis=REQUIRED), method=True, view_method=True)
def _expand_dims(data, axis):
    if not -data.ndim - 1 <= axis <= data.ndim:
        raise _error("expand_dims", f"axis must be in the range [{-data.ndim - 1}, {data.ndim}] "
                                    f"({axis} provided)")
    return jnp.expand_dims(data, axis)


@register("squeeze", attrs=dict(axis=None), method=True, view_method=True)
def _squeeze(data, axis):
    """Removes size-1 axes (the selected ones); squeezing everything leaves shape (1,)."""
    if axis is None:
        axes = tuple(i for i, d in enumerate(data.shape) if d == 1)
    else:
        axes = tuple(_axis("squeeze", "axis", a, data.ndim) for a in _as_tuple(axis))
        if len(set(axes)) != len(axes):
            raise _error("squeeze", f"duplicate value in axis={axis}")
        for a in axes:
            if data.shape[a] != 1:
                raise _error("squeeze", f"cannot select axis {a} to squeeze out: it has size "
                                        f"{data.shape[a]}, not one")
    return _scalar_as_1d(jnp.squeeze(data, axes))


@register("transpose", attrs=dict(axes=()), method=True)
def _transpose(data, axes):
    """Permutes the axes (reverses them by default).  MXNet accepts only non-negative axes."""
    axes = _as_tuple(axes)
    if not axes:
        return jnp.transpose(data)
    if sorted(int(a) for a in axes) != list(range(data.ndim)):
        raise _error("transpose", f"axes={axes} is not a permutation of the {data.ndim} axes "
                                  f"(0..{data.ndim - 1}) of the input of shape {data.shape}")
    return jnp.transpose(data, axes)


@register("SwapAxis", attrs=dict(dim1=0, dim2=0), method="swapaxes", aliases=("swapaxes",))
def _swapaxes(data, dim1, dim2):
    return jnp.swapaxes(data, _axis("swapaxes", "dim1", dim1, data.ndim),
                        _axis("swapaxes", "dim2", dim2, data.ndim))


@register("reverse", attrs=dict(axis=REQUIRED), method="flip", aliases=("flip",))
def _reverse(data, axis):
    """Reverses the elements along ``axis`` (int or tuple; MXNet rejects negative axes)."""
    axes = tuple(_axis("reverse", "axis", a, data.ndim, negative=False) for a in _as_tuple(axis))
    return jnp.flip(data, axes) if axes else data


@register("tile", attrs=dict(reps=REQUIRED), method=True)
def _tile(data, reps):
    """numpy.tile: ``reps`` is padded with leading 1s, or ``data`` with leading axes."""
    reps = _as_tuple(reps)
    if any(int(r) <= 0 for r in reps):
        raise _error("tile", f"reps={reps}: every entry must be a positive integer")
    return jnp.tile(data, reps) if reps else data


@register("repeat", attrs=dict(repeats=REQUIRED, axis=None), method=True)
def _repeat(data, repeats, axis):
    """numpy.repeat; ``axis=None`` repeats the flattened array.  As in MXNet, ``repeats=0``
    gives shape (0,) whatever the axis."""
    repeats = int(repeats)
    if repeats < 0:
        raise _error("repeat", f"repeats={repeats} cannot be a negative number")
    if axis is not None:
        axis = _axis("repeat", "axis", axis, data.ndim)
    if repeats == 0:
        return jnp.zeros((0,), data.dtype)
    return jnp.repeat(data, repeats, axis=axis)


@register("Pad", attrs=dict(mode=REQUIRED, pad_width=REQUIRED, constant_value=0.0), method="pad",
          aliases=("pad",))
def _pad(data, mode, pad_width, constant_value):
    """Pads the spatial axes of a 4-d or 5-d floating-point array (``pad_width`` is numpy's,
    flattened; the first two axes must get no padding).  A negative width crops."""
    if mode not in ("constant", "edge", "reflect"):
        raise _error("Pad", f"invalid mode={mode!r}: valid values are 'constant', 'edge', 'reflect'")
    if data.ndim not in (4, 5):
        raise _error("Pad", f"only 4-d or 5-d input is supported, got shape {data.shape}")
    pad_width = tuple(int(p) for p in _as_tuple(pad_width))
    if len(pad_width) != 2 * data.ndim:
        raise _error("Pad", f"pad_width={pad_width} must have 2*ndim = {2 * data.ndim} entries "
                            f"for the input of shape {data.shape}")
    if any(pad_width[:4]):
        raise _error("Pad", f"pad_width={pad_width}: padding on the first two axes must be zero")
    if not jnp.issubdtype(data.dtype, jnp.floating):
        raise _error("Pad", f"only floating point types are supported, not {data.dtype}")
    pairs = [pad_width[2 * i:2 * i + 2] for i in range(data.ndim)]
    crop = tuple(slice(max(-lo, 0), d - max(-hi, 0)) for d, (lo, hi) in zip(data.shape, pairs))
    data = data[crop]
    pairs = [(max(lo, 0), max(hi, 0)) for lo, hi in pairs]
    if mode == "reflect" and any(p >= d for d, pair in zip(data.shape, pairs) for p in pair if p):
        raise _error("Pad", f"reflect padding needs pad_width={pad_width} smaller than the input size "
                            f"{data.shape} on each axis")
    if mode == "constant":
        return jnp.pad(data, pairs, mode="constant", constant_values=jnp.asarray(constant_value, data.dtype))
    return jnp.pad(data, pairs, mode=mode)


# ---- joining and splitting ------------------------------------------------------------------------

def _same_dtype(op, data):
    for i, d in enumerate(data[1:], start=1):
        if d.dtype != data[0].dtype:
            raise _error(op, f"non-uniform data type: input 0 is {data[0].dtype}, input {i} is {d.dtype}")


@register("concat", inputs=(), variadic=True, attrs=dict(dim=1), aliases=("Concat",))
def _concat(*data, dim):
    if not data:
        raise _error("concat", "needs at least one input")
    _same_dtype("concat", data)
    ndim = data[0].ndim
    if not -ndim <= dim < ndim:
        raise _error("concat", f"dim={dim} exceeds the input dimension of {ndim}")
    axis = dim % ndim
    for i, d in enumerate(data):
        if d.ndim != ndim or any(a != b for k, (a, b) in enumerate(zip(d.shape, data[0].shape)) if k != axis):
            raise _error("concat", f"incompatible input shapes {data[0].shape} and {d.shape} (input {i}) "
                                   f"for dim={dim}")
    return jnp.concatenate(data, axis=axis)


@register("stack", inputs=(), variadic=True, attrs=dict(axis=0))
def _stack(*data, axis):
    if not data:
        raise _error("stack", "needs at least one input")
    _same_dtype("stack", data)
    ndim = data[0].ndim + 1
    if not -ndim <= axis < ndim:
        raise _error("stack", f"axis={axis} exceeds the output dimension of {ndim}")
    for i, d in enumerate(data):
        if d.shape != data[0].shape:
            raise _error("stack", f"all inputs must have the same shape: input 0 is {data[0].shape}, "
                                  f"input {i} is {d.shape}")
    return jnp.stack(data, axis=axis)


@register("SliceChannel", attrs=dict(num_outputs=REQUIRED, axis=1, squeeze_axis=False), method="split",
          aliases=("split",))
def _split(data, num_outputs, axis, squeeze_axis):
    """Splits ``axis`` into ``num_outputs`` equal parts; a list of arrays (one array when
    ``num_outputs`` is 1)."""
    num_outputs = int(num_outputs)
    if num_outputs < 1:
        raise _error("split", f"num_outputs={num_outputs} must be at least 1")
    axis = _axis("split", "axis", axis, data.ndim)
    size = data.shape[axis]
    if size % num_outputs:
        raise _error("split", f"cannot split axis {axis} of shape {data.shape} into num_outputs={num_outputs} "
                              f"evenly sized chunks")
    if squeeze_axis and size != num_outputs:
        raise _error("split", f"squeeze_axis=True needs the split axis size ({size}) to equal "
                              f"num_outputs={num_outputs}")
    parts = jnp.split(data, num_outputs, axis=axis)
    if squeeze_axis:
        parts = [jnp.squeeze(p, axis) for p in parts]
    return tuple(parts)


@register("_split_v2", attrs=dict(indices=REQUIRED, axis=1, squeeze_axis=False, sections=0))
def _split_v2(data, indices, axis, squeeze_axis, sections):
    """Splits ``axis`` at the positions ``indices`` (which start with 0): part i is
    ``[indices[i], indices[i+1])``, the last part runs to the end; an index past the end is an
    error.  ``sections`` > 0 splits into that many equal parts instead.  squeeze_axis=True
    drops the axis, which every part must then have of size 1."""
    axis = _axis("split_v2", "axis", axis, data.ndim)
    size = data.shape[axis]
    if sections > 0:
        if size % sections:
            raise _error("split_v2", f"cannot split axis {axis} of shape {data.shape} into {sections} equal sections")
        indices = tuple(range(0, size, size // sections))
    for i in indices:
        if int(i) > size:
            raise _error("split_v2", f"split index {int(i)} is past the end of axis {axis} (size {size})")
    bounds = [int(i) for i in indices] + [size]
    parts = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        if stop < start:
            raise _error("split_v2", f"indices must be increasing, got {tuple(indices)}")
        if squeeze_axis and stop - start != 1:
            raise _error("split_v2", f"squeeze_axis=True needs every part to have size 1 along axis {axis}, "
                                     f"part [{start}, {stop}) has {stop - start}")
        part = lax.slice_in_dim(data, start, stop, axis=axis)
        parts.append(jnp.squeeze(part, axis) if squeeze_axis else part)
    return tuple(parts)


# ---- slicing --------------------------------------------------------------------------------------

def _slice_key(op, ndim, begin, end, step):
    """The Python index ``(slice(b0, e0, s0), ...)`` of ``slice``'s begin/end/step, MXNet's checks."""
    begin, end, step = _as_tuple(begin), _as_tuple(end), _as_tuple(step)
    if len(begin) != len(end):
        raise _error(op, f"begin={begin} and end={end} must have the same length")
    if step and len(step) != len(begin):
        raise _error(op, f"step={step} and begin={begin} must have the same length")
    if len(begin) > ndim:
        raise _error(op, f"begin={begin} slices more axes than the input's {ndim}")
    step = step or (None,) * len(begin)
    for i, s in enumerate(step):
        if s == 0:
            raise _error(op, f"step[{i}] cannot be 0")
    return tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))


def _slice_positions(shapes, begin, end, step):
    """``slice``'s checks, and its starts as runtime positions (``windows``)."""
    key = _slice_key("slice", len(shapes[0]), begin, end, step)
    return windows(shapes, tuple(("s", k.start, k.stop, k.step) for k in key))


@register("_slice_assign", inputs=("lhs", "rhs"), attrs=dict(begin=REQUIRED, end=REQUIRED, step=()),
          aliases=("_crop_assign",))
def _slice_assign(lhs, rhs, begin, end, step):
    """``lhs`` with ``lhs[begin:end:step] = rhs`` (``slice``'s index); rhs must have the slice's
    shape and lhs's dtype.  MXNet writes into ``lhs`` when called with ``out=lhs``."""
    key = _slice_key("_slice_assign", lhs.ndim, begin, end, step)
    target = jax.eval_shape(lambda a: a[key], jax.ShapeDtypeStruct(lhs.shape, lhs.dtype)).shape
    if rhs.shape != target:
        raise _error("_slice_assign", f"rhs of shape {rhs.shape} does not match the slice's shape {target}")
    if rhs.dtype != lhs.dtype:
        raise _error("_slice_assign", f"lhs ({lhs.dtype}) and rhs ({rhs.dtype}) must have the same dtype")
    return lhs.at[key].set(rhs)


@register("_slice_assign_scalar", attrs=dict(scalar=0.0, begin=REQUIRED, end=REQUIRED, step=()),
          aliases=("_crop_assign_scalar",))
def _slice_assign_scalar(data, scalar, begin, end, step):
    """``data`` with ``data[begin:end:step] = scalar`` (cast to data's dtype)."""
    key = _slice_key("_slice_assign_scalar", data.ndim, begin, end, step)
    return data.at[key].set(jnp.asarray(scalar).astype(data.dtype))


@register("slice", attrs=dict(begin=REQUIRED, end=REQUIRED, step=()), method=True, aliases=("crop",),
          offsets=_slice_positions)
def _slice(data, *starts, key, window):
    """Python slicing per axis: ``data[b0:e0:s0, b1:e1:s1, ...]``; None entries take the default.
    The starts are runtime positions; ``key``/``window`` are what ``_slice_positions`` made
    of begin, end and step."""
    return take_window(data, window, starts)[window_key(key, ())]


def _slice_axis_positions(shapes, axis, begin, end):
    """``slice_axis``'s checks; ``begin`` becomes a runtime position, the length stays static."""
    ndim = len(shapes[0])
    axis = _axis("slice_axis", "axis", axis, ndim)
    size = shapes[0][axis]
    b = int(begin) + (size if begin < 0 else 0)
    e = size if end is None else int(end) + (size if end < 0 else 0)
    if b < 0:
        raise _error("slice_axis", f"invalid begin={begin} for an axis of size {size}")
    if e > size:
        raise _error("slice_axis", f"invalid end={end} for an axis of size {size}")
    if b >= e:
        raise _error("slice_axis", f"invalid begin={begin}, end={end}: begin must come before end")
    return (("axis", axis), ("length", e - b)), (b,)


@register("slice_axis", attrs=dict(axis=REQUIRED, begin=REQUIRED, end=REQUIRED), method=True,
          offsets=_slice_axis_positions)
def _slice_axis(data, begin, axis, length):
    """``data[..., begin:end, ...]`` along ``axis``; begin/end may be negative, end None.
    ``begin`` is a runtime position (``_slice_axis_positions``), so a loop over batches
    compiles once."""
    return lax.dynamic_slice_in_dim(data, begin, length, axis=axis)


@register("slice_like", inputs=("data", "shape_like"), attrs=dict(axes=()), method=True)
def _slice_like(data, shape_like, axes):
    """``data`` cut to ``shape_like``'s size on ``axes`` (all axes by default), from the start."""
    axes = _as_tuple(axes)
    if not axes:
        if data.ndim != shape_like.ndim:
            raise _error("slice_like", f"without axes, data {data.shape} and shape_like {shape_like.shape} "
                                       "must have the same number of dimensions")
        axes = range(data.ndim)
    else:
        axes = [_axis("slice_like", "axes", a, data.ndim) for a in axes]
        for a in axes:
            if a >= shape_like.ndim:
                raise _error("slice_like", f"axis {a} exceeds shape_like's {shape_like.ndim} dimensions")
    index = [slice(None)] * data.ndim
    for a in axes:
        if shape_like.shape[a] > data.shape[a]:
            raise _error("slice_like", f"axis {a} of shape_like (size {shape_like.shape[a]}) exceeds data's "
                                       f"(size {data.shape[a]})")
        index[a] = slice(0, shape_like.shape[a])
    return data[tuple(index)]


# ---- indexing -------------------------------------------------------------------------------------

@register("take", inputs=("a", "indices"), attrs=dict(axis=0, mode="clip"), method=True)
def _take(a, indices, axis, mode):
    """``a`` indexed along ``axis`` by ``indices``: clip (default) or wrap out-of-range indices,
    or raise (the error reaches the user when the result is read, as MXNet's does)."""
    if mode not in ("clip", "wrap", "raise"):
        raise _error("take", f"invalid mode={mode!r}: valid values are 'clip', 'raise', 'wrap'")
    axis = _axis("take", "axis", axis, a.ndim)
    if indices.ndim == 0:
        raise _error("take", "indices must have at least one dimension")
    size = a.shape[axis]
    idx = _indices(indices)
    if mode == "raise":  # MXNet's check is on the index value itself: 0 <= index <= size - 1
        fail_if(jnp.any((indices < 0) | (indices > size - 1)), "take: indices out of bound (mode='raise')")
    if mode == "wrap":
        idx = jnp.mod(idx, size)
    else:
        idx = jnp.clip(idx, 0, size - 1)
    return jnp.take(a, idx, axis=axis, mode="clip")


@register("pick", inputs=("data", "index"), attrs=dict(axis=-1, keepdims=False, mode="clip"), method=True,
          aliases=("choose_element_0index",))
def _pick(data, index, axis, keepdims, mode):
    """``out[i, j] = data[i, index[i, j], j]`` along ``axis``; index out of range is clipped or wrapped."""
    if mode not in ("clip", "wrap"):
        raise _error("pick", f"invalid mode={mode!r}: valid values are 'clip', 'wrap'")
    if axis is None:
        raise _error("pick", "axis=None is not supported by pick yet; specify an axis")
    axis = _axis("pick", "axis", axis, data.ndim)
    reduced = data.shape[:axis] + data.shape[axis + 1:]
    kept = data.shape[:axis] + (1,) + data.shape[axis + 1:]
    if index.shape not in (reduced, kept):
        raise _error("pick", f"index of shape {index.shape} does not fit data of shape {data.shape} "
                             f"with axis={axis}: expected {reduced}")
    size = data.shape[axis]
    idx = _indices(index).reshape(kept)
    idx = jnp.mod(idx, size) if mode == "wrap" else jnp.clip(idx, 0, size - 1)
    out = jnp.take_along_axis(data, idx, axis=axis, mode="promise_in_bounds")
    return out if keepdims else jnp.squeeze(out, axis)


@register("fill_element_0index", inputs=("lhs", "mhs", "rhs"))
def _fill_element_0index(lhs, mhs, rhs):
    """``out = lhs`` with ``out[i, rhs[i]] = mhs[i]`` for each row i of the 2-d ``lhs``; an index
    outside [0, columns) leaves its row unchanged (MXNet's legacy op; float indices truncate)."""
    if lhs.ndim != 2 or mhs.shape != (lhs.shape[0],) or rhs.shape != (lhs.shape[0],):
        raise _error("fill_element_0index", f"expected lhs (n, m) and mhs, rhs (n,), got {lhs.shape}, "
                                            f"{mhs.shape}, {rhs.shape}")
    if mhs.dtype != lhs.dtype or rhs.dtype != lhs.dtype:
        raise _error("fill_element_0index", f"lhs, mhs and rhs must have the same dtype, got {lhs.dtype}, "
                                            f"{mhs.dtype}, {rhs.dtype}")
    idx = _indices(rhs)
    hit = jnp.arange(lhs.shape[1]) == idx[:, None]
    return jnp.where(hit, mhs[:, None], lhs)


def _gather_nd_out_of_bound(sizes, indices):
    """MXNet's message: the first axis with a bad index, and its last bad index."""
    flat = indices.reshape(len(sizes), -1)
    bad = [row[(row < -size) | (row > size - 1)] for row, size in zip(flat, sizes)]
    axis = next(a for a, found in enumerate(bad) if found.size)
    return f"index {bad[axis][-1]:g} is out of bounds for axis {axis} with size {sizes[axis]}"


@register("gather_nd", inputs=("data", "indices"))
def _gather_nd(data, indices):
    """``out[y...] = data[indices[0, y...], ..., indices[M-1, y...]]`` (negative indices count
    from the end).  An index outside [-size, size - 1] of its axis is MXNet's IndexError
    ("index 3 is out of bounds for axis 1 with size 3"), raised where the result is read."""
    if indices.ndim < 2:
        raise _error("gather_nd", f"indices must have at least 2 dimensions, got shape {indices.shape}")
    m = indices.shape[0]
    if m > data.ndim:
        raise _error("gather_nd", f"indices.shape[0]={m} exceeds the data's {data.ndim} dimensions")
    idx = _indices(indices)
    sizes = np.array(data.shape[:m]).reshape((m,) + (1,) * (indices.ndim - 1))
    fail_if(jnp.any((indices < -sizes) | (indices > sizes - 1)),
            functools.partial(_gather_nd_out_of_bound, data.shape[:m]), indices, error=IndexError)
    key = []
    for k in range(m):
        i = jnp.where(idx[k] < 0, idx[k] + data.shape[k], idx[k])
        key.append(jnp.clip(i, 0, data.shape[k] - 1))
    return data[tuple(key)]


@register("scatter_nd", inputs=("data", "indices"), attrs=dict(shape=REQUIRED))
def _scatter_nd(data, indices, shape):
    """Zeros of ``shape`` with ``data`` written at ``indices`` (gather_nd's inverse).  With duplicate
    indices the result is undefined (as in MXNet); out-of-range indices are dropped."""
    shape = tuple(int(s) for s in _as_tuple(shape))
    if indices.ndim < 1 or indices.shape[0] > len(shape) or \
            data.shape != indices.shape[1:] + shape[indices.shape[0]:]:
        raise _error("scatter_nd", f"invalid data, indices, and output shape combination: {data.shape}, "
                                   f"{indices.shape}, shape={shape}")
    idx = _indices(indices)
    key = tuple(idx[k] for k in range(indices.shape[0]))
    return jnp.zeros(shape, data.dtype).at[key].set(data, mode="drop")


@register("one_hot", inputs=("indices",), attrs=dict(depth=REQUIRED, on_value=1.0, off_value=0.0, dtype="float32"),
          method=True)
def _one_hot(indices, depth, on_value, off_value, dtype):
    """Indices outside [0, depth) give a row of ``off_value``."""
    hot = jnp.arange(int(depth)) == _indices(indices)[..., None]
    return jnp.where(hot, on_value, off_value).astype(dtype)


# ---- broadcasting ---------------------------------------------------------------------------------

def _broadcast(op, data, shape):
    for d, t in zip(data.shape, shape):
        if d != t and d != 1:
            raise _error(op, f"Array cannot be broadcasted from {data.shape} to {shape}: "
                             "operands could not be broadcast together")
    return jnp.broadcast_to(data, shape)


@register("broadcast_to", attrs=dict(shape=()), method=True)
def _broadcast_to(data, shape):
    """Size-1 axes stretched to ``shape``; 0 keeps a dim.  MXNet's operator wants as many dims
    as the input; mxjax, like MXNet's ``NDArray.broadcast_to`` method, also takes more (numpy's
    leading 1s), which ``x[:] = v`` relies on."""
    shape = _as_tuple(shape)
    if len(shape) < data.ndim:
        raise _error("broadcast_to", f"operand of shape {data.shape} cannot be broadcast to {shape}: "
                                     "fewer dimensions than the input")
    data = data.reshape((1,) * (len(shape) - data.ndim) + data.shape)
    return _broadcast("broadcast_to", data, tuple(d if t == 0 else int(t) for d, t in zip(data.shape, shape)))


@register("broadcast_like", inputs=("lhs", "rhs"), attrs=dict(lhs_axes=None, rhs_axes=None), method=True)
def _broadcast_like(lhs, rhs, lhs_axes, rhs_axes):
    """``lhs`` broadcast to ``rhs``'s shape, or only ``lhs_axes`` to the sizes of ``rhs_axes``."""
    if lhs_axes is None or rhs_axes is None:
        if lhs.ndim != rhs.ndim:
            raise _error("broadcast_like", f"operand of shape {lhs.shape} cannot be broadcast to {rhs.shape}: "
                                           "the number of dimensions must match")
        return _broadcast("broadcast_like", lhs, rhs.shape)
    lhs_axes, rhs_axes = _as_tuple(lhs_axes), _as_tuple(rhs_axes)
    if not lhs_axes:
        raise _error("broadcast_like", "empty lhs_axes is not allowed")
    if len(lhs_axes) != len(rhs_axes):
        raise _error("broadcast_like", f"lhs_axes={lhs_axes} and rhs_axes={rhs_axes} differ in length")
    shape = list(lhs.shape)
    for la, ra in zip(lhs_axes, rhs_axes):
        la = _axis("broadcast_like", "lhs_axes", la, lhs.ndim)
        ra = _axis("broadcast_like", "rhs_axes", ra, rhs.ndim)
        if lhs.shape[la] != 1:
            raise _error("broadcast_like", f"axis {la} of lhs (size {lhs.shape[la]}) cannot be broadcast "
                                           f"to {rhs.shape[ra]}: it must have size 1")
        shape[la] = rhs.shape[ra]
    return jnp.broadcast_to(lhs, tuple(shape))


@register("broadcast_axis", attrs=dict(axis=(), size=()), method="broadcast_axes", aliases=("broadcast_axes",))
def _broadcast_axis(data, axis, size):
    """Size-1 ``axis`` (int or tuple; MXNet rejects negative axes) stretched to ``size``."""
    axis, size = _as_tuple(axis), _as_tuple(size)
    if len(axis) != len(size):
        raise _error("broadcast_axis", f"axis={axis} and size={size} must have the same length")
    shape = list(data.shape)
    for a, s in zip(axis, size):
        a = _axis("broadcast_axis", "axis", a, data.ndim, negative=False)
        if shape[a] != 1:
            raise _error("broadcast_axis", f"broadcasting axis {a} must have size 1, not {shape[a]}")
        shape[a] = int(s)
    return jnp.broadcast_to(data, tuple(shape))


# ---- layout ---------------------------------------------------------------------------------------

@register("diag", attrs=dict(k=0, axis1=0, axis2=1), method=True)
def _diag(data, k, axis1, axis2):
    """A 1-d input becomes a matrix with it on diagonal ``k``; an N-d input gives its ``k``-th
    diagonal over (axis1, axis2), appended as the last axis (numpy.diagonal)."""
    if data.ndim == 0:
        raise _error("diag", "the input must have at least one dimension")
    if data.ndim == 1:
        return jnp.diag(data, k)
    a1 = _axis("diag", "axis1", axis1, data.ndim)
    a2 = _axis("diag", "axis2", axis2, data.ndim)
    if a1 == a2:
        raise _error("diag", f"axis1 and axis2 cannot refer to the same axis {a1}")
    if not -data.shape[a1] <= k <= data.shape[a2]:
        raise _error("diag", f"diagonal k={k} does not exist for axes of sizes {data.shape[a1]} and "
                             f"{data.shape[a2]}")
    return jnp.diagonal(data, k, a1, a2)


def _block(op, data, block_size):
    if data.ndim != 4:
        raise _error(op, f"requires a 4-d (NCHW) input, got shape {data.shape}")
    if int(block_size) <= 0:
        raise _error(op, f"block_size={block_size} must be a positive integer")
    for axis, what in ((1, "depth"), (2, "height"), (3, "width")):   # MXNet: 0 is an unknown dimension
        if data.shape[axis] == 0:
            raise _error(op, f"the {what} dimension:{axis} cannot be 0, got shape {data.shape}")
    return int(block_size)


@register("depth_to_space", attrs=dict(block_size=REQUIRED), method=True)
def _depth_to_space(data, block_size):
    """(N, C*b*b, H, W) -> (N, C, H*b, W*b), DCR order (depth is split as [b, b, C])."""
    b = _block("depth_to_space", data, block_size)
    n, c, h, w = data.shape
    if c % (b * b):
        raise _error("depth_to_space", f"the depth dimension ({c}) must be a multiple of block_size^2 = {b * b}")
    out = data.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
    return out.reshape(n, c // (b * b), h * b, w * b)


@register("space_to_depth", attrs=dict(block_size=REQUIRED), method=True)
def _space_to_depth(data, block_size):
    """(N, C, H*b, W*b) -> (N, C*b*b, H, W): depth_to_space's inverse."""
    b = _block("space_to_depth", data, block_size)
    n, c, h, w = data.shape
    if h % b or w % b:
        raise _error("space_to_depth", f"the spatial dimensions ({h}, {w}) must be multiples of block_size={b}")
    out = data.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
    return out.reshape(n, c * b * b, h // b, w // b)


@register("shape_array", method=True)
def _shape_array(data):
    """The shape as a 1-d int64 array."""
    if data.ndim == 0:
        raise _error("shape_array", "the input must have at least one dimension")
    return jnp.asarray(data.shape, jnp.int64)


@register("size_array", method=True)
def _size_array(data):
    """The number of elements as an int64 array of shape (1,)."""
    return jnp.asarray([data.size], jnp.int64)


# ---- products -------------------------------------------------------------------------------------

@register("dot", inputs=("lhs", "rhs"), attrs=dict(transpose_a=False, transpose_b=False, forward_stype=None))
def _dot(lhs, rhs, transpose_a, transpose_b, forward_stype):
    """MXNet's dot: for N-d inputs, contracts the last axis of lhs with the first of rhs.
    ``forward_stype`` (MXNet's requested output storage) changes no value."""
    a = lhs.T if transpose_a else lhs
    b = rhs.T if transpose_b else rhs
    if a.ndim == 0 or b.ndim == 0 or a.shape[-1] != b.shape[0]:
        raise MXNetError(f"dot shape error: {tuple(lhs.shape)} X {tuple(rhs.shape)} (transpose_a={transpose_a}, "
                         f"transpose_b={transpose_b}): the last axis of lhs must match the first axis of rhs")
    out = jnp.tensordot(a, b, axes=1)
    return out.reshape((1,)) if out.ndim == 0 else out


@register("batch_dot", inputs=("lhs", "rhs"), attrs=dict(transpose_a=False, transpose_b=False))
def _batch_dot(lhs, rhs, transpose_a, transpose_b):
    """MXNet's batch_dot: matrix products over the last two axes of inputs of the same rank
    (3 or more) and the same leading (batch) axes."""
    a = jnp.swapaxes(lhs, -1, -2) if transpose_a else lhs
    b = jnp.swapaxes(rhs, -1, -2) if transpose_b else rhs
    if a.ndim < 3 or a.ndim != b.ndim or a.shape[:-2] != b.shape[:-2] or a.shape[-1] != b.shape[-2]:
        raise MXNetError(f"batch_dot shape error: {tuple(lhs.shape)} X {tuple(rhs.shape)} "
                         f"(transpose_a={transpose_a}, transpose_b={transpose_b})")
    return jnp.matmul(a, b)
