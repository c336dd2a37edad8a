"""Int8/uint8 quantization operators: ``nd.contrib.quantize``, ``quantize_v2``, ``dequantize``,
``requantize`` and the quantized layers ``quantized_flatten``, ``quantized_act``,
``quantized_embedding``, ``quantized_pooling``, ``quantized_fully_connected``,
``quantized_conv``.

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
