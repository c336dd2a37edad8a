"""MXNet's control-flow operators ``_foreach``, ``_while_loop`` and ``_cond`` as JAX control flow.

A node of one of these operators holds its bodies as subgraphs (``subgraph.Subgraphs``) and
takes as inputs everything the bodies read: loop data, loop states or variables, and the
free variables the bodies captured (parameters, outer results).  Its attributes say where
each input goes (MXNet's ``in_data_locs``, ``cond_input_locs``..., positions in a body's
``list_inputs``).  Semantics (MXNet 1.9.1's src/operator/control_flow.cc):

* ``_foreach``: the body runs once per slice along axis 0 of the data inputs (of shape (1,)
  for a 1-D input); its first ``num_out_data`` outputs are stacked along a new axis 0, the
  others are the next states.  Here a ``lax.scan``.
* ``_while_loop``: while the condition graph gives true and fewer than ``max_iterations``
  steps ran, the step graph maps the loop variables to (step outputs, new loop variables).
  The step outputs are stacked to ``max_iterations`` rows; MXNet leaves the rows after the
  last step undefined, mxjax fills them with zeros.  Here a ``lax.scan`` of
  ``max_iterations`` steps, each a ``lax.cond`` that runs the step graph only while the loop
  runs: unlike ``lax.while_loop`` it can be differentiated (MXNet's while_loop can), and the
  steps after the end neither cost a step graph nor reach the gradients.
* ``_cond``: the predicate graph's one value decides which branch graph gives the outputs.
  Here a ``lax.cond``; the gradient flows through the branch taken.

Gradients come from JAX through these primitives, to the data, the states and the captured
free variables alike.  A body with random operators makes the node take a PRNG key; each
step and each body folds in its own index, so steps draw different numbers.
"""
import jax
import jax.numpy as jnp
from jax import lax

from ..base import MXNetError
from ..ndarray.registry import REQUIRED, Op, register
from .subgraph import NO_KEY


class SubgraphOp(Op):
    """An operator whose node holds ``n_subgraphs`` bodies.  ``links(params)`` describes how
    the node's inputs and outputs meet its bodies' (shape and type inference walk it):

    * ``inputs``: per body, per body input in ``list_inputs`` order, (the node's input
      position, whether the body sees one slice along axis 0 of it);
    * ``outputs``: per node output, (the body outputs it comes from as (body, position),
      the length of a new axis 0 it is stacked along: None, an int, or "data" for the
      first input's axis 0, the node input it shares its shape and type with or None).
    """
    n_subgraphs = 0

    def links(self, params):
        raise NotImplementedError


def _subgraph_class(n, links):
    return type("SubgraphOp", (SubgraphOp,), dict(n_subgraphs=n, links=lambda self, params: links(params)))


def _split_key(arrays, subgraphs):
    if subgraphs.random:
        return arrays[0], arrays[1:]
    return NO_KEY, arrays


def _fold(key, index, fn):
    return jax.random.fold_in(key, index) if fn.random else key


def _truth(value, what):
    if value.size != 1:
        raise MXNetError(f"{what} should be a scalar (an array of one element), got shape {value.shape}")
    return value.reshape(()) != 0


def _as_state(new, old, what):
    """A body's new loop state in the type of the state it replaces (MXNet requires both to
    agree in shape)."""
    if new.shape != old.shape:
        raise MXNetError(f"{what}: the shape of a loop state changes from {old.shape} to {new.shape}; "
                         "a loop state must keep its shape")
    return new.astype(old.dtype)


# ---- _foreach --------------------------------------------------------------------------------
def _foreach_links(params):
    data, states, remain = params["in_data_locs"], params["in_state_locs"], params["remain_locs"]
    n_data, n_states = len(data), len(states)
    inputs = [None] * (n_data + n_states + len(remain))
    for k, loc in enumerate(data):
        inputs[loc] = (k, True)
    for k, loc in enumerate(states):
        inputs[loc] = (n_data + k, False)
    for k, loc in enumerate(remain):
        inputs[loc] = (n_data + n_states + k, False)
    n_out = int(params["num_out_data"])
    outputs = [([(0, k)], "data", None) if k < n_out else ([(0, k)], None, n_data + k - n_out)
               for k in range(int(params["num_outputs"]))]
    return [inputs], outputs


_FOREACH_ATTRS = dict(num_outputs=REQUIRED, num_out_data=REQUIRED, in_state_locs=REQUIRED, in_data_locs=REQUIRED,
                      remain_locs=REQUIRED)


@register("_foreach", inputs=(), variadic=True, uses_training=True, attrs=_FOREACH_ATTRS,
          op_class=_subgraph_class(1, _foreach_links))
def _foreach(*arrays, num_outputs, num_out_data, in_state_locs, in_data_locs, remain_locs, subgraphs, _training):
    """MXNet's ``_foreach`` (see module docstring): inputs are the data, the initial states,
    then the free variables; outputs the stacked body outputs, then the final states."""
    key, arrays = _split_key(arrays, subgraphs)
    (body,) = subgraphs.functions()
    n_data, n_states = len(in_data_locs), len(in_state_locs)
    data, states, remain = arrays[:n_data], arrays[n_data:n_data + n_states], arrays[n_data + n_states:]
    if not data:
        raise MXNetError("_foreach needs at least one data input to iterate over")

    def step(carry, xs):
        index, slices = xs
        inputs = [None] * len(arrays)
        for loc, value in zip(in_data_locs, slices):
            inputs[loc] = value
        for loc, value in zip(in_state_locs, carry):
            inputs[loc] = value
        for loc, value in zip(remain_locs, remain):
            inputs[loc] = value
        outs = body(inputs, _fold(key, index, body), _training)
        new_states = tuple(_as_state(n, o, "foreach") for n, o in zip(outs[num_out_data:], carry))
        return new_states, tuple(outs[:num_out_data])
    length = data[0].shape[0]
    data = tuple(d.reshape(length, 1) if d.ndim == 1 else d for d in data)   # MXNet: a 1-D array's slices are (1,)
    final, stacked = lax.scan(step, tuple(states), (jnp.arange(length, dtype=jnp.uint32), data))
    return tuple(stacked) + tuple(final)


