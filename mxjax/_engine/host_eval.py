"""The first calls of an op instance, evaluated on the host with NumPy where that is bit-exact.

An op instance of a new shape costs one XLA compile in the cold tier (20-80 ms on a CPU),
although it may run once: a loop over random shapes (MXNet's own ``test_broadcast`` draws
2000), a preprocessing step on images of many sizes, variable-length sequences.  MXNet runs
such a call in about a millisecond.  Most of those ops move data (broadcast, reshape,
transpose, slicing, concatenation, casts, masks) or do integer and IEEE arithmetic (and
``sqrt``) or integer and boolean reductions (any, all, an integer sum, max or argmax; a float
one where each result reads one element) or sort, which NumPy computes bit for bit as XLA
does.  So the cold tier's first calls of an instance run its jaxpr through the NumPy rules
below, and the instance is compiled once it has spent on the host what a compile costs
(``policy.HOST_COMPILE_SECONDS``, ski rental), unless it is faster on the host than
compiled (``Rental``: a few numbers, as no XLA dispatch is that cheap) -- or at once when
its jaxpr holds a primitive without an exact rule (``exp``, ``dot``: their results depend
on XLA's own algorithms).  Each jaxpr runs as a ``Program``.

Where the host rule is not exact the call falls back to XLA: XLA:CPU flushes subnormal
floats to zero (inputs and results of arithmetic, float conversions), so a rule meeting a
subnormal (or a float-to-int cast of a non-finite or out-of-range value) raises
``NotExact`` and that call, and every later one, runs compiled.

Only on a single-device CPU backend: elsewhere a host result would be a transfer, and
arrays placed on one of several devices must stay there.  The results stay NumPy arrays (a
later compiled op takes them as they are); read-only views (a broadcast, a reshape of a
device buffer) are copied, so that each result owns writable memory as XLA's do (DLPack).
"""
import functools
import math
import time

import jax
import numpy as np
from jax.core import Tracer
from jax._src.interpreters import partial_eval as pe
from jax.extend.core import Literal
from jax.lax import GatherScatterMode

from . import policy


class NotExact(Exception):
    """This call's values are ones where NumPy and XLA:CPU differ (subnormals...)."""


_enabled = None


def enabled():
    global _enabled
    if _enabled is None:
        _enabled = jax.default_backend() == "cpu" and jax.device_count() == 1
    return _enabled


def forward(inst, jitted, closed):
    """The cold-tier forward of a new op instance: ``jitted`` (``inst.fn`` under ``jax.jit``,
    already traced to ``closed``), or first its ``Program`` on the host, until its ``Rental``
    hands over to ``jitted`` (``inst._fwd`` is replaced)."""
    if not enabled() or not _exact(closed.jaxpr):
        return jitted
    program = Program(closed.jaxpr, closed.consts)
    rental = Rental()

    def host(*arrays):
        for a in arrays:
            if isinstance(a, Tracer):   # called while a hybridized block or plan is traced
                return jitted(*arrays)
        start = time.perf_counter()
        try:
            outs = program(*arrays)
        except NotExact:
            inst._fwd = jitted
            return jitted(*arrays)
        if rental.due(time.perf_counter() - start) and rental.compiled_is_faster(jitted, arrays):
            inst._fwd = jitted
        return outs
    host.on_host = True
    return host


def on_host(inst):
    """Whether ``inst``'s cold-tier forward currently runs on the host."""
    return getattr(inst._fwd, "on_host", False)


class Rental:
    """Ski rental between the host and a compile, then the faster of the two for good.

    The host's calls are timed until they have cost what a compile costs
    (``policy.HOST_COMPILE_SECONDS``); then the compiled function is built and timed on the
    same arguments, and kept only if it beats the host's fastest call.  A host evaluation of
    a few numbers (a loss, a norm, a scalar's arithmetic: 2-10 us) is faster than any XLA
    dispatch (10-20 us), so the sync points of a data-dependent loop stay on the host;
    both are timed on the machine, under its present load, not against a fixed figure."""
    __slots__ = ("spent", "fastest")

    def __init__(self):
        self.spent = 0.0              # host seconds so far; None once decided
        self.fastest = float("inf")   # the fastest host call

    def due(self, seconds):
        """Count a host call of ``seconds``; True once: when the calls have cost a compile."""
        if seconds < self.fastest:
            self.fastest = seconds
        if self.spent is None:
            return False
        self.spent += seconds
        if self.spent < policy.HOST_COMPILE_SECONDS:
            return False
        self.spent = None
        return True

    def compiled_is_faster(self, jitted, args):
        """Compile ``jitted`` (its first call on ``args``), time its next calls: whether the
        fastest of them beats the host's fastest call."""
        jax.block_until_ready(jitted(*args))
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            jax.block_until_ready(jitted(*args))
            best = min(best, time.perf_counter() - start)
        return best < self.fastest


