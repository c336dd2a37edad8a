"""MXNet's Symbol: an immutable graph of registry operators and variables.

A node is a variable (``op`` None) or an operator of the one registry, with MXNet's string
attributes (operator parameters as ``str(value)``, user attributes such as ``__lr_mult__``)
and its inputs as (node, output index) entries.  A Symbol is a list of such entries, its
outputs.  Graph order, argument lists and names follow MXNet (nnvm's depth-first post-order):
``list_arguments`` lists variables in that order, auxiliary states are the variables an
operator updates in place (BatchNorm's moving statistics).

Where mxjax differs: a node's attributes dictionary is shared by every Symbol holding the
node, as in MXNet; composition (``sym(data=other)``) copies the nodes it rewires, so a
composed symbol never changes the graphs it was made from except through ``_compose``,
which rebinds ``self`` to the new graph as MXNet's in-place composition does.
"""
import ast
import numpy as np

from .. import attribute as _attribute
from ..base import MXNetError, NotImplementedForSymbol, string_types
from .. import name as _name
from ..ndarray.registry import OPS, REQUIRED
from ..ndarray.storage_ids import _DTYPE_NP_TO_MX, _STORAGE_TYPE_STR_TO_ID
from . import op_rules

# MXNet's hidden attribute keys: ``lr_mult=2`` is stored as ``__lr_mult__``
_HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage")


class _Node:
    """One graph node: ``op`` (registry Op, None for a variable), ``name``, ``attrs`` (str -> str),
    ``inputs`` (list of (node, index)) and, for a control-flow operator (``_foreach``,
    ``_while_loop``, ``_cond``), ``subgraphs``: its bodies (a ``subgraph.Subgraphs``)."""
    __slots__ = ("op", "name", "attrs", "inputs", "subgraphs", "_params")

    def __init__(self, op, name, attrs, inputs, subgraphs=None):
        self.op = op
        self.name = name
        self.attrs = attrs
        self.inputs = inputs
        self.subgraphs = subgraphs
        self._params = None

    def rewired(self, inputs, attrs=None):
        """A copy of this operator node with other inputs (and attributes)."""
        return _Node(self.op, self.name, self.attrs if attrs is None else attrs, inputs, self.subgraphs)

    @property
    def is_variable(self):
        return self.op is None

    def params(self):
        """The operator's attributes as the registry takes them: {name: parsed value}."""
        if self._params is None:
            values = {}
            if self.op.free_attrs:   # Custom: its keyword arguments as given, strings
                values = {k: v for k, v in self.attrs.items() if not (k.startswith("__") and k.endswith("__"))}
            for key, default in self.op.attrs.items():
                if key in self.attrs:
                    values[key] = parse_attr(self.attrs[key])
                elif default is REQUIRED:
                    raise MXNetError(f"Required parameter {key} of operator {self.op.name} is not presented, "
                                     f"in operator {self.name}")
                else:
                    values[key] = default
            if self.subgraphs is not None:
                values["subgraphs"] = self.subgraphs
            self._params = values
        return self._params

    def counts(self):
        """(number of outputs in MXNet's graph, number visible)."""
        if self.op is None:
            return 1, 1
        if self.op.free_attrs:
            n = len(self.op.signature(self.params()).outputs)
            return n, n
        return op_rules.output_counts(self.op.name, self.params())

    def output_name(self, index):
        if self.op is None:
            return self.name
        if self.op.free_attrs:
            suffix = self.op.signature(self.params()).outputs[index]
        else:
            suffix = op_rules.output_names(self.op.name, self.counts()[0])[index]
        return f"{self.name}_{suffix}" if self.name else suffix

    def json_op(self):
        return "null" if self.op is None else op_rules.MXNET_OP_NAME.get(self.op.name, self.op.name)


def parse_attr(text):
    """An attribute string as a Python value: ``'(1, 1)'`` -> (1, 1), ``'True'`` -> True,
    ``'relu'`` stays a string."""
    if not isinstance(text, str):
        return text
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        if text.strip().lower() in ("inf", "+inf", "-inf", "nan", "infinity", "-infinity"):
            return float(text)
        return text


