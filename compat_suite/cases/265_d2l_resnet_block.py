"""Dive into Deep Learning (MXNet edition), "Residual Networks (ResNet)": the Residual
block (with and without the 1x1 convolution), its output shapes, a small ResNet body
hybridized and trained for a few steps, under npx.set_np()."""
# compat: rtol=1e-3 atol=1e-5
import numpy as onp
from mxnet import autograd, gluon, np, npx
from compat_emit import emit

npx.set_np()


class Residual(gluon.nn.HybridBlock):
    def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = gluon.nn.Conv2D(num_channels, kernel_size=3, padding=1, strides=strides)
        self.conv2 = gluon.nn.Conv2D(num_channels, kernel_size=3, padding=1)
        if use_1x1conv:
            self.conv3 = gluon.nn.Conv2D(num_channels, kernel_size=1, strides=strides)
        else:
            self.conv3 = None
        self.bn1 = gluon.nn.BatchNorm()
        self.bn2 = gluon.nn.BatchNorm()

    def hybrid_forward(self, F, X):
        Y = F.npx.relu(self.bn1(self.conv1(X)))
        Y = self.bn2(self.conv2(Y))
        if self.conv3:
            X = self.conv3(X)
        return F.npx.relu(Y + X)


blk = Residual(3)
blk.initialize()
X = np.random.uniform(size=(4, 3, 6, 6))
emit("same_shape", blk(X).shape)
blk = Residual(6, use_1x1conv=True, strides=2)
blk.initialize()
emit("half_shape", blk(X).shape)


def resnet_block(num_channels, num_residuals, first_block=False):
    blk = gluon.nn.HybridSequential()
    for i in range(num_residuals):
        if i == 0 and not first_block:
            blk.add(Residual(num_channels, use_1x1conv=True, strides=2))
        else:
            blk.add(Residual(num_channels))
    return blk


net = gluon.nn.HybridSequential()
net.add(gluon.nn.Conv2D(8, kernel_size=3, padding=1), gluon.nn.BatchNorm(), gluon.nn.Activation("relu"))
net.add(resnet_block(8, 2, first_block=True), resnet_block(16, 1))
net.add(gluon.nn.GlobalAvgPool2D(), gluon.nn.Dense(5))
net.initialize()
rng = onp.random.RandomState(6)
images = np.array(rng.uniform(0, 1, (8, 1, 12, 12)).astype("float32"))
labels = np.array(rng.randint(0, 5, 8).astype("float32"))
net(images[:1])
for p in net.collect_params().values():
    if p.name.endswith("weight"):
        p.set_data(np.array(rng.normal(0, 0.2, p.shape).astype("float32")))
shapes = []
X = images
for layer in net:
    X = layer(X)
    shapes.append(X.shape)
emit("body_shapes", shapes)
net.hybridize()
loss = gluon.loss.SoftmaxCrossEntropyLoss()
trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
losses = []
for step in range(3):
    with autograd.record():
        l = loss(net(images), labels)
    l.backward()
    trainer.step(8)
    losses.append(float(l.mean()))
emit("losses", losses)
emit("predict", net(images[:2]))