# ---- _while_loop -----------------------------------------------------------------------------
def _while_links(params):
    cond_locs, func_locs, var_locs = params["cond_input_locs"], params["func_input_locs"], params["func_var_locs"]
    n_out = int(params["num_out_data"])
    outputs = [([(1, k)], int(params["max_iterations"]), None) if k < n_out
               else ([(1, k)], None, func_locs[var_locs[k - n_out]]) for k in range(int(params["num_outputs"]))]
    return [[(loc, False) for loc in cond_locs], [(loc, False) for loc in func_locs]], outputs


_WHILE_ATTRS = dict(num_outputs=REQUIRED, num_out_data=REQUIRED, max_iterations=REQUIRED, cond_input_locs=REQUIRED,
                    func_input_locs=REQUIRED, func_var_locs=REQUIRED)


@register("_while_loop", inputs=(), variadic=True, uses_training=True, attrs=_WHILE_ATTRS,
          op_class=_subgraph_class(2, _while_links))
def _while_loop(*arrays, num_outputs, num_out_data, max_iterations, cond_input_locs, func_input_locs, func_var_locs,
                subgraphs, _training):
    """MXNet's ``_while_loop`` (see module docstring): inputs are the union of what the
    condition and the step graph read (the loop variables among them, at
    ``func_input_locs[func_var_locs[j]]``); outputs the stacked step outputs, then the final
    loop variables."""
    key, arrays = _split_key(arrays, subgraphs)
    cond_fn, func = subgraphs.functions()
    slots = [func_input_locs[p] for p in func_var_locs]

    def with_vars(loop_vars):
        values = list(arrays)
        for slot, value in zip(slots, loop_vars):
            values[slot] = value
        return values

    def run_func(loop_vars, step_key):
        values = with_vars(loop_vars)
        outs = func([values[loc] for loc in func_input_locs], _fold(step_key, 1, func), _training)
        new_vars = tuple(_as_state(n, o, "while_loop") for n, o in zip(outs[num_out_data:], loop_vars))
        return new_vars, tuple(outs[:num_out_data])
    init = tuple(arrays[slot] for slot in slots)
    _, out_avals = jax.eval_shape(run_func, init, key)

    def step(carry, index):
        running, loop_vars = carry
        step_key = _fold(key, index, cond_fn) if (cond_fn.random or func.random) else key
        values = with_vars(loop_vars)
        go = running & _truth(cond_fn([values[loc] for loc in cond_input_locs], _fold(step_key, 0, cond_fn),
                                      _training)[0], "while_loop's condition")

        def skip(loop_vars):
            return loop_vars, tuple(jnp.zeros(a.shape, a.dtype) for a in out_avals)
        new_vars, outs = lax.cond(go, lambda v: run_func(v, step_key), skip, loop_vars)
        return (go, new_vars), outs
    (_, final), stacked = lax.scan(step, (jnp.bool_(True), init), jnp.arange(int(max_iterations), dtype=jnp.uint32))
    return tuple(stacked) + tuple(final)


# ---- _cond -----------------------------------------------------------------------------------
def _cond_links(params):
    n = int(params["num_outputs"])
    inputs = [[(loc, False) for loc in params[key]] for key in ("cond_input_locs", "then_input_locs",
                                                                  "else_input_locs")]
    return inputs, [([(1, k), (2, k)], None, None) for k in range(n)]


_COND_ATTRS = dict(num_outputs=REQUIRED, cond_input_locs=REQUIRED, then_input_locs=REQUIRED,
                   else_input_locs=REQUIRED)


@register("_cond", inputs=(), variadic=True, uses_training=True, attrs=_COND_ATTRS,
          op_class=_subgraph_class(3, _cond_links))
def _cond(*arrays, num_outputs, cond_input_locs, then_input_locs, else_input_locs, subgraphs, _training):
    """MXNet's ``_cond`` (see module docstring): inputs are the union of what the three
    graphs read; outputs the taken branch's."""
    key, arrays = _split_key(arrays, subgraphs)
    pred_fn, then_fn, else_fn = subgraphs.functions()
    pred = _truth(pred_fn([arrays[loc] for loc in cond_input_locs], _fold(key, 0, pred_fn), _training)[0],
                  "cond's predicate")

    def branch(fn, locs, index):
        return lambda values: tuple(fn([values[loc] for loc in locs], _fold(key, index, fn), _training))
    then_branch, else_branch = branch(then_fn, then_input_locs, 1), branch(else_fn, else_input_locs, 2)
    then_avals, else_avals = jax.eval_shape(then_branch, arrays), jax.eval_shape(else_branch, arrays)
    if [(a.shape, a.dtype) for a in then_avals] != [(a.shape, a.dtype) for a in else_avals]:
        raise MXNetError("cond: the then-branch and the else-branch give outputs of different shapes or types: "
                         f"{[(a.shape, str(a.dtype)) for a in then_avals]} and "
                         f"{[(a.shape, str(a.dtype)) for a in else_avals]}")
    try:   # a graph run eagerly (see executor._warm) knows its predicate: run the taken branch
        taken = bool(pred)
    except jax.errors.ConcretizationTypeError:
        return lax.cond(pred, then_branch, else_branch, tuple(arrays))
    return (then_branch if taken else else_branch)(tuple(arrays))
