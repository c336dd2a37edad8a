"""``nd.contrib`` bounding-box operators: ``box_iou``, ``box_nms``, ``bipartite_matching``,
``box_encode``/``box_decode``, the SSD family ``MultiBoxPrior``/``MultiBoxTarget``/
``MultiBoxDetection``, and ``ROIAlign``.

Boxes are ``corner`` (xmin, ymin, xmax, ymax) or ``center`` (x, y, width, height).  As in
MXNet, a side's overlap is ``max(0, min(right) - max(left))`` with no +1, and a box with a
negative width or height has area 0.

Gradients are MXNet's: ``box_iou``, ``bipartite_matching``, ``box_encode``/``box_decode``,
``MultiBoxTarget`` and ``MultiBoxDetection`` pass none (MXNet: "zero gradients are
back-propagated in this op for now"), nor does ``MultiBoxPrior`` (its output depends on the
input's shape only); ``box_nms`` passes the output's gradient to the input rows it was copied
from, unchanged by the output's format conversion.
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ...base import MXNetError
from ..registry import REQUIRED, register

_FORMATS = ("corner", "center")


def _format(op, name, value):
    if value not in _FORMATS:
        raise MXNetError(f"{op}: invalid value {value!r} for '{name}', expected one of {_FORMATS}")
    return value


def _as_corners(boxes, fmt):
    """(left, top, right, bottom) of the last axis's 4 coordinates."""
    a, b, c, d = (boxes[..., i] for i in range(4))
    if fmt == "corner":
        return a, b, c, d
    return a - c / 2, b - d / 2, a + c / 2, b + d / 2


def _area(boxes, fmt):
    a, b, c, d = (boxes[..., i] for i in range(4))
    width, height = (c - a, d - b) if fmt == "corner" else (c, d)
    return jnp.where((width < 0) | (height < 0), 0, width * height)


def _intersection(lhs, rhs, fmt):
    """Pairwise intersection areas: lhs (..., 4) against rhs (..., 4) broadcast."""
    l1, t1, r1, b1 = _as_corners(lhs, fmt)
    l2, t2, r2, b2 = _as_corners(rhs, fmt)
    width = jnp.maximum(jnp.minimum(r1, r2) - jnp.maximum(l1, l2), 0)
    height = jnp.maximum(jnp.minimum(b1, b2) - jnp.maximum(t1, t2), 0)
    return width * height


@register("_contrib_box_iou", inputs=("lhs", "rhs"), attrs=dict(format="corner"))
def _box_iou(lhs, rhs, format):
    """Intersection over union of every box of ``lhs`` (a_1..a_n, 4) with every box of
    ``rhs`` (b_1..b_m, 4): shape (a_1..a_n, b_1..b_m); 0 where boxes do not intersect."""
    op = "_contrib_box_iou"
    fmt = _format(op, "format", format)
    for name, x in (("lhs", lhs), ("rhs", rhs)):
        if x.ndim < 2 or x.shape[-1] != 4:
            raise MXNetError(f"{op}: {name} must have at least 2 dimensions and a last dimension of 4, "
                             f"got shape {x.shape}")
    lhs, rhs = lax.stop_gradient(lhs), lax.stop_gradient(rhs)
    left = lhs.reshape(lhs.shape[:-1] + (1,) * (rhs.ndim - 1) + (4,))
    inter = _intersection(left, rhs, fmt)
    union = _area(left, fmt) + _area(rhs, fmt) - inter
    return jnp.where(inter <= 0, 0, inter / jnp.where(inter <= 0, 1, union))


