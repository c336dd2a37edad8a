"""record(train_mode=False) with backward(train_mode=False): Dropout is the identity."""
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit

drop = nn.Dropout(0.5)
x = nd.array([[1.0, 2.0, 3.0, 4.0]])
x.attach_grad()
with autograd.record(train_mode=False):
    y = drop(x) * 2
y.backward(train_mode=False)
emit("y", y)
emit("x.grad", x.grad)

with autograd.record():
    with autograd.predict_mode():
        y = nd.Dropout(x, p=0.5)
y.backward()
emit("predict_mode_dropout", y)
emit("predict_mode_grad", x.grad)

with autograd.record():
    y = nd.Dropout(x, p=0.5, mode='always')
emit("always_shape", y.shape)
emit("dropout_zero_p", nd.Dropout(x, p=0.0))
