"""Fine-tuning as in MXNet's tutorials: a new zoo net of 4 classes takes the trained net's
features (frozen: grad_req 'null', BatchNorm in inference mode through
record(train_mode=False)), gets a fresh output layer, and trains a few SGD steps.  (Training
the features too on a batch of 4 amplifies float rounding through the BatchNorms of
1x1 maps until MXNet's and any other implementation's steps part.)"""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon.model_zoo import vision
from compat_emit import emit

rng = np.random.RandomState(0)
x = nd.array(rng.uniform(0, 1, (4, 3, 32, 32)))
y = nd.array([0, 1, 2, 3])
pretrained = vision.mobilenet0_25(classes=10)
pretrained.initialize(mx.init.Zero())
pretrained(x)
for name, param in sorted(pretrained.collect_params().items()):
    if name.endswith(("gamma", "running_var")):
        value = rng.uniform(0.8, 1.2, param.shape)
    elif name.endswith("weight"):
        value = rng.uniform(-1, 1, param.shape) * np.sqrt(6.0 / np.prod(param.shape[1:]))
    else:
        value = rng.uniform(-0.1, 0.1, param.shape)
    param.set_data(nd.array(value))

net = vision.mobilenet0_25(classes=4)
net.features = pretrained.features
net.output.initialize(mx.init.Zero())
net(x)
net.output.weight.set_data(nd.array(rng.uniform(-0.1, 0.1, net.output.weight.shape)))
net.features.collect_params().setattr("grad_req", "null")
emit("shared_features", net.features is pretrained.features)
emit("param_names", sorted(net.collect_params().keys())[-4:])
loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.05, "momentum": 0.9})
for step in range(3):
    with autograd.record(train_mode=False):
        loss = loss_fn(net(x), y)
    loss.backward()
    trainer.step(4)
    emit("loss_%d" % step, loss)
emit("running_mean_unchanged", net.features[1].running_mean.data())
emit("output_bias", net.output.bias.data())
emit("output_weight", net.output.weight.data()[:, :6])
emit("predict", net(x))
