"""Gradient cases of the contrib FFT, count sketch and graph operators (ops/spectral.py, ops/graph.py)."""
import numpy as np

from mxjax import nd

from gradcheck import Case, fixed, uniform

U = uniform(-1.0, 1.0)

CASES = {
    "_contrib_fft": [Case((uniform(-1, 1, (2, 4)),), out_shape=(2, 8))],
    "_contrib_ifft": [Case((uniform(-1, 1, (2, 8)),), out_shape=(2, 4))],
    "_contrib_count_sketch": [Case((uniform(-1, 1, (2, 5)), fixed(np.array([[0, 2, 1, 0, 2]])),
                                    fixed(np.array([[1, -1, 1, 1, -1]]))), attrs=dict(out_dim=3), const=(1,),
                                   out_shape=(2, 3))],
    "_contrib_edge_id": [Case((uniform(0.5, 1.5, (3, 3)), fixed([0, 1, 2, 2]), fixed([1, 1, 0, 2])),
                              const=(1, 2), out_shape=(4,))],
}

_QUANTIZED = "MXNet registers no gradient for the quantization operators; mxjax stops it at their inputs"
_R = (fixed([-1.0]), fixed([2.0]))


def _range_output(name, **attrs):
    """The float32 max range output of a quantization operator (its integer data output has no
    cotangent to take)."""
    def call(*xs):
        return getattr(nd.op, name)(*xs, **attrs)[2]
    return call


NON_DIFFERENTIABLE = {
    "_contrib_quantize": (_QUANTIZED, Case((U,) + _R, call=_range_output("_contrib_quantize", out_type="int8"),
                                           out_dtype="float32")),
    "_contrib_quantize_v2": (_QUANTIZED, Case((U,), call=_range_output("_contrib_quantize_v2"), out_dtype="float32")),
    "_contrib_dequantize": (_QUANTIZED, Case((uniform(-100, 100),) + _R, out_dtype="float32")),
    "_contrib_requantize": (_QUANTIZED, Case((uniform(-100, 100),) + _R, call=_range_output("_contrib_requantize"),
                                             out_dtype="float32")),
    "_contrib_quantized_flatten": (_QUANTIZED, Case((uniform(-1, 1, (2, 3, 2)),) + _R,
                                                    call=lambda *xs: nd.op._contrib_quantized_flatten(*xs)[0])),
    "_contrib_quantized_act": (_QUANTIZED, Case(
        (U,) + _R, call=lambda *xs: nd.op._contrib_quantized_act(*xs, act_type="relu")[0])),
}

_R4 = _R + (fixed([-0.5]), fixed([0.5]))
NON_DIFFERENTIABLE.update({
    "_contrib_quantized_fully_connected": (_QUANTIZED, Case(
        (uniform(-100, 100, (2, 4)), uniform(-100, 100, (3, 4))) + _R4,
        call=_range_output("_contrib_quantized_fully_connected", num_hidden=3, no_bias=True), out_dtype="float32")),
    "_contrib_quantized_conv": (_QUANTIZED, Case(
        (uniform(0, 100, (1, 2, 4, 4)), uniform(-100, 100, (2, 2, 3, 3))) + _R4,
        call=_range_output("_contrib_quantized_conv", kernel=(3, 3), num_filter=2, no_bias=True),
        out_dtype="float32")),
    "_contrib_quantized_embedding": (_QUANTIZED, Case(
        (fixed([[0, 2], [1, 1]]), uniform(-1, 1, (3, 4))) + _R,
        call=lambda *xs: nd.op._contrib_quantized_embedding(*xs, input_dim=3, output_dim=4)[0])),
    "_contrib_quantized_pooling": (_QUANTIZED, Case(
        (uniform(-100, 100, (1, 2, 4, 4)),) + _R,
        call=lambda *xs: nd.op._contrib_quantized_pooling(*xs, kernel=(2, 2), stride=(2, 2), pool_type="avg")[0])),
})
NON_DIFFERENTIABLE.update({
    "_contrib_quantized_concat": (_QUANTIZED, Case(
        (uniform(-100, 100, (2, 3)), uniform(-100, 100, (2, 2))) + _R4,
        call=_range_output("_contrib_quantized_concat", num_args=2), out_dtype="float32")),
    "_contrib_quantized_elemwise_mul": (_QUANTIZED, Case(
        (uniform(-100, 100), uniform(-100, 100)) + _R4,
        call=lambda *xs: nd.op._contrib_quantized_elemwise_mul(*xs, enable_float_output=True), out_dtype="float32")),
})

_PROPOSAL = "region proposals: boxes selected by sorting and NMS; MXNet registers no gradient"
_RPN = dict(scales=(2.0,), ratios=(1.0,), feature_stride=4, rpn_pre_nms_top_n=8, rpn_post_nms_top_n=4, rpn_min_size=1)
NON_DIFFERENTIABLE.update({
    "_contrib_Proposal": (_PROPOSAL, Case((uniform(0, 1, (1, 2, 2, 3)), uniform(-0.2, 0.2, (1, 4, 2, 3)),
                                          fixed([[8, 12, 1]])), attrs=_RPN, out_dtype="float32")),
    "_contrib_MultiProposal": (_PROPOSAL, Case((uniform(0, 1, (2, 2, 2, 3)), uniform(-0.2, 0.2, (2, 4, 2, 3)),
                                               fixed([[8, 12, 1], [6, 9, 1]])), attrs=_RPN, out_dtype="float32")),
})

SPECIAL_BACKWARD = {
    # its gradient adds a penalty computed from the batch mean, held constant as in MXNet (no
    # derivative of the penalty): finite differences of the forward cannot check it
    "IdentityAttachKLSparseReg": "tests/test_contrib_ops.py::test_identity_attach_kl_sparse_reg_matches_mxnet",
}
