"""Devices. ``mx.cpu(i)`` and ``mx.gpu(i)`` map onto ``jax.devices()``.

``mx.gpu(i)`` is the i-th accelerator JAX sees (GPU or TPU); using it where
there is none raises MXNetError (MXNet raises when the first array is
created on it, and so does mxjax).

``mx.cpu(i)`` is valid for every i, as in MXNet.  It is JAX's i-th CPU device
when that exists (``XLA_FLAGS=--xla_force_host_platform_device_count=N``
simulates N of them; in a multi-process job, this process's own devices); otherwise it is a *logical* context on the host's first
CPU device: arrays on ``cpu(1)`` and ``cpu(2)`` report their own context and
copy between contexts as in MXNet while sharing one device's memory.  (MXNet's
CPU contexts all share host memory too: ``cpu(i)`` is a label there.)
``cpu_pinned(i)`` and ``cpu_shared(i)`` name the same devices as ``cpu(i)``.
"""
import threading
import warnings

import jax

from .base import MXNetError

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus"]


def _accelerators():
    try:
        return [d for d in jax.local_devices() if d.platform != "cpu"]
    except RuntimeError:
        return []


class _ThreadDefault(threading.local):
    """Per thread: ``value``, the default context (None: cpu(0)), and ``outer``, the
    contexts that ``with`` scopes replaced."""

    def __init__(self):
        self.value = None
        self.outer = []


class _DefaultContextProperty:
    """``Context.default_ctx``: MXNet's deprecated class-level read/write of the current
    thread's default context (a DeprecationWarning each time, as in MXNet)."""

    _message = ("Context.default_ctx has been deprecated. Please use Context.current_context() instead. "
                "Please use test_utils.set_default_context to set a default context")

    def __get__(self, obj, owner):
        warnings.warn(self._message, DeprecationWarning, stacklevel=2)
        return current_context()


class _ContextMeta(type):
    """Lets ``Context.default_ctx = ctx`` set the thread's default context (a class-level
    property setter needs the metaclass)."""

    def __setattr__(cls, name, value):
        if name == "default_ctx":
            warnings.warn(_DefaultContextProperty._message, DeprecationWarning, stacklevel=2)
            cls._default.value = value
            return
        super().__setattr__(name, value)


class Context(metaclass=_ContextMeta):
    """A device: ``Context('cpu', 0)``, ``Context('gpu', 1)``; also a ``with`` scope.

    Contexts are interned, so equal contexts are the same object (``==`` and ``hash`` are
    identity's); MXNet compares (device type, id), which gives the same answers."""

    devtype2str = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type = {v: k for k, v in devtype2str.items()}
    _default = _ThreadDefault()
    #: MXNet's name of the thread-local holding the default context (``_default_ctx.value``)
    _default_ctx = _default
    default_ctx = _DefaultContextProperty()

    _interned = {}

    def __new__(cls, device_type, device_id=0):
        """Contexts are interned: ``mx.cpu(0) is mx.cpu(0)``, so comparing and hashing them is cheap."""
        if isinstance(device_type, Context):
            return device_type
        key = (device_type, int(device_id))
        ctx = cls._interned.get(key)
        if ctx is None:
            if device_type not in cls.devstr2type:
                raise MXNetError(f"Unknown device type {device_type!r}: use 'cpu' or 'gpu'")
            ctx = object.__new__(cls)
            ctx.device_type, ctx.device_id = key
            ctx._jax_device = None
            cls._interned[key] = ctx
        return ctx

    @property
    def device_typeid(self):
        return self.devstr2type[self.device_type]

    @property
    def jax_device(self):
        """The jax.Device this context names; MXNetError if there is none."""
        if self._jax_device is None:
            self._jax_device = self._find_device()
        return self._jax_device

    def _find_device(self):
        if self.device_type == "gpu":
            accel = _accelerators()
            if self.device_id >= len(accel):
                raise MXNetError(
                    f"gpu({self.device_id}) is not available: JAX sees {len(accel)} accelerator(s). "
                    "Use mx.cpu(), or install jax with CUDA support (pip install 'mxjax[cuda]').")
            return accel[self.device_id]
        cpus = jax.local_devices(backend="cpu")
        return cpus[self.device_id] if 0 <= self.device_id < len(cpus) else cpus[0]

    def __reduce__(self):
        return Context, (self.device_type, self.device_id)

    def __repr__(self):
        return f"{self.device_type}({self.device_id})"

    __str__ = __repr__

    def __enter__(self):
        local = Context._default
        local.outer.append(current_context())   # per thread: contexts are shared, interned objects
        local.value = self
        return self

    def __exit__(self, *exc):
        local = Context._default
        local.value = local.outer.pop()

    def empty_cache(self):
        """MXNet frees its memory pool here; XLA manages its own, so this does nothing."""


def cpu(device_id=0):
    return Context("cpu", device_id)


_CPU0 = Context("cpu", 0)


def cpu_pinned(device_id=0):
    return Context("cpu_pinned", device_id)


def gpu(device_id=0):
    return Context("gpu", device_id)


def num_gpus():
    """Number of accelerators JAX sees (GPUs or TPUs)."""
    return len(_accelerators())


def current_context():
    """This thread's default context (cpu(0) unless a ``with ctx:`` scope or
    ``test_utils.set_default_context`` chose another)."""
    return Context._default.value or _CPU0


def context_of_device(device):
    """The Context naming a jax.Device."""
    if device.platform == "cpu":
        return Context("cpu", jax.local_devices(backend="cpu").index(device))
    return Context("gpu", _accelerators().index(device))
