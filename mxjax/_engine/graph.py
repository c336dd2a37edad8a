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
import contextlib
import itertools
import threading
import weakref

import jax
import numpy as np

from ..base import MXNetError
from . import host_eval

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


def replay_constant(data, ctx, dtype):
    """A leaf of a gradient replay (``differentiating``) holding ``data``, the float64
    stand-in (``as_differentiable``) of an array of integer ``dtype``: its aval keeps that
    dtype, so the operators it meets are the forward's instances, with their integer rules
    (``no_integer_gradient``), as the hot tier's replay of the forward's nodes has them."""
    return Value(Aval(tuple(data.shape), dtype), ctx, data=data)


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
        """Forward through a per-op ``jax.jit`` (the cold tier).  An instance made by
        ``instance`` starts with ``host_eval``'s forward where NumPy computes its operations
        bit for bit as XLA does (a new shape costs no compile)."""
        if self._fwd is None:
            self._fwd = jax.jit(self.fn)
        return self._fwd(*arrays)

    def vjp(self, arrays, cotangents, needed):
        """The cotangents of the inputs flagged in ``needed`` (in input order), for output
        ``cotangents`` (``None`` = zero), through a per-op jitted vjp per ``needed``: the
        cotangent of a constant (a Python scalar's leaf) is never computed.  An integer input
        asked for is differentiated as float64 (``as_differentiable``); a cotangent that
        JAX gives as float0 (through an integer output) comes back as None.  Where NumPy
        computes the vjp exactly, its first calls run on the host (``host_eval.Pullback``)."""
        vjp = self._vjps.get(needed)
        if vjp is None:
            jitted = jax.jit(_vjp_of(self.fn, needed))
            vjp = self._vjps[needed] = host_eval.Pullback(jitted) if host_eval.enabled() else jitted
        return vjp(arrays, cotangents)


def is_integer(dtype):
    return np.issubdtype(dtype, np.integer) or dtype == np.bool_


def as_differentiable(x):
    """An integer array as float64 (exact up to 2**53), so JAX can carry a gradient to it:
    MXNet computes gradients of integer arrays with its integer kernels (topk, indexing...
    route the head gradient to them); mxjax runs the operator in float64 for the gradient
    and casts the gradient back to the integer dtype."""
    return x.astype(jax.numpy.float64) if is_integer(x.dtype) else x


class _GradientReplay(threading.local):
    active = False
    uncast = False   # a cast_result left a result uncast while active


#: set while a replay that is only differentiated is traced (a vjp's forward pass)
gradient_replay = _GradientReplay()


@contextlib.contextmanager
def differentiating():
    """Trace, inside, a forward replay whose values are only differentiated: an operator
    casting its float result to an integer ``dtype`` (``np.mean(x, dtype='int32')``,
    ``np.sum(x_int, dtype='int8')``) leaves it uncast there (``cast_result``), so the
    gradient flows through the cast, as MXNet's backward does.  ``gradient_replay.uncast``
    tells afterwards whether that happened (the replay's values then differ from the
    forward's)."""
    previous, gradient_replay.active, gradient_replay.uncast = gradient_replay.active, True, False
    try:
        yield
    finally:
        gradient_replay.active = previous


def cast_result(y, dtype):
    """``y.astype(dtype)``; ``y`` itself for an integer ``dtype`` inside ``differentiating``."""
    if gradient_replay.active and is_integer(np.dtype(dtype)):
        gradient_replay.uncast = True
        return y
    return y.astype(dtype)


def _vjp_of(fn, needed):
    def vjp(arrays, cotangents):
        def partial(*diff):
            it = iter(diff)
            return fn(*[next(it) if n else a for a, n in zip(arrays, needed)])
        diff = [a for a, n in zip(arrays, needed) if n]
        try:
            with differentiating():
                outs, pullback = jax.vjp(partial, *[as_differentiable(a) for a in diff])
        except MXNetError:   # the operator needs these integers as integers (softmax's length): no gradient
            outs, pullback = jax.vjp(partial, *diff)
        cts = pullback(tuple(jax.numpy.zeros_like(o) if c is None else c.astype(o.dtype)
                             for o, c in zip(outs, cotangents)))
        return tuple(None if c.dtype == jax.dtypes.float0 else c.astype(a.dtype) for c, a in zip(cts, diff))
    return vjp


