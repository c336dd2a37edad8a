"""metric.Accuracy and TopKAccuracy: update with probabilities or class ids, get, reset, name."""
import mxnet as mx
from mxnet import nd
from compat_emit import emit

acc = mx.metric.Accuracy()
preds = [nd.array([[0.3, 0.7], [0.6, 0.4], [0.1, 0.9]])]
labels = [nd.array([1, 1, 1])]
acc.update(labels, preds)
emit("get", acc.get())
acc.update([nd.array([0, 1])], [nd.array([0, 1])])
emit("get2", acc.get())
emit("num_inst", acc.num_inst)
emit("sum_metric", acc.sum_metric)
acc.reset()
emit("reset", acc.get())
top2 = mx.metric.TopKAccuracy(top_k=2)
top2.update([nd.array([2, 0])], [nd.array([[0.1, 0.5, 0.4], [0.2, 0.3, 0.5]])])
emit("top2", top2.get())
emit("name_value", mx.metric.Accuracy().get_name_value())
emit("create_acc", mx.metric.create('acc').name)
