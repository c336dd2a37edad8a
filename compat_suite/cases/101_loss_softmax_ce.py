"""SoftmaxCrossEntropyLoss: sparse and dense labels, from_logits, axis, weight; gradients."""
from mxnet import autograd, gluon, nd
from compat_emit import emit

logits = nd.array([[1.0, 2.0, 0.5], [0.1, -1.0, 3.0]])
sparse = nd.array([1, 2])
dense = nd.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
emit("sparse", gluon.loss.SoftmaxCrossEntropyLoss()(logits, sparse))
emit("dense", gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)(logits, dense))
emit("from_logits", gluon.loss.SoftmaxCrossEntropyLoss(from_logits=True)(nd.log_softmax(logits), sparse))
emit("weight", gluon.loss.SoftmaxCELoss(weight=0.5)(logits, sparse))
emit("axis0", gluon.loss.SoftmaxCrossEntropyLoss(axis=0)(logits.T, sparse))
seq = nd.arange(2 * 3 * 4).reshape((2, 3, 4)) / 10.0
emit("sequence", gluon.loss.SoftmaxCrossEntropyLoss()(seq, nd.array([[0, 1, 3], [2, 2, 0]])))
emit("sample_weight", gluon.loss.SoftmaxCrossEntropyLoss()(logits, sparse, nd.array([[2.0], [0.5]])))
logits.attach_grad()
with autograd.record():
    loss = gluon.loss.SoftmaxCrossEntropyLoss()(logits, sparse)
loss.backward()
emit("grad", logits.grad)
