"""Record -> plan: the part of the trace a sync point needs, numbered into slots.

A *plan* is the subgraph from the requested values back to their leaves: leaves first
(concrete Values, passed as arguments), then one slot per node output in topological
order.  ``plan.nodes`` -- (OpInstance, input slots, recorded) per node -- together with
the leaves' avals and roles (``leaf_args``) is the plan's *structure key*: two traces with
the same ops, wiring, attributes and shapes share one key however their values differ,
which is what the tiers (``cold_tier``, ``hot_tier``) cache on.
"""
import jax
import jax.numpy as jnp
import numpy as np

from . import policy


class Plan:
    """A numbered subgraph: leaves, nodes, and which slots are wanted."""
    __slots__ = ("leaves", "variables", "live", "known", "nodes", "node_objs", "slot_of", "n_slots", "_base",
                 "cacheable")

    def __init__(self, roots, grad_mode, fixed_leaves=()):
        """Collect what ``roots`` need.  In grad mode recorded nodes are expanded even when
        their values are known (backward needs the graph); ``known`` gathers those values, which
        the cold tier takes instead of computing them again.  Variables and ``fixed_leaves``
        are always leaves.  ``live`` gathers pending values a live NDArray still holds."""
        leaves = dict.fromkeys(fixed_leaves)
        fixed = leaves.copy() if fixed_leaves else ()
        variables = {}   # variables reached from a root through recorded nodes only: what backward targets
        nodes = {}
        in_graph_nodes = set()   # nodes reached that way (a detach() cuts the path behind it)
        live = []
        known = []
        stack = [None]
        inputs, in_graph = roots, True
        while True:   # depth-first over nodes; ``inputs`` are the values the last node reads
            for v in inputs:
                node = v.node
                if node is None or v in fixed or (grad_mode and v.var is not None):
                    leaves[v] = None
                    if in_graph and v.var is not None:
                        variables[v] = None
                elif v.data is None or (grad_mode and node.recorded and not node.freed):
                    if node not in nodes:
                        nodes[node] = node.id
                        stack.append(node)
                        if in_graph:
                            in_graph_nodes.add(node)
                    elif in_graph and node not in in_graph_nodes:
                        in_graph_nodes.add(node)   # first seen behind a cut: walk it again, in the graph
                        stack.append(node)
                    if v.data is None:
                        owner = v.owner
                        if owner is not None:
                            handle = owner()
                            if handle is not None and handle._holds(v):
                                live.append(v)
                    else:
                        known.append(v)
                else:
                    leaves[v] = None
            node = stack.pop()
            if node is None:
                break
            inputs, in_graph = node.inputs, node in in_graph_nodes and node.recorded and not node.freed
        self.leaves = list(leaves)
        self.variables = list(variables)
        self.live = live
        self.known = known
        slot_of = {v: i for i, v in enumerate(self.leaves)}
        n = len(slot_of)
        entries = []
        order = sorted(nodes, key=nodes.__getitem__)
        try:
            cacheable, n = self._wire(order, slot_of, n, entries)
        except KeyError:   # a deferred backward took over values older nodes read: ids are not an order
            order = topological(order)
            entries.clear()
            cacheable, n = self._wire(order, slot_of, len(slot_of), entries)
        self.cacheable = cacheable
        self.nodes = tuple(entries)
        self.node_objs = order
        self.n_slots = n
        self.slot_of = slot_of

    def _wire(self, order, slot_of, n, entries):
        """Fill ``entries`` with (instance, input slots, recorded) of the nodes in ``order``;
        returns (cacheable, number of slots).  KeyError when a node reads a node after it."""
        cacheable = True
        get = slot_of.get
        base = self._base = {}
        for node in order:
            inst = node.inst
            cacheable = cacheable and inst.cacheable
            ins = []
            for v in node.inputs:
                s = get(v)
                ins.append(base[v.node] + v.index if s is None else s)
            base[node] = n
            # a node whose graph a backward freed is history, not graph: no gradient through it
            entries.append((inst, tuple(ins), node.recorded and not node.freed))
            n += len(inst.out_avals)
        return cacheable, n

    def slot(self, v):
        s = self.slot_of.get(v)
        return self._base[v.node] + v.index if s is None else s

    def leaf_args(self, targets=()):
        """(key, arrays, scalars) for the leaves.  Host scalars (0-d numpy leaves: the
        program's Python scalars) go to a compiled call packed into one array per dtype
        (``pack_scalars(scalars)``), so a trace with a hundred constants passes a handful of
        arguments; their slots hold None in ``arrays``."""
        key, arrays, groups = [], [], {}
        for v in self.leaves:
            if v.shape == () and v.var is None and type(v.data) is np.ndarray:
                group = groups.get(v.dtype)
                if group is None:
                    group = groups[v.dtype] = []
                key.append((v.dtype, len(group)))
                group.append(v)
                arrays.append(None)
            else:
                key.append((v.aval, v in targets))
                arrays.append(v.data)
        return tuple(key), arrays, groups




def topological(order):
    """``order`` (nodes by id) re-ordered so that every node comes after the nodes it reads.
    Node ids are creation order, which is such an order until a deferred backward redirects
    live pending values to its own (newer) node (``run_backward``): a node made before it
    may then read it."""
    members = set(order)
    done, out = set(), []
    for root in order:
        if root in done:
            continue
        stack = [(root, iter(root.inputs))]
        done.add(root)
        while stack:
            node, inputs = stack[-1]
            for v in inputs:
                child = v.node
                if child in members and child not in done:
                    done.add(child)
                    stack.append((child, iter(child.inputs)))
                    break
            else:
                stack.pop()
                out.append(node)
    return out


_packs = {}


def pack_scalars(scalars):
    """``leaf_args``'s scalar leaves as one device array per dtype (keyed by ``dtype.str``),
    cached by the scalars' identity: a loop that uses the same Python scalars step after step
    transfers them once.  Only a compiled call needs them; the cold tier takes the scalars
    as they are."""
    result = {}
    for dtype, values in scalars.items():
        values = tuple(values)
        packed = _packs.get(values)
        if packed is None:
            if len(_packs) > policy.PLAN_CACHE_SIZE:
                _packs.clear()
            with jax.ensure_compile_time_eval():   # concrete even when made inside a JAX trace
                packed = _packs[values] = jnp.asarray(np.array([v.data for v in values], dtype=dtype))
        result[dtype.str] = packed
    return result