def _check_nms(op, shape, overlap_thresh, coord_start, score_index, id_index):
    if len(shape) < 2:
        raise MXNetError(f"{op}: input must have dim >= 2, the last two dimensions are num_box and box_width; "
                         f"got shape {shape}")
    width = shape[-1]
    expected = 6 if id_index >= 0 else 5
    if width < expected:
        raise MXNetError(f"{op}: the last dimension must have at least 5 elements, namely (score, coordinates x 4); "
                         f"{width} provided, {expected} expected")
    if not 0 <= score_index < width:
        raise MXNetError(f"{op}: score_index {score_index} out of range (0, {width})")
    if coord_start <= score_index <= coord_start + 3:
        raise MXNetError(f"{op}: score_index {score_index} conflicts with the coordinates "
                         f"({coord_start}, {coord_start + 3})")
    if coord_start < 0 or coord_start + 3 >= width:
        raise MXNetError(f"{op}: coordinates ({coord_start}, {coord_start + 3}) out of range (0, {width})")
    if id_index >= 0:
        if id_index >= width or coord_start <= id_index <= coord_start + 3 or id_index == score_index:
            raise MXNetError(f"{op}: id_index {id_index} out of range (0, {width}) or in conflict with the "
                             f"coordinates ({coord_start}, {coord_start + 3}) or score_index {score_index}")


def _convert(boxes, in_format, out_format):
    """MXNet's in-place format conversion of output rows; rows whose first coordinate is
    negative (the -1 rows, but also real boxes) are left as they are."""
    if in_format == out_format:
        return boxes
    a, b, c, d = (boxes[..., i] for i in range(4))
    if out_format == "center":
        new = jnp.stack([(a + c) / 2, (b + d) / 2, c - a, d - b], -1)
    else:
        new = jnp.stack([a - c / 2, b - d / 2, a + c / 2, b + d / 2], -1)
    return jnp.where((a < 0)[..., None], boxes, new)


def _greedy_suppression(boxes, classes, alive, k, fmt, overlaps, ratio):
    """Greedy NMS over the first ``k`` rows of each batch of ``boxes`` (B, N, 4), in order: a
    row still ``alive`` kills every later alive row it ``overlaps`` (of its class, unless
    ``classes`` is None).  One row's IoUs per step, so memory stays O(N)."""
    n = boxes.shape[1]
    area = _area(boxes, fmt)
    position = jnp.arange(n)

    def step(ref, alive):
        box = boxes[:, ref, None]
        inter = _intersection(box, boxes, fmt)
        hit = overlaps(ratio(inter, area[:, ref, None] + area - inter)) & (position > ref)
        if classes is not None:
            hit = hit & (classes == classes[:, ref, None])
        return alive & ~(alive[:, ref, None] & hit)
    return lax.fori_loop(0, k, step, alive)


@register("_contrib_box_nms", aliases=("_contrib_box_non_maximum_suppression",),
          attrs=dict(overlap_thresh=0.5, valid_thresh=0.0, topk=-1, coord_start=2, score_index=1, id_index=-1,
                     background_id=-1, force_suppress=False, in_format="corner", out_format="corner"))
