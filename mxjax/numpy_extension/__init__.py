"""``mx.npx``: MXNet 1.9.1's NumPy extensions -- only the mode switches and device helpers so far.

What exists, with MXNet's behaviour: the NumPy semantics switches (``set_np``, ``reset_np``,
``is_np_array``, ``is_np_shape``), ``get_cuda_compute_capability``, ``waitall`` and the
context names (``cpu``, ``gpu``, ``Context``, ``current_context``...), as in MXNet's
``numpy_extension``.  Every other name (the ``npx`` operators, ``npx.random``, ``save``/``load``)
raises ``NotImplementedForMXJax`` naming it; nothing is faked.
"""
from ..context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus  # noqa: F401
from ..ndarray import waitall  # noqa: F401
from ..util import get_cuda_compute_capability, is_np_array, is_np_shape, reset_np, set_np  # noqa: F401

__all__ = []


def __getattr__(name):
    """``mx.npx.<name>`` that mxjax does not provide yet."""
    if name.startswith("__"):
        raise AttributeError(name)
    from ..base import NotImplementedForMXJax
    raise NotImplementedForMXJax(f"mxnet.numpy_extension.{name} is not provided by mxjax yet")