_instances = {}


def instance(op, attrs, avals):
    """The OpInstance of ``op`` for static ``attrs`` and input ``avals`` (a tuple of Aval);
    infers the output avals once.  A FailedInstance is never cached: each call is its own
    failure, reported once.  Registry ops live as long as the process and their instances
    in one table; an op made by the program (a hybridized block's) keeps its instances in
    its own ``instances`` dict, so that they, and the block they trace, go when it goes."""
    key = (op, attrs, avals)
    cache = getattr(op, "instances", _instances)
    inst = cache.get(key)
    if inst is None:
        # its output avals and traces are those of the forward, also where a gradient
        # replay (``differentiating``) meets it first
        replaying, gradient_replay.active = gradient_replay.active, False
        try:
            inst = _make_instance(op, attrs, avals)
        finally:
            gradient_replay.active = replaying
        if type(inst) is not FailedInstance:
            cache[key] = inst
    return inst


class AsyncOpError(MXNetError):
    """A check that MXNet makes inside an operator's kernel (a sampler's parameter range...),
    so that MXNet reports it asynchronously: the call returns arrays of the right shape, and
    the error is raised by the next sync point that needs them (``asnumpy``,
    ``wait_to_read``, ``waitall``).  An operator raises it while its outputs are inferred,
    with their ``(shape, dtype)`` pairs; the call then becomes a FailedInstance node.
    ``random_state``: the operator draws from the random generator (see ``Failure``)."""

    def __init__(self, message, outputs, random_state=False):
        super().__init__(message)
        self.outputs = outputs
        self.random_state = random_state


class Failure:
    """One asynchronous operator error, shared by everything computed from the failed call
    (MXNet's ExceptionRef): raised once, by whichever sync point meets it first, then cleared
    for all of them.  MXNet's failed sampler also marks the random generator it writes, so
    every later random operator inherits the same failure until it is raised."""
    __slots__ = ("message",)

    def __init__(self, message):
        self.message = message


#: failures not raised yet, oldest first; kept even when their arrays are gone (MXNet's
#: global exception refs, which ``waitall`` raises)
unraised_failures = {}
#: "random" -> the unraised Failure the random generator carries (empty: none)
poisoned = {}


class FailedInstance(OpInstance):
    """A node of a failed call (or of a random key drawn after one).  Computing it gives
    zeros (MXNet's outputs are uninitialised memory); sync points raise its ``failure``
    first, once (``raise_failure``).  Never cached: each call is its own failure."""
    __slots__ = ("failure",)
    cacheable = False

    def __init__(self, name, attrs, out_avals, failure):
        super().__init__(name, attrs, self._zeros, out_avals)
        self.failure = failure

    def _zeros(self, *arrays):
        return tuple(jax.numpy.zeros(a.shape, a.dtype) for a in self.out_avals)


def _failed_call(op, attrs, err):
    """The FailedInstance of a call whose op raised AsyncOpError ``err``; a sampler called
    while the random generator carries a failure inherits it instead of failing anew."""
    failure = poisoned.get("random") if err.random_state else None
    if failure is None:
        failure = Failure(str(err))
        unraised_failures[failure] = None
        if err.random_state:
            poisoned["random"] = failure
    out_avals = tuple(Aval(tuple(shape), np.dtype(dtype)) for shape, dtype in err.outputs)
    return FailedInstance(op.name, attrs, out_avals, failure)


def failed_random_key(aval, ctx):
    """A random key drawn while the generator carries an unraised failure: a pending Value
    whose node carries that failure, so whatever uses the key raises it (MXNet: later random
    operators inherit a failed sampler's exception).  None when there is no such failure."""
    failure = poisoned.get("random")
    if failure is None:
        return None
    inst = FailedInstance("_random_state", (), (aval,), failure)
    return Value(aval, ctx, None, Node(inst, (), False), 0, 1)


