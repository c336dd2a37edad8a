"""Shape-family semantics the reference and gradient tables do not cover: error messages,
errors MXNet raises only when the result is read, multi-output conventions, methods and
aliases, gradients through attribute variants of the core operators."""
import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, nd
from mxjax.base import MXNetError


def _x(shape=(2, 3, 4), dtype="float32", seed=0):
    return nd.array(np.random.RandomState(seed).uniform(-1, 1, shape), dtype=dtype)


# ---- bad arguments: MXNetError naming the operator and the argument ------------------------------

@pytest.mark.parametrize("call,words", [
    (lambda: nd.swapaxes(_x(), dim1=0, dim2=3), ["swapaxes", "dim2"]),
    (lambda: nd.flip(_x(), axis=5), ["reverse", "axis"]),
    (lambda: nd.tile(_x(), reps=(0, 1)), ["tile", "reps"]),
    (lambda: nd.repeat(_x(), repeats=-1), ["repeat", "repeats"]),
    (lambda: nd.pad(_x((1, 1, 2, 2)), mode="wrap", pad_width=(0, 0, 0, 0, 1, 1, 1, 1)), ["Pad", "mode"]),
    (lambda: nd.pad(_x((1, 1, 2, 2)), mode="constant", pad_width=(0, 1, 0, 0, 1, 1, 1, 1)), ["Pad", "pad_width"]),
    (lambda: nd.split(_x(), num_outputs=2, axis=1), ["split", "num_outputs"]),
    (lambda: nd.split(_x(), num_outputs=2, axis=2, squeeze_axis=True), ["split", "squeeze_axis"]),
    (lambda: nd.slice(_x(), begin=(0,), end=(1,), step=(0,)), ["slice", "step"]),
    (lambda: nd.slice_axis(_x(), axis=1, begin=0, end=5), ["slice_axis", "end"]),
    (lambda: nd.take(_x(), nd.array([0]), mode="nearest"), ["take", "mode"]),
    (lambda: nd.take(_x(), nd.array([0]), axis=3), ["take", "axis"]),
    (lambda: nd.pick(_x((3, 4)), nd.array([0, 1])), ["pick", "index"]),
    (lambda: nd.gather_nd(_x(), nd.array([0, 1])), ["gather_nd", "indices"]),
    (lambda: nd.scatter_nd(_x((2, 2)), nd.array([[0, 1]]), shape=(2, 3)), ["scatter_nd", "shape"]),
    (lambda: nd.broadcast_axis(_x((2, 1)), axis=0, size=3), ["broadcast_axis", "axis"]),
    (lambda: nd.diag(_x((3, 4)), k=5), ["diag", "k"]),
    (lambda: nd.depth_to_space(_x((1, 8, 2, 2)), block_size=3), ["depth_to_space", "block_size"]),
    (lambda: nd.topk(_x((2, 4)), k=5), ["topk", "k"]),
    (lambda: nd.topk(_x((2, 4)), ret_typ="values"), ["topk", "ret_typ"]),
    (lambda: nd.argsort(_x((2, 4)), dtype="int8"), ["argsort", "dtype"]),
    (lambda: nd.SequenceMask(_x(), use_sequence_length=True), ["SequenceMask", "sequence_length"]),
    (lambda: nd.SequenceMask(_x(), nd.array([1, 2, 3])), ["SequenceMask", "use_sequence_length"]),
    (lambda: nd.SequenceReverse(_x(), axis=1), ["SequenceReverse", "axis"]),
    (lambda: nd.flip(_x()), ["reverse", "axis"]),            # required argument missing
])
def test_bad_argument_names_operator_and_argument(call, words):
    with pytest.raises(MXNetError) as exc:
        call()
    for word in words:
        assert word in str(exc.value), str(exc.value)


def test_errors_mxnet_raises_when_reading():
    """MXNet raises these only at asnumpy(); mxjax raises them at the call."""
    with pytest.raises(MXNetError, match="reverse"):
        nd.flip(_x(), axis=-1).asnumpy()          # MXNet rejects negative axes here
    with pytest.raises(MXNetError, match="stack"):
        nd.stack(_x(), _x((2, 3))).asnumpy()


