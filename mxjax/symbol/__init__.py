"""``mx.sym``: for now the graph object returned by ``autograd.get_symbol`` (the symbolic API
itself is a later issue)."""
from .graph_symbol import Symbol  # noqa: F401


from ..base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
