"""nd.contrib.foreach as an RNN loop, while_loop and cond, imperative and inside a hybridized
block, with gradients (compared imperatively: MXNet 1.9.1's symbolic control-flow backward
here returns garbage, see the emit below)."""
import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from compat_emit import emit


class Loop(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.cell = gluon.rnn.RNNCell(4, input_size=3)

    def hybrid_forward(self, F, x, h):
        outs, states = F.contrib.foreach(lambda d, s: self.cell(d, s), x, [h])
        steps, final = F.contrib.while_loop(lambda i, s: (i < 3).sum(), lambda i, s: ([s * 0.5], [i + 1, s * 0.5]),
                                            [h.sum(axis=1) * 0, states[0]], max_iterations=4)
        branch = F.contrib.cond(outs.sum() > 0, lambda: final[1] * 2, lambda: final[1] - 1)
        # rows after the last step are undefined in MXNet (uninitialised memory): use the 3 steps run
        return outs.sum(axis=0) + branch + F.slice_axis(steps[0], axis=0, begin=0, end=3).sum(axis=0)


x = nd.array(np.random.RandomState(0).uniform(-1, 1, (5, 2, 3)))
h = nd.array(np.random.RandomState(1).uniform(-1, 1, (2, 4)))
for hybrid in (False, True):
    net = Loop(prefix="loop_")
    net.initialize(mx.init.Uniform(0.5))
    net.cell.i2h_weight.set_data(nd.array(np.random.RandomState(2).uniform(-0.5, 0.5, (4, 3))))
    net.cell.h2h_weight.set_data(nd.array(np.random.RandomState(3).uniform(-0.5, 0.5, (4, 4))))
    if hybrid:
        net.hybridize()
    x.attach_grad()
    with autograd.record():
        out = net(x, h)
    out.backward()
    emit(f"out_{hybrid}", out)
    if not hybrid:   # MXNet 1.9.1's hybridized (symbolic) gradients here read uninitialised memory
        emit("x_grad", x.grad)
        emit("w_grad", net.cell.i2h_weight.grad())
