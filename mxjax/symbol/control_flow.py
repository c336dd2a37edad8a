"""``mx.sym.contrib.foreach``, ``while_loop`` and ``cond``: MXNet 1.9.1's symbolic control flow.

As in MXNet, each user function is called once, on fresh variables, inside an
``AttrScope(__subgraph_name__=<unique name>)``, so every symbol it creates carries that
name.  The body is then cut from the graph around it: an input entry of a body node that
comes from outside the body (an outer variable, an outer result, a parameter) becomes a
variable of the body named after that entry's output (``w``, ``_plus0_output``), and the
outer entry becomes an input of the control-flow node.  A body output that is not computed
inside the body (it returns an input, or an outer symbol) goes through ``identity`` first.
The node (``_foreach``, ``_while_loop``, ``_cond``; see ``control_flow_ops``) takes the
data, states or loop variables and these captured inputs, in MXNet's order, and its
location attributes say which body input each one is.

The names follow MXNet's: body variables ``<symbol name>-<output index>``, subgraph names
``foreach0``, ``while_loop_cond0``, ``cond_then0``... counted in ``AttrScope._subgraph_names``
(``outer$inner`` when nested), nodes ``_foreach0``..., so graphs and their JSON are MXNet's.
"""
from ..attribute import AttrScope, unique_subgraph_name
from ..ndarray.control_flow import _flatten as _flatten_nested, _regroup, _to_python
from ..ndarray.registry import OPS
from .symbol import Symbol, _Node, create, topo_order, var

__all__ = ["foreach", "while_loop", "cond"]

_SUBGRAPH = "__subgraph_name__"


def _flatten(args, what):
    return _flatten_nested(args, what, Symbol)


def _check_symbols(items, message):
    if not all(isinstance(x, Symbol) for x in items):
        raise AssertionError(message)


def _uniq_name(sym):
    (node, index), = sym._outputs
    return f"{node.name}-{index}"


def _in_graph(sym, name):
    return sym._outputs[0][0].attrs.get(_SUBGRAPH, "") == name


def _identity_unless_inside(outputs, name, also=None):
    """The body's outputs, each through ``identity`` where it is an input of the body, is
    not computed inside it, or (``also``: a count of leading outputs) shares its name with
    one of the leading outputs (a foreach state that is also an output)."""
    inputs = set(Symbol([e for s in outputs for e in s._outputs]).list_inputs())
    shared = {s.name for s in outputs[:also or 0]}
    return [create(OPS["_copy"], "identity", (s,), {})
            if s.name in inputs or (also is not None and k >= also and s.name in shared) or not _in_graph(s, name)
            else s for k, s in enumerate(outputs)]


def _cut(outputs, name):
    """(the body ``outputs`` as a graph of its own, {name of a cut variable: the outer entry it
    stands for}); see the module docstring."""
    entries = [e for s in outputs for e in s._outputs]

    def inside(node):
        return node.attrs.get(_SUBGRAPH, "") == name
    copies, cut_vars, cut = {}, {}, {}

    def wire(child, index):
        if inside(child):
            return copies[id(child)], index
        key = (id(child), index)
        if key not in cut_vars:
            var_name = child.output_name(index)
            cut_vars[key] = _Node(None, var_name, {}, [])
            cut[var_name] = (child, index)
        return cut_vars[key], 0
    for node in topo_order(entries, within=inside):
        copies[id(node)] = node if node.op is None else node.rewired([wire(c, i) for c, i in node.inputs])
    graph = Symbol([(copies[id(n)], i) for n, i in entries])
    names = graph.list_inputs()
    if len(set(names)) != len(names):
        raise AssertionError(f"The inputs of the subgraph don't have unique names: {names}")
    return graph, cut


def _outer_input(graph, name, cut):
    """The node input standing for the body variable ``name``: the outer entry it was cut from,
    or, for a variable created inside the body, a copy of it in the outer graph."""
    if name in cut:
        return cut[name]
    node = next(n for n in topo_order(graph._outputs) if n.op is None and n.name == name)
    return _Node(None, node.name, dict(node.attrs), []), 0