class Pullback:
    """The cold-tier vjp of an op instance for one set of needed cotangents: ``jitted`` (its
    ``jax.jit``), or first, where the vjp's jaxpr (traced once per pattern of absent output
    cotangents) has exact rules, its ``Program`` on the host, until the ``Rental`` hands
    over.  A transpose, reshape, broadcast, slice or cast differentiates into the same kind
    of data movement, so a test looping over shapes pays no vjp compile per shape either."""
    __slots__ = ("jitted", "traces", "rental")

    def __init__(self, jitted):
        self.jitted = jitted
        self.traces = {}    # absent-cotangent pattern and dtypes -> (Program, out tree) or None
        self.rental = Rental()   # None once handed over to ``jitted``

    def __call__(self, arrays, cotangents):
        if self.rental is None:
            return self.jitted(arrays, cotangents)
        leaves = jax.tree_util.tree_leaves((arrays, cotangents))
        for a in leaves:
            if isinstance(a, Tracer):
                return self.jitted(arrays, cotangents)
        key = tuple(None if c is None else np.dtype(c.dtype) for c in cotangents)
        plan = self.traces.get(key, False)
        if plan is False:
            traced = self.jitted.trace(arrays, cotangents)
            closed = traced.jaxpr
            live = _live(closed.jaxpr)
            plan = self.traces[key] = ((Program(live, closed.consts), jax.tree_util.tree_structure(traced.out_info))
                                       if _exact(live) else None)
        if plan is None:
            return self.jitted(arrays, cotangents)
        program, tree = plan
        start = time.perf_counter()
        try:
            outs = program(*leaves)
        except NotExact:
            self.rental = None
            return self.jitted(arrays, cotangents)
        if self.rental.due(time.perf_counter() - start) and \
                self.rental.compiled_is_faster(self.jitted, (arrays, cotangents)):
            self.rental = None
        return jax.tree_util.tree_unflatten(tree, outs)


def _live(jaxpr):
    """``jaxpr`` without the equations no output needs (its inputs all kept): a vjp's trace
    still holds the forward computation (a float ``reduce_sum`` whose result only gave the
    cotangent's dtype), which XLA drops but which has no exact host rule."""
    if jaxpr.constvars:
        return jaxpr
    return pe.dce_jaxpr(jaxpr, [True] * len(jaxpr.outvars), instantiate=True)[0]


def _exact(jaxpr):
    """Whether every primitive of ``jaxpr`` has an exact rule, and its float arithmetic is
    what XLA computes too: at most one rounding operation (XLA:CPU may contract a multiply
    and an add into one fused multiply-add) on operands that are not constants (XLA's
    simplifier rewrites ``x / c`` as ``x * (1 / c)``, ``x + 0`` as ``x``)."""
    rounding = []
    return _walk(jaxpr, set(jaxpr.constvars), rounding) and len(rounding) <= 1


def _walk(jaxpr, const, rounding):
    """``const``: the variables known when XLA compiles (constants and what only they make)."""
    for eqn in jaxpr.eqns:
        name = eqn.primitive.name
        known = [type(a) is Literal or a in const for a in eqn.invars]
        if name in _CALLS:
            inner = eqn.params["jaxpr"].jaxpr
            if not _walk(inner, {v for v, k in zip(inner.invars, known) if k} | set(inner.constvars), rounding):
                return False
        elif name not in RULES:
            return False
        elif name in _ROUNDING and eqn.outvars[0].aval.dtype.kind in "fcV":
            if any(known):
                return False
            rounding.append(eqn)
        elif name == "scatter-add" and eqn.outvars[0].aval.dtype.kind in "fcV":
            rounding.append(eqn)   # one add per element (its rule refuses two updates of one element)
        if all(known):
            const.update(eqn.outvars)
    return True


