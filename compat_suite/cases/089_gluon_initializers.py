"""Initializers: Constant/One/Zero values; Xavier/Uniform/Normal/MSRAPrelu/Orthogonal shapes and bounds."""
import numpy as np
import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn
from compat_emit import emit

mx.random.seed(0)
for name, init in [("constant", mx.init.Constant(0.3)), ("one", mx.init.One()), ("zero", mx.init.Zero())]:
    d = nn.Dense(3, in_units=2)
    d.initialize(init)
    emit(name + "_weight", d.weight.data())
    emit(name + "_bias", d.bias.data())

for name, init, bound in [("xavier", mx.init.Xavier(), np.sqrt(3.0 / ((20 + 30) / 2.0))),
                          ("xavier_gaussian_in",
                           mx.init.Xavier(rnd_type='gaussian', factor_type='in', magnitude=2), None),
                          ("uniform", mx.init.Uniform(0.05), 0.05),
                          ("normal", mx.init.Normal(0.01), None),
                          ("msra", mx.init.MSRAPrelu(), None),
                          ("orthogonal", mx.init.Orthogonal(), None)]:
    d = nn.Dense(20, in_units=30)
    d.initialize(init)
    w = d.weight.data().asnumpy()
    emit(name + "_shape_dtype", (w.shape, str(w.dtype)))
    if bound is not None:
        emit(name + "_in_bound", bool(np.abs(w).max() <= bound + 1e-6))
    emit(name + "_bias_zero", bool((d.bias.data().asnumpy() == 0).all()))

d = nn.Dense(3, in_units=2, weight_initializer='ones', bias_initializer=mx.init.Constant(2.0))
d.initialize(mx.init.Zero())
emit("layer_initializer_wins", (d.weight.data(), d.bias.data()))
d.initialize(mx.init.Constant(5.0), force_reinit=True)
emit("force_reinit", (d.weight.data(), d.bias.data()))
arr = nd.zeros((2, 2))
mx.init.Constant(4.0)(mx.init.InitDesc('x_weight'), arr)
emit("call_initializer", arr)
bn = nn.BatchNorm(in_channels=2)
bn.initialize(mx.init.Constant(0.7))
emit("bn_params", [p.data() for p in bn.collect_params().values()])
emit("dumps", mx.init.Xavier(magnitude=2.24).dumps())
