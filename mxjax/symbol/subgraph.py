"""The bodies of a control-flow node (``_foreach``, ``_while_loop``, ``_cond``).

MXNet keeps each body as a graph of its own, attached to the node (nnvm's ``subgraphs``,
the ``"subgraphs"`` list of a node in the JSON).  ``Subgraphs`` holds them as Symbols; it is
the node's ``subgraphs`` attribute, hashable by the graphs' JSON so that two nodes with the
same bodies share compiled code and cached shape inference.  ``SubgraphFunction`` runs one
body as a pure JAX function of its inputs in ``list_inputs`` order (the order the node's
location attributes ``in_data_locs``, ``cond_input_locs``... refer to).
"""
import numpy as np

NO_KEY = np.zeros(2, np.uint32)


class SubgraphFunction:
    """One body as ``fn(inputs, key, training) -> outputs`` (see module docstring).  An
    auxiliary state inside a body (BatchNorm's moving statistics) is read, and its update is
    dropped: MXNet 1.9.1's control-flow operators do not write them back either."""

    def __init__(self, sym):
        from .lowering import GraphFunction
        self.graph = GraphFunction(sym)
        variables = [n for n in self.graph.order if n.op is None]
        aux = {id(n) for n in self.graph.aux_nodes}
        self.names = [n.name for n in variables]
        self.arg_positions = [k for k, n in enumerate(variables) if id(n) not in aux]
        self.aux_positions = [k for k, n in enumerate(variables) if id(n) in aux]
        self.random = bool(self.graph.random_nodes)

    def __call__(self, inputs, key, training):
        outs, _ = self.graph([inputs[k] for k in self.arg_positions], [inputs[k] for k in self.aux_positions],
                             key, training)
        return outs


class Subgraphs:
    """A control-flow node's bodies (Symbols, in the operator's order: ``_while_loop``'s
    condition then step function; ``_cond``'s predicate, then-branch, else-branch)."""
    __slots__ = ("symbols", "_key", "_functions")

    def __init__(self, symbols):
        self.symbols = tuple(symbols)
        self._key = None
        self._functions = None

    @property
    def key(self):
        if self._key is None:
            self._key = tuple(s.tojson() for s in self.symbols)
        return self._key

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, Subgraphs) and other.key == self.key

    def functions(self):
        if self._functions is None:
            self._functions = [SubgraphFunction(s) for s in self.symbols]
        return self._functions

    @property
    def random(self):
        """Whether a body draws random numbers (then the node takes a PRNG key)."""
        return any(f.random for f in self.functions())

    def __repr__(self):
        return f"<Subgraphs of {len(self.symbols)} graphs>"