class Program:
    """A jaxpr with exact rules as straight-line NumPy calls: each equation's rule with its
    parameters bound, reading and writing one flat list of values (constants, literals and
    the arguments first, then each equation's results in order); calls to inner jaxprs are
    inlined.  Built once per op instance (or vjp pattern), so a call pays one rule call per
    equation and nothing to look up.  The first call checks every result's dtype and shape
    against the jaxpr's (a rule's bug would otherwise be silent); later calls trust them.
    Rules raise ``NotExact`` where NumPy's result could differ from XLA's."""
    __slots__ = ("env", "args", "steps", "outs", "checked", "quiet")

    def __init__(self, jaxpr, consts):
        self.env = []     # constants and literals; the arguments' places (None)
        self.steps = []   # (rule, input places, multiple results, result avals, primitive name)
        index = {var: self._constant(value) for var, value in zip(jaxpr.constvars, consts)}
        self.args = slice(len(self.env), len(self.env) + len(jaxpr.invars))
        for var in jaxpr.invars:
            index[var] = self._constant(None)
        results = []      # the steps' results as ("result", k); numbered once env is complete
        outs = self._emit(jaxpr, index, results)
        n = len(self.env)

        def number(place):
            return n + place[1] if type(place) is tuple else place
        # a 0-d result is wrapped as an array (a ufunc returns a NumPy scalar, which a
        # rule writing into its operand's copy, as scatter's does, must not get)
        self.steps = [(rule, tuple(map(number, ins)), multiple, avals, name, any(shape == () for _, shape in avals))
                      for rule, ins, multiple, avals, name in self.steps]
        self.outs = tuple(map(number, outs))
        self.checked = False
        self.quiet = any(step[4] in _MAY_WARN for step in self.steps)

    def _constant(self, value):
        self.env.append(None if value is None else np.asarray(value))
        return len(self.env) - 1

    def _emit(self, jaxpr, index, results):
        """Append ``jaxpr``'s steps; returns the places of its outputs."""
        def place(atom):
            if type(atom) is Literal:
                return self._constant(np.asarray(atom.val, atom.aval.dtype))
            return index[atom]
        for eqn in jaxpr.eqns:
            ins = tuple(place(a) for a in eqn.invars)
            if eqn.primitive.name in _CALLS:
                closed = eqn.params["jaxpr"]
                inner = {var: self._constant(value) for var, value in zip(closed.jaxpr.constvars, closed.consts)}
                inner.update(zip(closed.jaxpr.invars, ins))
                index.update(zip(eqn.outvars, self._emit(closed.jaxpr, inner, results)))
                continue
            rule = RULES[eqn.primitive.name]
            if eqn.params:
                rule = functools.partial(rule, **eqn.params)
            avals = tuple((v.aval.dtype, v.aval.shape) for v in eqn.outvars)
            self.steps.append((rule, ins, eqn.primitive.multiple_results, avals, eqn.primitive.name))
            for var in eqn.outvars:
                index[var] = ("result", len(results))
                results.append(var)
        return [place(v) for v in jaxpr.outvars]

    def __call__(self, *args):
        """The outputs (writable NumPy arrays) for ``args``; NotExact where NumPy and XLA differ."""
        env = self.env.copy()
        env[self.args] = [np.asarray(a) for a in args]
        if self.quiet:   # float arithmetic may overflow: XLA does so silently, and so must NumPy
            with np.errstate(all="ignore"):
                self._run(env)
        else:
            self._run(env)
        outs = []
        for i in self.outs:   # NumPy scalars as arrays; read-only views copied (XLA's own memory)
            o = env[i]
            outs.append(np.array(o) if type(o) is not np.ndarray or not o.flags.writeable else o)
        return outs

    def _run(self, env):
        append, extend = env.append, env.extend
        if self.checked:
            for rule, ins, multiple, _, _, wrap in self.steps:
                outs = rule(*[env[i] for i in ins])
                if multiple:
                    extend(map(np.asarray, outs) if wrap else outs)
                else:
                    append(np.asarray(outs) if wrap else outs)
            return
        for rule, ins, multiple, avals, name, _ in self.steps:
            outs = rule(*[env[i] for i in ins])
            for (dtype, shape), value in zip(avals, outs if multiple else (outs,)):
                value = np.asarray(value)
                if value.dtype != dtype or value.shape != shape:
                    raise AssertionError(f"host rule of {name} gave {value.dtype}{value.shape}, "
                                         f"XLA gives {dtype}{shape}")
                append(value)
        self.checked = True


