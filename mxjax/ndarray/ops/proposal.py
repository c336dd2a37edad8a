"""Region proposals of Faster R-CNN's RPN: ``nd.contrib.Proposal`` (one image) and
``nd.contrib.MultiProposal`` (a batch), with MXNet 1.9.1's CPU kernel's arithmetic.

Anchors: the base box (0, 0, feature_stride - 1, feature_stride - 1) reshaped to each ratio
then scale (MXNet's rounding), shifted by feature_stride per feature-map cell, ordered
(row, column, anchor).  Each is decoded with its bbox_pred deltas (``iou_loss``: the deltas add
to the corners), clipped to the image; cells beyond im_info's height / stride or width / stride
get score -1, as do boxes narrower or lower than rpn_min_size * im_info[2] (which are also
grown by that size).  The rpn_pre_nms_top_n best (a stable sort by score) go through greedy NMS
(IoU with +1 pixel sizes > threshold suppresses) until rpn_post_nms_top_n are kept; the output
rows are [image index, x1, y1, x2, y2], rpn_post_nms_top_n per image, repeating the kept boxes
cyclically when fewer survive; ``output_score`` adds the scores (N*post, 1).  Not
differentiable in MXNet; mxjax stops the gradient at the inputs.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..registry import register
from .nn import _error

_F32 = np.float32


def _anchors(feature_stride, scales, ratios):
    """MXNet's GenerateAnchors, in float32 as its C code: (A, 4) for ratios x scales."""
    f = _F32
    base = [f(0), f(0), f(feature_stride - 1.0), f(feature_stride - 1.0)]
    w, h = base[2] - base[0] + f(1), base[3] - base[1] + f(1)
    x_ctr, y_ctr = f(base[0] + 0.5 * (w - f(1))), f(base[1] + 0.5 * (h - f(1)))
    out = []
    for ratio in ratios:
        for scale in scales:
            size_ratios = f(math.floor(f(w * h) / f(ratio)))
            new_w = f(f(math.floor(f(math.sqrt(size_ratios)) + f(0.5))) * f(scale))
            new_h = f(f(math.floor(f(f(new_w / f(scale)) * f(ratio)) + f(0.5))) * f(scale))
            out.append([x_ctr - f(0.5) * (new_w - f(1)), y_ctr - f(0.5) * (new_h - f(1)),
                        x_ctr + f(0.5) * (new_w - f(1)), y_ctr + f(0.5) * (new_h - f(1))])
    return np.asarray(out, _F32)


def _floats(value):
    return (float(value),) if isinstance(value, (int, float)) else tuple(float(v) for v in value)


def _f32(x):
    """A C ``float`` variable assigned a double expression."""
    return x.astype(jnp.float64).astype(_F32) if x.dtype != jnp.float64 else x.astype(_F32)


def _one_image(scores, deltas, im_info, anchors, pre_n, post_n, n_out, threshold, min_size, feature_stride,
               iou_loss):
    """Proposals of one image: scores (A, H, W) foreground, deltas (4A, H, W), im_info (3,)."""
    a, height, width = scores.shape
    d64 = jnp.float64
    shift_x = (jnp.arange(width) * feature_stride).astype(_F32)
    shift_y = (jnp.arange(height) * feature_stride).astype(_F32)
    anc = jnp.asarray(anchors)
    x1 = anc[None, None, :, 0] + shift_x[None, :, None]      # (H, W, A)
    y1 = anc[None, None, :, 1] + shift_y[:, None, None]
    x2 = anc[None, None, :, 2] + shift_x[None, :, None]
    y2 = anc[None, None, :, 3] + shift_y[:, None, None]
    dl = jnp.transpose(deltas.reshape(a, 4, height, width), (2, 3, 0, 1))   # (H, W, A, 4)
    im_h, im_w, im_scale = im_info[0], im_info[1], im_info[2]
    if iou_loss:
        px1, py1, px2, py2 = x1 + dl[..., 0], y1 + dl[..., 1], x2 + dl[..., 2], y2 + dl[..., 3]
    else:
        bw = _f32(x2.astype(d64) - x1 + 1.0)
        bh = _f32(y2.astype(d64) - y1 + 1.0)
        cx = _f32(x1.astype(d64) + 0.5 * (bw.astype(d64) - 1.0))
        cy = _f32(y1.astype(d64) + 0.5 * (bh.astype(d64) - 1.0))
        pcx, pcy = dl[..., 0] * bw + cx, dl[..., 1] * bh + cy
        pw, ph = jnp.exp(dl[..., 2]) * bw, jnp.exp(dl[..., 3]) * bh
        half_w, half_h = 0.5 * (pw.astype(d64) - 1.0), 0.5 * (ph.astype(d64) - 1.0)
        px1, py1 = _f32(pcx.astype(d64) - half_w), _f32(pcy.astype(d64) - half_h)
        px2, py2 = _f32(pcx.astype(d64) + half_w), _f32(pcy.astype(d64) + half_h)
    px1, px2 = (jnp.clip(v, _F32(0), im_w - _F32(1)) for v in (px1, px2))
    py1, py2 = (jnp.clip(v, _F32(0), im_h - _F32(1)) for v in (py1, py2))
    real_h = jnp.floor(im_h / _F32(feature_stride)).astype(jnp.int32)
    real_w = jnp.floor(im_w / _F32(feature_stride)).astype(jnp.int32)
    score = jnp.transpose(scores, (1, 2, 0))
    outside = (jnp.arange(height)[:, None, None] >= real_h) | (jnp.arange(width)[None, :, None] >= real_w)
    score = jnp.where(outside, _F32(-1), score)
    limit = _F32(min_size) * im_scale
    small = ((px2 - px1 + _F32(1)) < limit) | ((py2 - py1 + _F32(1)) < limit)
    grow = jnp.where(small, limit / _F32(2), _F32(0))
    boxes = jnp.stack([px1 - grow, py1 - grow, px2 + grow, py2 + grow], -1).reshape(-1, 4)
    score = jnp.where(small, _F32(-1), score).reshape(-1)
    order = jnp.argsort(-score, stable=True)[:pre_n]
    boxes, score = boxes[order], score[order]
    area = (boxes[:, 2] - boxes[:, 0] + _F32(1)) * (boxes[:, 3] - boxes[:, 1] + _F32(1))
    later = jnp.arange(pre_n)

    def step(i, carry):
        suppressed, keep, count = carry
        take = ~suppressed[i] & (count < post_n)
        keep = jnp.where(take, keep.at[count].set(i), keep)
        xx1, yy1 = jnp.maximum(boxes[i, 0], boxes[:, 0]), jnp.maximum(boxes[i, 1], boxes[:, 1])
        xx2, yy2 = jnp.minimum(boxes[i, 2], boxes[:, 2]), jnp.minimum(boxes[i, 3], boxes[:, 3])
        inter = jnp.maximum(_F32(0), xx2 - xx1 + _F32(1)) * jnp.maximum(_F32(0), yy2 - yy1 + _F32(1))
        over = inter / (area[i] + area - inter) > _F32(threshold)
        suppressed = suppressed | (take & over & (later > i))
        return suppressed, keep, count + take.astype(jnp.int32)
    _, keep, count = lax.fori_loop(0, pre_n, step, (jnp.zeros(pre_n, bool), jnp.zeros(post_n, jnp.int32),
                                                     jnp.int32(0)))
    rows = keep[jnp.arange(n_out) % jnp.maximum(count, 1)]
    return boxes[rows], score[rows]


