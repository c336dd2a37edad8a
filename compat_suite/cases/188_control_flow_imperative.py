"""Imperative nd.contrib control flow as in MXNet's tutorials: foreach with several inputs and
states (a cumulative sum and a running product), while_loop with two loop variables and
padded outputs, cond choosing a branch from data, and gradients through all three."""
import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from compat_emit import emit

data = nd.array(np.random.RandomState(0).uniform(0.5, 1.5, (5, 2, 3)))
scale = nd.array(np.random.RandomState(1).uniform(-1, 1, (5, 3)))


def step(inputs, states):
    d, s = inputs
    total, prod = states
    new_total = total + d * s
    new_prod = prod * d
    return [new_total * 2, new_prod.sum(axis=1)], [new_total, new_prod]


init = [nd.zeros((2, 3)), nd.ones((2, 3))]
outs, final = nd.contrib.foreach(step, [data, scale], init)
emit("foreach_outs", outs)
emit("foreach_final", final)

data.attach_grad()
with autograd.record():
    outs, final = nd.contrib.foreach(step, [data, scale], init)
    loss = outs[0].sum() + final[1].sum()
loss.backward()
emit("foreach_grad", data.grad)

# collatz-like loop: double while small, count the steps; outputs padded to max_iterations
def cond_fn(i, value):
    return (value < 50).sum() > 0


def body(i, value):
    return [value * 1, i], [i + 1, value * 2 + 1]


outputs, (steps, value) = nd.contrib.while_loop(cond_fn, body, [nd.array([0]), nd.array([3.0, 7.0])],
                                                 max_iterations=6)
emit("while_steps", steps)
emit("while_value", value)
emit("while_outputs_shapes", [o.shape for o in outputs])
emit("while_outputs_valid", [o[:int(steps.asscalar())] for o in outputs])

x = nd.array([2.0, -1.0, 0.5])
x.attach_grad()
with autograd.record():
    out, (n, v) = nd.contrib.while_loop(lambda n, v: n < 3, lambda n, v: (v * v, [n + 1, v * 0.5 + x]),
                                        [nd.array([0]), x], max_iterations=3)
    total = v.sum() + out.sum()
total.backward()
emit("while_grad", x.grad)
emit("while_total", total)

for value in (1.0, -1.0):
    a = nd.array([value, 2.0])
    a.attach_grad()
    with autograd.record():
        r = nd.contrib.cond(a.sum() > 1.5, lambda: (a * a).sum(), lambda: nd.exp(a).sum())
    r.backward()
    emit(f"cond_{value}", [r, a.grad])