def foreach(body, data, init_states, name="foreach"):
    """``outs, states = body(data_slice, states)`` for each slice along axis 0 of ``data`` (a
    Symbol or nested list of them); returns (the outputs stacked along axis 0, the final
    states), nested as ``body`` returns them.  One ``_foreach`` node (see module docstring)."""
    flat_data, data_fmt = _flatten(data, "foreach input")
    _check_symbols(flat_data, "data should be a symbol or a nested list of symbols")
    flat_states, init_state_fmt = _flatten(init_states, "foreach states")
    _check_symbols(flat_states, "init_states should be a symbol or a nested list of symbols")
    name = unique_subgraph_name(name)
    with AttrScope(**{_SUBGRAPH: name}):
        in_eles, _ = _regroup([var(_uniq_name(s)) for s in flat_data], data_fmt)
        states, _ = _regroup([var(_uniq_name(s)) for s in flat_states], init_state_fmt)
        sym_out, sym_states = body(in_eles, states)
        sym_out, out_fmt = _flatten(sym_out, "foreach output")
        sym_states, state_fmt = _flatten(sym_states, "foreach loop_vars")
        if init_state_fmt != state_fmt:
            raise AssertionError("The input and output loop_vars have different format")
        _check_symbols(sym_out, "the output should be an NDArray or a nested list of NDArrays")
        _check_symbols(sym_states, "the output states should be an NDArray or a nested list of NDArrays")
        outputs = _identity_unless_inside(sym_out + sym_states, name, len(sym_out))
    graph, cut = _cut(outputs, name)
    names = graph.list_inputs()
    data_names, state_names = [_uniq_name(s) for s in flat_data], [_uniq_name(s) for s in flat_states]
    for wanted, what in ((data_names, "data"), (state_names, "state")):
        if any(n not in names for n in wanted):
            raise AssertionError(f"the {what} arrays have to be used in the loop body")
    remain = [n for n in names if n not in data_names and n not in state_names]
    inputs = flat_data + flat_states + [Symbol([_outer_input(graph, n, cut)]) for n in remain]
    result = create(OPS["_foreach"], "_foreach", (graph, *inputs), dict(
        num_outputs=len(outputs), num_out_data=len(sym_out), in_state_locs=[names.index(n) for n in state_names],
        in_data_locs=[names.index(n) for n in data_names], remain_locs=[names.index(n) for n in remain]))
    outs, _ = _regroup([result[i] for i in range(len(sym_out))], out_fmt)
    states, _ = _regroup([result[i] for i in range(len(sym_out), len(outputs))], state_fmt)
    return outs, states


def _body(graph_vars, graph_func, subgraph_name):
    """Call ``graph_func`` on fresh variables standing for ``graph_vars`` inside a new
    subgraph scope; (its outputs through ``identity`` where needed, their count, the extra
    results ``graph_func`` returns, the subgraph name)."""
    name = unique_subgraph_name(subgraph_name)
    with AttrScope(**{_SUBGRAPH: name}):
        flat_vars, var_fmt = _flatten(graph_vars, "while loop_vars")
        new_vars, _ = _regroup([var(_uniq_name(s)) for s in flat_vars], var_fmt)
        outputs, extra = graph_func(new_vars)
        outputs = _identity_unless_inside(outputs, name)
    return outputs, extra, name


