"""Gradient cases of the scan, index-arithmetic, image and attention operators (cumsum, khatri_rao,
ravel/unravel_index, histogram, LRN, MakeLoss, SVMOutput, im2col/col2im, AdaptiveAvgPooling2D,
BilinearResize2D, box_encode/box_decode, GridGenerator, BilinearSampler, SpatialTransformer,
Crop, the interleaved attention matmuls); merged into tests/test_op_gradients.py."""
from mxjax import nd

from gradcheck import Case, fixed, uniform

U = uniform(-1.0, 1.0)
IMG = uniform(-1.0, 1.0, (1, 2, 4, 5))
_CORNERS = fixed([[[0.1, 0.1, 0.5, 0.6], [0.2, 0.3, 0.4, 0.9], [0.0, 0.0, 1.0, 1.0]]])
_OUTPUT_LAYER = "gradient grad_scale (normalized), head gradient ignored, as MXNet; tests/test_vision_ops.py"

CASES = {
    "cumsum": [Case((U,), attrs=dict(axis=1)), Case((U,), label="flattened", out_shape=(6,))],
    "khatri_rao": [Case((U, uniform(-1.0, 1.0, (4, 3))), out_shape=(8, 3))],
    "LRN": [Case((uniform(0.2, 1.5, (1, 4, 2, 2)),), attrs=dict(nsize=3, alpha=0.1, knorm=1.0))],
    "im2col": [Case((IMG,), attrs=dict(kernel=(2, 3), stride=(1, 2), pad=(1, 0)))],
    "col2im": [Case((uniform(-1.0, 1.0, (1, 8, 12)),), attrs=dict(output_size=(4, 5), kernel=(2, 2)))],
    "_contrib_AdaptiveAvgPooling2D": [Case((IMG,), attrs=dict(output_size=(3, 2)))],
    "GridGenerator": [Case((uniform(-1.0, 1.0, (2, 6)),), attrs=dict(transform_type="affine", target_shape=(3, 4))),
                      Case((uniform(-2.0, 2.0, (1, 2, 3, 4)),), attrs=dict(transform_type="warp"), label="warp")],
    "BilinearSampler": [Case((IMG, uniform(-0.9, 0.9, (1, 2, 3, 2))))],
    "SpatialTransformer": [Case((IMG, fixed([[0.8, 0.1, -0.13, -0.1, 0.7, 0.21]])),
                                attrs=dict(target_shape=(3, 2), transform_type="affine", sampler_type="bilinear"))],
    "Crop": [Case((IMG,), attrs=dict(h_w=(2, 3), offset=(1, 1)))],
    "_contrib_BilinearResize2D": [Case((IMG,), attrs=dict(height=6, width=3)),
                                  Case((IMG,), attrs=dict(height=3, width=7, align_corners=False),
                                       label="pixel centres")],
}

NON_DIFFERENTIABLE = {
    "ravel_multi_index": ("integer-valued index output", Case((fixed([[1, 2, 0], [3, 0, 4]]),), attrs=dict(shape=(3, 5)))),
    "_histogram": ("counts of values and bin edges", Case((U,), call=lambda x: nd.histogram(x, bins=3, range=(-1, 1))[1],
                                                         out_dtype="float64")),
    "unravel_index": ("integer-valued index output", Case((fixed([7, 0, 14]),), attrs=dict(shape=(3, 5)))),
    "_contrib_box_decode": ("MXNet: MakeZeroGradNodes", Case((uniform(-1.0, 1.0, (2, 3, 4)), _CORNERS),
                                                              attrs=dict(format="corner"))),
    "_contrib_box_encode": ("MXNet: MakeZeroGradNodes",
                            Case((fixed([[1, -1, 1]]), fixed([[0, 1, 1]]), _CORNERS,
                                  fixed([[[0.15, 0.1, 0.5, 0.7], [0.1, 0.35, 0.6, 0.8]]]), fixed([0.0, 0, 0, 0]),
                                  fixed([0.1, 0.1, 0.2, 0.2])), call=lambda *xs: nd.contrib.box_encode(*xs)[0])),
}

SPECIAL_BACKWARD = {"MakeLoss": _OUTPUT_LAYER, "make_loss": _OUTPUT_LAYER, "SVMOutput": _OUTPUT_LAYER}

_QKV = uniform(-1.0, 1.0, (3, 2, 12))      # L=3, batch 2, heads 2, head_dim 2
_ATT = uniform(0.0, 1.0, (4, 3, 3))
CASES.update({
    "_contrib_interleaved_matmul_selfatt_qk": [Case((_QKV,), attrs=dict(heads=2))],
    "_contrib_interleaved_matmul_selfatt_valatt": [Case((_QKV, _ATT), attrs=dict(heads=2))],
    "_contrib_interleaved_matmul_encdec_qk": [Case((uniform(-1.0, 1.0, (3, 2, 4)), uniform(-1.0, 1.0, (2, 2, 8))),
                                                   attrs=dict(heads=2))],
    "_contrib_interleaved_matmul_encdec_valatt": [Case((uniform(-1.0, 1.0, (2, 2, 8)), uniform(0.0, 1.0, (4, 3, 2))),
                                                       attrs=dict(heads=2))],
})

_STATS = (uniform(-1.0, 1.0, (2, 3, 2)), uniform(0.5, 1.5, (3,)), uniform(-0.5, 0.5, (3,)), uniform(-0.2, 0.2, (3,)),
          uniform(0.5, 1.5, (3,)))
CASES.update({
    "multi_sum_sq": [Case((U, uniform(-1.0, 1.0, (4,))), attrs=dict(num_arrays=2), out_dtype="float32",
                          rtol=1e-3, atol=1e-4, eps=1e-3)],
    "amp_multicast": [Case((U, uniform(-1.0, 1.0, (3,))), call=lambda a, b: nd.amp_multicast(a, b, num_outputs=2)[1])],
    "batch_take": [Case((uniform(-1.0, 1.0, (3, 4)), fixed([3, 0, 2])), const=(1,))],
    "_contrib_BatchNormWithReLU": [Case(_STATS, attrs=dict(fix_gamma=False), const=(3, 4), train=True)],
    "_contrib_SyncBatchNorm": [Case(_STATS, attrs=dict(fix_gamma=False, key="k"), const=(3, 4), train=True)],
})
NON_DIFFERENTIABLE.update({
    "all_finite": ("a 0/1 flag", Case((U,), out_dtype="float32")),
    "multi_all_finite": ("a 0/1 flag", Case((U, U), attrs=dict(num_arrays=2), out_dtype="float32")),
})

SPECIAL_BACKWARD["reset_arrays"] = ("writes zeros into its inputs and returns nothing to differentiate; "
                                    "tests/test_gluon_parameter_storage.py")
CASES.update({
    "_image_normalize": [Case((uniform(-1.0, 1.0, (3, 2, 2)),), attrs=dict(mean=(0.1, 0.2, 0.3), std=(0.5, 1.0, 2.0))),
                         Case((uniform(-1.0, 1.0, (2, 1, 2, 2)),), attrs=dict(mean=0.5, std=2.0), label="batch")],
    # float32 output whatever the input (as MXNet): a step of 1 keeps the linear map's differences exact
    "_image_to_tensor": [Case((uniform(0.0, 255.0, (2, 2, 3)),), out_dtype="float32", eps=1.0, rtol=1e-4)],
})
