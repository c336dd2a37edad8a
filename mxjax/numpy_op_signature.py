"""``mxnet.numpy_op_signature``: the Python function behind a NumPy operator's registered name.

MXNet registers each documented NumPy operator as ``_np_<name>`` (``_np_linalg_svd`` for
``np.linalg.svd``) and NumPy-extension operators as ``_npx_<name>``; ``_get_builtin_op``
returns the ``mx.np`` / ``mx.npx`` function of such a name, or None for other names.  mxjax
registers no ``_np_*`` operators (its NumPy front end runs through ``_npi_op``), so MXNet's
signature check has nothing to compare.
"""
__all__ = []

_SUBMODULES = {"_np_": ("linalg", "random"), "_npx_": ("random",)}


def _get_builtin_op(op_name):
    from . import numpy as mx_np, numpy_extension as mx_npx
    for prefix, root in (("_np_", mx_np), ("_npx_", mx_npx)):
        if not op_name.startswith(prefix):
            continue
        name, module = op_name[len(prefix):], root
        for sub in _SUBMODULES[prefix]:
            if name.startswith(sub + "_"):
                name, module = name[len(sub) + 1:], getattr(root, sub)
                break
        op = getattr(module, name, None)
        if op is None:
            raise ValueError(f"Cannot find operator {name} in module {module.__name__}")
        return op
    return None
