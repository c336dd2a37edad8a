"""Dynamic graphs: loops and branches that depend on values read inside record()."""
from mxnet import autograd, nd
from compat_emit import emit

w = nd.array([0.5, -0.25])
w.attach_grad()
for steps in (1, 3):
    with autograd.record():
        h = nd.array([1.0, 1.0])
        for _ in range(steps):
            h = nd.tanh(h * w + 0.1)
            if h.sum().asscalar() < 0:
                h = -h
        loss = (h * h).sum()
    loss.backward()
    emit(f"loss_{steps}", loss)
    emit(f"grad_{steps}", w.grad)
