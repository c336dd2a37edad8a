"""Gradient cases for the neural-network family (nn.py, conv.py, norm.py, loss.py).

Activation, softmax, log_softmax, FullyConnected, Dropout, LeakyReLU and smooth_l1 have their
cases in test_op_gradients.py (they predate this module); prelu's gamma and softmax's length
input are checked in tests/test_nn_ops.py.

Inputs are drawn away from ties and kinks: max pooling and ROI pooling on distinct values,
Lp pooling on positive values.  BatchNorm writes its moving statistics into its inputs in
training mode, so its cases pass copies of them (the originals must keep their gradient
buffers); moving statistics get a zero gradient, as in MXNet.

SPECIAL_BACKWARD: operators whose backward is by design not the derivative of their forward
(MXNet's output layers).  Finite differences do not apply and the gradient is not zero, so
they fit neither CASES nor NON_DIFFERENTIABLE; tests/test_nn_ops.py checks their gradients
against numbers recorded from MXNet 1.9.1, and their second order against finite differences
of that gradient.
"""
import numpy as np

from mxjax import nd

from gradcheck import Case, fixed, uniform


def _distinct(shape, lo=-1.0, hi=1.0, gap=0.05, seed_shift=0):
    """A random permutation of evenly spaced values: no two closer than ``gap`` * range / n."""
    def gen(rng):
        n = int(np.prod(shape))
        vals = np.linspace(lo, hi, n) + rng.uniform(-gap, gap, n) * (hi - lo) / n
        return rng.permutation(vals).reshape(shape)
    return gen


def _bn_copy(**attrs):
    def call(x, gamma, beta, mean, var):
        return nd.BatchNorm(x, gamma, beta, mean.copy(), var.copy(), **attrs)
    return call


def _bn_v1_copy(**attrs):
    def call(x, gamma, beta, mean, var):
        return nd.BatchNorm_v1(x, gamma, beta, mean.copy(), var.copy(), **attrs)
    return call


def _ctc_with_lengths(data, label, data_lengths, label_lengths):
    return nd.CTCLoss(data, label, data_lengths, label_lengths, use_data_lengths=True, use_label_lengths=True)


U = uniform(-1.0, 1.0)
BN_INPUTS = (uniform(-1, 1, (4, 2, 3)), uniform(0.5, 1.5, (2,)), uniform(-1, 1, (2,)), uniform(-0.5, 0.5, (2,)),
             uniform(0.5, 1.5, (2,)))