def test_take_raise_mode():
    """mode='raise': an index outside [0, size - 1] (checked on the float value) is an error
    when the result is read, as in MXNet; in-range fractional indices are truncated."""
    a = nd.array(np.arange(12).reshape(3, 4))
    np.testing.assert_array_equal(nd.take(a, nd.array([0.5, 2.5, 3.0]), axis=1, mode="raise").asnumpy(),
                                  [[0, 2, 3], [4, 6, 7], [8, 10, 11]])
    for bad in ([4.0, 1.0], [-0.5], [3.5]):
        with pytest.raises(MXNetError, match="out of bound"):
            nd.take(a, nd.array(bad), axis=1, mode="raise").asnumpy()


# ---- multiple outputs -----------------------------------------------------------------------------

def test_split_returns_a_list_or_one_array():
    x = _x()
    parts = nd.split(x, num_outputs=3)
    assert isinstance(parts, list) and len(parts) == 3 and parts[0].shape == (2, 1, 4)
    one = nd.split(x, num_outputs=1, axis=0)
    assert isinstance(one, nd.NDArray) and one.shape == (2, 3, 4)
    np.testing.assert_array_equal(nd.concat(*x.split(num_outputs=2, axis=2), dim=2).asnumpy(), x.asnumpy())


def test_topk_both_and_index_gradients():
    x = nd.array([[0.3, 0.2, 0.4, 0.1], [0.1, 0.3, 0.2, 0.5]], dtype="float64")
    x.attach_grad()
    with autograd.record():
        values, indices = nd.topk(x, k=2, ret_typ="both")
    assert values.dtype == np.float64 and indices.dtype == np.float32
    np.testing.assert_array_equal(indices.asnumpy(), [[2, 0], [3, 1]])
    values.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[1, 0, 1, 0], [0, 1, 0, 1]])
    for ret_typ in ("indices", "mask"):
        with autograd.record():
            y = nd.topk(x, k=2, ret_typ=ret_typ) * 3
        y.backward()
        np.testing.assert_array_equal(x.grad.asnumpy(), 0.0)


# ---- methods and aliases --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["swapaxes", "flip", "tile", "repeat", "pad", "split", "slice", "slice_axis",
                                  "slice_like", "take", "pick", "one_hot", "broadcast_axes", "broadcast_like",
                                  "diag", "depth_to_space", "space_to_depth", "shape_array", "size_array",
                                  "sort", "argsort", "topk", "expand_dims", "squeeze", "flatten"])
def test_ndarray_methods(name):
    """The methods MXNet 1.9.1's NDArray has for this family."""
    assert callable(getattr(nd.NDArray, name))


@pytest.mark.parametrize("alias,name", [("SwapAxis", "swapaxes"), ("reverse", "flip"), ("Pad", "pad"),
                                        ("SliceChannel", "split"), ("crop", "slice"),
                                        ("broadcast_axes", "broadcast_axis"), ("Concat", "concat")])
def test_aliases(alias, name):
    assert getattr(nd, alias).__name__ == getattr(nd, name).__name__
    assert hasattr(nd.op, alias) and hasattr(nd.op, name)


