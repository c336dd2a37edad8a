"""``mx.sym.random``, ``mx.sym.contrib.rand_zipfian`` and ``nd._internal._sample_unique_zipfian``:
MXNet 1.9.1's node names, dispatch and shapes (recorded from MXNet 1.9.1); draws are checked by
their distribution properties (mxjax's numbers are JAX's, not MXNet's)."""
import numpy as np
import pytest

import mxjax as mx


def test_names_and_dispatch_as_mxnet():
    p = mx.sym.var("p")
    # MXNet 1.9.1: _random_uniform0 _random_normal0 _shuffle0 ['_sample_multinomial0_output']
    with mx.name.NameManager():   # fresh name counters (an xdist worker runs several files)
        assert mx.sym.random.uniform(0, 1, shape=(2,)).name == "_random_uniform0"
        assert mx.sym.random.randn(2, 3).name == "_random_normal0"
        assert mx.sym.random.shuffle(p).name == "_shuffle0"
        assert mx.sym.random.multinomial(p, shape=10, get_prob=False).list_outputs() == \
            ["_sample_multinomial0_output"]
        assert mx.sym.random.multinomial(p).list_outputs() == ["_sample_multinomial1_output0",
                                                               "_sample_multinomial1_output1"]
        assert mx.sym.random.normal(p, p).name == "_sample_normal0"
    with pytest.raises(AssertionError, match="must all have the same type"):
        mx.sym.random.uniform(p, 1)
    with pytest.raises(ValueError, match="either Symbol or numbers"):
        mx.sym.random.gamma("a", "b")


def test_sampler_shape_comes_from_its_consumer_and_each_forward_draws_anew():
    # MXNet 1.9.1: randn ignores a Symbol keyword (data=...), keeps shape () and infers it from x
    y = mx.sym.random.randn(loc=10.0, scale=0.5, data=mx.sym.ones((3, 4))) + mx.sym.var("x")
    assert y.list_arguments() == ["x"]
    assert y.infer_shape(x=(200, 300)) == ([(200, 300)], [(200, 300)], [])
    exe = y.bind(mx.cpu(), {"x": mx.nd.zeros((200, 300))})
    mx.random.seed(7)
    first = exe.forward()[0].asnumpy()
    second = exe.forward()[0].asnumpy()
    mx.random.seed(7)
    again = exe.forward()[0].asnumpy()
    assert abs(first.mean() - 10) < 0.01 and abs(first.std() - 0.5) < 0.01
    assert not np.array_equal(first, second)
    # the same draws; the third forward runs compiled, where XLA may fuse loc + scale * z
    np.testing.assert_allclose(first, again, rtol=1e-6)


def test_shuffle_and_multinomial_in_an_executor():
    a = mx.sym.var("a")
    exe = mx.sym.random.shuffle(a).bind(mx.cpu(), {"a": mx.nd.arange(50)})
    np.testing.assert_array_equal(np.sort(exe.forward()[0].asnumpy()), np.arange(50))
    samples = mx.sym.random.multinomial(mx.sym.var("p"), shape=20000, get_prob=False)
    exe = samples.bind(mx.cpu(), {"p": mx.nd.array([0.25, 0.75])})
    out = exe.forward()[0].asnumpy()
    assert out.dtype == np.int32 and abs(out.mean() - 0.75) < 0.02
    probs = mx.sym.random.multinomial(mx.sym.var("p"), shape=3)   # get_prob: MXNet's symbolic default
    drawn, log_p = probs.bind(mx.cpu(), {"p": mx.nd.array([0.25, 0.75])}).forward()
    np.testing.assert_allclose(log_p.asnumpy(), np.log([0.25, 0.75])[drawn.asnumpy()], rtol=1e-6)


def test_rand_zipfian_symbol():
    # MXNet 1.9.1: ['_modscalar0_output', '_mulscalar0_output', '_mulscalar1_output']
    true = mx.sym.var("true_classes")
    with mx.name.NameManager():   # fresh name counters (an xdist worker runs several files)
        out = mx.sym.Group(mx.sym.contrib.rand_zipfian(true, 1000, 20))
    assert out.list_outputs() == ["_modscalar0_output", "_mulscalar0_output", "_mulscalar1_output"]
    classes = mx.nd.array([0, 3, 19], dtype="int32")
    sampled, count_true, count_sampled = out.bind(mx.cpu(), {"true_classes": classes}).forward()
    assert sampled.dtype == np.int64 and count_true.dtype == np.float64
    expected = (np.log(np.arange(20) + 2.0) - np.log(np.arange(20) + 1.0)) / np.log(21) * 1000
    np.testing.assert_allclose(count_true.asnumpy(), expected[[0, 3, 19]], rtol=1e-12)
    np.testing.assert_allclose(count_sampled.asnumpy(), expected[sampled.asnumpy()], rtol=1e-12)
    counts = np.bincount(sampled.asnumpy(), minlength=20)
    assert abs(counts[0] - expected[0]) < 60


def test_sample_unique_zipfian():
    classes, trials = mx.nd._internal._sample_unique_zipfian(793472, shape=(4, 8192))
    assert classes.shape == (4, 8192) and trials.shape == (4,)
    assert classes.dtype == np.int64 and trials.dtype == np.int64
    for row in classes.asnumpy():
        assert np.unique(row).size == 8192 and row.min() >= 0 and row.max() < 793472
    assert np.all((trials.asnumpy() > 14500) & (trials.asnumpy() < 17000))   # MXNet's test bounds
    everything, tries = mx.nd._internal._sample_unique_zipfian(5, shape=(2, 5))
    np.testing.assert_array_equal(np.sort(everything.asnumpy(), axis=1), [[0, 1, 2, 3, 4]] * 2)
    assert np.all(tries.asnumpy() >= 5)
    with pytest.raises(mx.base.MXNetError, match="cannot exceed"):
        mx.nd._internal._sample_unique_zipfian(3, shape=(1, 4))
