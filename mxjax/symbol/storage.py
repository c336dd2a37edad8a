"""Storage types over a bound graph: MXNet's InferStorageType pass, forward and backward.

An executor whose arguments are all dense never runs these passes (its outputs and gradients
are dense).  With a sparse argument, ``output_stypes`` runs the operators' rules
(``ndarray.storage_types``) node by node in graph order from the arguments' storage types;
an operator MXNet refuses for its input storage types (BatchNorm with ``fix_gamma``) raises
MXNetError here, at bind, as in MXNet.  ``gradient_stypes`` is the backward pass
``simple_bind`` allocates gradient arrays with: head gradients of the outputs' storage types,
each operator's gradient rule, several gradients of one entry summed (row_sparse only when all
are row_sparse).  Values are computed densely by the one compiled graph; the storage types
only decide the classes of the output and gradient arrays (their stored positions are the
non-zeros of the values, see ``ndarray.sparse``).
"""
import jax.numpy as jnp

from ..base import MXNetError
from ..ndarray.storage_ids import _STORAGE_TYPE_ID_TO_STR
from ..ndarray.storage_types import SPARSE_GRADIENT_OPS, STORED_ONLY, forward_stype, \
    gradient_stypes as _node_gradient_stypes
from .inference import run_shapes
from .symbol import topo_order

__all__ = ["variable_stypes", "output_stypes", "stored_only_nodes", "stored_only", "gradient_stypes",
           "involves_sparse"]

_DEFAULT = "default"


def variable_stypes(sym, stype_dict=None):
    """name -> storage type of every argument and auxiliary state: ``stype_dict`` first, then a
    Variable's ``stype`` attribute, else 'default' (``simple_bind``'s allocation)."""
    stype_dict = stype_dict or {}
    result = {}
    for node in topo_order(sym._outputs):
        if node.op is None:
            given = stype_dict.get(node.name)
            if given is None and "__storage_type__" in node.attrs:
                given = _STORAGE_TYPE_ID_TO_STR.get(int(node.attrs["__storage_type__"]), _DEFAULT)
            result[node.name] = given if given not in (None, "undefined") else _DEFAULT
    return result


def involves_sparse(sym, stypes):
    """Whether a graph with variables of storage types ``stypes`` can have a sparse output or
    gradient: a sparse variable, or an operator with a sparse gradient (Embedding's sparse_grad)."""
    return any(s != _DEFAULT for s in stypes.values()) or \
        any(n.op is not None and n.op.name in SPARSE_GRADIENT_OPS for n in topo_order(sym._outputs))


def _entry_stypes(sym, stypes, shapes):
    """{(id(node), index): storage type} of every graph entry."""
    order, known = run_shapes(sym, shapes)
    entries = {}
    for node in order:
        if node.op is None:
            entries[(id(node), 0)] = stypes.get(node.name, _DEFAULT)
            continue
        ins = [entries[(id(c), i)] for c, i in node.inputs]
        n = node.counts()[0]
        if all(s == _DEFAULT for s in ins):
            outs = [_DEFAULT] * n
        else:
            try:
                outs = forward_stype(node.op.name, ins, [known.get(e) for e in node.inputs], node.params(), n)
            except MXNetError as exc:
                raise MXNetError(f"Error in operator {node.name}: {exc}") from None
        for i, s in enumerate(outs):
            entries[(id(node), i)] = s
    return order, entries


def output_stypes(sym, stypes, shapes):
    """(the storage types of ``sym``'s outputs, ``stored_only_nodes``) for arguments of storage
    types ``stypes`` (name -> stype) and shapes ``shapes`` (name -> shape)."""
    order, entries = _entry_stypes(sym, stypes, shapes)
    stored = {k: entries[(id(n.inputs[0][0]), n.inputs[0][1])] for k, n in enumerate(order)
              if n.op is not None and n.op.name in STORED_ONLY and entries[(id(n), 0)] != _DEFAULT}
    return [entries[(id(n), i)] for n, i in sym._outputs], stored


def stored_only(value, lhs, stype):
    """An operator's dense result ``value`` at the stored positions of its sparse lhs only
    (``storage_types.STORED_ONLY``): inside a compiled graph a sparse value's positions are its
    non-zero rows (row_sparse) or entries (csr), so mxjax differs from MXNet for a stored
    explicit zero (computed by MXNet, zero here)."""
    if stype == "row_sparse":
        keep = jnp.any(lhs.reshape(lhs.shape[0], -1) != 0, axis=1).reshape((-1,) + (1,) * (lhs.ndim - 1))
    else:
        keep = lhs != 0
    return jnp.where(keep, value, jnp.zeros_like(value))


def _summed(contributions):
    if not contributions:
        return _DEFAULT
    if len(contributions) == 1:
        return contributions[0]
    return "row_sparse" if all(s == "row_sparse" for s in contributions) else _DEFAULT


def gradient_stypes(sym, stypes, shapes):
    """name -> storage type of each argument's gradient (see the module docstring)."""
    order, entries = _entry_stypes(sym, stypes, shapes)
    given = {}
    for node, i in sym._outputs:
        given.setdefault((id(node), i), []).append(entries[(id(node), i)])
    result = {}
    for node in reversed(order):
        if node.op is None:
            result[node.name] = _summed(given.get((id(node), 0), []))
            continue
        head = _summed(given.get((id(node), 0), []))
        ins = [entries[(id(c), i)] for c, i in node.inputs]
        for (child, i), s in zip(node.inputs, _node_gradient_stypes(node.op.name, ins, head, node.params())):
            given.setdefault((id(child), i), []).append(s)
    return result
