"""DeferredInitializationError: data() of a deferred parameter before the first forward; its classes."""
import mxnet as mx
from mxnet import gluon, nd
from mxnet.base import MXNetError
from mxnet.gluon import nn
from mxnet.gluon.parameter import DeferredInitializationError
from compat_emit import emit, emit_error

net = nn.Dense(3)
net.initialize()
emit_error("data", lambda: net.weight.data())
emit_error("list_data", lambda: net.weight.list_data())
emit("is_mxnet_error", issubclass(DeferredInitializationError, MXNetError))
try:
    net.weight.data()
except DeferredInitializationError:
    emit("caught", True)
net(nd.ones((2, 5)))
emit("after_forward", net.weight.data().shape)
p = gluon.Parameter('p', shape=(2, 0))
emit_error("initialize_unknown_shape_no_deferred", lambda: p.initialize())