def attr_string(value):
    """MXNet's ``str(value)`` of an attribute (dtypes by name, numpy scalars as Python numbers)."""
    if isinstance(value, type) and issubclass(value, np.generic) or isinstance(value, np.dtype):
        return np.dtype(value).name
    return str(_plain(value))


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (tuple, list)):
        return type(value)(_plain(v) for v in value)
    return value


def topo_order(entries, within=None):
    """Nodes reachable from ``entries`` in nnvm's depth-first post-order (inputs in order);
    with ``within`` (a predicate), only nodes it accepts, reached through nodes it accepts."""
    order, seen = [], set()
    for head, _ in entries:
        if id(head) in seen:
            continue
        seen.add(id(head))
        stack = [(head, 0)]
        while stack:
            node, i = stack.pop()
            if i < len(node.inputs):
                stack.append((node, i + 1))
                child = node.inputs[i][0]
                if id(child) not in seen and (within is None or within(child)):
                    seen.add(id(child))
                    stack.append((child, 0))
            else:
                order.append(node)
    return order


def takes_key(node):
    """Whether an operator node draws random numbers: a random operator, or a control-flow
    operator with a random operator in a body.  Such a node gets a PRNG key as its first input."""
    return node.op.random or (node.subgraphs is not None and node.subgraphs.random)


def mutated_positions(node):
    """Positions of the inputs ``node``'s operator updates in place (auxiliary states), in
    the order their new values follow the operator's outputs."""
    op = node.op
    if op is None or not op.mutates:
        return ()
    return [i for i in op.aux_positions(node.params(), len(node.inputs)) if i < len(node.inputs)]


def aux_nodes(order):
    """The variables some operator of ``order`` updates in place (auxiliary states)."""
    aux = set()
    for node in order:
        for i in mutated_positions(node):
            child = node.inputs[i][0]
            if child.op is None:
                aux.add(id(child))
    return aux


