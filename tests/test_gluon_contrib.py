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


def _set_seeded_params(net, x):
    r = np.random.RandomState(1)
    net(x)   # completes the deferred shapes
    for _, p in sorted(net.collect_params().items()):
        p.set_data(mx.nd.array(r.uniform(-0.5, 0.5, p.shape)))


def test_deformable_convolution_block_matches_mxnet():
    from mxjax.gluon.contrib.cnn import DeformableConvolution
    net = DeformableConvolution(4, kernel_size=3, padding=1, num_deformable_group=2)
    assert repr(net) == "DeformableConvolution(None -> 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    assert {k: v.shape for k, v in net.collect_params().items()} == {
        "deformable_conv0_offset_weight": (36, 0, 3, 3), "deformable_conv0_offset_bias": (36,),
        "deformable_conv0_deformable_conv_weight": (4, 0, 3, 3), "deformable_conv0_deformable_conv_bias": (4,)}
    net.initialize()
    x = mx.nd.array(np.random.RandomState(0).uniform(-1, 1, (2, 4, 7, 6)))
    _set_seeded_params(net, x)
    assert repr(net) == "DeformableConvolution(4 -> 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    with mx.autograd.record():
        y = net(x)
    y.backward()
    # recorded from MXNet 1.9.1: sum of the output and of each parameter's gradient (sorted by name)
    assert y.shape == (2, 4, 7, 6)
    np.testing.assert_allclose(y.sum().asscalar(), -32.73210906982422, rtol=1e-5)
    grads = [p.grad().sum().asscalar() for _, p in sorted(net.collect_params().items())]
    np.testing.assert_allclose(grads, [336.0, -194.32098388671875, -6.268031120300293, 39.94984817504883],
                               rtol=1e-5)


def test_modulated_deformable_convolution_block_matches_mxnet():
    from mxjax.gluon.contrib.cnn import ModulatedDeformableConvolution
    net = ModulatedDeformableConvolution(4, kernel_size=(3, 2), strides=2, activation="relu", groups=2,
                                         in_channels=4)
    assert repr(net) == "ModulatedDeformableConvolution(\n  (act): Activation(relu)\n)"
    assert list(net.collect_params()) == [
        "modulated_deformable_conv0_deformable_conv_weight", "modulated_deformable_conv0_deformable_conv_bias",
        "modulated_deformable_conv0_offset_weight", "modulated_deformable_conv0_offset_bias"]
    assert net.offset_weight.shape == (18, 2, 3, 2)
    net.initialize()
    x = mx.nd.array(np.random.RandomState(0).uniform(-1, 1, (2, 4, 7, 6)))
    _set_seeded_params(net, x)
    y = net(x)
    assert y.shape == (2, 4, 3, 3)
    expected = [[0.0, 0.0, 0.14343206584453583], [0.0, 0.0, 0.2844715416431427], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    np.testing.assert_allclose(y.asnumpy()[0, :, 1], expected, rtol=1e-5, atol=1e-6)
