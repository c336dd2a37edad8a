"""``mx.util``: the NumPy-semantics switches, environment access and device queries of MXNet 1.9.1.

Two switches select MXNet's NumPy behaviour (``mx.np`` / ``mx.npx`` read them):

* *NumPy shape* semantics (``set_np_shape``, ``np_shape``, ``use_np_shape``): ``()`` is a
  scalar's shape and 0 a zero-size dimension.  As in MXNet it is thread-local, except that
  ``set_np_shape(2)`` turns it on for every thread (MXNet's "global on"); ``set_np_shape(0)``
  turns both the global and this thread's flag off.
* *NumPy array* semantics (``np_array``, ``use_np_array``, ``set_np``): Gluon creates
  ``mx.np.ndarray`` instead of ``mx.nd.NDArray``.  Thread-local, held by ``_NumpyArrayScope``.

``getenv``/``setenv`` read and write the process environment: MXNet's C runtime shares it on
Linux, and mxjax has no separate runtime.
"""
import functools
import inspect
import logging
import os
import threading

__all__ = ["set_np_shape", "is_np_shape", "np_shape", "use_np_shape", "np_array", "is_np_array",
           "use_np_array", "use_np", "set_np", "reset_np", "set_module", "getenv", "setenv",
           "get_gpu_count", "get_gpu_memory", "get_cuda_compute_capability"]


class _NumpyShapeState:
    """MXNet's NumPy-shape flag: a process-wide "global on" plus one flag per thread."""
    global_on = False
    local = threading.local()


_logged = set()


def _log_once(key, message):
    if key not in _logged:
        _logged.add(key)
        logging.info(message)


def is_np_shape():
    """Whether NumPy shape semantics is on in this thread (or globally)."""
    return _NumpyShapeState.global_on or getattr(_NumpyShapeState.local, "value", False)


def set_np_shape(active):
    """Turn NumPy shape semantics on (True/1: this thread; 2: every thread) or off (False/0:
    this thread and the global flag).  Returns the previous state (a bool).

    Turning it off while NumPy array semantics is on raises ValueError, as in MXNet."""
    if active:
        _log_once("shape", "NumPy-shape semantics has been activated in your code. This is required for "
                  "creating and manipulating scalar and zero-size tensors, which were not supported in "
                  "MXNet before, as in the official NumPy library. Please DO NOT manually deactivate "
                  "this semantics while using `mxnet.numpy` and `mxnet.numpy_extension` modules.")
    elif is_np_array():
        raise ValueError("Deactivating NumPy shape semantics while NumPy array semantics is still active is "
                         "not allowed. Please consider calling `npx.reset_np()` to deactivate both of them.")
    prev = is_np_shape()
    level = int(active)
    if level == 2:
        _NumpyShapeState.global_on = True
        _NumpyShapeState.local.value = True
    elif level == 1:
        _NumpyShapeState.local.value = True
    elif level == 0:
        _NumpyShapeState.global_on = False
        _NumpyShapeState.local.value = False
    else:
        raise ValueError(f"set_np_shape: active must be 0 (off), 1 (on in this thread) or 2 (on in every "
                         f"thread), got {active!r}")
    return prev


class _NumpyShapeScope:
    """``with`` scope that sets NumPy shape semantics (None leaves it alone) and restores it."""

    def __init__(self, is_np_shape):  # noqa: F811  (MXNet's parameter name)
        self._enter_is_np_shape = is_np_shape
        self._prev_is_np_shape = None

    def __enter__(self):
        if self._enter_is_np_shape is not None:
            self._prev_is_np_shape = set_np_shape(self._enter_is_np_shape)

    def __exit__(self, ptype, value, trace):
        if self._enter_is_np_shape is not None and self._prev_is_np_shape != self._enter_is_np_shape:
            set_np_shape(self._prev_is_np_shape)


def np_shape(active=True):
    """A ``with`` scope with NumPy shape semantics on (``active=True``) or off."""
    return _NumpyShapeScope(active)


class _NumpyArrayScope:
    """The NumPy-array semantics of this thread: ``_NumpyArrayScope._current.value`` is the
    innermost scope (tests replace ``_current`` itself, as MXNet's do)."""
    _current = threading.local()

    def __init__(self, is_np_array):  # noqa: F811  (MXNet's parameter name)
        self._old_scope = None
        self._is_np_array = is_np_array

    def __enter__(self):
        if not hasattr(_NumpyArrayScope._current, "value"):
            _NumpyArrayScope._current.value = _NumpyArrayScope(False)
        self._old_scope = _NumpyArrayScope._current.value
        _NumpyArrayScope._current.value = self
        return self

    def __exit__(self, ptype, value, trace):
        assert self._old_scope
        _NumpyArrayScope._current.value = self._old_scope