def _box_nms(data, overlap_thresh, valid_thresh, topk, coord_start, score_index, id_index, background_id,
             force_suppress, in_format, out_format):
    """Non-maximum suppression over the boxes of ``data`` (..., num_box, width), per batch of
    the leading dimensions, as MXNet 1.9.1 does it:

    * boxes with score > ``valid_thresh`` (and, with ``id_index``, a class other than
      ``background_id``) are valid; they are sorted by descending score (ties keep their order);
    * among the first ``topk`` (-1: all) valid boxes, in that order, a box suppresses every
      later one whose IoU with it exceeds ``overlap_thresh`` (only of the same class, when
      ``id_index`` is given and ``force_suppress`` is False);
    * the kept boxes fill each batch's first rows in that order, every other row is -1; if
      no box of any batch is valid, the whole output is -1;
    * coordinates are converted from ``in_format`` to ``out_format``."""
    op = "_contrib_box_nms"
    in_format, out_format = _format(op, "in_format", in_format), _format(op, "out_format", out_format)
    _check_nms(op, data.shape, overlap_thresh, coord_start, score_index, id_index)
    n, width = data.shape[-2], data.shape[-1]
    rows = data.reshape((-1, n, width))
    k = n if topk < 0 else min(n, topk)
    if k < 1:
        return data
    scores = rows[..., score_index]
    valid = scores > valid_thresh
    if id_index >= 0:
        valid = valid & (rows[..., id_index] != background_id)
    order = jnp.argsort(jnp.where(valid, -scores, jnp.inf), axis=-1, stable=True)
    sorted_rows = jnp.take_along_axis(rows, order[..., None], axis=1)
    candidate = (jnp.arange(n) < k) & jnp.take_along_axis(valid, order, axis=1)
    boxes = lax.stop_gradient(sorted_rows[..., coord_start:coord_start + 4])
    classes = sorted_rows[..., id_index] if id_index >= 0 and not force_suppress else None
    alive = _greedy_suppression(boxes, classes, candidate, k, in_format,
                                lambda iou: iou > overlap_thresh, lambda inter, union: inter / union)
    # kept rows first, in sorted order; the rest point at row 0 and are replaced by -1
    position = jnp.argsort(~alive, axis=-1, stable=True)
    kept = jnp.take_along_axis(alive, position, axis=1)
    picked = jnp.take_along_axis(sorted_rows, position[..., None], axis=1)
    out = jnp.where(kept[..., None], picked, -1).astype(data.dtype)
    out = jnp.where(jnp.any(valid), out, -1).astype(data.dtype)
    coords = out[..., coord_start:coord_start + 4]
    converted = _convert(lax.stop_gradient(coords), in_format, out_format)
    coords = coords + lax.stop_gradient(converted - coords)
    out = jnp.concatenate([out[..., :coord_start], coords, out[..., coord_start + 4:]], axis=-1)
    return out.reshape(data.shape)


@register("_contrib_bipartite_matching", attrs=dict(is_ascend=False, threshold=REQUIRED, topk=-1))
def _bipartite_matching(data, is_ascend, threshold, topk):
    """Greedy matching of the score matrices ``data`` (..., rows, cols), as MXNet 1.9.1: the
    entries in descending score order (ascending with ``is_ascend``; ties in index order)
    match their row and column while both are free and the score passes ``threshold``
    (> it, or < it ascending); the first free entry that fails ends the matching, and so does
    a match past ``topk`` (MXNet stops after the (topk+1)-th match, which it keeps).  Returns
    (each row's column, -1 if unmatched; each column's row, -1 if unmatched).  No gradient,
    as in MXNet."""
    if data.ndim < 2:
        raise MXNetError(f"_contrib_bipartite_matching: score matrix must have dim >= 2, {data.ndim} provided")
    n_rows, n_cols = data.shape[-2:]
    scores = lax.stop_gradient(data).reshape((-1, n_rows * n_cols))

    def match(score):
        order = jnp.argsort(score if is_ascend else -score, stable=True).astype(jnp.int32)

        def visit(j, carry):
            rows, cols, count, done = carry
            index = order[j]
            r, c, s = index // n_cols, index % n_cols, score[index]
            free = (rows[r] == -1) & (cols[c] == -1) & ~done
            good = s < threshold if is_ascend else s > threshold
            take = free & good
            rows = rows.at[r].set(jnp.where(take, c, rows[r]))
            cols = cols.at[c].set(jnp.where(take, r, cols[c]))
            count = count + take
            done = done | (free & ~good) | (take & (topk > 0) & (count > topk))
            return rows, cols, count, done
        init = (jnp.full(n_rows, -1, jnp.int32), jnp.full(n_cols, -1, jnp.int32), jnp.int32(0), jnp.bool_(False))
        rows, cols, _, _ = lax.fori_loop(0, n_rows * n_cols, visit, init)
        return rows, cols
    rows, cols = jax.vmap(match)(scores)
    return (rows.reshape(data.shape[:-1]).astype(data.dtype),
            cols.reshape(data.shape[:-2] + (n_cols,)).astype(data.dtype))


@register("_contrib_MultiBoxPrior", attrs=dict(sizes=(1.0,), ratios=(1.0,), clip=False, steps=(-1.0, -1.0),
                                               offsets=(0.5, 0.5)))
