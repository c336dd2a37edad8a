"""SigmoidBinaryCrossEntropyLoss (from_sigmoid, pos_weight), LogisticLoss, HingeLoss, SquaredHingeLoss."""
from mxnet import autograd, gluon, nd
from compat_emit import emit

pred = nd.array([[0.3, -1.2], [2.0, 0.0], [-0.7, 4.0]])
label = nd.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
emit("sbce", gluon.loss.SigmoidBinaryCrossEntropyLoss()(pred, label))
emit("sbce_from_sigmoid", gluon.loss.SigmoidBCELoss(from_sigmoid=True)(nd.sigmoid(pred), label))
emit("sbce_pos_weight", gluon.loss.SigmoidBinaryCrossEntropyLoss()(pred, label, None, nd.array([[2.0, 0.5]])))
signed = label * 2 - 1
emit("logistic", gluon.loss.LogisticLoss()(pred, signed))
emit("logistic_binary", gluon.loss.LogisticLoss(label_format='binary')(pred, label))
emit("hinge", gluon.loss.HingeLoss()(pred, signed))
emit("squared_hinge", gluon.loss.SquaredHingeLoss(margin=2.0)(pred, signed))
pred.attach_grad()
with autograd.record():
    loss = gluon.loss.SigmoidBinaryCrossEntropyLoss()(pred, label)
loss.backward()
emit("sbce_grad", pred.grad)