def np_array(active=True):
    """A ``with`` scope with NumPy array semantics on (``active=True``) or off."""
    return _NumpyArrayScope(active)


def is_np_array():
    """Whether NumPy array semantics is on in this thread."""
    current = getattr(_NumpyArrayScope._current, "value", None)
    return current._is_np_array if current is not None else False


def _set_np_array(active):
    """Set NumPy array semantics for this thread; returns the previous state."""
    if active:
        _log_once("array", "NumPy array semantics has been activated in your code. This allows you to use "
                  "operators from MXNet NumPy and NumPy Extension modules as well as MXNet NumPy `ndarray`s.")
    prev = is_np_array()
    _NumpyArrayScope._current.value = _NumpyArrayScope(active)
    return prev


def _decorate(func, scope, decorator_name):
    """Wrap a function, or every method/property of a class, in ``scope()``."""
    if inspect.isclass(func):
        members = inspect.getmembers(
            func, predicate=lambda f: inspect.isfunction(f) or inspect.ismethod(f) or isinstance(f, property))
        for name, method in members:
            if isinstance(method, property):
                setattr(func, name, property(_decorate(method.__get__, scope, decorator_name), method.__set__,
                                             method.__delattr__, method.__doc__))
            else:
                setattr(func, name, _decorate(method, scope, decorator_name))
        return func
    if callable(func):
        @functools.wraps(func)
        def scoped(*args, **kwargs):
            with scope():
                return func(*args, **kwargs)
        return scoped
    raise TypeError(f"{decorator_name} can only decorate classes and callable objects, while received a "
                    f"{type(func)}")


def use_np_shape(func):
    """Decorator: run ``func`` (or every method and property of a class) with NumPy shape semantics."""
    return _decorate(func, lambda: np_shape(True), "use_np_shape")


def use_np_array(func):
    """Decorator: run ``func`` (or every method and property of a class) with NumPy array semantics."""
    return _decorate(func, lambda: np_array(True), "use_np_array")


def use_np(func):
    """Decorator: both NumPy shape and NumPy array semantics."""
    return use_np_shape(use_np_array(func))


def set_np(shape=True, array=True):
    """Set NumPy shape and array semantics together (array semantics needs shape semantics)."""
    if not shape and array:
        raise ValueError("NumPy Shape semantics is required in using NumPy array semantics.")
    _set_np_array(array)
    set_np_shape(shape)


def reset_np():
    """Turn NumPy shape and array semantics off."""
    set_np(shape=False, array=False)


def set_module(module):
    """Decorator setting ``__module__`` of a function or class (None leaves it alone)."""
    def decorator(func):
        if module is not None:
            func.__module__ = module
        return func
    return decorator


def getenv(name):
    """The value of environment variable ``name``, or None if it is not set."""
    return os.environ.get(name)


def setenv(name, value):
    """Set environment variable ``name`` to ``value`` (None unsets it)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def get_gpu_count():
    """How many accelerators (GPUs or TPUs) JAX sees."""
    from .context import num_gpus
    return num_gpus()


def _accelerator(ctx_or_id):
    """The jax.Device of a gpu context or id (MXNetError from the Context if there is none)."""
    from .context import Context, gpu
    ctx = ctx_or_id if isinstance(ctx_or_id, Context) else gpu(int(ctx_or_id))
    if ctx.device_type != "gpu":
        raise ValueError(f"Expecting a gpu context to get cuda compute capability, while received ctx {ctx}")
    return ctx.jax_device


def get_gpu_memory(gpu_dev_id):
    """``(free, total)`` bytes of accelerator ``gpu_dev_id``, from JAX's memory statistics.
    mxjax differs where the backend reports none: MXNetError."""
    from .base import MXNetError
    stats = _accelerator(gpu_dev_id).memory_stats() or {}
    if "bytes_limit" not in stats:
        raise MXNetError(f"the backend of gpu({gpu_dev_id}) reports no memory statistics")
    total = int(stats["bytes_limit"])
    return total - int(stats.get("bytes_in_use", 0)), total


def get_cuda_compute_capability(ctx):
    """The CUDA compute capability of GPU context ``ctx`` as an int (70 for sm_70).
    ValueError for a non-GPU context, as in MXNet; MXNetError for an accelerator that is
    not a CUDA GPU."""
    from .base import MXNetError
    capability = getattr(_accelerator(ctx), "compute_capability", None)
    if not capability:
        raise MXNetError(f"{ctx} is not a CUDA GPU: it has no compute capability")
    major, _, minor = str(capability).partition(".")
    return int(major) * 10 + int(minor or 0)
