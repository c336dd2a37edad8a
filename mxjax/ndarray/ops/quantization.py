"""Int8/uint8 quantization operators: ``nd.contrib.quantize``, ``quantize_v2``, ``dequantize``,
``requantize`` and the quantized layers ``quantized_flatten``, ``quantized_act``,
``quantized_embedding``, ``quantized_pooling``, ``quantized_fully_connected``, ``quantized_conv``.

A quantized tensor travels with its float32 range: (data, min, max), each range a (1,) array.
The arithmetic is that of MXNet 1.9.1's CPU build (its oneDNN kernels, which the pip packages
run): a float32 product ``x * scale`` rounded half to even and saturated to the integer type's
full range, with

* ``quantize``:     scale = 127 (int8) or 255 (uint8) / max(|min|, |max|);
* ``quantize_v2``:  scale = 127.5 (int8) or 255.5 (uint8) / max(|min|, |max|), the range being
  the calibration range or else the data's own min and max;
* ``dequantize``:   x * (max(|min|, |max|) / 127.5 (int8), 255.5 (uint8), 2^31 (int32));
* ``requantize``:   int32 -> int8/uint8 by (range / 2^31) * (127 or 255 / calibrated range).

The output range is (-r, r) for int8 results and the input range (quantize, quantize_v2) or
(0, r) (requantize) for uint8 ones.  ``out_type='auto'`` is uint8 when a calibration range
with min >= 0 is given, int8 otherwise.  MXNet registers no gradient for these; mxjax stops
the gradient at their inputs (every input gets a zero gradient).
"""
import jax.numpy as jnp
import numpy as np

from jax import lax

from ..registry import REQUIRED, register
from .nn import _error

_F32 = np.float32
_LIMITS = {"int8": (-128, 127), "uint8": (0, 255)}


def _scalar(a):
    return a.reshape(-1)[0].astype(_F32)


def _max_abs(lo, hi):
    return jnp.maximum(jnp.abs(lo), jnp.abs(hi))


def _saturate(x, scale, out_type):
    """oneDNN's reorder to an integer type: round(x * scale) half to even, saturated."""
    lo, hi = _LIMITS[out_type]
    return jnp.clip(jnp.round(x.astype(_F32) * scale), lo, hi).astype(out_type)


def _range_out(out_type, lo, hi, real):
    if out_type == "int8":
        return (-real).reshape(1), real.reshape(1)
    return jnp.reshape(lo, (1,)).astype(_F32), jnp.reshape(hi, (1,)).astype(_F32)


def _auto(out_type, min_calib_range, max_calib_range):
    if out_type != "auto":
        return out_type
    calibrated = min_calib_range is not None and max_calib_range is not None
    return "uint8" if calibrated and min_calib_range >= 0 else "int8"


def _check_out_type(op, out_type, allowed):
    if out_type not in allowed:
        raise _error(op, f"out_type must be one of {', '.join(allowed)}, got {out_type!r}")


@register("_contrib_quantize", inputs=("data", "min_range", "max_range"), attrs=dict(out_type="uint8"))
def _quantize(data, min_range, max_range, *, out_type):
    """Quantize float32 ``data`` with the range [min_range, max_range] into int8 or uint8;
    returns (quantized, min, max)."""
    _check_out_type("quantize", out_type, ("int8", "uint8"))
    data, min_range, max_range = lax.stop_gradient((data, min_range, max_range))
    lo, hi = _scalar(min_range), _scalar(max_range)
    real = _max_abs(lo, hi)
    scale = _F32(127 if out_type == "int8" else 255) / real
    return (_saturate(data, scale, out_type),) + _range_out(out_type, lo, hi, real)


