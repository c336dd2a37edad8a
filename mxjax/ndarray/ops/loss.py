"""Output and loss operators: SoftmaxOutput, the *RegressionOutput family, SVMOutput, MakeLoss,
make_loss, softmax_cross_entropy, CTCLoss and smooth_l1.

SoftmaxOutput and the regression outputs are MXNet's "output layers": their forward is a plain
softmax / identity / sigmoid, but their backward is the gradient of a loss that is never
computed, (prediction - label) * scale, and ignores the head gradient.  mxjax gives them that
backward with ``jax.custom_jvp`` on the data input: the derivative of the output w.r.t. data is
declared as the diagonal ``coefficient(data, label)`` (MXNet's input gradient), so
``backward()`` with the default head gradient of ones yields exactly MXNet's numbers, the label
gets a zero gradient, and the rule itself stays differentiable (higher orders work).

mxjax differs: a head gradient other than ones multiplies that coefficient elementwise (a
backward must be linear in the head gradient); MXNet ignores it.
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ..registry import register
from .nn import _error


def _mxnet_output_layer(forward, coefficient):
    """out = forward(data); d out / d data := diag(coefficient(data, label, out)); no label gradient."""
    @jax.custom_jvp
    def layer(data, label):
        return forward(data)

    @layer.defjvp
    def layer_jvp(primals, tangents):
        data, label = primals
        out = forward(data)
        return out, coefficient(data, label, out) * tangents[0]

    return layer


def _indices(label):
    return label if jnp.issubdtype(label.dtype, jnp.integer) else label.astype(jnp.int32)


# ---- SoftmaxOutput --------------------------------------------------------------------------------

def _softmax_output_forward(data, multi_output, preserve_shape):
    if multi_output:
        return jax.nn.softmax(data, axis=1)
    if preserve_shape:
        return jax.nn.softmax(data, axis=-1)
    rows = 1 if data.ndim == 1 else data.shape[0]
    return jax.nn.softmax(data.reshape((rows, -1)), axis=-1).reshape(data.shape)


def _check_softmax_output_label(data, label, multi_output):
    if label.shape == data.shape:
        return
    if multi_output:
        if data.ndim < 2:
            raise _error("SoftmaxOutput", f"multi_output=True needs data of >= 2 dims, got {data.shape}")
        n, rest = data.shape[0], data.shape[2:]
        allowed = [(n, int(np.prod(rest, dtype=np.int64))), (n,) + rest, (n, 1) + rest]
        if label.shape not in allowed:
            raise _error("SoftmaxOutput", f"label shape {label.shape} does not fit data {data.shape} with "
                                          f"multi_output=True: expecting {allowed[0]} or {allowed[1]}")
    elif label.shape != data.shape[:-1]:
        raise _error("SoftmaxOutput", f"label has shape {label.shape}, expected {data.shape[:-1]} for data of "
                                      f"shape {data.shape} (or data's shape, for probabilities)")


def _targets(label, k, axis, smooth_alpha, dtype):
    """One-hot of the integer labels along ``axis`` (out-of-range labels: all zero), label-smoothed."""
    hot = jnp.expand_dims(label, axis) == jnp.arange(k).reshape((-1,) + (1,) * (label.ndim - axis))
    if smooth_alpha:
        return jnp.where(hot, 1.0 - smooth_alpha, smooth_alpha / (k - 1)).astype(dtype)
    return hot.astype(dtype)


@register("SoftmaxOutput", inputs=("data", "label"), aliases=("Softmax",),
          attrs=dict(grad_scale=1.0, ignore_label=-1.0, multi_output=False, use_ignore=False, preserve_shape=False,
                     normalization="null", out_grad=False, smooth_alpha=0.0))
def _softmax_output(data, label, grad_scale, ignore_label, multi_output, use_ignore, preserve_shape,
                    normalization, out_grad, smooth_alpha):
    """Forward: softmax over data reshaped to (batch, -1) (multi_output: over axis 1;
    preserve_shape: over the last axis).  Backward (the head gradient is ignored, see the module
    docstring): (softmax - onehot(label)) * grad_scale, where label holds class indices (shape
    data.shape[:-1]; with multi_output (batch, spatial...)) or, with data's shape, probabilities.
    use_ignore zeroes the rows whose label is ignore_label; smooth_alpha smooths the one-hot
    (1 - alpha on the label, alpha / (k - 1) elsewhere; not with multi_output, where MXNet 1.9.1
    ignores it); normalization 'batch' divides by the
    number of labels, 'valid' by the number not equal to ignore_label, and with multi_output
    'null' and 'batch' also divide by the spatial size.  out_grad=True multiplies by the output
    (what MXNet 1.9.1 computes there; its documentation says the head gradient)."""
    if normalization not in ("null", "batch", "valid"):
        raise _error("SoftmaxOutput", f"normalization must be 'null', 'batch' or 'valid', got {normalization!r}")
    _check_softmax_output_label(data, label, multi_output)
    ignore = int(ignore_label)

    def forward(x):
        return _softmax_output_forward(x, multi_output, preserve_shape)

    def coefficient(x, lab, out):
        dt = out.dtype
        if lab.shape == x.shape:
            grad = (out - lab.astype(dt)) * grad_scale
        elif multi_output:
            n, k = out.shape[:2]
            o = out.reshape((n, k, -1))
            idx = _indices(lab).reshape((n, -1))
            grad = o - _targets(idx, k, 1, 0.0, dt)   # MXNet 1.9.1 ignores smooth_alpha here
            if use_ignore:
                grad = jnp.where((idx == ignore)[:, None, :], 0, grad)
            if normalization == "valid":
                denom = jnp.maximum((idx != ignore).sum(), 1).astype(dt)
            else:
                denom = o.shape[2] * (n if normalization == "batch" else 1)
            grad = (grad * (grad_scale / denom)).reshape(out.shape)
        else:
            rows = out.shape[0] if not preserve_shape and out.ndim > 1 else int(np.prod(out.shape[:-1]))
            o = out.reshape((rows, -1))
            flat = _indices(lab).reshape(-1)
            idx = flat[:rows]   # MXNet reads one label per row
            grad = o - _targets(idx, o.shape[1], 1, smooth_alpha, dt)
            if use_ignore:
                grad = jnp.where((idx == ignore)[:, None], 0, grad)
            if normalization == "valid":
                denom = jnp.maximum(flat.size - (flat == ignore).sum(), 1).astype(dt)
            else:
                denom = flat.size if normalization == "batch" else 1
            grad = (grad * (grad_scale / denom)).reshape(out.shape)
        return grad * out if out_grad else grad

    return _mxnet_output_layer(forward, coefficient)(data, label)


# ---- regression outputs ---------------------------------------------------------------------------

def _regression_output(name, forward, difference):
    def impl(data, label, grad_scale):
        if label.shape != data.shape and not (label.ndim == 1 and data.shape == label.shape + (1,)):
            raise _error(name, f"label has shape {label.shape}, expected {data.shape}")
        num_output = max(int(np.prod(label.shape[1:], dtype=np.int64)), 1)

        def coefficient(x, lab, out):
            return difference(out, lab.reshape(out.shape).astype(out.dtype)) * (grad_scale / num_output)

        return _mxnet_output_layer(forward, coefficient)(data, label)
    impl.__name__ = name
    impl.__doc__ = (f"Forward: {forward.__doc__}.  Backward (the head gradient is ignored): "
                    f"{difference.__doc__} * grad_scale / (label.size / label.shape[0]); the label "
                    f"gets no gradient.  label: data's shape (or (n,) for data (n, 1)).")
    register(name, inputs=("data", "label"), attrs=dict(grad_scale=1.0))(impl)


def _identity(x):
    """the identity"""
    return x


def _sigmoid(x):
    """sigmoid(data)"""
    return jax.nn.sigmoid(x)


def _difference(out, label):
    """(out - label)"""
    return out - label


def _sign_difference(out, label):
    """sign(out - label)"""
    return jnp.sign(out - label)


_regression_output("LinearRegressionOutput", _identity, _difference)
_regression_output("LogisticRegressionOutput", _sigmoid, _difference)
_regression_output("MAERegressionOutput", _identity, _sign_difference)


@register("SVMOutput", inputs=("data", "label"), attrs=dict(margin=1.0, regularization_coefficient=1.0,
                                                             use_linear=False))
def _svm_output(data, label, margin, regularization_coefficient, use_linear):
    """Forward: the identity.  Backward (head gradient ignored): the one-vs-all hinge loss's
    gradient on data reshaped to (batch, classes), labels (batch,): for the label's class
    -c * [margin > x] (L1, ``use_linear``) or -2c * max(margin - x, 0) (L2, the default), for
    the other classes c * [margin > -x] or 2c * max(margin + x, 0), c being
    ``regularization_coefficient``."""
    if label.shape != data.shape[:1]:
        raise _error("SVMOutput", f"label has shape {label.shape}, expected ({data.shape[0]},)")
    c = regularization_coefficient

    def coefficient(x, lab, out):
        flat = x.reshape(x.shape[0], -1)
        own = jnp.arange(flat.shape[1]) == _indices(lab)[:, None]
        if use_linear:
            grad = jnp.where(own, -c * (margin > flat), c * (margin > -flat))
        else:
            grad = jnp.where(own, -2 * c * jnp.maximum(margin - flat, 0), 2 * c * jnp.maximum(margin + flat, 0))
        return grad.astype(x.dtype).reshape(x.shape)
    return _mxnet_output_layer(_identity, coefficient)(data, label)


# ---- losses ---------------------------------------------------------------------------------------

@register("softmax_cross_entropy", inputs=("data", "label"))
def _softmax_cross_entropy(data, label):
    """sum over the batch of -log(softmax(data)[i, label[i]]); data (batch, classes), label
    (batch,); the result has shape (1,).  A label outside [0, classes) contributes 0."""
    if data.ndim != 2:
        raise _error("softmax_cross_entropy", f"only accepts 2-d data, got shape {data.shape}")
    if label.shape != data.shape[:1]:
        raise _error("softmax_cross_entropy", f"data and label shape mismatch: label must have shape "
                                              f"{data.shape[:1]}, got {label.shape}")
    logp = jax.nn.log_softmax(data, axis=-1)
    hot = _targets(_indices(label), data.shape[1], 1, 0.0, data.dtype)
    return -(logp * hot).sum().reshape((1,))


@register("smooth_l1", attrs=dict(scalar=1.0))
def _smooth_l1(data, scalar):
    """0.5 * (sigma * x)^2 where |x| < 1 / sigma^2, else |x| - 0.5 / sigma^2 (sigma = scalar)."""
    s2 = scalar * scalar
    return jnp.where(jnp.abs(data) < 1.0 / s2, 0.5 * s2 * data * data, jnp.abs(data) - 0.5 / s2)


@register("CTCLoss", inputs=("data", "label", "data_lengths?", "label_lengths?"),
          aliases=("ctc_loss", "_contrib_CTCLoss", "_contrib_ctc_loss"),
          attrs=dict(use_data_lengths=False, use_label_lengths=False, blank_label="first"))
def _ctc_loss(data, label, *lengths, use_data_lengths, use_label_lengths, blank_label):
    """Connectionist temporal classification loss, -log p(label | data), one value per sequence.

    data: (T, batch, classes) unnormalised activations (a softmax is applied inside); label:
    (batch, L) class indices.  blank_label='first': class 0 is the blank and label rows are
    padded with 0; 'last': class classes-1 is the blank and padding is -1.  With
    use_data_lengths / use_label_lengths, the next inputs (in that order, as MXNet assigns
    them) give each sequence's length and label length.  A label that cannot fit its sequence
    gives a loss of 0 (warp-ctc's convention).  The forward algorithm runs in log space with
    ``lax.scan``; the gradient is its derivative (softmax minus the alignment posteriors)."""
    op = "CTCLoss"
    if blank_label not in ("first", "last"):
        raise _error(op, f"blank_label must be 'first' or 'last', got {blank_label!r}")
    want = int(bool(use_data_lengths)) + int(bool(use_label_lengths))
    if len(lengths) != want:
        raise _error(op, f"expects {2 + want} inputs with use_data_lengths={use_data_lengths}, "
                         f"use_label_lengths={use_label_lengths}, but got {2 + len(lengths)}")
    if data.ndim != 3:
        raise _error(op, f"the data array must have 3 dimensions (time, batch, classes), got {data.shape}")
    t_max, n, c = data.shape
    if label.ndim != 2 or label.shape[0] != n:
        raise _error(op, f"label must have shape (batch={n}, max label length), got {label.shape}")
    big_l = label.shape[1]
    if big_l > t_max:
        raise _error(op, f"the max number of labels ({big_l}) cannot exceed the maximum sequence length "
                         f"of the data ({t_max})")
    lengths = list(lengths)
    data_len = lengths.pop(0) if use_data_lengths else None
    label_len = lengths.pop(0) if use_label_lengths else None
    for name, arr in (("data_lengths", data_len), ("label_lengths", label_len)):
        if arr is not None and arr.shape != (n,):
            raise _error(op, f"{name} must have shape ({n},) (the batch size), got {arr.shape}")

    blank = 0 if blank_label == "first" else c - 1
    lab = _indices(lax.stop_gradient(label))
    if label_len is None:
        pad = 0 if blank_label == "first" else -1
        is_pad = lab == pad
        lab_len = jnp.where(is_pad.any(axis=1), jnp.argmax(is_pad, axis=1), big_l)
    else:
        lab_len = jnp.clip(_indices(lax.stop_gradient(label_len)), 0, big_l)
    seq_len = (jnp.full((n,), t_max, jnp.int32) if data_len is None
               else jnp.clip(_indices(lax.stop_gradient(data_len)), 0, t_max))
    lab = jnp.where(jnp.arange(big_l) < lab_len[:, None], lab, blank)
    lab = jnp.clip(lab, 0, c - 1)

    dt = jnp.promote_types(data.dtype, jnp.float32)
    # steps past a sequence's length are never read (MXNet: their gradient is 0, even for NaN data)
    valid = jnp.arange(t_max)[:, None, None] < seq_len[None, :, None]
    logp = jax.nn.log_softmax(jnp.where(valid, data.astype(dt), 0), axis=-1)   # (T, n, c)
    s_len = 2 * big_l + 1
    ext = jnp.full((n, s_len), blank, jnp.int32).at[:, 1::2].set(lab)       # blank, l1, blank, l2, ...
    # a transition s-2 -> s skips a blank: allowed onto a label that differs from the previous one
    skip = jnp.zeros((n, s_len), bool).at[:, 3::2].set(lab[:, 1:] != lab[:, :-1])
    neg = jnp.asarray(-1e30, dt)
    emit = jnp.take_along_axis(logp, jnp.broadcast_to(ext[None], (t_max, n, s_len)), axis=2)   # (T, n, S)
    pos = jnp.arange(s_len)
    alpha0 = jnp.where(pos[None, :] < 2, emit[0], neg)

    def step(alpha, inputs):
        e_t, t = inputs
        prev1 = jnp.concatenate([jnp.full((n, 1), neg, dt), alpha[:, :-1]], axis=1)
        prev2 = jnp.concatenate([jnp.full((n, 2), neg, dt), alpha[:, :-2]], axis=1)
        prev2 = jnp.where(skip, prev2, neg)
        new = jnp.logaddexp(jnp.logaddexp(alpha, prev1), prev2) + e_t
        return jnp.where((t < seq_len)[:, None], new, alpha), None

    alpha, _ = lax.scan(step, alpha0, (emit[1:], jnp.arange(1, t_max)))
    end = 2 * lab_len
    last = jnp.take_along_axis(alpha, end[:, None], axis=1)[:, 0]
    before = jnp.where(end > 0, jnp.take_along_axis(alpha, jnp.maximum(end - 1, 0)[:, None], axis=1)[:, 0], neg)
    loss = -jnp.logaddexp(last, before)
    repeats = ((lab[:, 1:] == lab[:, :-1]) & (jnp.arange(1, big_l) < lab_len[:, None])).sum(axis=1)
    feasible = lab_len + repeats <= seq_len
    return jnp.where(feasible, loss, 0).astype(data.dtype)


# ---- user-defined losses ----------------------------------------------------------------------------

def _scaled_identity(scale):
    """out = data; d out / d data := scale(data) (an output layer: MXNet ignores the head gradient)."""
    @jax.custom_jvp
    def layer(data):
        return data

    @layer.defjvp
    def jvp(primals, tangents):
        (x,), (dx,) = primals, tangents
        return x, dx * scale(x)
    return layer


@register("MakeLoss", attrs=dict(grad_scale=1.0, valid_thresh=0.0, normalization="null"))
def _make_loss_layer(data, grad_scale, valid_thresh, normalization):
    """Marks ``data`` as a loss: the forward is the identity, the backward (head gradient
    ignored, as for the output layers) is ``grad_scale``, divided by the batch size
    (``normalization='batch'``) or by the number of elements > ``valid_thresh`` ('valid',
    at least 1)."""
    if normalization not in ("null", "batch", "valid"):
        raise _error("MakeLoss", f"normalization must be 'null', 'batch' or 'valid', got {normalization!r}")

    def scale(x):
        if normalization == "batch":
            return jnp.asarray(grad_scale / x.shape[0], x.dtype)
        if normalization == "valid":
            return (grad_scale / jnp.maximum((x > valid_thresh).sum(), 1)).astype(x.dtype)
        return jnp.asarray(grad_scale, x.dtype)
    return _scaled_identity(scale)(data)


@register("make_loss")
def _make_loss(data):
    """Marks ``data`` as a loss: identity forward, a gradient of ones (head gradient ignored)."""
    return _scaled_identity(lambda x: jnp.asarray(1, x.dtype))(data)
