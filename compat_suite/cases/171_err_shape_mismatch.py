"""Shape errors: elementwise/dot/reshape/concat mismatches and a Dense in_units mismatch."""
import mxnet as mx
from mxnet import nd
from mxnet.gluon import nn
from compat_emit import emit_error

a = nd.ones((2, 3))
b = nd.ones((3, 2))
emit_error("elemwise_add", lambda: nd.elemwise_add(a, b))
emit_error("operator_add", lambda: a + b)
emit_error("dot", lambda: nd.dot(a, a))
emit_error("reshape", lambda: a.reshape((4, 2)))
emit_error("concat", lambda: nd.concat(a, nd.ones((2, 4)), dim=0))
emit_error("broadcast_to", lambda: nd.broadcast_to(a, shape=(4, 3)))
emit_error("setitem_broadcast_ok", lambda: a.__setitem__(slice(None), nd.ones((3,))))
emit_error("setitem", lambda: a.__setitem__(slice(None), nd.ones((2,))))
dense = nn.Dense(2, in_units=4)
dense.initialize()
emit_error("dense_in_units", lambda: dense(nd.ones((1, 3))))
emit_error("batch_dot", lambda: nd.batch_dot(nd.ones((2, 2, 3)), nd.ones((2, 2, 3))))