CASES = {
    "softmin": [
        Case((uniform(-2, 2),)),
        Case((uniform(-2, 2, (2, 3, 2)),), attrs=dict(axis=1, temperature=2.0), label="axis temperature"),
    ],
    "SoftmaxActivation": [
        Case((uniform(-2, 2, (2, 3, 2)),), label="instance"),
        Case((uniform(-2, 2, (2, 3, 2)),), attrs=dict(mode="channel"), label="channel"),
    ],
    "Embedding": [
        Case((fixed([[0, 3], [1, 3]]), uniform(-1, 1, (4, 3))), attrs=dict(input_dim=4, output_dim=3),
             const=(0,), out_shape=(2, 2, 3)),
    ],
    "_contrib_SparseEmbedding": [
        Case((fixed([[0, 3], [1, 3]]), uniform(-1, 1, (4, 3))), attrs=dict(input_dim=4, output_dim=3),
             const=(0,), out_shape=(2, 2, 3)),
    ],
    "Convolution": [
        Case((uniform(-1, 1, (1, 2, 3, 3)), uniform(-1, 1, (2, 2, 2, 2)), uniform(-1, 1, (2,))),
             attrs=dict(kernel=(2, 2), num_filter=2, pad=(1, 0)), label="2d pad", out_shape=(1, 2, 4, 2)),
        Case((uniform(-1, 1, (2, 4, 5)), uniform(-1, 1, (2, 2, 2))),
             attrs=dict(kernel=(2,), num_filter=2, num_group=2, stride=(2,), dilate=(2,), no_bias=True),
             label="1d groups stride dilate", out_shape=(2, 2, 2)),
    ],
    "Deconvolution": [
        Case((uniform(-1, 1, (1, 2, 2, 2)), uniform(-1, 1, (2, 2, 2, 2))),
             attrs=dict(kernel=(2, 2), num_filter=2, stride=(2, 2)), label="stride", out_shape=(1, 2, 4, 4)),
        Case((uniform(-1, 1, (1, 2, 3)), uniform(-1, 1, (2, 2, 3)), uniform(-1, 1, (4,))),
             attrs=dict(kernel=(3,), num_filter=4, num_group=2, stride=(2,), pad=(1,), adj=(1,), no_bias=False),
             label="1d groups pad adj bias", out_shape=(1, 4, 6)),
    ],
    "Pooling": [
        Case((_distinct((1, 2, 4, 4)),), attrs=dict(kernel=(2, 2), stride=(2, 2)), label="max",
             out_shape=(1, 2, 2, 2)),
        Case((_distinct((1, 1, 5, 4)),), attrs=dict(kernel=(3, 2), stride=(2, 2), pad=(1, 1),
                                                    pooling_convention="full"), label="max full pad",
             out_shape=(1, 1, 3, 3)),
        Case((U,), call=lambda x: nd.Pooling(x.reshape((1, 2, 3)), kernel=(2,), pool_type="avg", pad=(1,),
                                             count_include_pad=False), label="avg 1d exclude pad",
             out_shape=(1, 2, 4)),
        Case((uniform(-1, 1, (1, 1, 3, 3)),), attrs=dict(kernel=(2, 2), pool_type="avg", pad=(1, 1), stride=(2, 2)),
             label="avg pad", out_shape=(1, 1, 2, 2)),
        Case((uniform(-1, 1, (1, 1, 2, 2, 3)),), attrs=dict(kernel=(1, 2, 2), pool_type="sum"), label="sum 3d",
             out_shape=(1, 1, 2, 1, 2)),
        Case((uniform(0.5, 1.5, (1, 2, 2, 3)),), attrs=dict(kernel=(2, 2), pool_type="lp", p_value=2),
             label="lp2", out_shape=(1, 2, 1, 2)),
        Case((uniform(0.5, 1.5, (1, 2, 2, 3)),), attrs=dict(kernel=(2, 2), pool_type="lp", p_value=3),
             label="lp3", out_shape=(1, 2, 1, 2)),
        Case((uniform(-1, 1, (2, 3, 2)),), attrs=dict(global_pool=True, pool_type="avg"), label="global avg",
             out_shape=(2, 3, 1)),
        Case((_distinct((1, 3, 2, 2)),), attrs=dict(kernel=(2, 2), layout="NHWC"), label="max NHWC",
             out_shape=(1, 2, 1, 2)),
    ],
    "UpSampling": [
        Case((uniform(-1, 1, (1, 2, 2, 2)),), attrs=dict(scale=2, sample_type="nearest"), label="nearest",
             out_shape=(1, 2, 4, 4)),
        Case((uniform(-1, 1, (1, 1, 2, 2)), uniform(-1, 1, (1, 2, 1, 1))),
             attrs=dict(scale=2, sample_type="nearest", num_args=2), label="nearest concat", out_shape=(1, 3, 4, 4)),
        Case((uniform(-1, 1, (1, 2, 2, 2)), uniform(-1, 1, (2, 1, 4, 4))),
             attrs=dict(scale=2, sample_type="bilinear", num_filter=2, num_args=2), label="bilinear",
             out_shape=(1, 2, 4, 4)),
    ],
    "ROIPooling": [
        Case((_distinct((2, 1, 4, 5)), fixed([[0, 0, 0, 3, 2], [1, 1.4, 0.6, 4, 3]])),
             attrs=dict(pooled_size=(2, 2), spatial_scale=1.0), const=(1,), out_shape=(2, 1, 2, 2)),
    ],
    "BatchNorm": [
        Case(BN_INPUTS, call=_bn_copy(fix_gamma=False), train=True, const=(3, 4), label="train"),
        Case(BN_INPUTS, call=_bn_copy(), train=True, const=(1, 3, 4), label="train fix_gamma"),
        Case(BN_INPUTS, call=_bn_copy(fix_gamma=False), const=(3, 4), label="predict"),
        Case(BN_INPUTS, call=lambda *xs: _bn_copy(fix_gamma=False, output_mean_var=True)(*xs)[2], train=True,
             const=(3, 4), label="inverse std output", out_shape=(2,)),
    ],
    "BatchNorm_v1": [
        Case(BN_INPUTS, call=_bn_v1_copy(fix_gamma=False), train=True, const=(3, 4), label="train"),
        Case(BN_INPUTS, call=_bn_v1_copy(fix_gamma=False), const=(3, 4), label="predict"),
    ],
    "LayerNorm": [
        Case((U, uniform(0.5, 1.5, (3,)), uniform(-1, 1, (3,))), out_shape=(2, 3)),
        Case((uniform(-1, 1, (3, 2, 2)), uniform(0.5, 1.5, (3,)), uniform(-1, 1, (3,))),
             call=lambda *xs: nd.LayerNorm(*xs, axis=0, output_mean_var=True)[2], label="std output",
             out_shape=(1, 2, 2)),
    ],
    "InstanceNorm": [
        Case((uniform(-1, 1, (2, 2, 3)), uniform(0.5, 1.5, (2,)), uniform(-1, 1, (2,)))),
    ],
    "GroupNorm": [
        Case((uniform(-1, 1, (2, 4, 2)), uniform(0.5, 1.5, (2,)), uniform(-1, 1, (2,))), attrs=dict(num_groups=2)),
    ],
    "L2Normalization": [
        Case((uniform(-1, 1, (2, 2, 3)),), label="instance"),
        Case((uniform(-1, 1, (2, 2, 3)),), attrs=dict(mode="channel"), label="channel"),
        Case((uniform(-1, 1, (2, 2, 3)),), attrs=dict(mode="spatial"), label="spatial"),
    ],
    "softmax_cross_entropy": [
        Case((uniform(-2, 2, (3, 4)), fixed([1, 0, 3])), const=(1,), out_shape=(1,)),
    ],
    "CTCLoss": [
        Case((uniform(-1, 1, (3, 2, 3)), fixed([[1, 2], [2, 0]])), const=(1,), out_shape=(2,)),
        Case((uniform(-1, 1, (3, 1, 3)), fixed([[0, 0]])), attrs=dict(blank_label="last"), const=(1,),
             label="blank last repeat", out_shape=(1,)),
        Case((uniform(-1, 1, (3, 2, 3)), fixed([[1, 2], [2, 1]]), fixed([3, 2]), fixed([2, 1])),
             call=_ctc_with_lengths, const=(1, 2, 3), label="lengths", out_shape=(2,)),
    ],
}

