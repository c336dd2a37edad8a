"""Benchmark workloads, each written once per contender.

``make(contender, workload)`` returns a ``step()`` callable that runs one step
to completion (values synced).  Contenders: mxjax (imperative: record +
backward + trainer.step, no hybridize), mxjax-hybrid, mxjax-module (the same
MLP as a symbol trained the way ``Module.fit`` does: forward_backward + update
+ update_metric), jax-jit (hand-written jax.jit of the whole step), jax-eager
(the same step without jit), torch (eager), mxnet, mxnet-hybrid and
mxnet-module (only inside the MXNet 1.9.1 reference venv).  Framework modules are imported lazily, so this file loads
in any of those environments.
"""
import numpy as np

BATCH_MLP, BATCH_LENET, BATCH_RESNET = 128, 64, 32


def _data(shape, classes=10, seed=0):
    rng = np.random.RandomState(seed)
    return rng.rand(*shape).astype(np.float32), rng.randint(0, classes, shape[0]).astype(np.float32)


# ---- MXNet-style (mxjax and real MXNet share this code: only the module differs) -------------------

def _mx_mlp(mx):
    net = mx.gluon.nn.HybridSequential()
    with net.name_scope():
        net.add(mx.gluon.nn.Dense(512, activation="relu", in_units=784))
        net.add(mx.gluon.nn.Dense(512, activation="relu", in_units=512))
        net.add(mx.gluon.nn.Dense(10, in_units=512))
    return net


def _mx_lenet(mx):
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(20, kernel_size=5, activation="relu", in_channels=1),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Conv2D(50, kernel_size=5, activation="relu", in_channels=20),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Flatten(),
                nn.Dense(500, activation="relu", in_units=800),
                nn.Dense(10, in_units=500))
    return net


def _mx_resnet18_cifar(mx):
    """ResNet-18 for 32x32 images (He et al.'s CIFAR form: a 3x3 stem, no max-pool, four
    stages of two basic blocks, 64-512 channels), with BatchNorm."""
    nn = mx.gluon.nn

    class Block(mx.gluon.HybridBlock):
        def __init__(self, channels, stride, in_channels):
            super().__init__()
            with self.name_scope():
                self.body = nn.HybridSequential()
                self.body.add(nn.Conv2D(channels, 3, stride, 1, use_bias=False, in_channels=in_channels),
                              nn.BatchNorm(in_channels=channels), nn.Activation("relu"),
                              nn.Conv2D(channels, 3, 1, 1, use_bias=False, in_channels=channels),
                              nn.BatchNorm(in_channels=channels))
                self.down = None
                if stride != 1 or in_channels != channels:
                    self.down = nn.HybridSequential()
                    self.down.add(nn.Conv2D(channels, 1, stride, use_bias=False, in_channels=in_channels),
                                  nn.BatchNorm(in_channels=channels))

        def hybrid_forward(self, F, x):
            res = x if self.down is None else self.down(x)
            return F.Activation(self.body(x) + res, act_type="relu")

    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(64, 3, 1, 1, use_bias=False, in_channels=3), nn.BatchNorm(in_channels=64),
                nn.Activation("relu"))
        cin = 64
        for channels, stride in ((64, 1), (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1)):
            net.add(Block(channels, stride, cin))
            cin = channels
        net.add(nn.GlobalAvgPool2D(), nn.Flatten(), nn.Dense(10, in_units=512))
    return net


def _mx_train_step(mx, net, x_np, y_np, hybrid):
    ctx = mx.cpu()
    net.initialize(mx.init.Xavier(), ctx=ctx)
    if hybrid:
        net.hybridize()
    trainer = mx.gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01})
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    x, y = mx.nd.array(x_np, ctx=ctx), mx.nd.array(y_np, ctx=ctx)
    batch = x_np.shape[0]

    def step():
        with mx.autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(batch)
        return loss.mean().asscalar()
    return step


