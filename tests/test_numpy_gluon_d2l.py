"""D2L chapter-3 style programs under ``npx.set_np()``: linear regression (scratch and Gluon),
an MLP (imperative and hybridized) and softmax regression from scratch.  The losses and
accuracies were recorded from MXNet 1.9.1 running the same program."""
import numpy as onp

from mxjax import autograd, gluon, np, npx

MXNET = {
    "linreg": [8.605621337890625, 4.934488773345947, 2.83375883102417],
    "mlp0": [(1.6114000082015991, 19.0), (1.582462191581726, 23.0), (1.5558147430419922, 24.0),
             (1.5300137996673584, 27.0), (1.5045437812805176, 31.0)],
    "softmax": [1.613671064376831, 1.5891027450561523, 1.565813422203064],
}
MXNET["mlp1"] = MXNET["mlp0"]


def _program():
    rng = onp.random.RandomState(0)
    X = np.array(rng.normal(0, 1, (100, 2)).astype('float32'))
    y = np.dot(X, np.array([2, -3.4])) + 4.2
    out = {}
    # concise linear regression
    loader = gluon.data.DataLoader(gluon.data.ArrayDataset(X, y), 10, shuffle=False)
    net = gluon.nn.Sequential(); net.add(gluon.nn.Dense(1))
    net.initialize()
    net(X[:1])
    net[0].weight.set_data(np.array([[0.01, -0.02]])); net[0].bias.set_data(np.zeros(1))
    loss = gluon.loss.L2Loss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.03})
    for epoch in range(3):
        for Xb, yb in loader:
            with autograd.record():
                l = loss(net(Xb), yb)
            l.backward()
            trainer.step(10)
        out.setdefault('linreg', []).append(float(loss(net(X), y).mean()))
    # softmax regression / MLP, hybridized
    Xc = np.array(rng.normal(0, 1, (64, 20)).astype('float32'))
    yc = np.array(rng.randint(0, 5, 64).astype('float32'))
    W1 = rng.normal(0, 0.1, (32, 20)).astype('float32'); W2 = rng.normal(0, 0.1, (5, 32)).astype('float32')
    for hybrid in (False, True):
        net = gluon.nn.HybridSequential()
        net.add(gluon.nn.Dense(32, activation='relu'), gluon.nn.Dense(5))
        net.initialize()
        net(Xc[:1])
        net[0].weight.set_data(np.array(W1)); net[1].weight.set_data(np.array(W2))
        if hybrid:
            net.hybridize()
        lossf = gluon.loss.SoftmaxCrossEntropyLoss()
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.5})
        for epoch in range(5):
            with autograd.record():
                l = lossf(net(Xc), yc)
            l.backward()
            trainer.step(64)
            acc = float((net(Xc).argmax(axis=1).astype('float32') == yc).sum())
            out.setdefault('mlp%d' % hybrid, []).append((float(l.mean()), acc))
    # scratch softmax regression
    W = np.array(rng.normal(0, 0.01, (20, 5)).astype('float32')); b = np.zeros(5)
    W.attach_grad(); b.attach_grad()
    def softmax(X):
        X_exp = np.exp(X)
        return X_exp / X_exp.sum(1, keepdims=True)
    def cross_entropy(y_hat, y):
        return -np.log(y_hat[range(len(y_hat)), y.astype('int32')])
    for epoch in range(3):
        with autograd.record():
            l = cross_entropy(softmax(np.dot(Xc, W) + b), yc)
        l.backward()
        for p in (W, b):
            p[:] = p - 0.1 * p.grad / 64
        out.setdefault('softmax', []).append(float(l.mean()))
    return out


def test_d2l_chapter3_programs_match_mxnet():
    npx.set_np()
    try:
        out = _program()
    finally:
        npx.reset_np()
    onp.testing.assert_allclose(out["linreg"], MXNET["linreg"], rtol=1e-5)
    onp.testing.assert_allclose(out["softmax"], MXNET["softmax"], rtol=1e-5)
    for key in ("mlp0", "mlp1"):
        onp.testing.assert_allclose(out[key], MXNET[key], rtol=1e-5)


def test_gluon_types_under_np():
    npx.set_np()
    try:
        net = gluon.nn.Dense(2)
        net.initialize()
        x = np.ones((3, 4))
        y = net(x)
        assert isinstance(y, np.ndarray) and isinstance(net.weight.data(), np.ndarray)
        with autograd.record():
            loss = gluon.loss.L2Loss()(net(x), np.zeros((3, 2)))
        loss.backward()
        assert isinstance(net.weight.grad(), np.ndarray) and loss.shape == (3,)
        batch = next(iter(gluon.data.DataLoader(gluon.data.ArrayDataset(onp.ones((4, 2), "float32")), 2)))
        assert isinstance(batch, np.ndarray) and batch.shape == (2, 2)
    finally:
        npx.reset_np()
