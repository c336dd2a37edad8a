"""mx.viz.print_summary as scripts use it to inspect a network: the table for a LeNet-like
convolutional net with BatchNorm, for an MLP with a Group of two heads, and with a
custom line_length and positions; plot_network's availability check."""
import contextlib
import io

import mxnet as mx
from compat_emit import emit


def summary(sym, **kwargs):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        mx.viz.print_summary(sym, **kwargs)
    return buf.getvalue()


data = mx.sym.Variable("data")
net = mx.sym.Convolution(data, kernel=(5, 5), num_filter=6, name="conv1")
net = mx.sym.BatchNorm(net, name="bn1")
net = mx.sym.Activation(net, act_type="relu", name="relu1")
net = mx.sym.Pooling(net, kernel=(2, 2), stride=(2, 2), pool_type="max", name="pool1")
net = mx.sym.Convolution(net, kernel=(3, 3), num_filter=8, name="conv2", no_bias=True)
net = mx.sym.Flatten(net, name="flat")
net = mx.sym.FullyConnected(net, num_hidden=10, name="fc1")
net = mx.sym.SoftmaxOutput(net, name="softmax")
emit("lenet", summary(net, shape={"data": (1, 1, 20, 20)}))
emit("lenet_no_shape", summary(net))

hidden = mx.sym.Activation(mx.sym.FullyConnected(data, num_hidden=16, name="shared"), act_type="tanh", name="t")
group = mx.sym.Group([mx.sym.SoftmaxOutput(mx.sym.FullyConnected(hidden, num_hidden=3, name="a"), name="sa"),
                      mx.sym.LinearRegressionOutput(mx.sym.FullyConnected(hidden, num_hidden=1, name="b"),
                                                    name="lb")])
emit("group", summary(group, shape={"data": (4, 8)}))
emit("narrow", summary(mx.sym.FullyConnected(data, num_hidden=2, name="only"), shape={"data": (2, 3)},
                       line_length=80, positions=[.40, .60, .70, 1.]))
