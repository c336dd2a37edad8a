"""gluon.contrib.nn against MXNet 1.9.1 (values, parameter names and reprs recorded there)."""
import re

import numpy as np
import pytest

import mxjax as mx
from mxjax import nd
from mxjax.gluon import nn
from mxjax.gluon.contrib import nn as cnn


@pytest.mark.parametrize("hybridize", [False, True])
def test_hybrid_concurrent_with_identity(hybridize):
    net = cnn.HybridConcurrent(axis=1)
    with net.name_scope():
        net.add(nn.Dense(3, in_units=4), nn.Dense(2, in_units=4), cnn.Identity())
    net.initialize(mx.init.Constant(0.1))
    if hybridize:
        net.hybridize()
    x = np.arange(8).reshape(2, 4) / 8.0
    out = net(nd.array(x)).asnumpy()
    expected = np.concatenate([np.full((2, 3), 0.1 * x.sum(1, keepdims=True)),
                               np.full((2, 2), 0.1 * x.sum(1, keepdims=True)), x], 1)
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    assert re.fullmatch(r"hybridconcurrent\d+_", net.prefix)
    assert sorted(k[len(net.prefix):] for k in net.collect_params().keys()) == [   # MXNet 1.9.1
        "dense0_bias", "dense0_weight", "dense1_bias", "dense1_weight"]


def test_concurrent_concatenates_along_axis():
    net = cnn.Concurrent(axis=0)
    net.add(nn.Dense(4, in_units=4), cnn.Identity())
    net.initialize(mx.init.One())
    np.testing.assert_array_equal(net(nd.ones((1, 4))).asnumpy(), [[4, 4, 4, 4], [1, 1, 1, 1]])


@pytest.mark.parametrize("layer, shape, expected, text", [        # MXNet 1.9.1
    (cnn.PixelShuffle1D(2), (1, 4, 2), [[[0, 2, 1, 3], [4, 6, 5, 7]]], "PixelShuffle1D(2)"),
    (cnn.PixelShuffle2D((2, 1)), (1, 4, 1, 2), [[[[0, 1], [2, 3]], [[4, 5], [6, 7]]]], "PixelShuffle2D((2, 1))"),
    (cnn.PixelShuffle3D((1, 2, 1)), (1, 4, 1, 1, 2), [[[[[0, 1], [2, 3]]], [[[4, 5], [6, 7]]]]],
     "PixelShuffle3D((1, 2, 1))"),
])
def test_pixel_shuffle(layer, shape, expected, text):
    x = nd.array(np.arange(np.prod(shape)).reshape(shape))
    np.testing.assert_array_equal(layer(x).asnumpy(), expected)
    layer.hybridize()
    np.testing.assert_array_equal(layer(x).asnumpy(), expected)
    assert repr(layer) == text


def test_pixel_shuffle_2d_inverts_space_to_depth():
    x = np.random.RandomState(0).rand(2, 3 * 6, 4, 5)
    out = cnn.PixelShuffle2D((2, 3))(nd.array(x)).asnumpy()
    blocks = out.reshape(2, 3, 4, 2, 5, 3).transpose(0, 1, 3, 5, 2, 4).reshape(x.shape)
    np.testing.assert_allclose(blocks, x.astype(np.float32))


def test_sparse_embedding_rows_and_gradient():
    emb = cnn.SparseEmbedding(10, 3)
    emb.initialize(mx.init.Uniform(0.1))
    assert repr(emb) == "SparseEmbedding(10 -> 3, float32)"
    assert re.fullmatch(r"sparseembedding\d+_weight", list(emb.collect_params().keys())[0])
    mx.gluon.Trainer(emb.collect_params(), "sgd")      # row_sparse_data needs one, as in MXNet
    idx = nd.array([[1, 4], [4, 7]])
    with mx.autograd.record():
        out = emb(idx)
    out.backward()
    weight = emb.weight.row_sparse_data(nd.arange(10)).asnumpy()
    np.testing.assert_allclose(out.asnumpy(), weight[[[1, 4], [4, 7]]])
    grad = emb.weight.grad()
    assert grad.stype == "row_sparse"
    np.testing.assert_array_equal(grad.indices.asnumpy(), [1, 4, 7])
    np.testing.assert_array_equal(grad.asnumpy()[[1, 4, 7]], [[1] * 3, [2] * 3, [1] * 3])


def test_interval_sampler():
    sampler = mx.gluon.contrib.data.IntervalSampler(13, interval=3)
    assert list(sampler) == [0, 3, 6, 9, 12, 1, 4, 7, 10, 2, 5, 8, 11] and len(sampler) == 13
    sampler = mx.gluon.contrib.data.IntervalSampler(13, interval=3, rollover=False)
    assert list(sampler) == [0, 3, 6, 9, 12] and len(sampler) == 13      # MXNet's len
    with pytest.raises(AssertionError, match="Interval 5 must be smaller"):
        mx.gluon.contrib.data.IntervalSampler(4, 5)
