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
    "_contrib_quantized_act": (_QUANTIZED, Case((U,) + _R, attrs=dict(act_type="relu"),
                                                call=lambda *xs: nd.op._contrib_quantized_act(*xs, act_type="relu")[0])),
}
