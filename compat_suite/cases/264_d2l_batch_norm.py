"""Dive into Deep Learning (MXNet edition), "Batch Normalization": batch_norm from scratch
(np.mean / np.sqrt with moving statistics, autograd.is_training) as a Block, and the concise
nn.BatchNorm, in LeNet-style nets under npx.set_np() on synthetic images."""
# compat: rtol=1e-3 atol=1e-5
import numpy as onp
from mxnet import autograd, gluon, init, np, npx
from compat_emit import emit

npx.set_np()


def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not autograd.is_training():
        X_hat = (X - moving_mean) / np.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(axis=0)
            var = ((X - mean) ** 2).mean(axis=0)
        else:
            mean = X.mean(axis=(0, 2, 3), keepdims=True)
            var = ((X - mean) ** 2).mean(axis=(0, 2, 3), keepdims=True)
        X_hat = (X - mean) / np.sqrt(var + eps)
        moving_mean = momentum * moving_mean + (1.0 - momentum) * mean
        moving_var = momentum * moving_var + (1.0 - momentum) * var
    Y = gamma * X_hat + beta
    return Y, moving_mean, moving_var


class BatchNorm(gluon.nn.Block):
    def __init__(self, num_features, num_dims, **kwargs):
        super().__init__(**kwargs)
        shape = (1, num_features) if num_dims == 2 else (1, num_features, 1, 1)
        self.gamma = self.params.get("gamma", shape=shape, init=init.One())
        self.beta = self.params.get("beta", shape=shape, init=init.Zero())
        self.moving_mean = np.zeros(shape)
        self.moving_var = np.ones(shape)

    def forward(self, X):
        if self.moving_mean.ctx != X.ctx:
            self.moving_mean = self.moving_mean.copyto(X.ctx)
            self.moving_var = self.moving_var.copyto(X.ctx)
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma.data(), self.beta.data(), self.moving_mean, self.moving_var, eps=1e-12, momentum=0.9)
        return Y


def lenet(bn):
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Conv2D(6, kernel_size=5), bn(6, 4), gluon.nn.Activation("sigmoid"),
            gluon.nn.AvgPool2D(pool_size=2, strides=2),
            gluon.nn.Conv2D(16, kernel_size=5), bn(16, 4), gluon.nn.Activation("sigmoid"),
            gluon.nn.AvgPool2D(pool_size=2, strides=2),
            gluon.nn.Dense(32), bn(32, 2), gluon.nn.Activation("sigmoid"), gluon.nn.Dense(10))
    return net


rng = onp.random.RandomState(4)
images = np.array(rng.uniform(0, 1, (32, 1, 28, 28)).astype("float32"))
labels = np.array(rng.randint(0, 10, 32).astype("float32"))
weights = None
for name, bn in (("scratch", lambda c, d: BatchNorm(c, num_dims=d)),
                 ("concise", lambda c, d: gluon.nn.BatchNorm())):
    net = lenet(bn)
    net.initialize()
    net(images[:2])
    state = onp.random.RandomState(5)
    for p in net.collect_params().values():
        if p.name.endswith(("weight",)):
            p.set_data(np.array(state.normal(0, 0.3, p.shape).astype("float32")))
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 1.0})
    losses = []
    for step in range(4):
        Xb, yb = images[8 * step:8 * step + 8], labels[8 * step:8 * step + 8]
        with autograd.record():
            l = loss(net(Xb), yb)
        l.backward()
        trainer.step(8)
        losses.append(float(l.mean()))
    emit(f"{name}_losses", losses)
    emit(f"{name}_predict", net(images[:2]))
    if name == "scratch":
        emit("scratch_gamma", net[1].gamma.data().reshape(-1))
        emit("scratch_moving_mean", net[1].moving_mean.reshape(-1))
    else:
        emit("concise_gamma", net[1].gamma.data())
        emit("concise_running_mean", net[1].running_mean.data())