def _multibox_prior(data, sizes, ratios, clip, steps, offsets):
    """SSD anchor boxes for the feature map ``data`` (N, C, H, W): shape (1, H*W*A, 4) with
    A = len(sizes) + len(ratios) - 1 corner boxes per position, row by row; at each position
    first every size with the first ratio, then the first size with every other ratio.
    Widths are scaled by H/W.  ``steps`` (y, x) default to 1/H, 1/W; ``clip`` clips to [0, 1].
    Computed in float32 as MXNet does; the output depends only on the shape (no gradient)."""
    if data.ndim != 4:
        raise MXNetError(f"_contrib_MultiBoxPrior: data must be (N, C, H, W), got shape {data.shape}")
    if steps[0] * steps[1] < 0:
        raise MXNetError("_contrib_MultiBoxPrior: must specify both step_y and step_x")
    f32 = np.float32
    height, width = data.shape[2], data.shape[3]
    step_y, step_x = (f32(1) / f32(height), f32(1) / f32(width)) if steps[0] <= 0 or steps[1] <= 0 \
        else (f32(steps[0]), f32(steps[1]))
    shapes = [(f32(s), np.sqrt(f32(ratios[0])) if ratios else f32(1)) for s in sizes]
    shapes += [(f32(sizes[0]), np.sqrt(f32(r))) for r in ratios[1:]]
    half_w = np.array([s * f32(height) / f32(width) * r / f32(2) for s, r in shapes], f32)
    half_h = np.array([s / r / f32(2) for s, r in shapes], f32)
    cy = ((np.arange(height, dtype=f32) + f32(offsets[0])) * step_y)[:, None, None]
    cx = ((np.arange(width, dtype=f32) + f32(offsets[1])) * step_x)[None, :, None]
    cy, cx = np.broadcast_arrays(cy, cx)
    boxes = np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], -1).reshape(1, -1, 4)
    if clip:
        boxes = np.clip(boxes, 0, 1)
    return jnp.asarray(boxes, data.dtype)


def _center_size(boxes, fmt):
    """(x, y, width, height) of the last axis's 4 coordinates."""
    a, b, c, d = (boxes[..., i] for i in range(4))
    if fmt == "center":
        return a, b, c, d
    return (a + c) / 2, (b + d) / 2, c - a, d - b


@register("_contrib_box_decode", inputs=("data", "anchors"),
          attrs=dict(std0=1.0, std1=1.0, std2=1.0, std3=1.0, clip=-1.0, format="center"))
def _box_decode(data, anchors, std0, std1, std2, std3, clip, format):
    """Corner boxes from the regression offsets ``data`` (B, N, 4) relative to ``anchors``
    (1, N, 4, encoded as ``format``): x = dx*std0*aw + ax, y likewise, half sizes
    exp(dw*std2)*aw/2 and exp(dh*std3)*ah/2, with dw*std2 and dh*std3 capped at ``clip``
    when it is positive.  No gradient, as in MXNet."""
    fmt = _format("_contrib_box_decode", "format", format)
    data, anchors = lax.stop_gradient(data), lax.stop_gradient(anchors)
    ax, ay, aw, ah = _center_size(anchors, fmt)
    x = data[..., 0] * std0 * aw + ax
    y = data[..., 1] * std1 * ah + ay
    dw, dh = data[..., 2] * std2, data[..., 3] * std3
    if clip > 0:
        dw, dh = jnp.minimum(dw, clip), jnp.minimum(dh, clip)
    half_w, half_h = jnp.exp(dw) * aw / 2, jnp.exp(dh) * ah / 2
    return jnp.stack([x - half_w, y - half_h, x + half_w, y + half_h], -1).astype(data.dtype)


