"""``nd.contrib.foreach``, ``while_loop`` and ``cond``: MXNet's control-flow operators.

Called on concrete arrays (imperative code) they are what MXNet 1.9.1's are: Python loops
and branches over the user's functions, every op recorded as usual (so autograd sees the
unrolled computation), ``cond`` and ``while_loop``'s condition read with ``asscalar``.

Inside a hybridized block's trace the arrays are abstract and a Python branch cannot read
them, so the functions become JAX control flow: ``foreach`` is a ``lax.scan`` over axis 0,
``cond`` a ``lax.cond``, and ``while_loop`` a ``lax.scan`` of ``max_iterations`` steps,
each a ``lax.cond`` running ``func`` only while the condition holds (a scan, unlike
``lax.while_loop``, can be differentiated, as MXNet's while_loop can, and the steps after
the end reach neither the values nor the gradients).  As MXNet's hybridized blocks (which
run the symbolic versions) do, the traced functions name their bodies with
``AttrScope._subgraph_names`` and run them inside ``AttrScope(__subgraph_name__=...)``.

The functions' inputs and outputs are NDArrays or nested lists of them; outputs keep their
nesting.  ``while_loop``'s stacked outputs have ``max_iterations`` rows, the rows after the
last step hold zeros (MXNet leaves them undefined)."""
import jax
import jax.numpy as jnp
from jax import lax

from ..attribute import AttrScope, unique_subgraph_name
from ..base import _as_list
from .._engine.graph import constant
from .ndarray import NDArray, from_value

__all__ = ["foreach", "while_loop", "cond"]


def _flatten(args, what, leaf=NDArray):
    """(list of leaves, format) of a leaf (an NDArray; the symbolic API passes ``leaf=Symbol``)
    or nested list of them.  MXNet's format: for a leaf 0 (a Symbol of n > 1 outputs: n),
    else a list of the items' formats."""
    if isinstance(args, leaf):
        return [args], (len(args) if leaf is not NDArray and len(args) > 1 else 0)
    if not isinstance(args, (list, tuple)):
        raise AssertionError(f"{what} must be (nested) list of {leaf.__name__}, but got {args} of type {type(args)}")
    flat, fmts = [], []
    for item in args:
        items, fmt = _flatten(item, what, leaf)
        flat += items
        fmts.append(fmt)
    return flat, fmts


def _regroup(flat, fmt):
    """Inverse of ``_flatten``: (the nested structure, what is left of ``flat``)."""
    if isinstance(fmt, int):
        return (flat[0], flat[1:]) if fmt == 0 else (flat[:fmt], flat[fmt:])
    out = []
    for item in fmt:
        value, flat = _regroup(flat, item)
        out.append(value)
    return out, flat


def _traced(arrays):
    return any(isinstance(a._data(), jax.core.Tracer) for a in arrays)


def _handles(arrays, ctx):
    return [from_value(constant(a, ctx)) for a in arrays]


def _arrays(handles):
    return [h._data() for h in handles]


def _to_python(value, kind, name):
    if isinstance(value, NDArray):
        return kind(value.asscalar())
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"Cannot convert {name} to python {kind.__name__}") from None


def foreach(body, data, init_states, name="foreach"):
    """``outs, states = body(data[i], states)`` for each ``i`` along axis 0 of ``data`` (an
    NDArray, or a list of NDArrays then sliced together); returns (the outputs stacked along
    axis 0, the last states).  ``name`` names the body when traced (see module docstring)."""
    flat_data, _ = _flatten(data, "foreach input")
    flat_states, state_fmt = _flatten(init_states, "foreach states")
    single = isinstance(data, NDArray)
    ctx = flat_data[0].context
    if _traced(flat_data + flat_states):
        out_fmt, scope = [], unique_subgraph_name(name)

        def step(carry, xs):
            states, _ = _regroup(_handles(carry, ctx), state_fmt)
            eles = _handles(xs, ctx)
            with AttrScope(__subgraph_name__=scope):
                outs, states = body(eles[0] if single else eles, states)
            outs, fmt = _flatten(outs, "foreach output")
            out_fmt[:] = [fmt]
            return _arrays(_flatten(states, "foreach states")[0]), _arrays(outs)
        xs = [x.reshape(x.shape[0], 1) if x.ndim == 1 else x for x in _arrays(flat_data)]   # slices of 1-D: (1,)
        final, stacked = lax.scan(step, _arrays(flat_states), xs)
        outputs, _ = _regroup(_handles(stacked, ctx), out_fmt[0])
        states, _ = _regroup(_handles(final, ctx), state_fmt)
        return outputs, states
    states, outputs, out_fmt = init_states, [], None
    for i in range(flat_data[0].shape[0]):
        outs, states = body(data[i] if single else [d[i] for d in data], states)
        outs, out_fmt = _flatten(outs, "foreach output")
        outputs.append(outs)
    from . import stack
    outputs, _ = _regroup([stack(*column) for column in zip(*outputs)], out_fmt)
    return outputs, states


