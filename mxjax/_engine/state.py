"""Thread-local engine state: is recording, is training (MXNet keeps both per thread), and
the deferred work waiting for the next sync point."""
import threading


class _State(threading.local):
    def __init__(self):
        self.recording = False
        self.training = False
        self.deferred = []   # weak references to deferred pending Values (deferral.defer)
        self.eager_backward = None   # the last backward, if it ran compiled at the call: its GradientInstance


state = _State()
