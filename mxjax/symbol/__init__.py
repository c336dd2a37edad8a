"""``mx.sym``: for now the graph object returned by ``autograd.get_symbol`` (the symbolic API
itself is a later issue)."""
from .graph_symbol import Symbol  # noqa: F401
