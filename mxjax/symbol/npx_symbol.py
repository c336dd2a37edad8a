"""``mx.sym.npx``: MXNet 1.9.1's symbolic NumPy extensions (``mxnet.symbol.numpy_extension``).

The same operators as ``mx.npx`` (its ``_OPERATORS`` table: ``npx.relu`` is the registry's
``relu``, ``npx.fully_connected`` its ``FullyConnected``...) as graph nodes whose results are
``mx.sym.np._Symbol``; ``reshape`` with the NumPy-extension codes is the table function
``_npx_reshape``; ``set_np``/``reset_np``/``is_np_array``/``use_np`` as in ``mx.npx``.
"""
import types

from ..ndarray.registry import OPS
from ..util import is_np_array, is_np_shape, reset_np, set_np, use_np  # noqa: F401
from . import np_symbol as _np
from .symbol import create


def _operator(npx_name, op_name):
    op = OPS[op_name]
    hint = op_name.lower()

    def function(*args, **kwargs):
        return _np._Symbol(create(op, hint, args, kwargs)._outputs)
    function.__name__ = function.__qualname__ = npx_name
    function.__doc__ = f"``mx.sym.npx.{npx_name}``: a graph node of MXNet's ``{op_name}``.\n\n{op.__doc__ or ''}"
    return function


def reshape(a, newshape, reverse=False, order="C", name=None):
    """``npx.reshape`` with MXNet's NumPy-extension codes (-2 copy, -3 drop a 1, -4 the rest,
    -5 merge two, -6 split one), as a graph node."""
    return _np.call("_npx_reshape", (a,), {"newshape": newshape, "reverse": reverse, "name": name})


def populate(module_name):
    """The module ``mx.sym.npx``: a function per ``mx.npx`` operator, ``reshape`` and the
    NumPy-semantics switches."""
    from ..numpy_extension import _OPERATORS
    module = types.ModuleType(module_name, __doc__)
    module.__dict__.update(reshape=reshape, is_np_array=is_np_array, is_np_shape=is_np_shape, reset_np=reset_np,
                           set_np=set_np, use_np=use_np)
    for npx_name, op_name in _OPERATORS.items():
        setattr(module, npx_name, _operator(npx_name, op_name))
    return module