@register("_contrib_quantize_v2", attrs=dict(out_type="int8", min_calib_range=None, max_calib_range=None))
def _quantize_v2(data, *, out_type, min_calib_range, max_calib_range):
    """Quantize float32 ``data`` into int8/uint8 with the calibration range, or the data's own
    min and max when there is none; returns (quantized, min, max).  int8/uint8 data passes
    through with the calibration range (or the type's range)."""
    _check_out_type("quantize_v2", out_type, ("auto", "int8", "uint8"))
    data = lax.stop_gradient(data)
    calibrated = min_calib_range is not None and max_calib_range is not None
    if np.dtype(data.dtype) in (np.dtype(np.int8), np.dtype(np.uint8)):
        if calibrated:
            lo, hi = _F32(min_calib_range), _F32(max_calib_range)
        else:
            lo, hi = (_F32(0), _F32(255.5)) if data.dtype == jnp.uint8 else (_F32(-127.5), _F32(127.5))
        return data, jnp.full((1,), lo, _F32), jnp.full((1,), hi, _F32)
    out_type = _auto(out_type, min_calib_range, max_calib_range)
    if calibrated:
        lo, hi = jnp.asarray(_F32(min_calib_range)), jnp.asarray(_F32(max_calib_range))
    else:
        lo, hi = jnp.min(data).astype(_F32), jnp.max(data).astype(_F32)
    real = _max_abs(lo, hi)
    scale = _F32(127.5 if out_type == "int8" else 255.5) / real
    return (_saturate(data, scale, out_type),) + _range_out(out_type, lo, hi, real)


@register("_contrib_dequantize", inputs=("data", "min_range", "max_range"), attrs=dict(out_type="float32"))
def _dequantize(data, min_range, max_range, *, out_type):
    """int8/uint8/int32 ``data`` with its range back to float32."""
    _check_out_type("dequantize", out_type, ("float32",))
    data, min_range, max_range = lax.stop_gradient((data, min_range, max_range))
    real = _max_abs(_scalar(min_range), _scalar(max_range))
    quantized = {np.dtype("int8"): _F32(127.5), np.dtype("uint8"): _F32(255.5)}.get(np.dtype(data.dtype),
                                                                                     _F32(2.0 ** 31))
    return data.astype(_F32) * (real / quantized)


@register("_contrib_requantize", inputs=("data", "min_range", "max_range"),
          attrs=dict(out_type="int8", min_calib_range=None, max_calib_range=None))
def _requantize(data, min_range, max_range, *, out_type, min_calib_range, max_calib_range):
    """int32 ``data`` (with its float range) to int8/uint8, into the calibration range or else
    the range the data's largest magnitude spans; returns (quantized, min, max).  mxjax differs
    without calibration when max |data| rounds to 2^31 in float32: MXNet's cast of it back to
    int32 overflows there and negates the result."""
    _check_out_type("requantize", out_type, ("auto", "int8", "uint8"))
    data, min_range, max_range = lax.stop_gradient((data, min_range, max_range))
    out_type = _auto(out_type, min_calib_range, max_calib_range)
    first_real = _max_abs(_scalar(min_range), _scalar(max_range))
    src_range = _F32(2.0 ** 31)
    if min_calib_range is not None and max_calib_range is not None:
        real = jnp.asarray(max(abs(_F32(min_calib_range)), abs(_F32(max_calib_range))), _F32)
    else:
        data_range = jnp.max(jnp.abs(data.astype(_F32)))
        real = data_range * first_real / src_range
    second = _F32(127 if out_type == "int8" else 255) / real
    out = _saturate(data, (first_real / src_range) * second, out_type)
    if out_type == "int8":
        return out, (-real).reshape(1), real.reshape(1)
    return out, jnp.zeros((1,), _F32), real.reshape(1)


@register("_contrib_quantized_flatten", inputs=("data", "min_data", "max_data"))
def _quantized_flatten(data, min_data, max_data):
    """Flatten quantized ``data`` to 2-D (batch, rest); the range passes through."""
    return lax.stop_gradient((data.reshape(data.shape[0], -1), min_data, max_data))


