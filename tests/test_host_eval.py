"""Host evaluation of new op instances (``mxjax/_engine/host_eval.py``): bit-exact with XLA.

The meta-test runs every operator case of the gradient tables (float32 and float64 inputs,
then the same with NaN, infinities, signed zeros and subnormals written into them) with each
host evaluation checked against the instance's compiled XLA forward, bit for bit.
"""
import contextlib

import jax
import numpy as np
import pytest
from jax.core import Tracer

import mxjax as mx
from mxjax import nd
from mxjax._engine import graph, host_eval, policy
from mxjax.ndarray import ndarray

from test_dynamic_indices import compiles
from test_op_gradients import _apply, _case_params, _inputs, _mode, _nd

pytestmark = pytest.mark.skipif(not host_eval.enabled(), reason="host evaluation runs on a 1-device CPU backend")


class Evaluated(list):
    def __init__(self):
        super().__init__()
        self.eligible = []


@contextlib.contextmanager
def checked_host():
    """New op instances (a fresh cache) whose host evaluations are each compared with XLA's
    result; yields the list of op names evaluated on the host (``.eligible``: those of the
    instances made to start on the host).  No instance is handed to XLA for its cost, only
    for a value the host cannot compute exactly."""
    evaluated = Evaluated()
    forward = host_eval.forward

    def checking(inst, jitted, closed):
        chosen = forward(inst, jitted, closed)
        if chosen is jitted:
            return jitted
        evaluated.eligible.append(inst.name)

        def host(*arrays):
            outs = chosen(*arrays)
            if inst._fwd is jitted or any(isinstance(a, Tracer) for a in arrays):
                return outs
            evaluated.append(inst.name)
            for got, want in zip(outs, jitted(*arrays)):
                got, want = np.asarray(got), np.asarray(want)
                assert got.dtype == want.dtype and got.shape == want.shape, inst.name
                assert got.tobytes() == want.tobytes(), f"{inst.name}: host {got} != XLA {want}"
            return outs
        return host
    caches = (graph._instances, ndarray._unary_instances, ndarray._binary_instances)
    saved, budget = [dict(c) for c in caches], policy.HOST_COMPILE_SECONDS
    for cache in caches:
        cache.clear()
    host_eval.forward, policy.HOST_COMPILE_SECONDS = checking, float("inf")
    try:
        yield evaluated
    finally:
        host_eval.forward, policy.HOST_COMPILE_SECONDS = forward, budget
        for cache, entries in zip(caches, saved):
            cache.clear()
            cache.update(entries)


SPECIAL = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-40, -3e-39, 1.2e-38, 1e-310, 1.0])


def _with_specials(a, rng):
    out = a.copy().reshape(-1)
    if out.size:
        picks = rng.choice(out.size, size=min(out.size, 4), replace=False)
        out[picks] = rng.choice(SPECIAL, size=len(picks))
    return out.reshape(a.shape)


@pytest.mark.parametrize("name,case", _case_params())
def test_host_evaluation_is_xlas_result_bit_for_bit(name, case):
    arrays = _inputs(name, case)
    rng = np.random.RandomState(0)
    variants = [[a.astype(d) if i in case.const else _with_specials(a.astype(d), rng) for i, a in enumerate(arrays)]
                for d in (np.float32, np.float64)]
    with checked_host() as evaluated:
        for xs in variants:
            with _mode(case), np.errstate(all="ignore"):
                try:
                    out = _apply(name, case, _nd(xs))
                except (mx.base.MXNetError, ValueError, TypeError):
                    continue   # an op that refuses special values does so with and without the host
            if not evaluated.eligible:
                continue   # nothing runs on the host: no need to compute it
            for y in out if isinstance(out, (list, tuple)) else [out]:
                try:
                    y.asnumpy()
                except mx.base.MXNetError:
                    pass


