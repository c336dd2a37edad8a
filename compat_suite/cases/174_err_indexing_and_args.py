"""Errors from indexing out of range, bad arguments and unknown dtypes/optimizers/initializers."""
import mxnet as mx
from mxnet import nd
from compat_emit import emit_error

x = nd.arange(6).reshape((2, 3))
emit_error("index_out_of_range", lambda: x[2])
emit_error("index_too_many", lambda: x[0, 0, 0])
emit_error("axis_out_of_range", lambda: nd.sum(x, axis=3))
emit_error("bad_dtype", lambda: nd.zeros((2,), dtype='float99'))
emit_error("unknown_optimizer", lambda: mx.optimizer.create('nosuchopt'))
emit_error("unknown_activation", lambda: nd.Activation(x, act_type='nosuch'))
emit_error("split_uneven", lambda: nd.split(x, num_outputs=2, axis=1))
emit_error("take_bad_mode", lambda: nd.take(x, nd.array([0]), mode='nosuch'))
emit_error("load_missing_file", lambda: nd.load('/nonexistent/file.params'))