@register("_contrib_quantized_act", inputs=("data", "min_data", "max_data"), attrs=dict(act_type=REQUIRED))
def _quantized_act(data, min_data, max_data, *, act_type):
    """ReLU on quantized int8/uint8 data (MXNet supports act_type='relu' only); the range passes
    through.  mxjax differs for uint8 data, which it returns unchanged as uint8: MXNet 1.9.1's CPU
    kernel returns its bytes reinterpreted as int8."""
    if act_type != "relu":
        raise _error("quantized_act", "_contrib_quantized_act only supports act_type=relu for now")
    return lax.stop_gradient((jnp.maximum(data, jnp.zeros((), data.dtype)), min_data, max_data))


def _level(lo, hi, dtype, all_sign):
    """MXNet's FloatForOneQuantizedLevel: the float value of one integer step."""
    steps = _F32(255 if dtype == np.uint8 and not all_sign else 127)
    return _max_abs(lo, hi) / steps


def _product_range(data, ranges, all_sign):
    """QuantizationRangeForMultiplication: the int32 output range of an int8/uint8 product,
    (-m, m) with m = one data level * one weight level * 2^31."""
    a = _level(_scalar(ranges[0]), _scalar(ranges[1]), np.dtype(data.dtype), all_sign)
    b = _level(_scalar(ranges[2]), _scalar(ranges[3]), np.dtype(np.int8), True)
    m = (a * b) * _F32(2.0 ** 31)
    return (-m).reshape(1), m.reshape(1)


def _bias_inputs(op, arrays, no_bias, n_ranges):
    """Split a quantized layer's inputs: data, weight[, bias], then the (min, max) pairs."""
    n = 2 if no_bias else 3
    if len(arrays) != n + n_ranges:
        names = "data, weight, " + ("" if no_bias else "bias, ") + "and the min/max of each"
        raise _error(op, f"expected {n + n_ranges} inputs ({names}), got {len(arrays)}")
    return arrays[0], arrays[1], (None if no_bias else arrays[2]), arrays[n:]


@register("_contrib_quantized_fully_connected", inputs=(), variadic=True,
          attrs=dict(num_hidden=REQUIRED, no_bias=False, flatten=True))
def _quantized_fully_connected(*arrays, num_hidden, no_bias, flatten):
    """int8/uint8 data times int8 weight (num_hidden, k) into int32, exactly; inputs are data,
    weight[, bias], min_data, max_data, min_weight, max_weight[, min_bias, max_bias].  The int8
    bias enters as trunc(bias * data_scale * weight_scale * max|bias range| / 127.5) with
    data_scale = 127.5 (int8) or 255.5 (uint8) / max|data range|, weight_scale = 127.5 /
    max|weight range|, as MXNet's oneDNN kernel.  Returns (out, min_out, max_out).

    mxjax's product is exact; MXNet's oneDNN kernels on CPUs without AVX512-VNNI sum adjacent
    u8 x s8 products in saturating int16 (int8 data shifted by +128), so there its result
    differs where such a pair sum leaves [-32768, 32767]."""
    data, weight, bias, ranges = _bias_inputs("quantized_fully_connected", lax.stop_gradient(arrays), no_bias,
                                              4 if no_bias else 6)
    x = data.reshape(data.shape[0], -1) if flatten else data
    out = jnp.matmul(x.astype(jnp.int32), weight.astype(jnp.int32).T)
    if bias is not None:
        data_scale = _F32(127.5 if np.dtype(data.dtype) == np.int8 else 255.5) / _max_abs(_scalar(ranges[0]),
                                                                                          _scalar(ranges[1]))
        weight_scale = _F32(127.5) / _max_abs(_scalar(ranges[2]), _scalar(ranges[3]))
        rescale = data_scale * weight_scale * _max_abs(_scalar(ranges[4]), _scalar(ranges[5])) / _F32(127.5)
        out = out + jnp.trunc(bias.astype(_F32) * rescale).astype(jnp.int32)
    return (out,) + _product_range(data, ranges, all_sign=np.dtype(data.dtype) != np.uint8)