def test_data_movement_and_integer_ops_are_on_the_host():
    with checked_host() as evaluated:
        x = nd.array(np.arange(24).reshape(2, 3, 4))
        i = nd.array(np.arange(6).reshape(2, 3), dtype="int32")
        outs = [x.reshape((6, 4)), x.transpose((2, 0, 1)), x[1:, :2], x[1], nd.concat(x, x, dim=1),
                x.expand_dims(1), nd.tile(x, (2, 1, 1)), nd.repeat(x, 2, axis=1), nd.flip(x, axis=1),
                nd.stack(x, x), nd.split(x, 2, axis=2)[1], x.swapaxes(0, 1), x.astype("int32"), nd.round(x), nd.floor(x),
                nd.array(np.ones((1, 3))).broadcast_to((4, 3)), x + x, x * x, x > 3, i + i, i * i, -i]
        for y in outs:
            y.asnumpy()
    names = set(evaluated)
    for name in ("Reshape", "transpose", "concat", "tile", "repeat", "broadcast_to", "broadcast_add", "cast"):
        assert name in names, f"{name} was compiled instead of evaluated on the host: {sorted(names)}"


def test_a_loop_over_new_shapes_compiles_nothing():
    """MXNet's test_broadcast draws 1000 random shapes: no XLA compile per shape."""
    rng = np.random.RandomState(1)
    with compiles() as seen:
        for _ in range(30):
            target = tuple(rng.randint(1, 11, size=rng.randint(1, 6)))
            shape = tuple(1 if rng.rand() < 0.5 else n for n in target)
            dat = rng.rand(*shape) - 0.5
            got = nd.array(dat).broadcast_to(shape=target).asnumpy()
            np.testing.assert_array_equal(got, np.broadcast_to(dat.astype(np.float32), target))
    assert len(seen) == 0


def test_an_instance_is_compiled_once_the_host_has_spent_a_compile(monkeypatch):
    """Once its host calls have cost a compile, the instance is compiled (once) and timed;
    the faster of the two runs it from then on, with the same values."""
    monkeypatch.setattr(policy, "HOST_COMPILE_SECONDS", 0.0)
    a = nd.array(np.arange(13.0))
    with compiles() as first:
        np.testing.assert_array_equal(nd.tile(a, (3,)).asnumpy(), np.tile(np.arange(13.0), 3))
    with compiles() as second:
        for _ in range(3):
            np.testing.assert_array_equal(nd.tile(a, (3,)).asnumpy(), np.tile(np.arange(13.0), 3))
    assert len(first) == 1 and len(second) == 0


