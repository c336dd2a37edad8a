"""Array-creating symbols with unknown dimensions completed from their consumers, and
``mx.sym.histogram``; expected shapes and errors recorded from MXNet 1.9.1."""
import numpy as np
import pytest

import mxjax as mx


@pytest.mark.parametrize("first, second", [([2, 3], [-1, -1]), ([2, -1], [3, -1])])
def test_creation_shapes_come_back_through_transpose(first, second):
    b = mx.sym.ones(shape=first) + mx.sym.transpose(mx.sym.ones(shape=second))
    assert b.infer_shape_partial() == ([], [(2, 3)], [])
    out = b.bind(mx.cpu(), args={}).forward()[0]
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(out.asnumpy(), np.full((2, 3), 2.0))


def test_transpose_infers_its_input_from_its_output():
    x = mx.sym.Variable("x")
    y = mx.sym.transpose(x, axes=(1, 0, 2)) + mx.sym.Variable("z")
    assert y.infer_shape(z=(3, 2, 4))[0] == [(2, 3, 4), (3, 2, 4)]


def test_symbol_histogram():
    x = np.array([-3.0, -1.0, 0.2, 0.3, 2.0, 2.4, 7.0], np.float32)
    data, bins = mx.sym.Variable("data"), mx.sym.Variable("bins")
    exe = mx.sym.histogram(a=data, bins=4, range=(-2.5, 2.5)).bind(mx.cpu(), {"data": mx.nd.array(x)})
    counts, edges = exe.forward()
    np.testing.assert_array_equal(counts.asnumpy(), np.histogram(x, bins=4, range=(-2.5, 2.5))[0])
    np.testing.assert_allclose(edges.asnumpy(), np.linspace(-2.5, 2.5, 5))
    edges = np.array([-1.0, 0.5, 2.0, 4.5, 50.0])
    exe = mx.sym.histogram(a=data, bins=bins).bind(mx.cpu(), {"data": mx.nd.array(x),
                                                               "bins": mx.nd.array(edges, dtype=np.float64)})
    np.testing.assert_array_equal(exe.forward()[0].asnumpy(), np.histogram(x, bins=edges)[0])
    with pytest.raises(ValueError, match="null range is not supported in symbol mode"):
        mx.sym.histogram(a=data, bins=4)
    with pytest.raises(ValueError, match="bins argument should be either an integer or an NDArray"):
        mx.sym.histogram(a=data, bins=2.5, range=(0, 1))