@register("_contrib_quantized_conv", inputs=(), variadic=True,
          attrs=dict(kernel=REQUIRED, stride=(), dilate=(), pad=(), num_filter=REQUIRED, num_group=1, workspace=1024,
                     no_bias=False, cudnn_tune=None, cudnn_off=False, layout=None))
def _quantized_conv(*arrays, kernel, stride, dilate, pad, num_filter, num_group, workspace, no_bias, cudnn_tune,
                    cudnn_off, layout):
    """Convolution of int8/uint8 data with an int8 weight into int32, exactly (inputs: data,
    weight[, bias], min_data, max_data, min_weight, max_weight[, min_bias, max_bias]); the bias
    is added as an integer.  The output range is the int8 x int8 product range (MXNet uses it
    for uint8 data too).  mxjax accepts int8 data, which MXNet's CPU kernel rejects
    ("only supports uint8 as input type"), and computes the exact product (see
    quantized_fully_connected on MXNet's saturating int16 pair sums)."""
    from .conv import _convolution
    data, weight, bias, ranges = _bias_inputs("quantized_conv", lax.stop_gradient(arrays), no_bias,
                                              4 if no_bias else 6)
    out = _convolution(data.astype(jnp.int32), weight.astype(jnp.int32), None, kernel=kernel, stride=stride,
                       dilate=dilate, pad=pad, num_filter=num_filter, num_group=num_group, workspace=workspace,
                       no_bias=True, cudnn_tune=cudnn_tune, cudnn_off=cudnn_off, layout=layout)
    if bias is not None:
        axis = -1 if layout in ("NHWC", "NDHWC") else 1
        shape = [1] * out.ndim
        shape[axis] = -1
        out = out + bias.astype(jnp.int32).reshape(shape)
    return (out,) + _product_range(data, ranges, all_sign=True)


@register("_contrib_quantized_embedding", inputs=("data", "weight", "min_weight", "max_weight"),
          attrs=dict(input_dim=REQUIRED, output_dim=REQUIRED, dtype="float32", sparse_grad=False))
def _quantized_embedding(data, weight, min_weight, max_weight, *, input_dim, output_dim, dtype, sparse_grad):
    """Rows of the int8 ``weight`` at the indices ``data`` (clipped into [0, input_dim)); the
    weight's range passes through."""
    idx = jnp.clip(lax.stop_gradient(data).astype(jnp.int32), 0, input_dim - 1)
    return lax.stop_gradient((weight[idx], min_weight, max_weight))


@register("_contrib_quantized_pooling", inputs=("data", "min_data", "max_data"),
          attrs=dict(kernel=(), pool_type="max", global_pool=False, cudnn_off=False, pooling_convention="valid",
                     stride=(), pad=(), p_value=None, count_include_pad=None, layout=None))
def _quantized_pooling(data, min_data, max_data, *, kernel, pool_type, global_pool, cudnn_off, pooling_convention,
                       stride, pad, p_value, count_include_pad, layout):
    """Pooling of int8/uint8 data with Pooling's arguments: max pooling exactly, average pooling
    as the float mean rounded half to even (MXNet's oneDNN kernel); the range passes through."""
    from .conv import _pooling
    data, min_data, max_data = lax.stop_gradient((data, min_data, max_data))
    out = _pooling(data.astype(_F32), kernel=kernel, pool_type=pool_type, global_pool=global_pool,
                   cudnn_off=cudnn_off, pooling_convention=pooling_convention, stride=stride, pad=pad,
                   p_value=p_value, count_include_pad=count_include_pad, layout=layout)
    name = np.dtype(data.dtype).name
    out = jnp.clip(jnp.round(out), *_LIMITS[name]) if name in _LIMITS else out
    return out.astype(data.dtype), min_data, max_data


