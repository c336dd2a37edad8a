"""``mx.model.FeedForward``: MXNet's pre-Module training API (deprecated in MXNet 1.9.1 too).

A thin layer over ``mx.mod.Module`` (training) and ``Symbol.simple_bind`` (prediction),
keeping what old scripts observe: ``fit`` on numpy arrays (an ``NDArrayIter`` of
``numpy_batch_size`` that shuffles with ``np.random`` and rolls over) or on a DataIter,
``arg_params``/``aux_params`` updated in place at each epoch end, the optimizer created with
``rescale_grad = 1/batch_size`` and the extra keyword arguments, parameters missing from
``arg_params`` set by ``initializer(name, array)``, the log lines ``Epoch[N] Resetting Data
Iterator`` / ``Epoch[N] Time cost=...`` and validation metrics through
``eval_end_callback``; ``predict`` returns numpy arrays without the padded rows.
"""
import logging
import time
import warnings

import numpy as np

from . import io
from . import metric as _metric
from . import ndarray as nd
from . import optimizer as opt
from .callback import LogValidationMetricsCallback
from .context import Context, cpu
from .initializer import Uniform
from .symbol import Symbol

__all__ = ["FeedForward"]


def _call_all(callbacks, *args):
    if callbacks is None:
        return
    for callback in callbacks if isinstance(callbacks, (list, tuple)) else [callbacks]:
        callback(*args)


def _check_unique_names(symbol):
    for names, what in ((symbol.list_arguments(), "arguments"), (symbol.list_auxiliary_states(), "auxiliary states")):
        if len(set(names)) != len(names):
            raise ValueError(f"Find duplicated argument name, please make the weight name non-duplicated "
                             f"(using name arguments), {what} are {names}")


