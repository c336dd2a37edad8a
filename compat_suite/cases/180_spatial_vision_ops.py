"""Spatial operators in a small hybridized network (a spatial transformer, adaptive pooling,
bilinear resizing, LRN) with gradients."""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from compat_emit import emit


class STN(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.loc = gluon.nn.Dense(6, in_units=3 * 6 * 6)

    def hybrid_forward(self, F, x):
        theta = self.loc(x)
        warped = F.SpatialTransformer(x, theta, target_shape=(5, 5), transform_type="affine",
                                      sampler_type="bilinear")
        pooled = F.contrib.AdaptiveAvgPooling2D(F.LRN(warped, nsize=3), output_size=(2, 3))
        return F.contrib.BilinearResize2D(pooled, height=4, width=4)


x = nd.array(np.random.RandomState(0).uniform(-1, 1, (2, 3, 6, 6)))
net = STN(prefix="stn_")
net.initialize()
net.loc.weight.set_data(nd.array(np.random.RandomState(1).uniform(-0.02, 0.02, (6, 108))))
net.loc.bias.set_data(nd.array([0.9, 0.1, 0.05, -0.1, 1.1, -0.05]))
x.attach_grad()
with autograd.record():
    out = net(x)
    loss = (out * out).sum()
loss.backward()
emit("out", out)
emit("x_grad", x.grad)
emit("w_grad", net.loc.weight.grad())
emit("grid", nd.GridGenerator(nd.array([[0.9, 0.1, 0, -0.1, 1.1, 0.2]]), transform_type="affine", target_shape=(2, 3)))