def _proposals(op, cls_prob, bbox_pred, im_info, rpn_pre_nms_top_n, rpn_post_nms_top_n, threshold, rpn_min_size,
               scales, ratios, feature_stride, output_score, iou_loss):
    cls_prob, bbox_pred, im_info = lax.stop_gradient((cls_prob, bbox_pred, im_info))
    n, two_a, height, width = cls_prob.shape
    scales, ratios = _floats(scales), _floats(ratios)
    a = two_a // 2
    if a != len(scales) * len(ratios):
        raise _error(op, f"cls_prob has {two_a} channels; expected 2 * len(scales) * len(ratios) = "
                         f"{2 * len(scales) * len(ratios)}")
    count = a * height * width
    pre_n = min(rpn_pre_nms_top_n if rpn_pre_nms_top_n > 0 else count, count)
    post_n = min(rpn_post_nms_top_n, pre_n)
    anchors = _anchors(feature_stride, scales, ratios)

    def image(scores, deltas, info):
        return _one_image(scores[a:].astype(_F32), deltas.astype(_F32), info.astype(_F32), anchors, pre_n, post_n,
                          rpn_post_nms_top_n, threshold, rpn_min_size, feature_stride, iou_loss)
    boxes, score = jax.vmap(image)(cls_prob, bbox_pred, im_info)
    batch = jnp.broadcast_to(jnp.arange(n, dtype=_F32)[:, None, None], (n, rpn_post_nms_top_n, 1))
    out = jnp.concatenate([batch, boxes], -1).reshape(-1, 5)
    return (out, score.reshape(-1, 1)) if output_score else out


_ATTRS = dict(rpn_pre_nms_top_n=6000, rpn_post_nms_top_n=300, threshold=0.7, rpn_min_size=16,
              scales=(4.0, 8.0, 16.0, 32.0), ratios=(0.5, 1.0, 2.0), feature_stride=16, output_score=False,
              iou_loss=False)


@register("_contrib_MultiProposal", inputs=("cls_prob", "bbox_pred", "im_info"), attrs=_ATTRS)
def _multi_proposal(cls_prob, bbox_pred, im_info, **attrs):
    """RPN proposals for a batch: cls_prob (N, 2A, H, W), bbox_pred (N, 4A, H, W), im_info
    (N, 3) rows (height, width, scale); output (N * rpn_post_nms_top_n, 5)."""
    return _proposals("MultiProposal", cls_prob, bbox_pred, im_info, **attrs)


@register("_contrib_Proposal", inputs=("cls_prob", "bbox_pred", "im_info"), attrs=_ATTRS)
def _proposal(cls_prob, bbox_pred, im_info, **attrs):
    """RPN proposals for one image (MXNet: "multiple images each device is not implemented");
    output (rpn_post_nms_top_n, 5) with image index 0."""
    if cls_prob.shape[0] != 1:
        raise _error("Proposal", "Sorry, multiple images each device is not implemented.")
    return _proposals("Proposal", cls_prob, bbox_pred, im_info, **attrs)