# ---- exactness guards ---------------------------------------------------------------------------
_IEEE = (np.dtype(np.float32), np.dtype(np.float64))


_TINY = {dtype: np.finfo(dtype).tiny * 2 for dtype in _IEEE}


def _check_normal(*arrays):
    """XLA:CPU treats subnormal operands as zero and flushes subnormal results; refuse both
    (and values so close to the smallest normal that the flush could depend on rounding).
    A one-element array (a loss, a norm) is checked as a Python float: 20 times faster."""
    for a in arrays:
        dtype = a.dtype
        if dtype.kind in "fV":
            tiny = _TINY.get(dtype)
            if tiny is None:
                raise NotExact
            if a.size == 1:
                v = abs(a.item())
                if v < tiny and v != 0:
                    raise NotExact
            elif np.any((np.abs(a) < tiny) & (a != 0)):
                raise NotExact


def _arith(fn):
    """A rounding float rule, correctly rounded in NumPy and in XLA (IEEE add, sub, mul): exact
    away from subnormals.  Integer operands wrap in both.  (Not division: XLA:CPU divides by
    a broadcast scalar as a multiply by its reciprocal, and its integer division truncates.)"""
    def rule(*args, **_):
        _check_normal(*args)
        out = fn(*args)
        _check_normal(out)
        return out
    return rule


def _normal_operands(fn):
    """An elementwise rule that rounds nothing (comparisons, floor, ceil, sign, neg, abs):
    exact away from subnormal operands (which XLA reads as zero)."""
    def rule(*args, **params):
        _check_normal(*args)
        return fn(*args, **params)
    return rule


def _round(x, rounding_method):
    if int(rounding_method) == 1:   # to nearest even
        return np.rint(x)
    whole = np.trunc(x)   # away from zero; x - whole is exact
    return np.where(np.abs(x - whole) >= 0.5, whole + np.sign(x), whole).astype(x.dtype)


def _integral(fn):
    """Bitwise and logical ops, max/min: exact on integers and bools only."""
    def rule(*args, **_):
        if any(a.dtype.kind in "fcV" for a in args):
            raise NotExact
        return fn(*args)
    return rule


def _convert(x, new_dtype, **_):
    new_dtype = np.dtype(new_dtype)
    if x.dtype.kind in "fV":
        _check_normal(x)
        if new_dtype.kind in "iu":   # XLA saturates and maps NaN to 0; NumPy's result is undefined
            info = np.iinfo(new_dtype)
            if not np.all(np.isfinite(x)) or np.any(x < info.min) or np.any(x > info.max):
                raise NotExact
            return np.trunc(x).astype(new_dtype)
        if new_dtype.kind == "b":
            return x != 0
    out = x.astype(new_dtype)
    if new_dtype.kind in "fV":
        _check_normal(out)
    return out


# ---- data movement ------------------------------------------------------------------------------
def _broadcast_in_dim(x, shape, broadcast_dimensions, **_):
    expanded = [1] * len(shape)
    for src, dst in enumerate(broadcast_dimensions):
        expanded[dst] = x.shape[src]
    return np.broadcast_to(x.reshape(expanded), shape)


def _reshape(x, new_sizes, dimensions=None, **_):
    if dimensions is not None:
        x = x.transpose(dimensions)
    return x.reshape(new_sizes)


def _slice(x, start_indices, limit_indices, strides=None, **_):
    strides = strides or (1,) * x.ndim
    return x[tuple(slice(b, e, s) for b, e, s in zip(start_indices, limit_indices, strides))]


def _clamped(shape, sizes, starts):
    """XLA clamps a dynamic slice's start so the slice lies inside the operand."""
    return tuple(slice(b, b + n) for b, n in
                 ((min(max(int(s), 0), d - n), n) for s, d, n in zip(starts, shape, sizes)))