def test_broadcast_to_method_prepends_axes():
    """MXNet's NDArray.broadcast_to pads the shape with leading 1s; the operator itself wants the
    same number of dims, and mxjax's accepts both."""
    x = nd.array([1.0, 2.0, 3.0])
    assert x.broadcast_to((2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(nd.broadcast_to(x.reshape((1, 3)), shape=(2, 0)).asnumpy(), [[1, 2, 3]] * 2)
    with pytest.raises(ValueError):
        x.broadcast_to((2, 4))


# ---- gradients through attribute variants of the core operators -----------------------------------

def _grad(fn, x):
    x = nd.array(x, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = fn(x)
    y.backward()
    return x.grad.asnumpy()


def test_reshape_like_ranges_gradient():
    a = np.random.RandomState(0).uniform(-1, 1, (6, 7))
    rhs = nd.zeros((3, 2, 4), dtype="float64")
    w = np.random.RandomState(1).uniform(-1, 1, (3, 2, 7))
    g = _grad(lambda x: nd.reshape_like(x, rhs, lhs_begin=0, lhs_end=1, rhs_begin=0, rhs_end=2)
              * nd.array(w, dtype="float64"), a)
    np.testing.assert_allclose(g, w.reshape(6, 7))


def test_broadcast_like_axes_gradient_sums():
    g = _grad(lambda x: nd.broadcast_like(x, nd.zeros((4, 5)), lhs_axes=(1,), rhs_axes=(0,)),
              np.ones((2, 1, 3)))
    np.testing.assert_array_equal(g, np.full((2, 1, 3), 4.0))


def test_second_order_through_take_and_sort():
    """d2/dx2 of sum(take(x, idx)**3) and of sum(sort(x)**3): 6 x times the hit count."""
    a = np.array([0.3, -0.7, 0.5, 0.9])
    x = nd.array(a, dtype="float64")
    x.attach_grad()
    idx = nd.array([0, 2, 2])
    with autograd.record():
        (g,) = autograd.grad(nd.sum(nd.take(x, idx) ** 3) + nd.sum(nd.sort(x) ** 3), [x], create_graph=True)
    g.backward()
    counts = np.array([1, 0, 2, 0]) + 1
    np.testing.assert_allclose(g.asnumpy(), 3 * a ** 2 * counts)
    np.testing.assert_allclose(x.grad.asnumpy(), 6 * a * counts)


def test_sequence_gradients_are_masked():
    x = np.random.RandomState(0).uniform(-1, 1, (4, 2, 3))
    lengths = nd.array([2, 3])
    g = _grad(lambda d: nd.SequenceMask(d, lengths, use_sequence_length=True, value=5.0), x)
    expected = np.zeros_like(x)
    expected[:2, 0] = 1
    expected[:3, 1] = 1
    np.testing.assert_array_equal(g, expected)
    g = _grad(lambda d: nd.SequenceLast(d, lengths, use_sequence_length=True), x)
    expected = np.zeros_like(x)
    expected[1, 0] = 1
    expected[2, 1] = 1
    np.testing.assert_array_equal(g, expected)


# ---- inplace views of the reshaping methods, legacy element ops, slice assignment ------------------
# (values recorded from MXNet 1.9.1)

def test_reshaping_methods_inplace_share_storage():
    x = nd.arange(6).reshape(2, 3)
    y = x.flatten(inplace=True)
    y[:] = -1
    assert x.asnumpy().tolist() == [[-1.0] * 3] * 2
    x = nd.arange(6).reshape(1, 2, 3)
    s = x.squeeze(axis=0, inplace=True)
    s[0] = 7
    assert s.shape == (2, 3)
    assert x.asnumpy().tolist() == [[[7.0, 7.0, 7.0], [3.0, 4.0, 5.0]]]
    e = x.expand_dims(axis=-1, inplace=True)
    assert e.shape == (1, 2, 3, 1)
    e[0] = 2
    assert x.asnumpy().tolist() == [[[2.0] * 3] * 2]
    c = x.squeeze()            # the default is a copy
    c[:] = 0
    assert x.asnumpy().tolist() == [[[2.0] * 3] * 2]


def test_choose_and_fill_element_0index():
    a = nd.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    # choose_element_0index is pick: out-of-range indices clip, float indices truncate
    assert nd.choose_element_0index(a, nd.array([-1, 3, 1.7])).asnumpy().tolist() == [1.0, 6.0, 8.0]
    # fill_element_0index: an out-of-range index leaves its row unchanged
    out = nd.fill_element_0index(a, nd.array([7, 8, 9]), nd.array([-1, 3, 1.7]))
    assert out.asnumpy().tolist() == [[1, 2, 3], [4, 5, 6], [7, 9, 9]]
    with pytest.raises(MXNetError, match="fill_element_0index"):
        nd.fill_element_0index(a, nd.array([7, 8]), nd.array([0, 2]))


def test_slice_assign_and_crop_assign():
    x = nd.ones((2, 3, 4))
    y = nd._internal._slice_assign(x, nd.zeros((1, 3, 2)), begin=(1, None, None), end=(None, None, 4),
                                   step=(1, 1, 2))
    assert y.asnumpy()[1].tolist() == [[0, 1, 0, 1]] * 3 and y.asnumpy()[0].sum() == 12
    y = nd._internal._slice_assign_scalar(x, 3, (1, None, None), (None, None, 4))
    assert y.asnumpy().sum() == 12 + 36
    nd._internal._crop_assign(x, nd.zeros((2, 1, 3)), begin=(0, 0, 0), end=(2, 1, 3), out=x)
    assert x.asnumpy().sum() == 18
    x = nd.ones((2, 3, 4))
    nd._internal._crop_assign_scalar(x, scalar=5, begin=(0, 0, 0), end=(2, 1, 3), out=x)
    assert x.asnumpy().sum() == 18 + 6 * 5
    z = nd._internal._slice_assign_scalar(nd.array([[1, 2], [3, 4]], dtype="int32"), 2.7,
                                          begin=(None, 1), end=(None, None))
    assert z.dtype == np.int32 and z.asnumpy().tolist() == [[1, 2], [3, 2]]
    with pytest.raises(MXNetError, match="_slice_assign"):
        nd._internal._slice_assign(x, nd.zeros((2, 2, 3)), begin=(0, 0, 0), end=(2, 1, 3))


def test_moveaxis_sequences_and_errors():
    x = nd.zeros((3, 4, 5))
    assert nd.moveaxis(x, [0, 1], [-1, -2]).shape == (5, 4, 3)    # MXNet 1.9.1's docstring example
    assert nd.moveaxis(x, 0, 2).shape == (4, 5, 3)
    assert nd.moveaxis(x, -1, 0).shape == (5, 3, 4)
    a = np.arange(24).reshape(2, 3, 4)
    np.testing.assert_array_equal(nd.moveaxis(nd.array(a), (2, 0), (0, 1)).asnumpy(), np.moveaxis(a, (2, 0), (0, 1)))
    with pytest.raises(ValueError):
        nd.moveaxis(x, 3, 0)
    with pytest.raises(ValueError):
        nd.moveaxis(x, [0, 1], [0])


@pytest.mark.parametrize("src,spec,expected", [
    # recorded from MXNet 1.9.1: with reverse=True both lists are reversed as they are
    ((64,), (16, 4, -4), (16, 4)),
    ((64,), (16, -1, -4), (16, 4)),
    ((1, 2, 3, 64), (-2, -1, 16, -4), (1, 2, 3, 4, 16)),
])
def test_reshape_reverse_split(src, spec, expected):
    assert mx.nd.zeros(src).reshape(spec, reverse=True).shape == expected


@pytest.mark.parametrize("kwargs,expected", [
    # recorded from MXNet 1.9.1 (the deprecated target_shape / keep_highest arguments)
    (dict(target_shape=(2, 0)), (2, 12)),
    (dict(target_shape=(0, 3, 4)), (2, 3, 4)),
    (dict(target_shape=(5, 0), keep_highest=True), (2, 12)),
    (dict(target_shape=(3, 0, 2), keep_highest=True), (2, 6, 2)),
])
def test_reshape_legacy_target_shape(kwargs, expected):
    assert mx.nd.Reshape(mx.nd.zeros((2, 3, 4)), **kwargs).shape == expected
    assert mx.sym.Reshape(mx.sym.Variable("x"), **kwargs).infer_shape(x=(2, 3, 4))[1] == [expected]


@pytest.mark.parametrize("spec,out,src", [
    # recorded from MXNet 1.9.1: the unknown input dimension comes back from the output's shape
    ((2, -1), (2, 12), (0, 3, 4)),
    ((0, -1), (2, 12), (2, 0, 4)),
    ((-4, 1, 2, -2), (1, 2, 3, 4), (2, 0, 4)),
])
def test_reshape_infers_an_unknown_input_dimension(spec, out, src):
    net = mx.sym.elemwise_add(mx.sym.Variable("data").reshape(spec), mx.sym.ones(shape=out))
    args, outs, _ = net.infer_shape(data=src)
    assert outs == [out]
    assert args == [(2, 3, 4)]


@pytest.mark.parametrize("op,shape", [
    # MXNet 1.9.1 raises MXNetError for each (a 0 dimension is an unknown one there)
    ("depth_to_space", (1, 4, 0, 3)),
    ("depth_to_space", (1, 0, 2, 2)),
    ("space_to_depth", (1, 0, 4, 4)),
])
def test_depth_space_reject_zero_dimensions(op, shape):
    with pytest.raises(MXNetError, match="cannot be 0"):
        getattr(nd, op)(nd.empty(shape), 2)


@pytest.mark.parametrize("shape,expected", [
    # recorded from MXNet 1.9.1: the first index is the remaining quotient (no modulo)
    ((5, 3), [[6.0, 4.0, 2.0], [2.0, 2.0, 1.0]]),
    ((-1, 3), [[6.0, 4.0, 2.0], [2.0, 2.0, 1.0]]),
    ((-1, 3, 2), [[3.0, 2.0, 1.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
])
def test_unravel_index_leading_dimension(shape, expected):
    out = nd.unravel_index(nd.array([20, 14, 7]), shape=shape)
    np.testing.assert_array_equal(out.asnumpy(), expected)