class Symbol:
    """MXNet's Symbol (``mx.sym.Symbol``)."""
    __slots__ = ("_outputs", "__weakref__")

    def __init__(self, outputs):
        self._outputs = list(outputs)

    # ---- structure ----------------------------------------------------------------------
    def _order(self):
        return topo_order(self._outputs)

    def list_arguments(self):
        order = self._order()
        aux = aux_nodes(order)
        return [n.name for n in order if n.op is None and id(n) not in aux]

    def list_auxiliary_states(self):
        order = self._order()
        aux = aux_nodes(order)
        return [n.name for n in order if id(n) in aux]

    def list_inputs(self):
        return [n.name for n in self._order() if n.op is None]

    def list_outputs(self):
        return [node.output_name(i) for node, i in self._outputs]

    @property
    def name(self):
        nodes = {id(n) for n, _ in self._outputs}
        return self._outputs[0][0].name if len(nodes) == 1 else None

    def __len__(self):
        return len(self._outputs)

    def __iter__(self):
        return (Symbol([entry]) for entry in self._outputs)

    def __getitem__(self, index):
        if isinstance(index, string_types):
            names = self.list_outputs()
            matches = [i for i, n in enumerate(names) if n == index]
            if not matches:
                raise ValueError(f"Cannot find output that matches name \"{index}\"")
            if len(matches) > 1:
                raise ValueError(f"There are multiple outputs with name \"{index}\"")
            index = matches[0]
        if isinstance(index, slice):
            return Symbol(self._outputs[index])
        if not isinstance(index, (int, np.integer)):
            raise TypeError("Symbol only support integer index to fetch i-th output")
        if not -len(self._outputs) <= index < len(self._outputs):
            raise IndexError(f"index {index} is out of range for a symbol with {len(self._outputs)} outputs")
        return Symbol([self._outputs[index]])

    def as_np_ndarray(self):
        """The same graph as ``mx.sym.np._Symbol`` (NumPy operator semantics)."""
        from .np_symbol import _Symbol
        return _Symbol(self._outputs)

    def as_nd_ndarray(self):
        """This legacy Symbol itself (``_Symbol.as_nd_ndarray`` converts back)."""
        return self

    def get_internals(self):
        """Every output of every node of the graph, in graph order."""
        entries = []
        for node in self._order():
            entries.extend((node, i) for i in range(node.counts()[1]))
        return Symbol(entries)

    def get_children(self):
        """The inputs of the output nodes, grouped; None for a variable."""
        heads = {id(n): n for n, _ in self._outputs}
        entries = [entry for node in heads.values() for entry in node.inputs]
        return Symbol(entries) if entries else None

    def _gen_atomic_symbol(self):
        """A new symbol of the first output's operator with its parameters, no inputs and an
        empty name (MXNet's MXGenAtomicSymbolFromSymbol); all of the operator's outputs."""
        node = self._outputs[0][0]
        if node.op is None:
            raise MXNetError(f"_gen_atomic_symbol: '{node.name}' is a variable, not an operator")
        attrs = {k: v for k, v in node.attrs.items() if not (k.startswith("__") and k.endswith("__"))}
        atomic = _Node(node.op, "", attrs, [], node.subgraphs)
        return Symbol([(atomic, i) for i in range(atomic.counts()[1])])

    def __bool__(self):
        raise NotImplementedForSymbol(self.__bool__, "bool")

    def __repr__(self):
        name = self.name
        if name is None:
            return "<Symbol group [" + ", ".join(self.list_outputs()) + "]>"
        return f"<Symbol {name}>"

    def __copy__(self):
        return Symbol(self._outputs)

    def __deepcopy__(self, memo):
        return load_json(self.tojson())

    def __getstate__(self):
        return {"handle": self.tojson()}

    def __setstate__(self, state):
        self._outputs = load_json(state["handle"])._outputs

    # ---- attributes ---------------------------------------------------------------------
    def attr(self, key):
        """The attribute ``key`` of the output node (MXNet looks up ``__key__`` for the hidden
        keys lr_mult, wd_mult, ctx_group, force_mirroring, mirror_stage); None if absent."""
        if len({id(n) for n, _ in self._outputs}) != 1:
            return None
        attrs = self._outputs[0][0].attrs
        if key in attrs:
            return attrs[key]
        if key in _HIDDEN_KEYS:
            return attrs.get(f"__{key}__")
        return None

    def list_attr(self, recursive=False):
        """The output node's attributes (with plain aliases of the hidden ``__lr_mult__``
        keys); ``recursive=True`` (deprecated in MXNet) gives ``attr_dict`` flattened."""
        if recursive:
            raise DeprecationWarning("Symbol.list_attr with recursive=True has been deprecated. "
                                     "Please use attr_dict instead.")
        return _with_aliases(self._outputs[0][0].attrs)

    def attr_dict(self):
        """{node name: its attributes} for every node that has attributes."""
        out = {}
        for node in self._order():
            if node.attrs:
                out.setdefault(node.name, {}).update(_with_aliases(node.attrs))
        return out

    def _set_attr(self, **kwargs):
        for node in {id(n): n for n, _ in self._outputs}.values():
            for key, value in kwargs.items():
                if not isinstance(value, string_types):
                    raise ValueError("Set Attr only accepts string values")
                node.attrs[_hidden_key(key)] = value
                node._params = None

    # ---- composition --------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        result = Symbol(self._outputs)
        result._compose(*args, **kwargs)
        return result

    def _compose(self, *args, **kwargs):
        """Replace this graph's variables by symbols: positionally in ``list_arguments``
        order, or by variable name."""
        kwargs.pop("name", None)
        if args and kwargs:
            raise TypeError("compose only accept input Symbols either as positional or keyword arguments, not both")
        for value in list(args) + list(kwargs.values()):
            if not isinstance(value, Symbol):
                raise TypeError("Compose expect `Symbol` as arguments")
            if len(value._outputs) != 1:
                raise MXNetError("Cannot compose with a symbol of several outputs")
        order = self._order()
        variables = [n for n in order if n.op is None]
        if args:
            arg_names = self.list_arguments()
            if len(args) > len(arg_names):
                raise MXNetError(f"Too many positional arguments: the symbol has {len(arg_names)} arguments")
            by_name = {n.name: n for n in variables}
            replace = {id(by_name[name]): a._outputs[0] for name, a in zip(arg_names, args)}
        else:
            replace = {id(n): kwargs[n.name]._outputs[0] for n in variables if n.name in kwargs}
        if not replace:
            return
        copies = {}
        for node in order:
            if id(node) in replace:
                continue
            inputs = [replace[id(c)] if id(c) in replace else (copies.get(id(c), c), i) for c, i in node.inputs]
            if any(new is not old for new, old in zip(inputs, node.inputs)):
                copies[id(node)] = node.rewired(inputs)
        self._outputs = [replace[id(n)] if id(n) in replace else (copies.get(id(n), n), i)
                         for n, i in self._outputs]

    # ---- arithmetic ---------------------------------------------------------------------
    def __add__(self, other):
        return _arith(self, other, "_Plus", "_PlusScalar")

    __radd__ = __add__

    def __sub__(self, other):
        return _arith(self, other, "_Minus", "_MinusScalar")

    def __rsub__(self, other):
        return _arith(self, other, None, "_RMinusScalar")

    def __mul__(self, other):
        return _arith(self, other, "_Mul", "_MulScalar")

    __rmul__ = __mul__

    def __truediv__(self, other):
        return _arith(self, other, "_Div", "_DivScalar")

    def __rtruediv__(self, other):
        return _arith(self, other, None, "_RDivScalar")

    __div__, __rdiv__ = __truediv__, __rtruediv__

    def __mod__(self, other):
        return _arith(self, other, "_Mod", "_ModScalar")

    def __rmod__(self, other):
        return _arith(self, other, None, "_RModScalar")

    def __pow__(self, other):
        return _arith(self, other, "_Power", "_PowerScalar")

    def __rpow__(self, other):
        return _arith(self, other, None, "_rpower_scalar")

    def __neg__(self):
        return self * -1.0

    def __abs__(self):
        return _create_by_name("abs", "abs", (self,), {})

    def __eq__(self, other):
        return _arith(self, other, "_equal", "_equal_scalar")

    def __ne__(self, other):
        return _arith(self, other, "_not_equal", "_not_equal_scalar")

    def __gt__(self, other):
        return _arith(self, other, "_greater", "_greater_scalar")

    def __ge__(self, other):
        return _arith(self, other, "_greater_equal", "_greater_equal_scalar")

    def __lt__(self, other):
        return _arith(self, other, "_lesser", "_lesser_scalar")

    def __le__(self, other):
        return _arith(self, other, "_lesser_equal", "_lesser_equal_scalar")

    __hash__ = object.__hash__

    def __iadd__(self, other):
        raise NotImplementedForSymbol(self.__iadd__, "+=", other, 1)

    def __isub__(self, other):
        raise NotImplementedForSymbol(self.__isub__, "-=", other, 1)

    def __imul__(self, other):
        raise NotImplementedForSymbol(self.__imul__, "*=", other, 1)

    def __itruediv__(self, other):
        raise NotImplementedForSymbol(self.__itruediv__, "/=", other, 1)

    # ---- serialization, inference and binding (see json_format, inference, executor) -----
    def tojson(self):
        from .json_format import to_json
        return to_json(self)

    def save(self, fname, remove_amp_cast=True):
        if not isinstance(fname, string_types):
            raise TypeError("fname need to be string")
        with open(fname, "w") as f:
            f.write(self.tojson())

    def infer_shape(self, *args, **kwargs):
        from .inference import infer_shape
        return infer_shape(self, args, kwargs, partial=False)

    def infer_shape_partial(self, *args, **kwargs):
        from .inference import infer_shape
        return infer_shape(self, args, kwargs, partial=True)

    def infer_type(self, *args, **kwargs):
        from .inference import infer_type
        return infer_type(self, args, kwargs, partial=False)

    def infer_type_partial(self, *args, **kwargs):
        from .inference import infer_type
        return infer_type(self, args, kwargs, partial=True)

    def bind(self, ctx, args, args_grad=None, grad_req="write", aux_states=None, group2ctx=None,
             shared_exec=None):
        from .executor import Executor
        return Executor.bind(self, ctx, args, args_grad, grad_req, aux_states)

    def simple_bind(self, ctx, grad_req="write", type_dict=None, stype_dict=None, group2ctx=None,
                    shared_arg_names=None, shared_exec=None, shared_buffer=None, **kwargs):
        from .executor import Executor
        # as MXNet's: only tuple values are shapes, and names the graph does not have are ignored
        known = set(self.list_arguments()) | set(self.list_auxiliary_states())
        shapes = {k: v for k, v in kwargs.items() if isinstance(v, tuple) and k in known}
        return Executor.simple_bind(self, ctx, grad_req, type_dict, shared_exec, shapes, stype_dict)

    def eval(self, ctx=None, **kwargs):
        """Bind to ``kwargs`` (name -> NDArray), run forward, return the outputs."""
        from ..context import current_context
        exe = self.bind(ctx or current_context(), kwargs)
        return exe.forward()

    def debug_str(self):
        """MXNet's (nnvm's) text dump of the graph: ``Symbol Outputs:`` with one
        ``output[i]=node(index)`` line each, then the nodes in depth-first post-order: a
        ``Variable:name`` line per variable, and per operator a dashed line, ``Op:<op>, Name=``,
        ``Inputs:`` (``arg[k]=node(index)``, a variable's followed by ``version=`` the number of
        in-place updates it has had so far, its own operator's included) and, when it has any,
        ``Attrs:`` (all of them, hidden ones too, sorted by key).  A lone variable prints just
        its ``Variable:`` line."""
        if len(self._outputs) == 1 and self._outputs[0][0].op is None:
            return f"Variable:{self._outputs[0][0].name}\n"
        lines = ["Symbol Outputs:"]
        lines.extend(f"\toutput[{k}]={node.name}({i})" for k, (node, i) in enumerate(self._outputs))
        versions = {}
        for node in self._order():
            if node.op is None:
                lines.append(f"Variable:{node.name}")
                continue
            for position in mutated_positions(node):
                child = node.inputs[position][0]
                versions[id(child)] = versions.get(id(child), 0) + 1
            lines.append("-" * 20)
            lines.append(f"Op:{node.json_op()}, Name={node.name}")
            lines.append("Inputs:")
            for k, (child, i) in enumerate(node.inputs):
                version = f" version={versions.get(id(child), 0)}" if child.op is None else ""
                lines.append(f"\targ[{k}]={child.name}({i}){version}")
            if node.attrs:
                lines.append("Attrs:")
                lines.extend(f"\t{k}={v}" for k, v in sorted(node.attrs.items()))
        return "\n".join(lines) + "\n"


