"""CrossEntropy, NegativeLogLikelihood, Perplexity metrics."""
import mxnet as mx
from mxnet import nd
from compat_emit import emit

pred = nd.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]])
label = nd.array([1, 0, 1])
ce = mx.metric.CrossEntropy()
ce.update([label], [pred])
emit("ce", ce.get())
nll = mx.metric.NegativeLogLikelihood()
nll.update([label], [pred])
emit("nll", nll.get())
ppl = mx.metric.Perplexity(ignore_label=None)
ppl.update([label], [pred])
emit("perplexity", ppl.get())
