"""MSE/MAE/RMSE metrics over several batches."""
import mxnet as mx
from mxnet import nd
from compat_emit import emit

labels = [nd.array([1.0, 2.0, 3.0]), nd.array([0.0, 0.5])]
preds = [nd.array([1.5, 2.0, 2.0]), nd.array([1.0, 0.5])]
for name in ['mse', 'mae', 'rmse']:
    metric = mx.metric.create(name)
    for l, p in zip(labels, preds):
        metric.update([l], [p])
    emit(name, metric.get())
metric = mx.metric.MSE()
metric.update(nd.array([[1.0], [2.0]]), nd.array([[0.0], [2.0]]))
emit("mse_2d", metric.get())
