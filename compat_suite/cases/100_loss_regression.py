"""L2Loss/L1Loss/HuberLoss: weights, sample_weight, batch_axis, label reshaping, gradients."""
import mxnet as mx
from mxnet import autograd, gluon, nd
from compat_emit import emit

pred = nd.array([[0.5, 1.0], [2.0, -1.0], [0.0, 3.0]])
label = nd.array([[1.0, 1.0], [0.0, 0.0], [0.5, 2.0]])
emit("l2", gluon.loss.L2Loss()(pred, label))
emit("l2_weight", gluon.loss.L2Loss(weight=2.0)(pred, label))
emit("l2_sample_weight", gluon.loss.L2Loss()(pred, label, nd.array([[1.0], [0.0], [2.0]])))
emit("l2_label_reshape", gluon.loss.L2Loss()(nd.array([[1.0], [2.0]]), nd.array([0.0, 4.0])))
emit("l1", gluon.loss.L1Loss()(pred, label))
emit("huber", gluon.loss.HuberLoss(rho=1.0)(pred, label))
emit("l2_batch_axis1", gluon.loss.L2Loss(batch_axis=1)(pred, label))
pred.attach_grad()
with autograd.record():
    loss = gluon.loss.L1Loss()(pred, label) + gluon.loss.L2Loss()(pred, label)
loss.backward()
emit("grad", pred.grad)
emit("repr", repr(gluon.loss.L2Loss()))