@register("_contrib_box_encode", inputs=("samples", "matches", "anchors", "refs", "means", "stds"))
def _box_encode(samples, matches, anchors, refs, means, stds):
    """Regression targets of the positive ``samples`` (B, N; > 0.5 is positive): the anchor
    (B, N, 4 corners) against its matched reference box ``refs[b, matches[b, i]]`` (B, M, 4
    corners), as ((gx - ax) / aw, (gy - ay) / ah, log(gw / aw), log(gh / ah)) minus ``means``
    over ``stds``; returns (targets, masks), both zero for other samples.  No gradient, as
    in MXNet."""
    samples, anchors, refs, means, stds = (lax.stop_gradient(v) for v in (samples, anchors, refs, means, stds))
    index = lax.stop_gradient(matches).astype(jnp.int32)
    matched = jnp.take_along_axis(refs, index[..., None], axis=1)
    ax, ay, aw, ah = _center_size(anchors, "corner")
    gx, gy, gw, gh = _center_size(matched, "corner")
    raw = jnp.stack([(gx - ax) / aw, (gy - ay) / ah, jnp.log(gw / aw), jnp.log(gh / ah)], -1)
    positive = (samples > 0.5)[..., None]
    targets = jnp.where(positive, (raw - means) / stds, 0).astype(anchors.dtype)
    return targets, jnp.broadcast_to(positive, targets.shape).astype(anchors.dtype)


@register("_contrib_MultiBoxDetection", inputs=("cls_prob", "loc_pred", "anchor"),
          attrs=dict(clip=True, threshold=0.01, background_id=0, nms_threshold=0.5, force_suppress=False,
                     variances=(0.1, 0.1, 0.2, 0.2), nms_topk=-1))
def _multibox_detection(cls_prob, loc_pred, anchor, clip, threshold, background_id, nms_threshold, force_suppress,
                        variances, nms_topk):
    """SSD detections (B, A, 6) rows [class, score, xmin, ymin, xmax, ymax] from class
    probabilities (B, C, A; class 0 is the background), box offsets (B, A*4) and anchors
    (1, A, 4 corners), as MXNet 1.9.1's CPU operator computes them:

    * each anchor takes its most probable non-background class (the first on ties); below
      ``threshold`` it is background and dropped; offsets decode as box_decode's with
      ``variances`` (clipped to [0, 1] with ``clip``);
    * the kept anchors fill the first rows in anchor order, other rows are -1;
    * with 0 < ``nms_threshold`` <= 1 the kept rows are sorted by descending score (ties in
      order); past ``nms_topk`` their class becomes -1 (the row keeps its pre-sort content,
      as in MXNet); then a row suppresses (class -1) each later row of its class (any
      class with ``force_suppress``) whose IoU is >= ``nms_threshold``.

    ``background_id`` is accepted and, as in MXNet's CPU code, class 0 is the background.  No
    gradient, as in MXNet."""
    if len(variances) != 4:
        raise MXNetError(f"_contrib_MultiBoxDetection: variances must have 4 values, got {variances}")
    cls_prob, loc_pred, anchor = (lax.stop_gradient(v) for v in (cls_prob, loc_pred, anchor))
    batch, _, n = cls_prob.shape
    dtype = cls_prob.dtype
    foreground = cls_prob[:, 1:, :]
    score = jnp.max(foreground, axis=1)
    cls = jnp.argmax(foreground, axis=1).astype(dtype)
    cls = jnp.where(score < threshold, -1, cls)
    offsets = loc_pred.reshape(batch, n, 4)
    ax, ay, aw, ah = _center_size(anchor.reshape(1, n, 4), "corner")
    x = offsets[..., 0] * variances[0] * aw + ax
    y = offsets[..., 1] * variances[1] * ah + ay
    half_w = jnp.exp(offsets[..., 2] * variances[2]) * aw / 2
    half_h = jnp.exp(offsets[..., 3] * variances[3]) * ah / 2
    boxes = jnp.stack([x - half_w, y - half_h, x + half_w, y + half_h], -1)
    if clip:
        boxes = jnp.clip(boxes, 0, 1)
    rows = jnp.concatenate([cls[..., None], score[..., None], boxes.astype(dtype)], -1)
    position = jnp.arange(n)
    valid = cls >= 0
    count = valid.sum(1, keepdims=True)
    compact = jnp.take_along_axis(rows, jnp.argsort(~valid, axis=1, stable=True)[..., None], axis=1)
    compact = jnp.where((position < count)[..., None], compact, -1)
    if not 0 < nms_threshold <= 1:
        return compact
    order = jnp.argsort(jnp.where(position < count, -compact[..., 1], jnp.inf), axis=1, stable=True)
    keep = jnp.minimum(count, nms_topk) if nms_topk > 0 else count
    ranked = jnp.take_along_axis(compact, order[..., None], axis=1)
    out = jnp.where((position < keep)[..., None], ranked,
                    compact.at[..., 0].set(jnp.where(position < count, -1, compact[..., 0])))
    classes = None if force_suppress else out[..., 0]

    def ratio(inter, union):
        return jnp.where(union <= 0, 0, inter / jnp.where(union <= 0, 1, union))
    alive = _greedy_suppression(out[..., 2:], classes, (out[..., 0] >= 0) & (position < keep), n, "corner",
                                lambda iou: iou >= nms_threshold, ratio)
    suppressed = (out[..., 0] >= 0) & (position < keep) & ~alive
    return out.at[..., 0].set(jnp.where(suppressed, -1, out[..., 0]))


