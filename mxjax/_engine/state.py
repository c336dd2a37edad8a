"""Thread-local autograd state: is recording, is training (MXNet keeps both per thread)."""
import threading


class _State(threading.local):
    def __init__(self):
        self.recording = False
        self.training = False


state = _State()