def _step(func, loop_vars):
    """``func(*loop_vars)`` as (flat step outputs, their format, new loop variables)."""
    step_output, new_vars = func(*loop_vars)
    step_output = [] if step_output is None else step_output
    new_vars = _as_list([] if new_vars is None else list(new_vars) if isinstance(new_vars, tuple) else new_vars)
    if len(new_vars) != len(loop_vars):
        raise ValueError("The length of loop_vars should be consistent during the loop")
    flat, fmt = _flatten(list(step_output) if isinstance(step_output, tuple) else step_output, "while output")
    return flat, fmt, new_vars


def while_loop(cond, func, loop_vars, max_iterations=None, name="while_loop"):
    """While ``cond(*loop_vars)`` is true and fewer than ``max_iterations`` steps ran:
    ``step_output, loop_vars = func(*loop_vars)``.  Returns (the step outputs stacked along
    axis 0, ``max_iterations`` rows; the final loop variables).  ``loop_vars`` may nest
    lists; ``name`` names the bodies when traced (see module docstring)."""
    if max_iterations is None:
        raise ValueError("max_iterations should be specified")
    max_iterations = _to_python(max_iterations, int, "max_iteration")
    if len(loop_vars) == 0:
        raise ValueError("loop_vars should contain at least one element")
    single = isinstance(loop_vars, NDArray)
    loop_vars = _as_list(loop_vars)
    flat_vars, var_fmt = _flatten(loop_vars, "while loop_vars")
    if _traced(flat_vars):
        scopes = (unique_subgraph_name(name + "_cond"), unique_subgraph_name(name + "_func"))
        return _traced_while(cond, func, flat_vars, var_fmt, max_iterations, flat_vars[0].context, single, scopes)
    ctx = flat_vars[0].context
    steps, outputs, out_fmt = 0, [], None
    while steps < max_iterations and _to_python(cond(*loop_vars), bool, "Return value of cond"):
        step_output, out_fmt, loop_vars = _step(func, loop_vars)
        outputs.append(step_output)
        steps += 1
        if len(step_output) != len(outputs[0]):
            raise ValueError("Number of elements in step_output should be the same in each step")
    from . import concat, zeros
    stacked = []
    for i, items in enumerate(zip(*outputs), 1):
        if any(x.shape != items[0].shape for x in items):
            raise ValueError("\n".join([f"Shapes of {i}-th elements in step_outputs are inconsistent, which are:"] +
                                       [f"  Step {s}, shape is {x.shape}" for s, x in enumerate(items)]))
        items = [x.expand_dims(0) for x in items]
        if steps != max_iterations:
            items.append(zeros((max_iterations - steps,) + items[0].shape[1:], ctx=ctx, dtype=items[0].dtype))
        stacked.append(concat(*items, dim=0))
    if out_fmt is not None:
        stacked, _ = _regroup(stacked, out_fmt)
    return stacked, loop_vars[0] if single else loop_vars


def _traced_while(cond, func, flat_vars, var_fmt, max_iterations, ctx, single, scopes):
    out_fmt = []

    def run_func(arrays):
        loop_vars, _ = _regroup(_handles(arrays, ctx), var_fmt)
        with AttrScope(__subgraph_name__=scopes[1]):
            outs, fmt, new_vars = _step(func, loop_vars)
        out_fmt[:] = [fmt]
        new_arrays = _arrays(_flatten(new_vars, "while loop_vars")[0])
        return [n.astype(o.dtype) for n, o in zip(new_arrays, arrays)], _arrays(outs)
    out_avals = jax.eval_shape(run_func, _arrays(flat_vars))[1]

    def step(carry, _):
        running, arrays = carry
        loop_vars, _ = _regroup(_handles(arrays, ctx), var_fmt)
        with AttrScope(__subgraph_name__=scopes[0]):
            go = jnp.logical_and(running, cond(*loop_vars)._data().reshape(()).astype(bool))

        def skip(arrays):
            return list(arrays), [jnp.zeros(a.shape, a.dtype) for a in out_avals]
        new_arrays, outs = lax.cond(go, run_func, skip, arrays)
        return (go, new_arrays), outs
    (_, final), stacked = lax.scan(step, (jnp.bool_(True), _arrays(flat_vars)), None, length=max_iterations)
    outputs, _ = _regroup(_handles(stacked, ctx), out_fmt[0])
    final, _ = _regroup(_handles(final, ctx), var_fmt)
    return outputs, final[0] if single else final


def cond(pred, then_func, else_func, name="cond"):
    """``then_func()`` if the scalar ``pred`` is true, else ``else_func()``; ``name`` names
    the branches when traced (see module docstring)."""
    if isinstance(pred, NDArray) and _traced([pred]):
        ctx = pred.context
        fmts = []
        unique_subgraph_name(name + "_pred")   # MXNet names the predicate's graph too
        then_scope, else_scope = unique_subgraph_name(name + "_then"), unique_subgraph_name(name + "_else")

        def branch(fn, scope):
            def run():
                with AttrScope(__subgraph_name__=scope):
                    flat, fmt = _flatten(fn(), "cond output")
                fmts.append(fmt)
                return _arrays(flat)
            return run
        flat = lax.cond(pred._data().reshape(()).astype(bool), branch(then_func, then_scope),
                        branch(else_func, else_scope))
        return _regroup(_handles(flat, ctx), fmts[0])[0]
    return then_func() if _to_python(pred, bool, "pred") else else_func()


def install(contrib):
    for name in __all__:
        setattr(contrib, name, globals()[name])