class FeedForward:
    """A single-data, single-output network with its parameters (MXNet's ``mx.model.FeedForward``).

    ``symbol`` is a Symbol (or a ``sym_gen(bucket_key)`` callable, used with the training
    iterator's ``default_bucket_key``); ``kwargs`` go to the optimizer."""

    def __init__(self, symbol, ctx=None, num_epoch=None, epoch_size=None, optimizer="sgd",
                 initializer=Uniform(0.01), numpy_batch_size=128, arg_params=None, aux_params=None,
                 allow_extra_params=False, begin_epoch=0, **kwargs):
        warnings.warn("mxnet.model.FeedForward has been deprecated. Please use mxnet.mod.Module instead.",
                      DeprecationWarning, stacklevel=2)
        if isinstance(symbol, Symbol):
            self.symbol, self.sym_gen = symbol, None
        else:
            if not callable(symbol):
                raise AssertionError("symbol must be a Symbol or a callable sym_gen(bucket_key)")
            self.symbol, self.sym_gen = None, symbol
        self.arg_params, self.aux_params = arg_params, aux_params
        self.allow_extra_params = allow_extra_params
        self.argument_checked = False
        if self.sym_gen is None:
            self._check_arguments()
        self.ctx = [cpu()] if ctx is None else [ctx] if isinstance(ctx, Context) else list(ctx)
        self.num_epoch, self.epoch_size = num_epoch, epoch_size
        self.kwargs = kwargs.copy()
        self.optimizer, self.initializer = optimizer, initializer
        self.numpy_batch_size = numpy_batch_size
        self.begin_epoch = begin_epoch
        self._pred_exec = None

    def _check_arguments(self):
        if self.argument_checked:
            return
        self.argument_checked = True
        _check_unique_names(self.symbol)
        if self.allow_extra_params:
            if self.arg_params:
                names = set(self.symbol.list_arguments())
                self.arg_params = {k: v for k, v in self.arg_params.items() if k in names}
            if self.aux_params:
                names = set(self.symbol.list_auxiliary_states())
                self.aux_params = {k: v for k, v in self.aux_params.items() if k in names}

    def _init_params(self, inputs):
        """Fresh parameter arrays: copies of the given ones, ``initializer`` for the rest."""
        inputs = [x if isinstance(x, io.DataDesc) else io.DataDesc(*x) for x in inputs]
        shapes = {d.name: d.shape for d in inputs}
        arg_shapes, _, aux_shapes = self.symbol.infer_shape(**shapes)
        arg_types, _, aux_types = self.symbol.infer_type(**{d.name: d.dtype for d in inputs})
        arg_names = self.symbol.list_arguments()
        param_names = [n for n in arg_names if n not in shapes]
        aux_names = self.symbol.list_auxiliary_states()

        def fill(names, shapes_, types, given):
            out = {}
            for name, shape, dtype in zip(names, shapes_, types):
                arr = nd.zeros(shape, dtype=dtype)
                if given and name in given:
                    arr[:] = given[name]
                else:
                    self.initializer(name, arr)
                out[name] = arr
            return out
        params = [(n, s, t) for n, s, t in zip(arg_names, arg_shapes, arg_types) if n in param_names]
        self.arg_params = fill(*zip(*params), self.arg_params) if params else {}
        self.aux_params = fill(aux_names, aux_shapes, aux_types, self.aux_params)
        return arg_names, param_names, aux_names

    def _init_iter(self, X, y, is_train):
        if isinstance(X, (np.ndarray, nd.NDArray)):
            if y is None:
                if is_train:
                    raise ValueError("y must be specified when X is numpy.ndarray")
                y = np.zeros(X.shape[0])
            if not isinstance(y, (np.ndarray, nd.NDArray)):
                raise TypeError("y must be ndarray when X is numpy.ndarray")
            if X.shape[0] != y.shape[0]:
                raise ValueError("The numbers of data points and labels not equal")
            if y.ndim == 2 and y.shape[1] == 1:
                y = y.flatten()
            if y.ndim != 1:
                raise ValueError("Label must be 1D or 2D (with 2nd dimension being 1)")
            batch = min(X.shape[0], self.numpy_batch_size)
            if is_train:
                return io.NDArrayIter(X, y, batch, shuffle=True, last_batch_handle="roll_over")
            return io.NDArrayIter(X, y, batch, shuffle=False)
        if not isinstance(X, io.DataIter):
            raise TypeError("X must be DataIter, NDArray or numpy.ndarray")
        return X

    def _init_eval_iter(self, eval_data):
        if eval_data is None:
            return None
        if isinstance(eval_data, (tuple, list)) and len(eval_data) == 2:
            if eval_data[0] is None:
                raise ValueError("Eval data is NONE")
            if eval_data[1] is None and isinstance(eval_data[0], io.DataIter):
                return eval_data[0]
            data, label = (np.array(v) if isinstance(v, list) else v for v in eval_data)
            return self._init_iter(data, label, is_train=True)
        if not isinstance(eval_data, io.DataIter):
            raise TypeError("Eval data must be DataIter, or NDArray/numpy.ndarray/list pair "
                            "(i.e. tuple/list of length 2)")
        return eval_data

    # ---- training -----------------------------------------------------------------------
    def fit(self, X, y=None, eval_data=None, eval_metric="acc", epoch_end_callback=None,
            batch_end_callback=None, kvstore="local", logger=None, work_load_list=None, monitor=None,
            eval_end_callback=LogValidationMetricsCallback(), eval_batch_end_callback=None):
        """Train for epochs ``begin_epoch .. num_epoch - 1`` (MXNet's ``_train_multi_device``)."""
        from .model import BatchEndParam
        from .module import Module
        logger = logger or logging
        data = self._init_iter(X, y, is_train=True)
        eval_data = self._init_eval_iter(eval_data)
        if self.sym_gen:
            self.symbol = self.sym_gen(data.default_bucket_key)
            self._check_arguments()
        self.kwargs["sym"] = self.symbol
        _, param_names, _ = self._init_params(data.provide_data + data.provide_label)
        if not isinstance(eval_metric, _metric.EvalMetric):
            eval_metric = _metric.create(eval_metric)
        mod = Module(self.symbol, data_names=[d[0] for d in data.provide_data],
                     label_names=[d[0] for d in data.provide_label], context=self.ctx,
                     work_load_list=work_load_list)
        mod.bind(data.provide_data, data.provide_label, for_training=True)
        mod.set_params(self.arg_params, self.aux_params)
        if isinstance(self.optimizer, str):
            idx2name = {i * len(self.ctx) + k: n for i, n in enumerate(param_names) for k in range(len(self.ctx))}
            optimizer = opt.create(self.optimizer, rescale_grad=1.0 / data.batch_size,
                                   param_idx2name=idx2name, **self.kwargs)
        else:
            optimizer = self.optimizer
        mod.init_optimizer(kvstore=kvstore, optimizer=optimizer)
        if monitor is not None:
            mod.install_monitor(monitor)
        data.reset()
        for epoch in range(self.begin_epoch, self.num_epoch):
            tic = time.time()
            eval_metric.reset()
            nbatch = 0
            while True:
                do_reset = True
                for batch in data:
                    if monitor is not None:
                        monitor.tic()
                    mod.forward(batch, is_train=True)
                    mod.backward()
                    mod.update()
                    if monitor is not None:
                        monitor.toc_print()
                    mod.update_metric(eval_metric, batch.label)
                    nbatch += 1
                    _call_all(batch_end_callback, BatchEndParam(epoch, nbatch, eval_metric, locals()))
                    if self.epoch_size is not None and nbatch >= self.epoch_size:
                        do_reset = False
                        break
                if do_reset:
                    logger.info("Epoch[%d] Resetting Data Iterator", epoch)
                    data.reset()
                if self.epoch_size is None or nbatch >= self.epoch_size:
                    break
            logger.info("Epoch[%d] Time cost=%.3f", epoch, time.time() - tic)
            arg, aux = mod.get_params()
            for name, value in arg.items():
                self.arg_params[name][:] = value
            for name, value in aux.items():
                self.aux_params[name][:] = value
            _call_all(epoch_end_callback, epoch, self.symbol, self.arg_params, self.aux_params)
            if eval_data:
                eval_metric.reset()
                eval_data.reset()
                total = 0
                for i, batch in enumerate(eval_data):
                    mod.forward(batch, is_train=False)
                    mod.update_metric(eval_metric, batch.label)
                    _call_all(eval_batch_end_callback, BatchEndParam(epoch, i, eval_metric, locals()))
                    total += 1
                _call_all(eval_end_callback, BatchEndParam(epoch, total, eval_metric, locals()))
                eval_data.reset()
        self._pred_exec = None

    # ---- inference ----------------------------------------------------------------------
    def _init_predictor(self, input_shapes, type_dict=None):
        shapes = {name: arr.shape for name, arr in self.arg_params.items()}
        shapes.update(dict(input_shapes))
        if self._pred_exec is not None:
            arg_shapes = self.symbol.infer_shape(**shapes)[0]
            if arg_shapes == [a.shape for a in self._pred_exec.arg_arrays]:
                return
        exe = self.symbol.simple_bind(self.ctx[0], grad_req="null", type_dict=type_dict, **shapes)
        exe.copy_params_from(self.arg_params, self.aux_params)
        self._pred_exec = exe

    def _prepare(self, X, reset):
        X = self._init_iter(X, None, is_train=False)
        if reset:
            X.reset()
        type_dict = {k: v.dtype for k, v in self.arg_params.items()}
        type_dict.update({d.name: d.dtype if isinstance(d, io.DataDesc) else np.float32 for d in X.provide_data})
        self._init_predictor([(d[0], d[1]) for d in X.provide_data], type_dict)
        return X, [self._pred_exec.arg_dict[d[0]] for d in X.provide_data]

    def predict(self, X, num_batch=None, return_data=False, reset=True):
        """The outputs over ``X`` as numpy arrays (one array, or a list for several outputs),
        with the padding of the last batch removed; with ``return_data`` also the data and labels."""
        X, data_arrays = self._prepare(X, reset)
        outputs = [[] for _ in self._pred_exec.outputs]
        datas, labels = [[] for _ in X.provide_data], [[] for _ in X.provide_label]
        for i, batch in enumerate(X):
            for arr, value in zip(data_arrays, batch.data):
                arr[:] = value
            self._pred_exec.forward(is_train=False)
            real = X.batch_size - batch.pad
            for store, out in zip(outputs, self._pred_exec.outputs):
                store.append(out[0:real].asnumpy())
            if return_data:
                for store, value in zip(datas, batch.data):
                    store.append(value[0:real].asnumpy())
                for store, value in zip(labels, batch.label):
                    store.append(value[0:real].asnumpy())
            if num_batch is not None and i + 1 == num_batch:
                break

        def merged(lists):
            arrays = [np.concatenate(x) for x in lists]
            return arrays[0] if len(arrays) == 1 else arrays
        if return_data:
            return merged(outputs), merged(datas), merged(labels)
        return merged(outputs)

    def score(self, X, eval_metric="acc", num_batch=None, batch_end_callback=None, reset=True):
        """The value of ``eval_metric`` over ``X``."""
        from .model import BatchEndParam
        if not isinstance(eval_metric, _metric.EvalMetric):
            eval_metric = _metric.create(eval_metric)
        X, data_arrays = self._prepare(X, reset)
        for i, batch in enumerate(X):
            if num_batch is not None and i == num_batch:
                break
            for arr, value in zip(data_arrays, batch.data):
                arr[:] = value
            self._pred_exec.forward(is_train=False)
            eval_metric.update(batch.label, self._pred_exec.outputs)
            _call_all(batch_end_callback, BatchEndParam(0, i, eval_metric, locals()))
        return eval_metric.get()[1]

    # ---- files --------------------------------------------------------------------------
    def save(self, prefix, epoch=None, remove_amp_cast=True):
        """Write ``prefix-symbol.json`` and ``prefix-%04d.params`` (epoch defaults to num_epoch)."""
        from .model import save_checkpoint
        epoch = self.num_epoch if epoch is None else epoch
        if epoch is None:
            raise AssertionError("save: give the epoch (num_epoch is not set)")
        save_checkpoint(prefix, epoch, self.symbol, self.arg_params, self.aux_params,
                        remove_amp_cast=remove_amp_cast)

    @staticmethod
    def load(prefix, epoch, ctx=None, **kwargs):
        """A FeedForward over a checkpoint, resuming at ``begin_epoch=epoch``."""
        from .model import load_checkpoint
        symbol, arg_params, aux_params = load_checkpoint(prefix, epoch)
        return FeedForward(symbol, ctx=ctx, arg_params=arg_params, aux_params=aux_params,
                           begin_epoch=epoch, **kwargs)

    @staticmethod
    def create(symbol, X, y=None, ctx=None, num_epoch=None, epoch_size=None, optimizer="sgd",
               initializer=Uniform(0.01), eval_data=None, eval_metric="acc", epoch_end_callback=None,
               batch_end_callback=None, kvstore="local", logger=None, work_load_list=None,
               eval_end_callback=LogValidationMetricsCallback(), eval_batch_end_callback=None, **kwargs):
        """Construct a FeedForward and ``fit`` it in one call."""
        model = FeedForward(symbol, ctx=ctx, num_epoch=num_epoch, epoch_size=epoch_size,
                            optimizer=optimizer, initializer=initializer, **kwargs)
        model.fit(X, y, eval_data=eval_data, eval_metric=eval_metric, epoch_end_callback=epoch_end_callback,
                  batch_end_callback=batch_end_callback, kvstore=kvstore, logger=logger,
                  work_load_list=work_load_list, eval_end_callback=eval_end_callback,
                  eval_batch_end_callback=eval_batch_end_callback)
        return model
