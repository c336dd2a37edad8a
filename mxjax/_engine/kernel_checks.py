"""Value checks inside operators: MXNet's kernel-time ``CHECK``s (``take(mode='raise')`` on an
index out of bound, ``potrf`` on a matrix that is not positive definite).

MXNet runs these checks when the kernel executes, so the error reaches the user at the next
sync point that needs the result (``asnumpy``, ``wait_to_read``...), never at the call.  An
operator calls ``fail_if(condition, message)`` while it is traced; the condition is computed
with the result and a host callback raises the error (MXNetError, or the builtin MXNet maps
the kernel's message to, e.g. IndexError) when it holds.  XLA wraps that exception in its
own runtime error; the sync point (``executor.sync_point``) and the symbol executor hand the
user the error itself through ``take_reported``.
"""
import functools
import logging

import jax

from ..base import MXNetError

#: the last failed check's error (XLA may run host callbacks on threads of its own, so this
#: is process-wide, not thread-local)
_reported = [None]


def fail_if(condition, message, *operands, error=MXNetError):
    """Raise ``error(message)`` when the traced boolean ``condition`` turns out true.
    ``message`` is a string, or a function of ``operands`` (as numpy arrays) that words it."""
    jax.debug.callback(functools.partial(_raise, message, error), condition, *operands)


def _raise(message, error, condition, *operands):
    if condition:
        exc = error(message(*operands) if callable(message) else message)
        _reported[0] = exc
        raise exc


def take_reported():
    """The error a kernel check raised since the last call (None if none), as a fresh
    exception of the same type; clears it."""
    exc, _reported[0] = _reported[0], None
    return None if exc is None else type(exc)(str(exc))


class _QuietKernelChecks(logging.Filter):
    """JAX logs every exception raised in a debug callback with its traceback; a failed kernel
    check reaches the user as an exception instead, so that log line is dropped."""

    def filter(self, record):
        return not (record.exc_info and record.exc_info[1] is not None and record.exc_info[1] is _reported[0])


logging.getLogger("jax._src.debugging").addFilter(_QuietKernelChecks())
