"""HybridBlock inputs as MXNet 1.9.1 takes them: nested lists of NDArrays, Python values
(not hybridized), None arguments and the cached argument structure (messages recorded from
real MXNet 1.9.1)."""
import numpy as np
import pytest

import mxjax as mx
from mxjax import gluon, nd


class _Sum(gluon.HybridBlock):
    def hybrid_forward(self, F, a, b=None):
        a = sum(a) if isinstance(a, (list, tuple)) else a
        b = sum(b) if isinstance(b, (list, tuple)) else b
        return a if b is None else a + b


@pytest.mark.parametrize("hybridize", [False, True])
def test_nested_list_inputs(hybridize):
    block = _Sum()
    if hybridize:
        block.hybridize()
    out = block([nd.ones((2,)), nd.ones((2,))], [nd.ones((2,))])
    np.testing.assert_array_equal(out.asnumpy(), [3, 3])


def test_python_values_only_without_hybridize():
    block = _Sum()
    np.testing.assert_array_equal(block([nd.ones((2,)), nd.ones((2,))], 3).asnumpy(), [5, 5])
    with pytest.raises(ValueError, match="there must be one NDArray or one Symbol in the input"):
        block(1, 2)
    block.hybridize()
    with pytest.raises(ValueError, match="must be \\(nested\\) list of Symbol or NDArray, but got 1 of type"):
        block(nd.ones((2,)), 1)


def test_cached_argument_structure():
    block = _Sum()
    block.hybridize()
    first = block(nd.ones((3,)), None)
    np.testing.assert_array_equal(block(nd.ones((3,))).asnumpy(), first.asnumpy())
    with pytest.raises(ValueError, match="does not match the cached version"):
        block(nd.ones((3,)), nd.ones((3,)))


def test_a_hybridized_block_keeps_neither_its_inputs_nor_its_instances_alive():
    """A program that makes a new net per experiment (MXNet's test_slice_pooling2d makes 16 and
    feeds each a 512 MB input) must not keep every input and net: the block remembers only
    which inputs were arrays, and its op instances live in the block, not in a global table."""
    import gc
    import weakref
    from mxjax._engine import graph

    class Net(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return F.relu(x) * 2

    net = Net()
    net.hybridize()
    x = mx.nd.array(np.arange(-3.0, 3.0).reshape(2, 3))
    x.attach_grad()
    with mx.autograd.record():
        out = net(x)
    out.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), (np.arange(-3.0, 3.0).reshape(2, 3) > 0) * 2.0)
    assert net._get_graph()[1].list_arguments() == ["data"]   # export still knows its inputs
    assert not any(type(key[0]).__name__ == "_HybridOp" for key in graph._instances)
    input_ref = weakref.ref(x)
    del x, out
    gc.collect()
    assert input_ref() is None
