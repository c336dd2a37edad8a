"""``mx.model``: MXNet 1.9.1's checkpoint files and the parameter-update helpers Module uses.

A checkpoint is ``prefix-symbol.json`` (``Symbol.save``) and ``prefix-%04d.params``
(``nd.save`` of ``{'arg:NAME': ..., 'aux:NAME': ...}``), the files real MXNet writes and
reads.  ``FeedForward`` (deprecated in MXNet 1.9.1 too) is a thin layer over
``mx.mod.Module`` (see ``mxjax/feedforward.py``).
"""
import logging
from collections import namedtuple

from . import ndarray as nd
from . import symbol as sym
from .base import missing_api as _missing_api
from .context import cpu

__all__ = ["BatchEndParam", "FeedForward", "save_checkpoint", "load_checkpoint", "load_params"]

BatchEndParam = namedtuple("BatchEndParams", ["epoch", "nbatch", "eval_metric", "locals"])


def _create_kvstore(kvstore, num_device, arg_params):
    """(kvstore or None, update_on_kvstore), chosen as MXNet does (see gluon.Trainer)."""
    from .gluon.trainer import _create_kvstore as create
    return create(kvstore, num_device, list(arg_params.values()))


def _initialize_kvstore(kvstore, param_arrays, arg_params, param_names, update_on_kvstore):
    """Put every parameter into ``kvstore`` (and, when it updates, its value on every device)."""
    for idx, arrays in enumerate(param_arrays):
        name = param_names[idx]
        if not update_on_kvstore or arg_params[name].stype != "default":
            kvstore.init(name, arg_params[name])
        else:
            kvstore.broadcast(name, arg_params[name], out=arrays)


def _update_params_on_kvstore(param_arrays, grad_arrays, kvstore, param_names):
    """Push the gradients, pull the updated weights (the kvstore runs the optimizer)."""
    for index, (args, grads) in enumerate(zip(param_arrays, grad_arrays)):
        if grads[0] is None:
            continue
        name = param_names[index]
        if grads[0].stype == "default" and args[0].stype == "default":
            kvstore.pushpull(name, grads, out=args, priority=-index)
        else:
            kvstore.push(name, grads, priority=-index)
            kvstore.pull(name, out=args, priority=-index)


def _update_params(param_arrays, grad_arrays, updater, num_device, kvstore=None, param_names=None):
    """Sum the gradients over devices in ``kvstore`` (if any), then update every device's
    weights with ``updater``: parameter i on device k has optimizer index
    ``i * num_device + k``; one updater call per device updates all its parameters (one
    fused update)."""
    updates = [[] for _ in range(num_device)]
    for index, (args, grads) in enumerate(zip(param_arrays, grad_arrays)):
        if grads[0] is None:
            continue
        if kvstore:
            name = param_names[index]
            if grads[0].stype == "default" and args[0].stype == "default":
                kvstore.pushpull(name, grads, priority=-index)
            else:
                kvstore.push(name, grads, priority=-index)
                kvstore.pull(name, out=grads, priority=-index)
        for k, (w, g) in enumerate(zip(args, grads)):
            updates[k].append((index * num_device + k, g, w))
    for device_updates in updates:
        if device_updates:
            indices, grads, weights = zip(*device_updates)
            updater(list(indices), list(grads), list(weights))


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Write ``prefix-symbol.json`` (unless ``symbol`` is None) and ``prefix-%04d.params``."""
    if symbol is not None:
        symbol.save(f"{prefix}-symbol.json", remove_amp_cast=remove_amp_cast)
    save_dict = {f"arg:{k}": v.as_in_context(cpu()) for k, v in arg_params.items()}
    save_dict.update({f"aux:{k}": v.as_in_context(cpu()) for k, v in aux_params.items()})
    param_name = "%s-%04d.params" % (prefix, epoch)
    nd.save(param_name, save_dict)
    logging.info('Saved checkpoint to "%s"', param_name)


def load_params(prefix, epoch):
    """(arg_params, aux_params) from ``prefix-%04d.params``."""
    fname = "%s-%04d.params" % (prefix, epoch)
    save_dict = nd.load(fname)
    arg_params, aux_params = {}, {}
    if not save_dict:
        logging.warning("Params file '%s' is empty", fname)
        return arg_params, aux_params
    for key, value in save_dict.items():
        kind, _, name = key.partition(":")
        if kind == "arg":
            arg_params[name] = value
        elif kind == "aux":
            aux_params[name] = value
    return arg_params, aux_params


def load_checkpoint(prefix, epoch):
    """(symbol, arg_params, aux_params) of a checkpoint."""
    symbol = sym.load(f"{prefix}-symbol.json")
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params


from .feedforward import FeedForward  # noqa: E402  (it uses the checkpoint helpers above)

__getattr__ = _missing_api(__name__)
