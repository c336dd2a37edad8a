"""Custom autograd.Function: several inputs/outputs, numpy inside, an unused output."""
import mxnet as mx
from mxnet import autograd, nd
from compat_emit import emit


class MulAdd(autograd.Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b, a + b

    def backward(self, d_prod, d_sum):
        a, b = self.saved_tensors
        return d_prod * b + d_sum, d_prod * a + d_sum


a = nd.array([1.0, 2.0])
b = nd.array([3.0, 4.0])
a.attach_grad()
b.attach_grad()
with autograd.record():
    p, s = MulAdd()(a, b)
    loss = (p * 2 + s * 3).sum()
loss.backward()
emit("p", p)
emit("s", s)
emit("a.grad", a.grad)
emit("b.grad", b.grad)

with autograd.record():
    p, s = MulAdd()(a, b)
p.backward()
emit("unused_output_a", a.grad)


class NumpyCube(autograd.Function):
    def forward(self, x):
        self.x = x.asnumpy()
        return nd.array(self.x ** 3)

    def backward(self, dy):
        return dy * nd.array(3 * self.x ** 2)


x = nd.array([1.0, -2.0, 0.5])
x.attach_grad()
with autograd.record():
    y = NumpyCube()(x) * 2
y.backward()
emit("numpy_function_grad", x.grad)


class Scale(autograd.Function):
    def forward(self, x):
        emit("recording_in_forward", autograd.is_recording())
        emit("training_in_forward", autograd.is_training())
        return x * 5

    def backward(self, dy):
        return dy * 5


x = nd.array([1.0])
x.attach_grad()
with autograd.record():
    y = Scale()(x)
y.backward()
emit("scale_grad", x.grad)
