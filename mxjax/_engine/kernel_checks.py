"""Value checks inside operators: MXNet's kernel-time ``CHECK``s (``take(mode='raise')`` on an
index out of bound, ``potrf`` on a matrix that is not positive definite).

MXNet runs these checks when the kernel executes, so the error reaches the user at the next
sync point that needs the result (``asnumpy``, ``wait_to_read``...), never at the call.  An
operator calls ``fail_if(condition, message)`` while it is traced; the condition is computed
with the result and a host callback raises the MXNetError when it holds.  XLA wraps that
exception in its own runtime error; the sync point (``executor._sync_point``) hands the user
the MXNetError itself through ``take_reported``.
"""
import functools
import logging

import jax

from ..base import MXNetError

#: the last failed check's error (XLA may run host callbacks on threads of its own, so this
#: is process-wide, not thread-local)
_reported = [None]


class _KernelCheckFailed(MXNetError):
    """The MXNetError a kernel check raises inside XLA's host callback."""


def fail_if(condition, message):
    """Raise MXNetError(``message``) when the traced boolean ``condition`` turns out true."""
    jax.debug.callback(functools.partial(_raise, message), condition)


def _raise(message, condition):
    if condition:
        error = _KernelCheckFailed(message)
        _reported[0] = error
        raise error


def take_reported():
    """The MXNetError a kernel check raised since the last call (None if none); clears it."""
    error, _reported[0] = _reported[0], None
    return None if error is None else MXNetError(str(error))


class _QuietKernelChecks(logging.Filter):
    """JAX logs every exception raised in a debug callback with its traceback; a failed kernel
    check reaches the user as an exception instead, so that log line is dropped."""

    def filter(self, record):
        return not (record.exc_info and isinstance(record.exc_info[1], _KernelCheckFailed))


logging.getLogger("jax._src.debugging").addFilter(_QuietKernelChecks())