@register("_contrib_MultiBoxTarget", inputs=("anchor", "label", "cls_pred"),
          attrs=dict(overlap_threshold=0.5, ignore_label=-1.0, negative_mining_ratio=-1.0,
                     negative_mining_thresh=0.5, minimum_negative_samples=0, variances=(0.1, 0.1, 0.2, 0.2)))
def _multibox_target(anchor, label, cls_pred, overlap_threshold, ignore_label, negative_mining_ratio,
                     negative_mining_thresh, minimum_negative_samples, variances):
    """SSD training targets (loc_target (B, A*4), loc_mask (B, A*4), cls_target (B, A)) for
    anchors (1, A, 4 corners), labels (B, G, 5+) rows [class, xmin, ymin, xmax, ymax] (the
    first row of class -1 ends an image's objects) and class predictions (B, C, A), as MXNet
    1.9.1's CPU operator assigns them:

    * each object first takes, greedily by largest IoU (> 1e-6), an anchor of its own; then
      every other anchor takes its best object, and is positive when that IoU exceeds
      ``overlap_threshold`` (> 0);
    * with ``negative_mining_ratio`` > 0, int(positives * ratio) of the other anchors whose best
      IoU is below ``negative_mining_thresh`` and whose background probability (softmax of
      cls_pred) is lowest become negatives (class 0), the rest get ``ignore_label``; without
      it, every other anchor is negative;
    * positives get class + 1, mask 1 and box_encode's offsets over ``variances``.

    An image without objects gets ``ignore_label`` everywhere.  ``minimum_negative_samples``
    is accepted and, as in MXNet's CPU code, unused.  No gradient, as in MXNet."""
    if len(variances) != 4:
        raise MXNetError(f"_contrib_MultiBoxTarget: variances must have 4 values, got {variances}")
    anchors = lax.stop_gradient(anchor).reshape(-1, 4)
    label, cls_pred = lax.stop_gradient(label), lax.stop_gradient(cls_pred)
    n_anchor, n_gt, dtype = anchors.shape[0], label.shape[1], anchor.dtype
    variances = jnp.asarray(variances, jnp.float32)

    def assign(objects, preds):
        ends = objects[:, 0] == -1
        n_valid = jnp.where(ends.any(), jnp.argmax(ends), n_gt)
        real = jnp.arange(n_gt) < n_valid
        l1, t1, r1, b1 = (anchors[:, None, i] for i in range(4))
        l2, t2, r2, b2 = (objects[None, :, i + 1] for i in range(4))
        inter = jnp.maximum(0, jnp.minimum(r1, r2) - jnp.maximum(l1, l2)) * \
            jnp.maximum(0, jnp.minimum(b1, b2) - jnp.maximum(t1, t2))
        union = (r1 - l1) * (b1 - t1) + (r2 - l2) * (b2 - t2) - inter
        iou = jnp.where(union == 0, 0, inter / jnp.where(union == 0, 1, union)).astype(jnp.float32)
        iou = jnp.where(real[None], iou, -jnp.inf)

        def bipartite(_, carry):
            positive, match, taken = carry
            free = jnp.where(positive[:, None] | taken[None], -jnp.inf, iou)
            best = jnp.argmax(free)
            j, k = best // n_gt, best % n_gt
            hit = free.reshape(-1)[best] > 1e-6
            return (positive.at[j].set(positive[j] | hit), match.at[j].set(jnp.where(hit, k, match[j])),
                    taken.at[k].set(taken[k] | hit))
        init = (jnp.zeros(n_anchor, bool), jnp.full(n_anchor, -1), ~real)
        positive, match, _ = lax.fori_loop(0, n_gt, bipartite, init)
        best_iou, best_gt = iou.max(1), jnp.argmax(iou, 1)
        match = jnp.where(positive, match, best_gt)
        if overlap_threshold > 0:
            positive = positive | (best_iou > overlap_threshold)
        n_positive = positive.sum()
        if negative_mining_ratio > 0:
            n_negative = jnp.minimum((n_positive * jnp.float32(negative_mining_ratio)).astype(jnp.int32),
                                     n_anchor - n_positive)
            candidate = ~positive & (best_iou < negative_mining_thresh)
            background = jax.nn.softmax(preds, axis=0)[0]
            order = jnp.argsort(jnp.where(candidate, background, jnp.inf), stable=True)
            rank = jnp.zeros(n_anchor, jnp.int32).at[order].set(jnp.arange(n_anchor, dtype=jnp.int32))
            negative = candidate & (rank < n_negative)
        else:
            negative = ~positive
        target = objects[match]
        ax, ay, aw, ah = _center_size(anchors.astype(jnp.float32), "corner")
        gx, gy, gw, gh = _center_size(target[:, 1:5].astype(jnp.float32), "corner")
        loc = jnp.stack([(gx - ax) / aw / variances[0], (gy - ay) / ah / variances[1],
                         jnp.log(gw / aw) / variances[2], jnp.log(gh / ah) / variances[3]], -1)
        loc = jnp.where(positive[:, None], loc, 0).astype(dtype)
        mask = jnp.broadcast_to(positive[:, None], loc.shape).astype(dtype)
        cls = jnp.where(positive, target[:, 0] + 1, jnp.where(negative, 0, ignore_label)).astype(dtype)
        empty = n_valid == 0
        return (jnp.where(empty, 0, loc).reshape(-1), jnp.where(empty, 0, mask).reshape(-1),
                jnp.where(empty, jnp.asarray(ignore_label, dtype), cls))
    return jax.vmap(assign)(label, cls_pred)


