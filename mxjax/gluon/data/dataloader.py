"""DataLoader: batches of a Dataset, as MXNet 1.9.1 builds them.

The default ``batchify_fn`` stacks NDArray samples with ``nd.stack``, turns other samples
(numpy arrays, Python numbers, numpy scalars) into one NDArray with numpy's dtype (Python
ints become int64, floats float64, float32 scalars float32), and batches tuple samples
field by field into a *list* of batches.  A batch is computed when the loader hands it out,
as MXNet's are (``_compute``).

``num_workers > 0``: MXNet forks worker processes; mxjax runs the workers as threads of
this process (forking a process that runs XLA is unsafe), with MXNet's prefetching and
ordering.  Batches then live on ``cpu_shared(0)`` as MXNet's do (its workers hand arrays
over in shared memory), and on ``cpu_pinned(pin_device_id)`` with ``pin_memory``.
"""
import multiprocessing
from multiprocessing.pool import ThreadPool

import numpy as np

from ... import ndarray as nd
from ..._engine import executor
from ..._engine.graph import constant
from ..._engine.state import state
from ...context import Context, cpu_pinned
from ...ndarray import NDArray
from ...ndarray.ndarray import from_value
from ...util import is_np_array
from . import sampler as _sampler

__all__ = ["DataLoader"]


def np_wrap(batch):
    """A batch as ``mx.np.ndarray``s (NumPy array semantics on: ``npx.set_np()``)."""
    from ...numpy.multiarray import wrap
    if isinstance(batch, list):
        return [np_wrap(b) for b in batch]
    return wrap(batch)


def _shared():
    return Context("cpu_shared", 0)


def _stack(samples):
    """``nd.stack(*samples)``.  Samples that are the pending results of one per-sample
    pipeline (``dataset[i]`` and its transform) are computed as one vmapped call of that
    pipeline (``executor.stacked``) instead of a trace of hundreds of ops."""
    if not state.recording and all(type(s) is NDArray for s in samples):
        batch = executor.stacked([s._value for s in samples])
        if batch is not None:
            return from_value(constant(batch, samples[0].ctx))
    return nd.stack(*samples)


def default_batchify_fn(data):
    """Collate a list of samples into a batch (see the module docstring)."""
    if isinstance(data[0], NDArray):
        return _stack(data)
    if isinstance(data[0], tuple):
        return [default_batchify_fn(field) for field in zip(*data)]
    data = np.asarray(data)
    return nd.array(data, dtype=data.dtype)


def default_mp_batchify_fn(data):
    """``default_batchify_fn`` for worker threads: the batch is placed on ``cpu_shared(0)``."""
    if isinstance(data[0], NDArray):
        return _stack(data).as_in_context(_shared())
    if isinstance(data[0], tuple):
        return [default_mp_batchify_fn(field) for field in zip(*data)]
    data = np.asarray(data)
    return nd.array(data, dtype=data.dtype, ctx=_shared())


def _as_in_context(data, ctx):
    """Move every NDArray of a (nested) batch to ``ctx``; lists and tuples become lists (MXNet)."""
    if isinstance(data, NDArray):
        return data.as_in_context(ctx)
    if isinstance(data, (list, tuple)):
        return [_as_in_context(d, ctx) for d in data]
    return data


def _to_shared(data):
    """What MXNet's worker processes hand back: the same structure, arrays on cpu_shared(0)."""
    if isinstance(data, NDArray):
        return data.as_in_context(_shared())
    if isinstance(data, (list, tuple)):
        return type(data)(_to_shared(d) for d in data)
    return data


def _arrays(data):
    if isinstance(data, NDArray):
        yield data
    elif isinstance(data, (list, tuple)):
        for d in data:
            yield from _arrays(d)


def _compute(batch):
    """Compute every array of ``batch`` in one sync point and return it.  MXNet's loader hands
    out computed batches, and so does mxjax's: the per-sample pipeline (indexing, transforms,
    stacking: hundreds of small ops per batch) is not part of every training step's trace.
    Its structure repeats batch after batch, so it is compiled like any other."""
    executor.materialize([a._value for a in _arrays(batch)])
    return batch


def _worker_fn(samples, batchify_fn, dataset):
    """One batch, computed (not just traced) in a worker thread."""
    return _compute(batchify_fn([dataset[i] for i in samples]))


