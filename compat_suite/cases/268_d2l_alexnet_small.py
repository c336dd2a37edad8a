"""Dive into Deep Learning (MXNet edition), "Deep Convolutional Neural Networks (AlexNet)",
scaled down (channels / 8, 96x96 inputs, 64-unit dense layers): the layer-by-layer output
shapes, and hybridized training steps under npx.set_np() on synthetic images standing in for
Fashion-MNIST.  The network's Dropout layers have rate DROP, 0 for the training steps, so
the numbers do not depend on a random stream (mxjax's is not MXNet's); one training-mode
forward through a Dropout(0.5) checks its invariants (kept values doubled, about half
dropped).  (Recording with train_mode=False instead would meet an MXNet 1.9.1 quirk: its CPU
max pooling, run in inference mode, sends the gradient of a window to its first element
rather than to its maximum.)"""
# compat: rtol=1e-3 atol=1e-5
import numpy as onp
from mxnet import autograd, gluon, np, npx
from compat_emit import emit

npx.set_np()
DROP = 0.0
net = gluon.nn.HybridSequential()
net.add(gluon.nn.Conv2D(12, kernel_size=11, strides=4, activation="relu"),
        gluon.nn.MaxPool2D(pool_size=3, strides=2),
        gluon.nn.Conv2D(32, kernel_size=5, padding=2, activation="relu"),
        gluon.nn.MaxPool2D(pool_size=3, strides=2),
        gluon.nn.Conv2D(48, kernel_size=3, padding=1, activation="relu"),
        gluon.nn.Conv2D(48, kernel_size=3, padding=1, activation="relu"),
        gluon.nn.Conv2D(32, kernel_size=3, padding=1, activation="relu"),
        gluon.nn.MaxPool2D(pool_size=3, strides=2),
        gluon.nn.Dense(64, activation="relu"), gluon.nn.Dropout(DROP),
        gluon.nn.Dense(64, activation="relu"), gluon.nn.Dropout(DROP),
        gluon.nn.Dense(10))
X = np.random.uniform(size=(1, 1, 96, 96))
net.initialize()
shapes = []
for layer in net:
    X = layer(X)
    shapes.append([layer.name.rstrip("0123456789"), X.shape])
emit("shapes", shapes)

rng = onp.random.RandomState(5)
for name, p in sorted(net.collect_params().items()):
    scale = 0.0 if name.endswith("bias") else onp.sqrt(2.0 / onp.prod(p.shape[1:]))
    p.set_data(np.array((rng.normal(0, 1, p.shape) * scale).astype("float32")))
images = np.array(rng.uniform(0, 1, (32, 1, 96, 96)).astype("float32"))
labels = np.array(rng.randint(0, 10, 32).astype("float32"))
train_iter = gluon.data.DataLoader(gluon.data.ArrayDataset(images, labels), 16, shuffle=False)
net.hybridize()
loss = gluon.loss.SoftmaxCrossEntropyLoss()
emit("initial_loss", loss(net(images), labels))
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01})
for epoch in range(3):
    total = 0.0
    for Xb, yb in train_iter:
        with autograd.record():
            l = loss(net(Xb), yb)
        l.backward()
        trainer.step(Xb.shape[0])
        total += float(l.sum())
    acc = float((net(images).argmax(axis=1) == labels.astype("int64")).sum()) / 32
    emit(f"epoch{epoch}", [total / 32, acc])
emit("logits", net(images[:2]))

layers = list(net)
dropout = gluon.nn.Dropout(0.5)
with autograd.record():   # training mode: Dropout drops about half and doubles the rest
    h = images[:8]
    for layer in layers[:11]:
        h = layer(h)
    d = dropout(h)
kept = d.asnumpy() != 0
emit("dropout_kept_doubled", bool(onp.allclose(d.asnumpy()[kept], 2 * h.asnumpy()[kept], rtol=1e-5)))
emit("dropout_fraction_plausible", bool(0.3 < 1 - kept.sum() / max((h.asnumpy() != 0).sum(), 1) < 0.7))
