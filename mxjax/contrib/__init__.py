"""``mx.contrib``: MXNet 1.9.1's experimental contributions.

Provided: ``mx.contrib.autograd`` (the legacy autograd API), ``mx.contrib.ndarray`` and
``mx.contrib.symbol`` (aliases ``nd`` and ``sym``: the contrib operators of
``mx.nd.contrib`` / ``mx.sym.contrib``);
``mx.contrib.amp`` is importable but its functions are not provided.  The other contrib
modules of MXNet (``tensorboard``, ``text``, ``onnx``, ``io``, ``quantization``) are not
provided by mxjax: using them raises ``NotImplementedForMXJax`` naming them.
"""
from . import amp, autograd, ndarray, symbol  # noqa: F401
from . import ndarray as nd  # noqa: F401
from . import symbol as sym  # noqa: F401


def __getattr__(name):
    """``mx.contrib.<name>`` that mxjax does not provide."""
    if name.startswith("__"):
        raise AttributeError(name)
    from ..base import NotImplementedForMXJax
    raise NotImplementedForMXJax(f"mxnet.contrib.{name} is not provided by mxjax")