@register("_contrib_quantized_concat", inputs=(), variadic=True, attrs=dict(num_args=REQUIRED, dim=1))
def _quantized_concat(*arrays, num_args, dim):
    """Concatenate ``num_args`` quantized arrays (then their min/max pairs) along ``dim``.  The
    result is int8 if any input is, else uint8, with the range (min(0, mins), max(0, maxs));
    an input whose scale (127.5 or 255.5 / max|range|) differs from the result's is requantized
    by the ratio of the scales (rounded half to even, saturated), as MXNet's oneDNN kernel."""
    if len(arrays) != 3 * num_args:
        raise _error("quantized_concat", f"expected {3 * num_args} inputs (num_args={num_args} arrays, then the "
                                         f"min and max of each), got {len(arrays)}")
    arrays = lax.stop_gradient(arrays)
    data, ranges = arrays[:num_args], arrays[num_args:]
    mins = [_scalar(ranges[2 * i]) for i in range(num_args)]
    maxs = [_scalar(ranges[2 * i + 1]) for i in range(num_args)]
    lo = jnp.minimum(_F32(0), jnp.min(jnp.stack(mins)))
    hi = jnp.maximum(_F32(0), jnp.max(jnp.stack(maxs)))
    out_type = "int8" if any(np.dtype(d.dtype) == np.int8 for d in data) else "uint8"

    def scale(dtype, a, b):
        return _F32(127.5 if np.dtype(dtype) == np.int8 else 255.5) / _max_abs(a, b)
    out_scale = scale(out_type, lo, hi)
    parts = []
    for d, a, b in zip(data, mins, maxs):
        ratio = out_scale / scale(d.dtype, a, b)
        parts.append(jnp.where(ratio == 1, d.astype(out_type), _saturate(d, ratio, out_type)))
    return jnp.concatenate(parts, axis=dim), lo.reshape(1), hi.reshape(1)


@register("_contrib_quantized_elemwise_mul", inputs=("lhs", "rhs", "lhs_min", "lhs_max", "rhs_min", "rhs_max"),
          attrs=dict(min_calib_range=None, max_calib_range=None, enable_float_output=False))
def _quantized_elemwise_mul(lhs, rhs, lhs_min, lhs_max, rhs_min, rhs_max, *, min_calib_range, max_calib_range,
                            enable_float_output):
    """Elementwise product of two int8 arrays: int32 with the int8 x int8 product range; int8
    in the calibration range when one is given (a*b*scale truncated toward zero, wrapping as
    MXNet's C cast does out of range); float32 (a single output) with enable_float_output."""
    lhs, rhs, lhs_min, lhs_max, rhs_min, rhs_max = lax.stop_gradient((lhs, rhs, lhs_min, lhs_max, rhs_min, rhs_max))
    prod = lhs.astype(jnp.int32) * rhs.astype(jnp.int32)
    lhs_scale = _F32(127.5) / _max_abs(_scalar(lhs_min), _scalar(lhs_max))
    rhs_scale = _F32(127.5) / _max_abs(_scalar(rhs_min), _scalar(rhs_max))
    if enable_float_output:
        out_scale = (1.0 / lhs_scale.astype(np.float64) / rhs_scale.astype(np.float64)).astype(_F32)
        return prod.astype(_F32) * out_scale
    if min_calib_range is not None and max_calib_range is not None:
        lo, hi = _F32(min_calib_range), _F32(max_calib_range)
        out_scale = _F32(127.5) / _F32(max(abs(lo), abs(hi))) / lhs_scale / rhs_scale
        out = jnp.trunc(prod.astype(_F32) * out_scale).astype(jnp.int32).astype(jnp.int8)
        return out, jnp.full((1,), lo, _F32), jnp.full((1,), hi, _F32)
    return (prod,) + _product_range(lhs, (lhs_min, lhs_max, rhs_min, rhs_max), all_sign=True)