_OUTPUT_LAYER = ("MXNet-defined backward: checked against recorded MXNet gradients in tests/test_nn_ops.py")

SPECIAL_BACKWARD = {
    "SoftmaxOutput": _OUTPUT_LAYER,
    "LinearRegressionOutput": _OUTPUT_LAYER,
    "LogisticRegressionOutput": _OUTPUT_LAYER,
    "MAERegressionOutput": _OUTPUT_LAYER,
    "Custom": "the user's CustomOp.backward: checked (finite differences, MXNet's numbers) in tests/test_custom_op.py",
}


# deformable convolutions: offsets with fractional parts away from bilinear sampling's integer kinks
_DCN = dict(kernel=(3, 3), num_filter=2, pad=(1, 1))
CASES.update({
    "_contrib_DeformableConvolution": [
        Case((uniform(-1, 1, (1, 2, 4, 4)), uniform(0.2, 0.8, (1, 18, 4, 4)), uniform(-1, 1, (2, 2, 3, 3)),
              uniform(-1, 1, (2,))), attrs=_DCN)],
    "_contrib_ModulatedDeformableConvolution": [
        Case((uniform(-1, 1, (1, 2, 4, 4)), uniform(-0.8, -0.2, (1, 18, 4, 4)), uniform(0, 1, (1, 9, 4, 4)),
              uniform(-1, 1, (2, 2, 3, 3)), uniform(-1, 1, (2,))), attrs=_DCN)],
})
CASES.update({
    "Correlation": [
        Case((uniform(-1, 1, (1, 2, 5, 5)), uniform(-1, 1, (1, 2, 5, 5))),
             attrs=dict(kernel_size=3, max_displacement=1, pad_size=1)),
        Case((uniform(-1, 1, (1, 2, 4, 4)), uniform(2, 3, (1, 2, 4, 4))),
             attrs=dict(max_displacement=1, stride1=2, pad_size=1, is_multiply=False), label="subtract"),
    ],
})
CASES.update({
    "_contrib_PSROIPooling": [
        Case((uniform(-1, 1, (1, 8, 5, 6)), fixed([[0, 0.6, 1.4, 4.2, 3.6], [0, 2, 0, 5, 4]])), const=(1,),
             attrs=dict(spatial_scale=1.0, output_dim=2, pooled_size=2))],
})
CASES.update({
    "_contrib_RROIAlign": [
        Case((uniform(-1, 1, (1, 2, 5, 6)), fixed([[0, 2.3, 2.2, 3.1, 2.6, 30], [0, 3.1, 2.4, 2.5, 3.3, -65]])),
             const=(1,), attrs=dict(pooled_size=(2, 2), spatial_scale=1.0, sampling_ratio=2))],
})
