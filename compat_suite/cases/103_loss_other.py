"""KLDivLoss, CosineEmbeddingLoss, PoissonNLLLoss, TripletLoss, CTCLoss shapes."""
from mxnet import gluon, nd
from compat_emit import emit

p = nd.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])
q = nd.array([[0.3, 0.3, 0.4], [0.5, 0.25, 0.25]])
emit("kldiv", gluon.loss.KLDivLoss()(nd.log_softmax(p), q))
emit("kldiv_not_logits", gluon.loss.KLDivLoss(from_logits=False)(p, q))
a = nd.array([[1.0, 0.0, 1.0], [0.5, 0.5, -1.0]])
b = nd.array([[0.5, 1.0, 0.0], [0.5, 0.5, -1.0]])
emit("cosine", gluon.loss.CosineEmbeddingLoss()(a, b, nd.array([1, -1])))
emit("poisson", gluon.loss.PoissonNLLLoss()(nd.array([[0.5], [1.0]]), nd.array([[1.0], [2.0]])))
emit("poisson_no_log", gluon.loss.PoissonNLLLoss(from_logits=False)(nd.array([[0.5], [1.0]]), nd.array([[1.0], [2.0]])))
emit("triplet", gluon.loss.TripletLoss(margin=1.0)(a, b, q))
ctc = gluon.loss.CTCLoss()
out = ctc(nd.zeros((2, 5, 4)), nd.array([[1, 2], [3, 3]]))
emit("ctc_shape", out.shape)
emit("ctc", out)