def while_loop(cond, func, loop_vars, max_iterations=None, name="while_loop"):
    """While ``cond(*loop_vars)`` is true and fewer than ``max_iterations`` steps ran:
    ``step_output, loop_vars = func(*loop_vars)``.  Returns (the step outputs stacked along
    axis 0 to ``max_iterations`` rows, the final loop variables).  One ``_while_loop`` node."""
    flat_vars, init_fmt = _flatten(loop_vars, "while loop_vars")
    _check_symbols(flat_vars, "loop_vars should be a symbol or a nested list of symbols")

    def cond_wrapper(graph_vars):
        result = cond(*graph_vars)
        if not isinstance(result, Symbol):
            raise ValueError("Return of cond must be a Symbol")
        return [result], None

    def func_wrapper(graph_vars):
        step_output, new_vars = func(*graph_vars)
        step_output = [] if step_output is None else step_output
        new_vars = [] if new_vars is None else new_vars
        step_output = list(step_output) if isinstance(step_output, tuple) else step_output
        new_vars = list(new_vars) if isinstance(new_vars, tuple) else new_vars
        step_output, out_fmt = _flatten(step_output, "while output")
        new_vars, _ = _flatten(new_vars, "while loop_vars")
        if len(graph_vars) != len(new_vars):
            raise ValueError("The number of loop_vars should be consistent during the loop")
        return step_output + new_vars, (len(step_output), out_fmt)

    if max_iterations is None:
        raise ValueError("max_iterations should be specified")
    max_iterations = _to_python(max_iterations, int, "max_iteration")
    if len(loop_vars) == 0:
        raise ValueError("loop_vars should contain at least one element")
    cond_out, _, cond_name = _body(loop_vars, cond_wrapper, name + "_cond")
    func_out, (num_out_data, out_fmt), func_name = _body(loop_vars, func_wrapper, name + "_func")
    cond_g, cond_cut = _cut(cond_out, cond_name)
    func_g, func_cut = _cut(func_out, func_name)
    var_index = {_uniq_name(s): j for j, s in enumerate(flat_vars)}
    inputs, slots = [], {}
    cond_locs, func_locs, var_locs = [], [], [-1] * len(flat_vars)
    for graph, cut, locs in ((cond_g, cond_cut, cond_locs), (func_g, func_cut, func_locs)):
        for n in graph.list_inputs():
            key = ("loop", n) if n in var_index else (id(graph), n)   # loop variables are shared
            if key not in slots:
                slots[key] = len(inputs)
                inputs.append(flat_vars[var_index[n]] if n in var_index else Symbol([_outer_input(graph, n, cut)]))
            locs.append(slots[key])
            if graph is func_g and n in var_index:
                var_locs[var_index[n]] = len(locs) - 1
    for i, loc in enumerate(var_locs, 1):
        if loc == -1:
            raise ValueError(f"The {i}-th loop_var doesn't involve into the computation")
    result = create(OPS["_while_loop"], "_while_loop", (cond_g, func_g, *inputs), dict(
        max_iterations=max_iterations, cond_input_locs=cond_locs, func_input_locs=func_locs, func_var_locs=var_locs,
        num_out_data=num_out_data, num_outputs=len(func_out)))
    outputs, _ = _regroup([result[i] for i in range(num_out_data)], out_fmt)
    final, _ = _regroup([result[i] for i in range(num_out_data, len(func_out))], init_fmt)
    return outputs, final


def cond(pred, then_func, else_func, name="cond"):
    """``then_func()`` if the one value of ``pred`` is nonzero, else ``else_func()``; both
    return a Symbol or nested list of them, alike.  One ``_cond`` node."""
    def branch(fn):
        def run(_):
            outputs, fmt = _flatten(fn(), "cond outputs")
            return outputs, fmt
        return run
    graphs = []
    for fn, suffix in ((lambda: pred, "_pred"), (then_func, "_then"), (else_func, "_else")):
        outputs, fmt, sub_name = _body([], branch(fn), name + suffix)
        graph, cut = _cut(outputs, sub_name)
        graphs.append((graph, cut, len(outputs), fmt))
    if graphs[0][2] != 1:
        raise ValueError("pred should always be a single output")
    if graphs[1][2] != graphs[2][2]:
        raise ValueError("Number of outputs differs between then-branch and else-branch")
    inputs, all_locs = [], []
    for graph, cut, _, _ in graphs:
        known = {s._outputs[0][0].name: k for k, s in enumerate(inputs)}   # MXNet shares inputs by name
        locs = []
        for n in graph.list_inputs():
            if n not in known:
                known[n] = len(inputs)
                inputs.append(Symbol([_outer_input(graph, n, cut)]))
            locs.append(known[n])
        all_locs.append(locs)
    result = create(OPS["_cond"], "_cond", tuple(g for g, _, _, _ in graphs) + tuple(inputs), dict(
        cond_input_locs=all_locs[0], then_input_locs=all_locs[1], else_input_locs=all_locs[2],
        num_outputs=graphs[1][2]))
    outputs, _ = _regroup([result[i] for i in range(graphs[1][2])], graphs[1][3])
    return outputs


def install(contrib):
    for fn in (foreach, while_loop, cond):
        setattr(contrib, fn.__name__, fn)

