"""The autograd package page: record/pause, modes, backward, grad(create_graph), Function."""
import mxnet as mx
from mxnet import autograd
from compat_emit import emit

x = mx.nd.array([1, 2, 3, 4])
x.attach_grad()
with mx.autograd.record():
    y = x * x + 1
y.backward()
emit("x.grad", x.grad)
emit("print", str(x.grad))

emit("default_recording", autograd.is_recording())
emit("default_training", autograd.is_training())
with autograd.record():
    emit("record", (autograd.is_recording(), autograd.is_training()))
    with autograd.pause():
        emit("pause", (autograd.is_recording(), autograd.is_training()))
    with autograd.pause(train_mode=True):
        emit("pause_train", (autograd.is_recording(), autograd.is_training()))
    with autograd.predict_mode():
        emit("predict_mode", (autograd.is_recording(), autograd.is_training()))
with autograd.record(train_mode=False):
    emit("record_predict", (autograd.is_recording(), autograd.is_training()))
with autograd.train_mode():
    emit("train_mode", (autograd.is_recording(), autograd.is_training()))

prev = autograd.set_recording(True)
emit("set_recording_prev", prev)
emit("set_recording_again", autograd.set_recording(False))
emit("set_training_prev", autograd.set_training(True))
emit("set_training_again", autograd.set_training(False))

x = mx.nd.ones((1,))
x.attach_grad()
with mx.autograd.record():
    z = mx.nd.elemwise_add(mx.nd.exp(x), x)
dx = mx.autograd.grad(z, [x], create_graph=True)
emit("dx", dx)
dx[0].backward()
emit("dx.grad", x.grad)


class sigmoid(mx.autograd.Function):
    def forward(self, x):
        y = 1 / (1 + mx.nd.exp(-x))
        self.save_for_backward(y)
        return y

    def backward(self, dy):
        y, = self.saved_tensors
        return dy * y * (1 - y)


func = sigmoid()
x = mx.nd.array([-2.0, -0.5, 0.0, 0.5, 2.0, 4.0])
x.attach_grad()
with mx.autograd.record():
    m = func(x)
    m.backward()
emit("sigmoid", m)
emit("sigmoid.grad", x.grad.asnumpy())