def _mx_module_mlp(mx, x_np, y_np):
    """The MLP of ``_mx_mlp`` as MXNet's old examples write it: a symbol, ``SoftmaxOutput``,
    ``Module`` with SGD (rescale_grad 1/batch); one step is what ``Module.fit`` runs per batch."""
    data = mx.sym.Variable("data")
    net = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=512, name="fc1"), act_type="relu")
    net = mx.sym.Activation(mx.sym.FullyConnected(net, num_hidden=512, name="fc2"), act_type="relu")
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(net, num_hidden=10, name="fc3"), name="softmax")
    batch = mx.io.DataBatch([mx.nd.array(x_np)], [mx.nd.array(y_np)])
    mod = mx.mod.Module(net, context=mx.cpu())
    mod.bind([("data", x_np.shape)], [("softmax_label", y_np.shape)])
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.01})
    metric = mx.metric.create("acc")

    def step():
        mod.forward_backward(batch)
        mod.update()
        mod.update_metric(metric, batch.label)
        return metric.get()[1]
    return step


def _mx_tiny_ops(mx, n=200):
    nd, autograd = mx.nd, mx.autograd
    x = nd.ones((10,))
    x.attach_grad()

    def step():
        with autograd.record():
            y = x
            for i in range(n // 2):
                y = nd.sin(y * 1.01)
        y.backward()
        x.grad.wait_to_read()
    return step


def _mx_higher_order(mx):
    nd, autograd = mx.nd, mx.autograd
    x = nd.array(np.linspace(-1, 1, 1000).astype(np.float32))
    x.attach_grad()

    def step():
        with autograd.record():
            y = nd.sin(x)
            dy = autograd.grad(y, [x], create_graph=True, retain_graph=True)[0]
        dy.backward()
        x.grad.wait_to_read()
    return step


def _mx_dynamic(mx):
    """The seed's data-dependent control flow: a new graph structure every step."""
    nd, autograd = mx.nd, mx.autograd
    rng = np.random.RandomState(0)

    def f(a):
        b = a * 2
        while b.norm().asscalar() < 1000:
            b = b * 2
        return b if b.sum().asscalar() > 0 else 100 * b

    def step():
        a = nd.array(rng.randn(1).astype(np.float32) * 10 ** rng.uniform(-3, 0))
        a.attach_grad()
        with autograd.record():
            c = f(a)
        c.backward()
        a.grad.wait_to_read()
    return step


def make_mx(mx, workload, hybrid=False, module=False):
    if module:
        return _mx_module_mlp(mx, *_data((BATCH_MLP, 784)))
    if workload == "mlp":
        return _mx_train_step(mx, _mx_mlp(mx), *_data((BATCH_MLP, 784)), hybrid)
    if workload == "lenet":
        return _mx_train_step(mx, _mx_lenet(mx), *_data((BATCH_LENET, 1, 28, 28)), hybrid)
    if workload == "resnet18":
        return _mx_train_step(mx, _mx_resnet18_cifar(mx), *_data((BATCH_RESNET, 3, 32, 32)), hybrid)
    return {"tiny_ops": _mx_tiny_ops, "higher_order": _mx_higher_order, "dynamic": _mx_dynamic}[workload](mx)


# ---- pure JAX --------------------------------------------------------------------------------------

def _jax_params(jax, jnp, shapes, seed=0):
    rng = np.random.RandomState(seed)
    return [jnp.asarray(rng.uniform(-0.05, 0.05, s).astype(np.float32)) for s in shapes]


def make_jax(workload, jit=True):
    import jax
    import jax.numpy as jnp
    wrap = jax.jit if jit else (lambda f: f)

    def xent(logits, y):
        logp = jax.nn.log_softmax(logits)
        return -jnp.take_along_axis(logp, y.astype(jnp.int32)[:, None], axis=1).mean()

    if workload in ("mlp", "lenet"):
        if workload == "mlp":
            x_np, y_np = _data((BATCH_MLP, 784))
            params = _jax_params(jax, jnp, [(784, 512), (512,), (512, 512), (512,), (512, 10), (10,)])

            def forward(p, x):
                h = jax.nn.relu(x @ p[0] + p[1])
                h = jax.nn.relu(h @ p[2] + p[3])
                return h @ p[4] + p[5]
        else:
            x_np, y_np = _data((BATCH_LENET, 1, 28, 28))
            params = _jax_params(jax, jnp, [(20, 1, 5, 5), (20,), (50, 20, 5, 5), (50,), (800, 500), (500,),
                                            (500, 10), (10,)])

            def conv(x, w, b):
                out = jax.lax.conv_general_dilated(x, w, (1, 1), "VALID",
                                                   dimension_numbers=("NCHW", "OIHW", "NCHW"))
                return jax.nn.relu(out + b[None, :, None, None])

            def pool(x):
                return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2), (1, 1, 2, 2), "VALID")

            def forward(p, x):
                h = pool(conv(x, p[0], p[1]))
                h = pool(conv(h, p[2], p[3])).reshape(x.shape[0], -1)
                h = jax.nn.relu(h @ p[4] + p[5])
                return h @ p[6] + p[7]

        @wrap
        def train(p, x, y):
            loss, grads = jax.value_and_grad(lambda q: xent(forward(q, x), y))(p)
            return [w - 0.01 * g for w, g in zip(p, grads)], loss
        x, y = jnp.asarray(x_np), jnp.asarray(y_np)
        state = {"p": params}

        def step():
            state["p"], loss = train(state["p"], x, y)
            return float(loss)
        return step
    if workload == "tiny_ops":
        @wrap
        def grad(v):
            def f(v):
                y = v
                for _ in range(100):
                    y = jnp.sin(y * 1.01)
                return y.sum()
            return jax.grad(f)(v)
        x = jnp.ones(10, jnp.float32)
        return lambda: grad(x).block_until_ready()
    if workload == "higher_order":
        @wrap
        def second(v):
            return jax.grad(lambda u: jax.grad(lambda w: jnp.sin(w).sum())(u).sum())(v)
        x = jnp.asarray(np.linspace(-1, 1, 1000).astype(np.float32))
        return lambda: second(x).block_until_ready()
    raise KeyError(workload)