def failed_values(message, avals, ctx):
    """Pending Values for the outputs of a computation that failed with ``message`` (an error
    found while it ran, e.g. a kernel check): reading any of them raises MXNetError(message)
    once, as MXNet reports an operator's failure at the next sync point."""
    failure = Failure(message)
    unraised_failures[failure] = None
    inst = FailedInstance("_failed", (), tuple(avals), failure)
    node = Node(inst, (), False)
    return [Value(aval, ctx, None, node, i, 1) for i, aval in enumerate(avals)]


def _clear(failure):
    del unraised_failures[failure]
    if poisoned.get("random") is failure:
        del poisoned["random"]


def raise_failure(instances):
    """Raise the failure of the first FailedInstance among ``instances`` whose failure is not
    raised yet, and clear it."""
    for inst in instances:
        if type(inst) is FailedInstance and inst.failure in unraised_failures:
            _clear(inst.failure)
            raise MXNetError(inst.failure.message)


def raise_all_failures():
    """``waitall``: raise the oldest failure not raised yet and clear all of them, as MXNet's
    WaitForAll rethrows the first of its global exceptions and forgets the rest."""
    if unraised_failures:
        first = next(iter(unraised_failures))
        unraised_failures.clear()
        poisoned.clear()
        raise MXNetError(first.message)


def _stop_integer_gradients(fn, avals):
    """``fn`` with its integer inputs cut from the gradient (values unchanged)."""
    stop = [is_integer(a.dtype) for a in avals]

    def cut(*arrays):
        return fn(*[jax.lax.stop_gradient(x) if s else x for x, s in zip(arrays, stop)])
    cut.__name__ = getattr(fn, "__name__", "op")
    return cut


def _make_instance(op, attrs, avals):
    fn = op.bind(attrs)
    # An operator whose MXNet integer kernel has no gradient (mod: ``mod_grad`` is 0 for an
    # integer operand) declares ``no_integer_gradient(attrs)``: its integer inputs get zeros
    # instead of the float64 replay's gradient (``as_differentiable``).
    no_integer_gradient = getattr(op, "no_integer_gradient", None)
    if no_integer_gradient is not None and any(is_integer(a.dtype) for a in avals) and no_integer_gradient(attrs):
        fn = _stop_integer_gradients(fn, avals)
    infer = getattr(op, "infer", None)
    if infer is not None:   # the op's own shape rule (random samplers: a new shape every call)
        try:
            inferred = infer(**dict(attrs))
        except AsyncOpError as err:
            return _failed_call(op, attrs, err)
        out_avals = tuple(Aval(tuple(shape), np.dtype(dtype)) for shape, dtype in inferred)
        return getattr(op, "instance_class", OpInstance)(op.name, attrs, fn, out_avals)
    specs = [jax.ShapeDtypeStruct(a.shape, a.dtype) for a in avals]
    jitted = jax.jit(fn)
    try:
        traced = jitted.trace(*specs)   # the cold tier's jit reuses this trace
    except AsyncOpError as err:
        return _failed_call(op, attrs, err)
    except MXNetError:
        raise
    except Exception as exc:  # shape/dtype errors from JAX become MXNetError naming the op
        if _raised_by_mxjax(exc):  # an operator's own check (MXNet's builtin exception type)
            raise
        shapes = ", ".join(str(a.shape) for a in avals)
        raise MXNetError(f"{op.name}: invalid inputs of shapes {shapes} "
                         f"with {dict(attrs) or 'no attributes'}: {exc}") from None
    out_avals = tuple(Aval(tuple(o.shape), np.dtype(o.dtype)) for o in traced.out_info)
    inst = getattr(op, "instance_class", OpInstance)(op.name, attrs, fn, out_avals)
    if type(inst).fwd is OpInstance.fwd:
        inst._fwd = host_eval.forward(inst, jitted, traced.jaxpr)
    return inst


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