def _dynamic_slice(x, *starts, slice_sizes, **_):
    return x[_clamped(x.shape, slice_sizes, starts)]


def _dynamic_update_slice(x, update, *starts, **_):
    out = x.copy()
    out[_clamped(x.shape, update.shape, starts)] = update
    return out


def _pad(x, value, padding_config):
    if any(lo < 0 or hi < 0 for lo, hi, _ in padding_config):
        raise NotExact
    shape = [lo + hi + n + max(n - 1, 0) * interior for n, (lo, hi, interior) in zip(x.shape, padding_config)]
    out = np.full(shape, value, x.dtype)
    out[tuple(slice(lo, lo + (n - 1) * (interior + 1) + 1 if n else lo, interior + 1)
              for n, (lo, _, interior) in zip(x.shape, padding_config))] = x
    return out


def _iota(dtype, shape, dimension, **_):
    index = np.arange(shape[dimension], dtype=dtype)
    return np.broadcast_to(index.reshape([-1 if i == dimension else 1 for i in range(len(shape))]), shape)


def _select_n(which, *cases):
    if which.dtype == np.bool_:
        return np.where(which, cases[1], cases[0]) if len(cases) == 2 else cases[0].copy()
    return np.choose(which, cases)


def _split(x, sizes, axis):
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


def _reduce(fn):
    """A reduction over ``axes``: exact on integers and bools; on floats only where each result
    reads one element (a float sum's order of additions, a float max's handling of -0.0 and NaN
    are XLA's own), which XLA simplifies to a reshape: -0.0 stays -0.0."""
    def rule(x, axes, **_):
        if x.dtype.kind in "fcV":
            if math.prod([x.shape[a] for a in axes]) != 1:
                raise NotExact
            return x.reshape([n for i, n in enumerate(x.shape) if i not in axes])
        return np.asarray(fn(x, axis=tuple(axes))).astype(x.dtype)
    return rule


def _square(x):
    """``x * x``, refused where it overflows or underflows to zero: XLA rewrites
    ``sqrt(square(x))`` (a norm of one element) as ``abs(x)``, which equals NumPy's result
    everywhere else (a correctly rounded square root of a correctly rounded square)."""
    out = np.square(x)
    if x.dtype.kind == "f":
        if x.size == 1:   # a norm's or a loss's one element: as Python floats, 10 times faster
            v, o = x.item(), out.item()
            if (math.isinf(o) and math.isfinite(v)) or (o == 0 and v != 0):
                raise NotExact
        elif np.any(np.isinf(out) & np.isfinite(x)) or np.any((out == 0) & (x != 0)):
            raise NotExact
    return out


def _sqrt(x, accuracy=None):
    """Correctly rounded in NumPy and XLA:CPU (checked bit for bit on 2e6 values of each
    float type); a negative operand's NaN, and a requested accuracy, are left to XLA."""
    if accuracy is not None or (x.item() < 0 if x.size == 1 else np.any(x < 0)):
        raise NotExact
    return np.sqrt(x)


def _arg_reduce(fn):
    def rule(x, axes, index_dtype, **_):
        if x.dtype.kind in "fcV" or x.shape[axes[0]] == 0:
            raise NotExact
        return fn(x, axis=axes[0]).astype(index_dtype)
    return rule


def _cumulative(fn):
    def rule(x, axis, reverse=False, **_):
        if x.dtype.kind in "fcV":
            raise NotExact
        if reverse:
            return np.flip(fn(np.flip(x, axis), axis=axis, dtype=x.dtype), axis)
        return fn(x, axis=axis, dtype=x.dtype)
    return rule


def _sort(*operands, dimension, is_stable, num_keys):
    """XLA's sort by the first operand (NumPy's stable sort gives the same order), where no
    key is NaN or a negative zero (orders NumPy and XLA place differently) and ties among
    several operands are kept in order (``is_stable``)."""
    keys = operands[0]
    if num_keys != 1 or keys.dtype.kind in "cV" or (len(operands) > 1 and not is_stable):
        raise NotExact
    if keys.dtype.kind == "f":
        _check_normal(keys)
        if np.isnan(keys).any() or ((keys == 0) & np.signbit(keys)).any():
            raise NotExact
    order = np.argsort(keys, axis=dimension, kind="stable")
    return [np.take_along_axis(o, order, axis=dimension) for o in operands]


