"""Dive into Deep Learning (MXNet edition), "Convolutional Neural Networks (LeNet)": the
layer-by-layer output shapes and a few hybridized training steps, under npx.set_np(), on
synthetic 28x28 images standing in for Fashion-MNIST."""
# compat: rtol=1e-3 atol=1e-5
import numpy as onp
from mxnet import autograd, gluon, init, np, npx
from compat_emit import emit

npx.set_np()
net = gluon.nn.Sequential()
net.add(gluon.nn.Conv2D(channels=6, kernel_size=5, padding=2, activation="sigmoid"),
        gluon.nn.AvgPool2D(pool_size=2, strides=2),
        gluon.nn.Conv2D(channels=16, kernel_size=5, activation="sigmoid"),
        gluon.nn.AvgPool2D(pool_size=2, strides=2),
        gluon.nn.Dense(120, activation="sigmoid"),
        gluon.nn.Dense(84, activation="sigmoid"),
        gluon.nn.Dense(10))
X = np.random.uniform(size=(1, 1, 28, 28))
net.initialize()
shapes = []
for layer in net:
    X = layer(X)
    shapes.append([layer.name.rstrip("0123456789"), X.shape])
emit("shapes", shapes)

rng = onp.random.RandomState(3)
for p in net.collect_params().values():
    p.set_data(np.array(rng.normal(0, 0.2, p.shape).astype("float32")))
images = np.array(rng.uniform(0, 1, (48, 1, 28, 28)).astype("float32"))
labels = np.array(rng.randint(0, 10, 48).astype("float32"))
train_iter = gluon.data.DataLoader(gluon.data.ArrayDataset(images, labels), 16, shuffle=False)
net.hybridize()
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.9})
for epoch in range(2):
    total = 0.0
    for Xb, yb in train_iter:
        with autograd.record():
            l = loss(net(Xb), yb)
        l.backward()
        trainer.step(Xb.shape[0])
        total += float(l.sum())
    acc = float((net(images).argmax(axis=1) == labels.astype("int64")).sum()) / 48
    emit(f"epoch{epoch}", [total / 48, acc])
emit("logits", net(images[:2]))