def _with_aliases(attrs):
    out = dict(attrs)
    for key in _HIDDEN_KEYS:
        if f"__{key}__" in attrs:
            out[key] = attrs[f"__{key}__"]
    return out


def _hidden_key(key):
    for hidden in _HIDDEN_KEYS:
        if key == hidden:
            return f"__{key}__"
        if key.endswith(hidden) and not (key.startswith("__") and key.endswith("__")):
            raise MXNetError(f"setting variable attributes with {key} is deprecated. please instead use\n"
                             f"w = Variable({hidden}=...)\nsym = YourSymbolName({key[:-len(hidden) - 1]}=w)")
    return key


def _is_number(x):
    return isinstance(x, (bool, int, float, np.number, np.bool_))


def _arith(lhs, rhs, sym_op, scalar_op):
    if isinstance(rhs, Symbol):
        if sym_op is None:
            raise TypeError(f"type {type(rhs).__name__} not supported")
        return _create_by_name(sym_op, sym_op.lower(), (lhs, rhs), {})
    if _is_number(rhs):
        return _create_by_name(scalar_op, scalar_op.lower(), (lhs,), {"scalar": rhs})
    raise TypeError(f"type {type(rhs).__name__} not supported")


def _create_by_name(op_name, hint, args, kwargs):
    return create(OPS[op_name], hint, args, kwargs)


