"""``mx.sym`` / ``mx.symbol``: MXNet's symbolic API over the one operator registry.

``Variable``/``var``, ``Group``, ``load``/``load_json``, one function per registered operator
(generated in ``register.py``), the Python-level functions MXNet writes by hand
(``zeros``, ``ones``, ``full``, ``arange``, ``maximum``, ``minimum``, ``power``, ``hypot``,
``histogram``) and the ``op``, ``_internal``, ``linalg``, ``contrib``, ``random``, ``sparse`` and
``image`` namespaces.
"""
import sys as _sys

from .. import base as _base
from .symbol import Symbol, Variable, var, Group, load, load_json  # noqa: F401
from .executor import Executor  # noqa: F401
from . import functions as _functions
from . import register as _register
from . import control_flow_ops as _control_flow_ops  # noqa: F401  (registers _foreach...)
from . import control_flow as _control_flow
from . import contrib_functions as _contrib_functions
from . import random_functions as _random_functions

_spaces = _register.populate(__name__, _sys.modules[__name__])
op = _spaces["op"]
_internal = _spaces["_internal"]
linalg = _spaces["linalg"]
contrib = _spaces["contrib"]
random = _spaces["random"]
sparse = _spaces["sparse"]
image = _spaces["image"]
image.__getattr__ = _base.missing_api(image.__name__)   # MXNet image operators mxjax lacks (resize...)
_control_flow.install(contrib)
_contrib_functions.install(contrib)
_random_functions.install(random)
for _space in _spaces.values():
    _sys.modules[_space.__name__] = _space
for _name in ("zeros", "ones", "full", "arange", "maximum", "minimum", "power", "pow", "hypot", "split_v2",
              "histogram"):
    setattr(_sys.modules[__name__], _name, getattr(_functions, _name))   # the Python-level versions win



def _attach_numpy_front_ends():
    """``mx.sym.np`` / ``mx.sym.npx`` (also ``numpy``, ``numpy_extension``): filled from mx.np's
    table once ``mxjax.numpy`` is imported (mxjax/__init__.py calls this)."""
    from . import np_symbol as np_symbols, npx_symbol as npx_symbols
    module = _sys.modules[__name__]
    module.np = module.numpy = np_symbols.populate(f"{__name__}.numpy")
    module.npx = module.numpy_extension = npx_symbols.populate(f"{__name__}.numpy_extension")
    _sys.modules[module.np.__name__] = module.np
    _sys.modules[module.npx.__name__] = module.npx


from ..base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
