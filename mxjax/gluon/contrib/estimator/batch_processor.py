"""``BatchProcessor``: what the Estimator does with one batch (MXNet 1.9.1's semantics).

Subclass it and override ``fit_batch``/``evaluate_batch`` to change how a batch is trained or
evaluated; pass the instance as ``Estimator(..., batch_processor=...)``.
"""
from ... import utils as gluon_utils
from .... import autograd

__all__ = ["BatchProcessor"]


class BatchProcessor:
    """Trains (``fit_batch``) or evaluates (``evaluate_batch``) the estimator's network on one
    batch ``(data, label, ...)``, split along ``batch_axis`` over ``estimator.context``."""

    def _get_data_and_label(self, batch, ctx, batch_axis=0):
        data = gluon_utils.split_and_load(batch[0], ctx_list=ctx, batch_axis=batch_axis)
        label = gluon_utils.split_and_load(batch[1], ctx_list=ctx, batch_axis=batch_axis)
        return data, label

    def evaluate_batch(self, estimator, val_batch, batch_axis=0):
        """Run ``estimator.val_net`` and ``estimator.val_loss`` on every slice of the batch
        (no recording).  Returns ``(data, label, pred, loss)``, lists with one entry per
        context."""
        data, label = self._get_data_and_label(val_batch, estimator.context, batch_axis)
        pred = [estimator.val_net(x) for x in data]
        loss = [estimator.val_loss(y_hat, y) for y_hat, y in zip(pred, label)]
        return data, label, pred, loss

    def fit_batch(self, estimator, train_batch, batch_axis=0):
        """Run ``estimator.net`` and ``estimator.loss`` on every slice of the batch under
        ``autograd.record()`` and call ``backward`` on each loss; the parameter update is left to
        the ``GradientUpdateHandler``.  Returns ``(data, label, pred, loss)``, lists with one
        entry per context."""
        data, label = self._get_data_and_label(train_batch, estimator.context, batch_axis)
        with autograd.record():
            pred = [estimator.net(x) for x in data]
            loss = [estimator.loss(y_hat, y) for y_hat, y in zip(pred, label)]
        for each in loss:
            each.backward()
        return data, label, pred, loss