def create(op, hint, args, kwargs):
    """``mx.sym.<op>(*args, **kwargs)``: a new operator node named by ``name=`` or the current
    NameManager (``hint`` + count), its missing inputs created as variables ``<name>_<input>``."""
    kwargs = dict(kwargs)
    attr = kwargs.pop("attr", None)
    kwargs.update(_attribute.current().get(attr))
    name = _name.current().get(kwargs.pop("name", None), hint)
    kwargs.pop("out", None)
    if op.free_attrs:
        return _create_free(op, name, args, kwargs)
    subgraphs = None
    if op.n_subgraphs:
        from .subgraph import Subgraphs
        graphs, args = args[:op.n_subgraphs], args[op.n_subgraphs:]
        if len(graphs) < op.n_subgraphs or not all(isinstance(g, Symbol) for g in graphs):
            raise MXNetError(f"Operator {op.name} takes {op.n_subgraphs} subgraph Symbols before its inputs")
        subgraphs = Subgraphs(graphs)
    inputs, params = {}, {}
    positional = []
    if op.variadic:
        positional = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
    else:
        names = list(op.inputs) + list(op.attrs)
        if len(args) > len(names):
            raise TypeError(f"{hint}() takes at most {len(names)} positional arguments ({len(args)} given)")
        for key, value in zip(names, args):
            if value is not None:
                kwargs[key] = value
    for key, value in kwargs.items():
        if isinstance(value, Symbol):
            if not op.inputs and not op.variadic:   # MXNet composes nothing into an input-less operator
                continue
            if op.variadic or key not in op.inputs:
                raise TypeError(f"Operator {op.name}: argument '{key}' is not an input of the operator")
            inputs[key] = value
        elif key in op.inputs and not op.variadic:
            if value is not None:
                raise AssertionError(f"Argument {key} must be Symbol instances, but got {value}")
        elif value is not None or key in op.attrs:   # MXNet writes an explicit None as "None"
            params[key] = value
    if op.variadic and "num_args" not in params:
        params["num_args"] = len(positional) + op.n_subgraphs
    _check_params(op, name, params)
    attrs = {}
    for key, value in params.items():
        if key == "dtype" and value not in (None, "None"):
            value = _dtype_name(value)
        attrs[_hidden_key(key)] = attr_string(value)
    for value in positional:
        if not isinstance(value, Symbol):
            raise AssertionError(f"Positional arguments must be Symbol instances, but got {value}")
    node = _Node(op, name, attrs, [], subgraphs)
    parsed = node.params()   # validates the required parameters
    entries = []
    if op.variadic:
        entries = [_single_entry(s, op) for s in positional]
    else:
        for input_name in op.inputs:
            if input_name in inputs:
                entries.append(_single_entry(inputs[input_name], op))
            elif input_name in op.optional and not op_rules.creates_input(op.name, input_name, parsed):
                break
            else:
                entries.append((_Node(None, f"{name}_{input_name}", dict(attrs), []), 0))
    op_rules.set_input_init(op.name, entries)
    node.inputs = entries
    _, visible = node.counts()
    return Symbol([(node, i) for i in range(visible)])


