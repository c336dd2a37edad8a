"""``gluon.contrib.data``: IntervalSampler (MXNet's text datasets, which download, are not
provided)."""
from ..data.sampler import Sampler

__all__ = ["IntervalSampler"]


class IntervalSampler(Sampler):
    """The indices of [0, length) at steps of ``interval``: 0, interval, 2*interval, ...; with
    ``rollover`` the passes starting at 1, 2, ... follow until every index was visited.  As in
    MXNet 1.9.1, ``len()`` is ``length`` even without rollover."""

    def __init__(self, length, interval, rollover=True):
        assert interval <= length, "Interval {} must be smaller than or equal to length {}".format(interval, length)
        self._length = length
        self._interval = interval
        self._rollover = rollover

    def __iter__(self):
        for start in range(self._interval if self._rollover else 1):
            yield from range(start, self._length, self._interval)

    def __len__(self):
        return self._length
