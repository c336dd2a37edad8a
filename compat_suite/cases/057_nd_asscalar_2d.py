"""asscalar() of one-element arrays of rank 1 and 2."""
from mxnet import nd
from compat_emit import emit

emit("rank1", nd.array([2.5]).asscalar())
emit("rank2", nd.array([[2.5]]).asscalar())
emit("rank3_int", nd.array([[[3]]], dtype='int32').asscalar())