def _create_free(op, name, args, kwargs):
    """A ``Custom`` node: its inputs are the Prop's arguments then auxiliary states (given
    positionally or by name, the missing ones created as ``<name>_<input>`` variables), its
    other keyword arguments string attributes."""
    inputs = {k: v for k, v in kwargs.items() if isinstance(v, Symbol)}
    attrs = {_hidden_key(k): attr_string(v) for k, v in kwargs.items() if k not in inputs and v is not None}
    positional = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
    for value in positional:
        if not isinstance(value, Symbol):
            raise AssertionError(f"Positional arguments must be Symbol instances, but got {value}")
    node = _Node(op, name, attrs, [])
    sig = op.signature(node.params())
    names = sig.arguments + sig.aux
    if len(positional) > len(names):
        raise MXNetError(f"Custom operator {attrs.get('op_type')} takes {len(names)} inputs, got {len(positional)}")
    unknown = [k for k in inputs if k not in names]
    if unknown:
        raise TypeError(f"Operator {op.name}: argument '{unknown[0]}' is not an input of the operator")
    entries = [_single_entry(s, op) for s in positional]
    for input_name in names[len(positional):]:
        if input_name in inputs:
            entries.append(_single_entry(inputs[input_name], op))
        else:
            entries.append((_Node(None, f"{name}_{input_name}", {}, []), 0))
    node.inputs = entries
    return Symbol([(node, i) for i in range(len(sig.outputs))])


