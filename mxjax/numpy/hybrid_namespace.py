"""The ``F`` a HybridBlock's ``hybrid_forward`` receives under NumPy array semantics.

MXNet's imperative ``F`` is ``mx.nd``, which also carries ``F.np`` and ``F.npx`` (its NumPy
front ends).  mxjax's ``mx.nd`` module uses the name ``np`` for NumPy itself, so under
``npx.set_np()`` blocks get this namespace instead: every ``mx.nd`` name, plus ``np`` (mx.np)
and ``npx`` (mx.npx).
"""
import types

from .. import ndarray as _nd


class _Namespace(types.ModuleType):
    def __getattr__(self, name):   # names mx.nd creates lazily
        return getattr(_nd, name)


def namespace():
    """``mx.nd`` with ``np`` and ``npx`` (built once)."""
    global _NAMESPACE
    if _NAMESPACE is None:
        from .. import numpy as np_module, numpy_extension as npx_module
        ns = _Namespace("mxnet.ndarray", _nd.__doc__)
        ns.__dict__.update({k: v for k, v in vars(_nd).items() if not k.startswith("__")})
        ns.np, ns.npx = np_module, npx_module
        _NAMESPACE = ns
    return _NAMESPACE


_NAMESPACE = None