def _starts(indices, shape, index_map, batching, index_batching, sizes, clip):
    """The start position in the operand of each gathered or scattered window, indexed by the
    batch dimensions of ``indices`` (all but the last, XLA's index vector): ``index_map``
    routes the index vector's entries to operand dimensions, ``batching`` operand dimensions
    take the position along ``index_batching`` dimensions of the batch.  With ``clip`` a start
    is clamped so the window lies inside the operand (XLA's gather always does this); else
    the second result flags the windows that do not fit (XLA drops those updates)."""
    batch = indices.shape[:-1]
    starts = np.zeros(batch + (len(shape),), np.int64)
    for k, d in enumerate(index_map):
        starts[..., d] = indices[..., k]
    for d, b in zip(batching, index_batching):
        starts[..., d] = np.arange(batch[b]).reshape([-1 if i == b else 1 for i in range(len(batch))])
    limit = np.asarray(shape, np.int64) - np.asarray(sizes, np.int64)
    if clip:
        return np.clip(starts, 0, np.maximum(limit, 0)), None
    return starts, ((starts < 0) | (starts > limit)).any(axis=-1)


def _window_index(starts, sizes):
    """Operand index arrays of shape ``batch + sizes``: each window's elements."""
    nb, nd = starts.ndim - 1, len(sizes)
    return tuple(starts[(..., d) + (None,) * nd] +
                 np.arange(n).reshape([1] * nb + [-1 if i == d else 1 for i in range(nd)])
                 for d, n in enumerate(sizes))


def _gather(x, indices, dimension_numbers, slice_sizes, mode, fill_value=None, **_):
    """XLA's gather (index vector last, as JAX emits it): the window at each start (clamped
    into the operand; under ``FILL_OR_DROP`` a window that does not fit is ``fill_value``),
    the collapsed and batching dimensions dropped, offset dimensions at ``offset_dims``."""
    dn = dimension_numbers
    if indices.dtype.kind not in "iu" or mode == GatherScatterMode.ONE_HOT:
        raise NotExact
    fill = mode == GatherScatterMode.FILL_OR_DROP
    starts, outside = _starts(indices, x.shape, dn.start_index_map, dn.operand_batching_dims,
                              dn.start_indices_batching_dims, slice_sizes, clip=not fill)
    if fill:
        if outside.any() and fill_value is None:
            raise NotExact   # JAX's default fill depends on the dtype: leave it to XLA
        starts = np.where(outside[..., None], 0, starts)
    nb = starts.ndim - 1
    windows = x[_window_index(starts, slice_sizes)]
    if fill and outside.any():
        windows = np.where(outside.reshape(outside.shape + (1,) * len(slice_sizes)),
                           np.asarray(fill_value).astype(x.dtype), windows)
    dropped = set(dn.collapsed_slice_dims) | set(dn.operand_batching_dims)
    windows = windows.reshape(windows.shape[:nb] + tuple(n for d, n in enumerate(slice_sizes) if d not in dropped))
    order, batch_axes, offset_axes = [], iter(range(nb)), iter(range(nb, windows.ndim))
    for i in range(windows.ndim):
        order.append(next(offset_axes) if i in dn.offset_dims else next(batch_axes))
    return windows.transpose(order)