# MXNet parameters the registry does not model and the symbolic API accepts without effect
_IGNORED_PARAMS = frozenset({"ctx", "forward_stype", "num_args"})


def _check_params(op, name, params):
    """MXNet's check of an operator's keyword arguments: each is a parameter of the operator,
    a hidden key (``lr_mult``) or a ``__user_attribute__``; operators without parameters
    accept anything."""
    if not op.attrs:
        return
    for key in params:
        if key in op.attrs or key in _HIDDEN_KEYS or key in _IGNORED_PARAMS or \
                key.startswith("__") and key.endswith("__"):
            continue
        given = ", ".join(f'{k}="{attr_string(v)}"' for k, v in params.items())
        raise MXNetError(f"Cannot find argument '{key}', Possible Arguments:\n----------------\n"
                         + "\n".join(op.attrs) + f"\n, in operator {op.name}(name=\"{name}\", {given})")


def _dtype_name(dtype):
    try:
        return np.dtype(dtype).name
    except TypeError:   # a name numpy does not know (bfloat16): MXNet's string as given
        return str(dtype)


def _single_entry(sym, op):
    if len(sym._outputs) != 1:
        raise MXNetError(f"Operator {op.name}: an input symbol must have one output, "
                         f"got a group of {len(sym._outputs)}")
    return sym._outputs[0]


def Variable(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None, stype=None,
             profiler_scope=None, **kwargs):
    """A variable symbol (an argument of the graph); its shape, dtype, initializer, learning-rate
    and weight-decay multipliers and storage type are stored as MXNet's ``__x__`` attributes."""
    if not isinstance(name, string_types):
        raise TypeError("Expect a string for variable `name`")
    attr = _attribute.current().get(attr)
    attr = dict(attr) if attr else {}
    if shape is not None:
        attr["__shape__"] = str(tuple(shape) if isinstance(shape, list) else shape)
    if lr_mult is not None:
        attr["__lr_mult__"] = str(lr_mult)
    if wd_mult is not None:
        attr["__wd_mult__"] = str(wd_mult)
    if dtype is not None:
        attr["__dtype__"] = str(_DTYPE_NP_TO_MX[np.dtype(dtype).type])
    if init is not None:
        attr["__init__"] = init if isinstance(init, string_types) else init.dumps()
    if stype is not None:
        attr["__storage_type__"] = str(_STORAGE_TYPE_STR_TO_ID[stype])
    if profiler_scope is not None:
        attr["__profiler_scope__"] = profiler_scope
    for key, value in kwargs.items():
        if key.startswith("__") and key.endswith("__"):
            attr[key] = str(value)
        else:
            raise ValueError(f"Attribute name={key} is not supported. Additional attributes must start and "
                             "end with double underscores, e.g, __yourattr__")
    sym = Symbol([(_Node(None, name, {}, []), 0)])
    sym._set_attr(**attr)
    return sym


var = Variable


def Group(symbols):
    """One symbol whose outputs are the outputs of ``symbols``, in order."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError("Expected a list of symbols as input")
    return Symbol([entry for s in symbols for entry in s._outputs])


def load_json(json_str):
    """A Symbol from MXNet's JSON (``Symbol.tojson``)."""
    if not isinstance(json_str, string_types):
        raise TypeError("fname required to be string")
    from .json_format import from_json
    return from_json(json_str)


def load(fname):
    """A Symbol from a JSON file written by ``Symbol.save`` (or MXNet's ``-symbol.json``)."""
    if not isinstance(fname, string_types):
        raise TypeError("fname need to be string")
    with open(fname) as f:
        return load_json(f.read())

