"""``mx.gluon.contrib.estimator``: MXNet 1.9.1's high-level training loop.

``Estimator(net, loss, ...)`` with ``fit``/``evaluate``, the ``BatchProcessor`` that trains or
evaluates one batch, and the event handlers that run around it (``LoggingHandler``,
``CheckpointHandler``, ``EarlyStoppingHandler``, ``MetricHandler``, ``ValidationHandler``,
``GradientUpdateHandler``, ``StoppingHandler``), with MXNet's names, defaults, log lines, file
names, warnings and errors.
"""
from . import batch_processor, estimator, event_handler  # noqa: F401
from .batch_processor import *  # noqa: F401,F403
from .estimator import *  # noqa: F401,F403
from .event_handler import *  # noqa: F401,F403
