"""The trace: immutable values, the op applications that produce them, and op instances.

A ``Value`` is one immutable array version: either concrete (``data`` holds a
jax.Array or numpy array) or pending (``node`` will compute it).  NDArray
handles point at Values; an in-place write rebinds the handle to a new Value,
so everything recorded earlier still sees the old version.

A ``Node`` is one op application: an ``OpInstance`` plus the input Values.
Nodes created under ``autograd.record()`` are *recorded*: backward
differentiates through them.  ``freed`` marks a recorded node whose graph a
backward without ``retain_graph`` has released.

An ``OpInstance`` is an op specialised to static attributes and input
shapes/dtypes.  It is created once per (op, attrs, input avals) and caches
the output avals (so shape inference runs ``jax.eval_shape`` once per
combination, not per call) and the per-op jitted forward and vjp used by the
cold tier.  Its identity is what the structure keys of whole traces hash.
"""
import itertools
import weakref

import jax
import numpy as np

from ..base import MXNetError

_node_ids = itertools.count()


class VarInfo:
    """Autograd bookkeeping of a variable (an array after ``attach_grad``)."""
    __slots__ = ("grad", "req", "fresh")

    def __init__(self, grad, req):
        self.grad = grad    # the NDArray handle returned by x.grad (None after a backward with 'null')
        self.req = req      # 'write', 'add' or 'null'
        self.fresh = False  # gradient written by a backward since the last Trainer step


class Aval:
    """An interned (shape, dtype) pair: equal avals are the same object, so tuples of them
    hash and compare by identity (cheap keys for op instances and trace structures)."""
    __slots__ = ("shape", "dtype", "__weakref__")
    _interned = {}

    def __new__(cls, shape, dtype):
        key = (shape, dtype)
        aval = cls._interned.get(key)
        if aval is None:
            aval = object.__new__(cls)
            aval.shape, aval.dtype = shape, dtype
            cls._interned[key] = aval
        return aval

    def __repr__(self):
        return f"Aval({self.shape}, {self.dtype})"


class Value:
    __slots__ = ("node", "index", "aval", "shape", "dtype", "ctx", "data", "var", "owner", "depth",
                 "__weakref__")

    def __init__(self, aval, ctx, data=None, node=None, index=0, depth=0):
        self.aval = aval
        self.shape = aval.shape
        self.dtype = aval.dtype
        self.ctx = ctx
        self.data = data
        self.node = node
        self.index = index
        self.var = None
        self.owner = None
        self.depth = depth

    def is_recorded(self):
        """In a computational graph: a variable, or the output of a live recorded node."""
        if self.var is not None:
            return True
        node = self.node
        return node is not None and node.recorded and not node.freed



def constant(data, ctx):
    """A concrete leaf Value holding ``data`` (jax.Array or numpy array)."""
    return Value(Aval(tuple(data.shape), np.dtype(data.dtype)), ctx, data=data)


class Node:
    __slots__ = ("inst", "inputs", "recorded", "freed", "id")

    def __init__(self, inst, inputs, recorded):
        self.inst = inst
        self.inputs = inputs
        self.recorded = recorded
        self.freed = False
        self.id = next(_node_ids)


class OpInstance:
    """An op with its static attributes bound, for one combination of input avals.

    ``cacheable`` False (custom Functions) keeps traces containing it in the cold tier."""
    __slots__ = ("name", "attrs", "fn", "out_avals", "_fwd", "_vjps", "__weakref__")
    cacheable = True

    def __init__(self, name, attrs, fn, out_avals):
        self.name = name
        self.attrs = attrs      # tuple of (key, value) pairs, for get_symbol and messages
        self.fn = fn            # pure: (*arrays) -> tuple of arrays
        self.out_avals = out_avals
        self._fwd = None
        self._vjps = {}

    def fwd(self, *arrays):
        """Forward through a per-op ``jax.jit`` (the cold tier)."""
        if self._fwd is None:
            self._fwd = jax.jit(self.fn)
        return self._fwd(*arrays)

    def vjp(self, arrays, cotangents, needed):
        """The cotangents of the inputs flagged in ``needed`` (in input order), for output
        ``cotangents`` (``None`` = zero), through a per-op jitted vjp per ``needed``: the
        cotangent of a constant (a Python scalar's leaf) is never computed.  An integer
        input's cotangent (JAX's float0) comes back as None."""
        vjp = self._vjps.get(needed)
        if vjp is None:
            vjp = self._vjps[needed] = jax.jit(_vjp_of(self.fn, needed))
        return vjp(arrays, cotangents)


