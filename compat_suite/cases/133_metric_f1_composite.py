"""F1, MCC, CompositeEvalMetric, metric.create with a list, CustomMetric/np."""
import numpy as np
import mxnet as mx
from mxnet import nd
from compat_emit import emit

pred = nd.array([[0.3, 0.7], [0.6, 0.4], [0.2, 0.8], [0.9, 0.1]])
label = nd.array([1, 1, 0, 0])
f1 = mx.metric.F1()
f1.update([label], [pred])
emit("f1", f1.get())
mcc = mx.metric.MCC()
mcc.update([label], [pred])
emit("mcc", mcc.get())
comp = mx.metric.CompositeEvalMetric()
comp.add(mx.metric.Accuracy())
comp.add(mx.metric.CrossEntropy())
comp.update([label], [pred])
emit("composite", comp.get())
multi = mx.metric.create(['acc', 'ce'])
multi.update([label], [pred])
emit("create_list", multi.get_name_value())


def mean_abs(label, pred):
    return np.abs(label - pred.argmax(axis=1)).mean()


custom = mx.metric.CustomMetric(mean_abs, name='mean_abs')
custom.update([label], [pred])
emit("custom", custom.get())
np_metric = mx.metric.np(mean_abs)
np_metric.update([label], [pred])
emit("np", np_metric.get())
