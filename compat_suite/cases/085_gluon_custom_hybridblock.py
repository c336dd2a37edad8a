"""A custom HybridBlock with its own parameters (self.params.get) used through hybrid_forward kwargs."""
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit


class ScaleShift(nn.HybridBlock):
    def __init__(self, units, **kwargs):
        super(ScaleShift, self).__init__(**kwargs)
        with self.name_scope():
            self.scale = self.params.get('scale', shape=(units,), init=mx.init.Constant(2.0))
            self.shift = self.params.get('shift', shape=(units,), init=mx.init.Zero())
            self.const = self.params.get_constant('const', nd.array([1.0, -1.0, 0.5]))

    def hybrid_forward(self, F, x, scale, shift, const):
        return F.broadcast_add(F.broadcast_mul(x, scale), shift) + F.broadcast_mul(x, const)


block = ScaleShift(3)
block.initialize()
emit("params", list(block.collect_params().keys()))
x = nd.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
with autograd.record():
    y = block(x)
y.backward()
emit("out", y)
emit("scale.grad", block.scale.grad())
emit("shift.grad", block.shift.grad())
emit("const_grad_req", block.const.grad_req)
block.hybridize()
emit("hybridized", block(x))


class Residual(nn.HybridBlock):
    def __init__(self, **kwargs):
        super(Residual, self).__init__(**kwargs)
        with self.name_scope():
            self.body = nn.Dense(3, in_units=3, weight_initializer=mx.init.Constant(0.1))

    def hybrid_forward(self, F, x):
        return F.relu(self.body(x) + x)


res = Residual()
res.initialize()
emit("residual", res(x))
res.hybridize()
emit("residual_hybrid", res(x - 3))
