"""Gradients at kinks and of selection operators: relu/abs at 0, max/min ties, clip, maximum."""
from mxnet import autograd, nd
from compat_emit import emit

x = nd.array([-1.0, 0.0, 2.0, 2.0])
for name, fn in [("relu", nd.relu), ("abs", nd.abs), ("max", lambda v: nd.max(v)),
                 ("min", lambda v: nd.min(v)), ("clip", lambda v: nd.clip(v, 0.0, 2.0)),
                 ("maximum", lambda v: nd.maximum(v, nd.array([0.0, 0.0, 2.0, 1.0]))),
                 ("pick", lambda v: nd.pick(v.reshape((2, 2)), nd.array([1, 0]), axis=1)),
                 ("norm", lambda v: nd.norm(v)), ("sign", nd.sign), ("round", nd.round)]:
    x.attach_grad()
    with autograd.record():
        y = fn(x)
    y.backward()
    emit(name, x.grad)