def _scatter_rule(combine):
    """XLA's scatter (index vector last): each update window combined into the operand at its
    start; a window that does not fit is dropped (clamped under ``CLIP``).  Exact where the
    result does not depend on the order of updates: no two float updates (or, for a plain
    scatter, no two updates at all) reach one element."""
    def rule(x, indices, updates, dimension_numbers, mode, unique_indices=False, update_jaxpr=None, **_):
        dn = dimension_numbers
        if indices.dtype.kind not in "iu" or mode == GatherScatterMode.ONE_HOT:
            raise NotExact
        window_dims = [d for d in range(x.ndim) if d not in dn.inserted_window_dims and d not in dn.operand_batching_dims]
        sizes = [1] * x.ndim
        for d, u in zip(window_dims, dn.update_window_dims):
            sizes[d] = updates.shape[u]
        starts, outside = _starts(indices, x.shape, dn.scatter_dims_to_operand_dims, dn.operand_batching_dims,
                                  dn.scatter_indices_batching_dims, sizes, clip=mode == GatherScatterMode.CLIP)
        scatter_axes = [a for a in range(updates.ndim) if a not in dn.update_window_dims]
        upd = updates.transpose(scatter_axes + list(dn.update_window_dims)).reshape(starts.shape[:-1] + tuple(sizes))
        index = _window_index(starts, sizes)
        if outside is not None:
            keep = ~outside
            index, upd = tuple(i[keep] for i in index), upd[keep]
        if x.ndim == 0:   # a 0-d operand: every update is to its one element
            flat = np.zeros(upd.size, np.int64)
        else:
            flat = np.ravel_multi_index(tuple(np.broadcast_to(i, upd.shape).ravel() for i in index), x.shape) \
                if x.size else np.zeros(0, np.int64)
        if len(np.unique(flat)) != flat.size and (combine is None or x.dtype.kind in "fcV"):
            raise NotExact
        out = x.copy()
        values = upd.ravel()
        if combine is None:
            out.reshape(-1)[flat] = values
        else:
            _check_normal(x, values)
            combine.at(out.reshape(-1), flat, values)
            _check_normal(out)
        return out
    return rule


_ROUNDING = {"add", "sub", "mul", "square"}
_CALLS = {"jit", "pjit"}   # inner jaxprs, inlined
_MAY_WARN = _ROUNDING | {"convert_element_type", "scatter-add"}   # NumPy warns of overflow

RULES = {
    "broadcast_in_dim": _broadcast_in_dim,
    "reshape": _reshape,
    "transpose": lambda x, permutation: x.transpose(permutation),
    "squeeze": lambda x, dimensions: x.reshape([n for i, n in enumerate(x.shape) if i not in dimensions]),
    "expand_dims": lambda x, dimensions: np.expand_dims(x, dimensions),
    "rev": lambda x, dimensions: np.flip(x, dimensions),
    "slice": _slice,
    "dynamic_slice": _dynamic_slice,
    "dynamic_update_slice": _dynamic_update_slice,
    "concatenate": lambda *xs, dimension: np.concatenate(xs, dimension),
    "stack": lambda *xs, axis: np.stack(xs, axis),
    "tile": lambda x, reps: np.tile(x, reps),
    "split": _split,
    "pad": _pad,
    "iota": _iota,
    "select_n": _select_n,
    "copy": lambda x: x.copy(),
    "copy_p": lambda x: x.copy(),
    "convert_element_type": _convert,
    "add": _arith(np.add),
    "sub": _arith(np.subtract),
    "mul": _arith(np.multiply),
    "square": _arith(_square),
    "sqrt": _normal_operands(_sqrt),
    "neg": _normal_operands(np.negative),
    "abs": _normal_operands(np.abs),
    "floor": _normal_operands(np.floor),
    "ceil": _normal_operands(np.ceil),
    "round": _normal_operands(_round),
    "sign": _normal_operands(np.sign),
    "eq": _normal_operands(np.equal),
    "ne": _normal_operands(np.not_equal),
    "lt": _normal_operands(np.less),
    "le": _normal_operands(np.less_equal),
    "gt": _normal_operands(np.greater),
    "ge": _normal_operands(np.greater_equal),
    "and": _integral(np.bitwise_and),
    "or": _integral(np.bitwise_or),
    "not": _integral(np.invert),
    "xor": _integral(np.bitwise_xor),
    "max": _integral(np.maximum),
    "min": _integral(np.minimum),
    "reduce_or": _reduce(np.any),
    "reduce_and": _reduce(np.all),
    "reduce_max": _reduce(np.max),
    "reduce_min": _reduce(np.min),
    "reduce_sum": _reduce(np.sum),
    "argmax": _arg_reduce(np.argmax),
    "argmin": _arg_reduce(np.argmin),
    "cumsum": _cumulative(np.cumsum),
    "sort": _sort,
    "gather": _gather,
    "scatter": _scatter_rule(None),
    "scatter-add": _scatter_rule(np.add),
}