@register("_contrib_ROIAlign", inputs=("data", "rois"),
          attrs=dict(pooled_size=REQUIRED, spatial_scale=REQUIRED, sample_ratio=-1, position_sensitive=False,
                     aligned=False))
def _roi_align(data, rois, pooled_size, spatial_scale, sample_ratio, position_sensitive, aligned):
    """Region features (R, C, ph, pw) of ``data`` (N, C, H, W) for ``rois`` (R, 5) rows
    [batch, x1, y1, x2, y2] (or (R, 4), batch 0) in input coordinates scaled by
    ``spatial_scale``, as MXNet 1.9.1 (Detectron's ROIAlign): each bin averages bilinear
    samples on a grid of ``sample_ratio`` (-1: ceil(roi size / pooled size)) points per side;
    samples beyond one pixel outside the map read 0; ``aligned`` shifts coordinates by -0.5
    pixel; ``position_sensitive`` reads channel c * ph * pw + bin for bin (ph, pw).  Rows with a
    negative batch index give zeros.  The gradient reaches ``data`` only, as in MXNet.

    mxjax differs: with sample_ratio=-1 the grid has at most ceil(2H / ph) x ceil(2W / pw)
    points (XLA needs a static size); only a region more than twice the feature map's size
    samples more in MXNet."""
    ph, pw = (pooled_size, pooled_size) if isinstance(pooled_size, int) else tuple(pooled_size)
    n, channels, height, width = data.shape
    if rois.ndim != 2 or rois.shape[1] not in (4, 5):
        raise MXNetError(f"_contrib_ROIAlign: rois must be (R, 5) or (R, 4), got shape {rois.shape}")
    if position_sensitive and channels % (ph * pw):
        raise MXNetError(f"_contrib_ROIAlign: position_sensitive needs channels divisible by {ph * pw}")
    rois = lax.stop_gradient(rois)
    batch = rois[:, 0].astype(jnp.int32) if rois.shape[1] == 5 else jnp.zeros(rois.shape[0], jnp.int32)
    box = rois[:, -4:] * spatial_scale - (0.5 if aligned else 0.0)
    x1, y1 = box[:, 0], box[:, 1]
    roi_w, roi_h = box[:, 2] - x1, box[:, 3] - y1
    if not aligned:
        roi_w, roi_h = jnp.maximum(roi_w, 1.0), jnp.maximum(roi_h, 1.0)
    bin_h, bin_w = roi_h / ph, roi_w / pw
    if sample_ratio > 0:
        grid_h = grid_w = jnp.full(rois.shape[0], sample_ratio)
        s_h = s_w = sample_ratio
    else:
        grid_h, grid_w = jnp.ceil(roi_h / ph), jnp.ceil(roi_w / pw)
        s_h, s_w = max(1, -(-2 * height // ph)), max(1, -(-2 * width // pw))
    grid_h, grid_w = jnp.maximum(grid_h, 1).astype(data.dtype), jnp.maximum(grid_w, 1).astype(data.dtype)
    # sample coordinates (R, ph, s_h) and (R, pw, s_w); samples past the roi's own grid are masked
    iy, ix = jnp.arange(s_h, dtype=data.dtype), jnp.arange(s_w, dtype=data.dtype)
    ys = (y1[:, None, None] + jnp.arange(ph, dtype=data.dtype)[None, :, None] * bin_h[:, None, None]
          + (iy + 0.5)[None, None, :] * (bin_h / grid_h)[:, None, None])
    xs = (x1[:, None, None] + jnp.arange(pw, dtype=data.dtype)[None, :, None] * bin_w[:, None, None]
          + (ix + 0.5)[None, None, :] * (bin_w / grid_w)[:, None, None])
    use_y = iy[None, None, :] < grid_h[:, None, None]
    use_x = ix[None, None, :] < grid_w[:, None, None]

    def axis_weights(coords, size, use):
        """(R, bins, samples, size) interpolation weights along one axis (0 outside [-1, size])."""
        inside = (coords >= -1.0) & (coords <= size) & use
        c = jnp.maximum(coords, 0)
        low = jnp.floor(c).astype(jnp.int32)
        top = low >= size - 1
        low = jnp.where(top, size - 1, low)
        c = jnp.where(top, low.astype(c.dtype), c)
        frac = c - low
        high = jnp.where(top, low, low + 1)
        w = (jax.nn.one_hot(low, size, dtype=data.dtype) * (1 - frac)[..., None]
             + jax.nn.one_hot(high, size, dtype=data.dtype) * frac[..., None])
        return jnp.where(inside[..., None], w, 0)
    wy = axis_weights(ys, height, use_y).sum(2)      # (R, ph, H)
    wx = axis_weights(xs, width, use_x).sum(2)       # (R, pw, W)
    images = data[jnp.clip(batch, 0, n - 1)]          # (R, C, H, W)
    if position_sensitive:
        out_channels = channels // (ph * pw)
        images = images.reshape(-1, out_channels, ph, pw, height, width)
        out = jnp.einsum("rcijhw,rih,rjw->rcij", images, wy, wx)
    else:
        out = jnp.einsum("rchw,rih,rjw->rcij", images, wy, wx)
    out = out / (grid_h * grid_w)[:, None, None, None]
    return jnp.where((batch >= 0)[:, None, None, None], out, 0).astype(data.dtype)