@pytest.mark.parametrize("compiled_seconds,host_seconds,keeps", [(1e-3, 1e-5, "host"), (1e-5, 1e-3, "compiled")])
def test_the_rental_keeps_the_faster_of_host_and_compiled(monkeypatch, compiled_seconds, host_seconds, keeps):
    """A host evaluation of a few numbers beats any XLA dispatch: it stays on the host for
    good; where the compiled call is faster, it takes over.  Both are timed."""
    clock = [0.0]
    monkeypatch.setattr(host_eval.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(policy, "HOST_COMPILE_SECONDS", 3 * host_seconds)

    def jitted(*args):
        clock[0] += compiled_seconds
        return args
    rental = host_eval.Rental()
    decided = [rental.due(host_seconds) for _ in range(5)]
    assert decided == [False, False, True, False, False]   # once, when a compile's cost is spent
    assert rental.compiled_is_faster(jitted, (np.ones(2),)) == (keeps == "compiled")


def test_subnormals_and_division_run_on_xla():
    """XLA:CPU flushes subnormals and divides by a scalar through its reciprocal: those calls
    give XLA's numbers, not NumPy's."""
    with checked_host():
        tiny = nd.array(np.array([1e-40, 2e-40, 1.0], np.float32))
        np.testing.assert_array_equal((tiny + tiny).asnumpy(), np.asarray(jax.jit(lambda t: t + t)(tiny.asnumpy())))
        a = nd.array(np.arange(256, dtype=np.float32))
        by = nd.array(np.array(255, np.float32))
        xla = np.asarray(jax.jit(lambda u, v: u / v)(np.arange(256, dtype=np.float32), np.float32(255)))
        np.testing.assert_array_equal(nd.broadcast_div(a, by.reshape((1,))).asnumpy(), xla)


def test_host_results_own_writable_memory():
    """A broadcast or a reshape computed on the host is a fresh array, as XLA's results are:
    DLPack exports it (NumPy refuses read-only views)."""
    x = nd.array(np.arange(3.0).reshape(1, 3))
    for y in (x.broadcast_to((4, 3)), x.reshape((3,)), x.transpose()):
        back = nd.from_dlpack(nd.to_dlpack_for_read(y))
        np.testing.assert_array_equal(back.asnumpy(), y.asnumpy())


def test_backward_sort_and_integer_reductions_of_new_shapes_compile_nothing():
    """A loop over new shapes (MXNet's test_numpy_op: transpose, sort, any/all with
    backward) compiles no XLA kernel: the vjp of a data movement, a sort, and integer or
    boolean reductions run on the host, with NumPy's results."""
    from mxjax import autograd
    from mxjax import np as mnp
    rng = np.random.RandomState(2)
    shapes = [(2, 3, 4), (3, 5, 2), (4, 1, 6)]
    for shape in shapes:   # the sampler's own kernels, compiled once per shape, outside the count
        mnp.array(rng.rand(*shape)).asnumpy()
    with compiles() as seen:
        for shape in shapes:
            data = rng.randint(-50, 50, shape)
            x = mnp.array(data.astype(np.float32))
            x.attach_grad()
            with autograd.record():
                y = mnp.transpose(x, (2, 0, 1))
            y.backward(mnp.array(np.arange(y.size, dtype=np.float32).reshape(y.shape)))
            np.testing.assert_array_equal(
                x.grad.asnumpy(), np.arange(y.size, dtype=np.float32).reshape(y.shape).transpose(1, 2, 0))
            i = mnp.array(data, dtype="int32")
            np.testing.assert_array_equal(mnp.sort(i, axis=1).asnumpy(), np.sort(data, axis=1))
            np.testing.assert_array_equal(mnp.argsort(x, axis=-1).asnumpy(), np.argsort(data, -1, kind="stable"))
            np.testing.assert_array_equal(mnp.any(i > 10, axis=0).asnumpy(), np.any(data > 10, axis=0))
            np.testing.assert_array_equal(mnp.sum(i, axis=2).asnumpy(), data.sum(axis=2))
            np.testing.assert_array_equal(mnp.argmax(i, axis=1).asnumpy(), np.argmax(data, axis=1))
            np.testing.assert_array_equal(mnp.cumsum(i, axis=0).asnumpy(), np.cumsum(data, axis=0))
    assert len(seen) == 0, seen


def test_norms_of_one_element_and_sqrt_are_on_the_host():
    """A dynamic graph's loop condition (``b.norm().asscalar()``) reads the norm of one
    element: square, a sum over one element (XLA simplifies it to a reshape, so -0.0 stays
    -0.0) and sqrt (correctly rounded in both) are NumPy's exactly, with no compile per shape.
    Where the square overflows or underflows XLA's rewrite ``sqrt(square(x)) = abs(x)`` gives
    another number: those calls run compiled."""
    values = np.array([[-0.0], [3.0], [1e-3], [np.inf], [2.5e30], [1e-30]], np.float32)
    with checked_host() as evaluated:
        for v in values:
            a = nd.array(v)
            for y in (a.norm(), nd.sqrt(a), nd.sum(a)):
                y.asnumpy()
    assert "norm" in evaluated and "sqrt" in evaluated and "sum" in evaluated
    with compiles() as seen:
        for v in (-0.0, 3.0, 0.5):
            a = nd.array(np.full((1, 1, 1), v, np.float32))   # a new shape: new instances
            for y in (a.norm(), nd.sqrt(a), nd.sum(a)):
                y.asnumpy()
    assert len(seen) == 0
    assert np.signbit(nd.sum(nd.array(np.array([-0.0], np.float32))).asnumpy()[0])


def test_backward_of_a_float_reduction_compiles_no_vjp():
    """The vjp of a float sum is a broadcast: its trace still holds the forward's float
    reduction (no exact rule), which is dead code and dropped first, so a loop over new
    shapes and axes (MXNet's test_np_sum) compiles only the forwards."""
    from mxjax import autograd
    from mxjax import np as mnp
    rng = np.random.RandomState(3)
    cases = [((2, 3, 4), 0, None), ((3, 5, 2), 1, "float64"), ((4, 1, 6), None, None), ((2, 2), (0, 1), "float64")]
    xs = [mnp.array(rng.rand(*shape).astype(np.float32)) for shape, _, _ in cases]
    with compiles() as seen:
        for x, (shape, axis, dtype) in zip(xs, cases):
            x.attach_grad()
            with autograd.record():
                y = mnp.sum(x, axis=axis, dtype=dtype)
            y.backward()
            np.testing.assert_array_equal(x.grad.asnumpy(), np.ones(shape, np.float32))
    assert len(seen) == len(cases), seen   # the sums' forwards; no vjp


def _host_or_none(fn, *args):
    """``fn``'s jaxpr evaluated by the host rules, or None where they decline it."""
    closed = jax.make_jaxpr(fn)(*args)
    live = host_eval._live(closed.jaxpr)
    if not host_eval._exact(live):
        return None
    try:
        return host_eval.Program(live, closed.consts)(*jax.tree_util.tree_leaves(args))
    except host_eval.NotExact:
        return None


def test_gather_and_scatter_on_the_host_are_xlas_bit_for_bit():
    """take (clip, wrap), integer-array indexing, take_along_axis, diagflat, ``.at[].set/add``
    and take's vjp (a scatter-add) over random shapes, indices (out of range, repeated) and
    special values: where the host rules accept a case, their result is XLA's bit for bit,
    and they accept the common ones (no repeated float update)."""
    import jax.numpy as jnp
    from mxjax._engine.graph import _vjp_of
    rng = np.random.RandomState(0)
    accepted = total = 0
    for _ in range(10):
        nd_ = rng.randint(1, 4)
        shape = tuple(rng.randint(1, 5, nd_))
        x = _with_specials(rng.randn(*shape), rng).astype(rng.choice([np.float32, np.float64]))
        idx = rng.randint(-6, 6, tuple(rng.randint(1, 4, rng.randint(0, 3))))
        axis = int(rng.randint(-nd_, nd_))
        unique = np.unique(np.clip(idx.ravel(), 0, shape[0] - 1))
        ct = np.asarray(rng.randn(*jnp.take(x, idx, axis=axis, mode="clip").shape)).astype(x.dtype)
        take = lambda a, i: (jnp.take(a, i, axis=axis, mode="clip"),)   # noqa: E731
        cases = [(lambda a, i: jnp.take(a, i, axis=axis, mode="clip"), x, idx),
                 (lambda a, i: jnp.take(a, i, axis=axis, mode="wrap"), x, idx),
                 (lambda a, i: a[i], x, np.clip(idx, -shape[0], shape[0] - 1)),
                 (lambda a: jnp.take_along_axis(a, jnp.zeros(a.shape, jnp.int32), axis=-1), x),
                 (lambda v: jnp.diagflat(v, 1), x.ravel()),
                 (lambda a, i: a.at[i].set(7), x, unique),
                 (lambda a, i: a.at[i].add(3), rng.randint(-9, 9, shape).astype(np.int32), idx.ravel()),
                 (lambda a, i, v: a.at[i].add(v), x, unique, np.asarray(rng.randn(len(unique), *shape[1:])).astype(x.dtype)),
                 (lambda a, i, c: _vjp_of(take, (True, False))((a, i), (c,)), x, idx, ct)]
        for fn, *args in cases:
            total += 1
            host = _host_or_none(fn, *args)
            if host is None:
                continue
            accepted += 1
            for got, want in zip(host, jax.tree_util.tree_leaves(jax.jit(fn)(*args))):
                want = np.asarray(want)
                assert got.dtype == want.dtype and got.shape == want.shape
                assert got.tobytes() == want.tobytes(), (fn, args)
    assert accepted > total // 2, (accepted, total)


def test_scatter_into_a_0d_array_on_the_host():
    """A scatter into a 0-d array (``x.at[()].set(v)``, the vjp of transposing a 0-d array)
    writes its one element, as XLA does."""
    x = np.float32(1.5) * np.ones((), np.float32)
    for fn, args in [(lambda a, v: a.at[()].set(v), (x, np.float32(-0.25))),
                     (lambda a, v: a.at[()].add(v), (x, np.float32(2.0)))]:
        host = _host_or_none(fn, *args)
        want = np.asarray(jax.jit(fn)(*args))
        assert host is not None and host[0].tobytes() == want.tobytes()