class _MultiWorkerIter:
    """Batches computed by a pool of worker threads, ``prefetch`` of them ahead, in order."""

    def __init__(self, worker_pool, batchify_fn, batch_sampler, dataset, pin_memory=False, pin_device_id=0,
                 prefetch=0, timeout=120, like_processes=True):
        self._worker_pool = worker_pool
        self._batchify_fn = batchify_fn
        self._batch_sampler = batch_sampler
        self._dataset = dataset
        self._data_buffer = {}
        self._rcvd_idx = 0
        self._sent_idx = 0
        self._iter = iter(self._batch_sampler)
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._timeout = timeout
        self._like_processes = like_processes
        for _ in range(prefetch):
            self._push_next()

    def __len__(self):
        return len(self._batch_sampler)

    def _push_next(self):
        indices = next(self._iter, None)
        if indices is None:
            return
        self._data_buffer[self._sent_idx] = self._worker_pool.apply_async(
            _worker_fn, (indices, self._batchify_fn, self._dataset))
        self._sent_idx += 1

    def __next__(self):
        self._push_next()
        if self._rcvd_idx == self._sent_idx:
            assert not self._data_buffer, "Data buffer should be empty at this moment"
            raise StopIteration
        result = self._data_buffer.pop(self._rcvd_idx)
        try:
            batch = result.get(self._timeout)
        except multiprocessing.TimeoutError:
            print(f"Worker timed out after {self._timeout} seconds. This might be caused by \n\n"
                  "            - Slow transform. Please increase timeout to allow slower data loading in each "
                  "worker.\n            ")
            raise
        if self._like_processes:
            batch = _to_shared(batch)
        if self._pin_memory:
            batch = _as_in_context(batch, cpu_pinned(self._pin_device_id))
        self._rcvd_idx += 1
        return batch

    next = __next__

    def __iter__(self):
        return self


class DataLoader:
    """Loads batches from ``dataset``.

    ``batch_size`` with ``shuffle`` (RandomSampler) or a ``sampler`` and ``last_batch``
    ('keep', 'discard', 'rollover'), or a ``batch_sampler`` yielding index lists;
    ``batchify_fn`` collates a list of samples.  ``num_workers``, ``prefetch`` (default
    ``2 * num_workers``), ``thread_pool``, ``timeout`` and ``auto_reload`` as MXNet; see the
    module docstring for how workers run."""

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None, batch_sampler=None,
                 batchify_fn=None, num_workers=0, pin_memory=False, pin_device_id=0, prefetch=None,
                 thread_pool=False, timeout=120, auto_reload=False):
        self._worker_pool = None
        self._iter = None
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._thread_pool = thread_pool
        self._timeout = timeout
        if not timeout > 0:
            raise AssertionError(f"timeout must be positive, given {timeout}")
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is specified")
            if sampler is None:
                sampler = _sampler.RandomSampler(len(dataset)) if shuffle else _sampler.SequentialSampler(len(dataset))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = _sampler.BatchSampler(sampler, batch_size, last_batch if last_batch else "keep")
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be specified if batch_sampler "
                             "is specified.")
        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._prefetch = max(0, int(prefetch) if prefetch is not None else 2 * self._num_workers)
        if self._num_workers > 0:
            self._worker_pool = ThreadPool(self._num_workers)
        if batchify_fn is None:
            self._batchify_fn = default_mp_batchify_fn if num_workers > 0 else default_batchify_fn
        else:
            self._batchify_fn = batchify_fn
        self.auto_reload = auto_reload
        if self.auto_reload:
            self.refresh()
        else:
            self.clean()

    def __iter__(self):
        if self._iter is None:
            self.refresh()
        it = self._iter
        self._iter = None
        as_np = is_np_array()   # read in the caller's thread: MXNet's switch is thread-local
        for item in it:
            yield np_wrap(item) if as_np else item
        if self._iter is None and self.auto_reload:
            self.refresh()

    def _prefetch_iter(self):
        if self._num_workers == 0:
            def same_process_iter():
                for batch in self._batch_sampler:
                    ret = _compute(self._batchify_fn([self._dataset[idx] for idx in batch]))
                    if self._pin_memory:
                        ret = _as_in_context(ret, cpu_pinned(self._pin_device_id))
                    yield ret
            return same_process_iter()
        return _MultiWorkerIter(self._worker_pool, self._batchify_fn, self._batch_sampler, self._dataset,
                                pin_memory=self._pin_memory, pin_device_id=self._pin_device_id,
                                prefetch=self._prefetch, timeout=self._timeout,
                                like_processes=not self._thread_pool)

    def __len__(self):
        return len(self._batch_sampler)

    def refresh(self):
        """Start the next epoch's iterator now (its prefetching begins at once)."""
        self._iter = self._prefetch_iter()

    def clean(self):
        self._iter = None

    def __del__(self):
        pool = getattr(self, "_worker_pool", None)
        if pool is not None:
            pool.terminate()