# ---- PyTorch ---------------------------------------------------------------------------------------

def make_torch(workload):
    import torch
    nn = torch.nn
    if workload in ("mlp", "lenet"):
        if workload == "mlp":
            x_np, y_np = _data((BATCH_MLP, 784))
            net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        else:
            x_np, y_np = _data((BATCH_LENET, 1, 28, 28))
            net = nn.Sequential(nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.ReLU(),
                                nn.MaxPool2d(2), nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
        x, y = torch.from_numpy(x_np), torch.from_numpy(y_np).long()

        def step():
            opt.zero_grad()
            loss = nn.functional.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            return loss.item()
        return step
    if workload == "tiny_ops":
        x = torch.ones(10, requires_grad=True)

        def step():
            y = x
            for _ in range(100):
                y = torch.sin(y * 1.01)
            y.sum().backward()
            x.grad = None
        return step
    if workload == "higher_order":
        x = torch.from_numpy(np.linspace(-1, 1, 1000).astype(np.float32)).requires_grad_()

        def step():
            (dy,) = torch.autograd.grad(torch.sin(x).sum(), x, create_graph=True)
            dy.sum().backward()
            x.grad = None
        return step
    if workload == "dynamic":
        rng = np.random.RandomState(0)

        def step():
            a = torch.tensor(rng.randn(1).astype(np.float32) * 10 ** rng.uniform(-3, 0), requires_grad=True)
            b = a * 2
            while b.norm().item() < 1000:
                b = b * 2
            c = b if b.sum().item() > 0 else 100 * b
            c.sum().backward()
        return step
    raise KeyError(workload)