def _vjp_of(fn, needed):
    def vjp(arrays, cotangents):
        def partial(*diff):
            it = iter(diff)
            return fn(*[next(it) if n else a for a, n in zip(arrays, needed)])
        outs, pullback = jax.vjp(partial, *[a for a, n in zip(arrays, needed) if n])
        cts = pullback(tuple(jax.numpy.zeros_like(o) if c is None else c.astype(o.dtype)
                             for o, c in zip(outs, cotangents)))
        return tuple(None if c.dtype == jax.dtypes.float0 else c for c in cts)
    return vjp


_instances = {}


def instance(op, attrs, avals):
    """The OpInstance of ``op`` for static ``attrs`` and input ``avals`` (a tuple of Aval);
    infers the output avals once."""
    key = (op, attrs, avals)
    inst = _instances.get(key)
    if inst is None:
        inst = _instances[key] = _make_instance(op, attrs, avals)
    return inst


def _make_instance(op, attrs, avals):
    fn = op.bind(attrs)
    infer = getattr(op, "infer", None)
    if infer is not None:   # the op's own shape rule (random samplers: a new shape every call)
        out_avals = tuple(Aval(tuple(shape), np.dtype(dtype)) for shape, dtype in infer(**dict(attrs)))
        return getattr(op, "instance_class", OpInstance)(op.name, attrs, fn, out_avals)
    specs = [jax.ShapeDtypeStruct(a.shape, a.dtype) for a in avals]
    try:
        outs = jax.eval_shape(fn, *specs)
    except MXNetError:
        raise
    except Exception as exc:  # shape/dtype errors from JAX become MXNetError naming the op
        if _raised_by_mxjax(exc):  # an operator's own check (MXNet's builtin exception type)
            raise
        shapes = ", ".join(str(a.shape) for a in avals)
        raise MXNetError(f"{op.name}: invalid inputs of shapes {shapes} "
                         f"with {dict(attrs) or 'no attributes'}: {exc}") from None
    out_avals = tuple(Aval(tuple(o.shape), np.dtype(o.dtype)) for o in outs)
    return getattr(op, "instance_class", OpInstance)(op.name, attrs, fn, out_avals)


def _raised_by_mxjax(exc):
    """Whether ``exc`` was raised by mxjax's own code (an operator's argument check that
    raises ValueError/TypeError as MXNet does) rather than inside JAX."""
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    return tb.tb_frame.f_globals.get("__name__", "").startswith("mxjax.")


def apply(inst, inputs, recording, ctx):
    """Append one node to the trace; returns its output Values (pending).

    While recording, the node is recorded only if an input is in a computational graph
    (as MXNet: operations on constants alone are not part of any graph).  One plain loop
    over the inputs: ``any``/``max`` over generators cost three times the whole call."""
    recorded = False
    depth = 0
    for v in inputs:
        if v.depth > depth:
            depth = v.depth
        if recording and not recorded:
            recorded = v.is_recorded()
    node = Node(inst, inputs, recorded)
    avals = inst.out_avals
    if len(avals) == 1:
        return [Value(avals[0], ctx, None, node, 0, depth + 1)]
    return [Value(a, ctx, None, node, i, depth + 1) for i, a in enumerate(avals)]


def apply_unary(inst, a, recording, ctx):
    """``apply`` for the commonest call, one input and one output: the single output Value.
    ``Value.is_recorded`` is written out inline here and in ``apply_binary``: these two run
    once per operator call."""
    node = a.node
    recorded = recording and (a.var is not None or (node is not None and node.recorded and not node.freed))
    return Value(inst.out_avals[0], ctx, None, Node(inst, (a,), recorded), 0, a.depth + 1)


def apply_binary(inst, a, b, recording, ctx):
    """``apply`` for two inputs and one output (arithmetic): the single output Value."""
    recorded = False
    if recording:
        node = a.node
        recorded = a.var is not None or (node is not None and node.recorded and not node.freed)
        if not recorded:
            node = b.node
            recorded = b.var is not None or (node is not None and node.recorded and not node.freed)
    depth = a.depth if a.depth > b.depth else b.depth
    return Value(inst.out_avals[0], ctx, None, Node(inst, (a, b), recorded), 0, depth + 1)


def set_owner(value, handle):
    value.owner = weakref.ref(handle)
