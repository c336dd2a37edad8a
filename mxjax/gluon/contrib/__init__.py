"""``mx.gluon.contrib``: the experimental Gluon pieces MXNet 1.9.1 ships (``cnn``, ``nn``, ``rnn``,
``data`` and ``estimator``)."""
from . import cnn, data, estimator, nn, rnn  # noqa: F401


from ...base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
