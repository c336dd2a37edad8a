"""``DataParallelExecutorGroup``: one Executor per context, each given its slice of the batch.

As in MXNet 1.9.1, the batch is split over the contexts along each input's batch axis (the
'N' of its layout) in proportion to ``workload``; parameters and auxiliary states are
per-context copies, outputs are concatenated back.  A group bound with ``shared_group``
uses the same parameter, gradient and auxiliary arrays as that group where names and shapes
agree (BucketingModule's buckets share their weights this way), and the same input buffers
(``shared_data_arrays``), a smaller input being a view of a larger buffer.

Each executor is ``Symbol.bind`` over arrays allocated here; its forward and backward are
the compiled graph function of ``mxjax.symbol.executor``.
"""
import logging
from collections import OrderedDict

import numpy as np

from .. import context as ctx
from .._engine import replicas
from .._engine.graph import constant
from .. import ndarray as nd
from ..io import DataDesc
from ..ndarray.storage_ids import _DTYPE_MX_TO_NP

__all__ = ["DataParallelExecutorGroup"]


def split_input_slice(batch_size, work_load_list):
    """Slices of ``batch_size`` samples, in proportion to ``work_load_list``; ValueError when
    a slice would be empty."""
    total = sum(work_load_list)
    counts = [round(w * batch_size / total) for w in work_load_list]
    if sum(counts) < batch_size:
        counts[-1] += batch_size - sum(counts)
    slices, end = [], 0
    for count in counts:
        begin = int(min(end, batch_size))
        end = int(min(begin + count, batch_size))
        if begin >= end:
            raise ValueError("Too many slices. Some splits are empty.")
        slices.append(slice(begin, end))
    return slices


def _load_general(sources, targets, axes):
    """Copy every source array into its per-context targets ((slice, array) pairs)."""
    for src, dsts, axis in zip(sources, targets, axes):
        if isinstance(dsts, nd.NDArray):
            src.copyto(dsts)
        elif isinstance(src, (list, tuple)):
            for s, d in zip(src, dsts):
                s.copyto(d)
        elif _scatter(src, dsts, axis):
            continue
        else:
            for idx, dst in dsts:
                if axis >= 0 and (idx.start != 0 or src.shape[axis] != idx.stop):
                    part = src[idx.start:idx.stop] if axis == 0 else \
                        nd.slice_axis(src, axis=axis, begin=idx.start, end=idx.stop)
                    part.copyto(dst)
                elif isinstance(src, np.ndarray):
                    dst[:] = src
                else:
                    src.copyto(dst)


def _scatter(src, dsts, axis):
    """Contexts on distinct devices, equal slices covering ``src``: load them with one
    sharded transfer, each a concrete array on its device (so every context's step starts
    alike and the step runs as one SPMD program, see _engine/replicas.py).  False when
    that does not apply."""
    if axis < 0 or not isinstance(src, nd.NDArray) or len(dsts) < 2 or src.stype != "default":
        return False
    devices = [dst.context.jax_device for _, dst in dsts]
    sizes = {idx.stop - idx.start for idx, _ in dsts}
    if len(set(devices)) != len(devices) or len(sizes) != 1 or dsts[0][0].start != 0 \
            or any(a[0].stop != b[0].start for a, b in zip(dsts, dsts[1:])) or dsts[-1][0].stop != src.shape[axis] \
            or any(dst.dtype != src.dtype or dst.stype != "default" for _, dst in dsts):
        return False
    for (_, dst), block in zip(dsts, replicas.scatter(src._data(), devices, axis)):
        dst._assign(constant(block, dst.context))
    return True


def _per_batch(batches, field, count):
    return [[getattr(b, field)[i] for b in batches] for i in range(count)]


def _merge_multi_context(outputs, axes):
    """One array per output: the contexts' parts concatenated along the batch axis."""
    merged = []
    for parts, axis in zip(outputs, axes):
        if axis >= 0 and len(parts) > 1:
            merged.append(nd.concat(*[p.as_in_context(parts[0].context) for p in parts], dim=axis))
        else:
            merged.append(parts[0])
    return merged


def _prepare_group2ctxs(group2ctxs, ctx_len):
    if group2ctxs is None:
        return [None] * ctx_len
    if isinstance(group2ctxs, list):
        assert len(group2ctxs) == ctx_len, f"length of group2ctxs should be {ctx_len}"
        return group2ctxs
    if isinstance(group2ctxs, dict):
        ret = [{} for _ in range(ctx_len)]
        for key, value in group2ctxs.items():
            if isinstance(value, ctx.Context):
                ctxs = [value] * ctx_len
            elif len(value) == 1:
                ctxs = list(value) * ctx_len
            else:
                assert len(value) == ctx_len, f"length of group2ctxs[{key}] should be {ctx_len} or 1"
                ctxs = value
            for i in range(ctx_len):
                ret[i][key] = ctxs[i]
        return ret
    raise AssertionError("group2ctxs should be list of dict of str to context, or dict of str to context or "
                         "list of context")


class DataParallelExecutorGroup:
    """Executors of ``symbol`` on ``contexts`` (MXNet 1.9.1's constructor and attributes)."""

    def __init__(self, symbol, contexts, workload, data_shapes, label_shapes, param_names, for_training,
                 inputs_need_grad, shared_group=None, logger=logging, fixed_param_names=None, grad_req="write",
                 state_names=None, group2ctxs=None):
        self.param_names = param_names
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.symbol = symbol
        self.contexts = contexts
        self.workload = workload
        self.group2ctxs = _prepare_group2ctxs(group2ctxs, len(contexts))
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.logger = logger
        self._total_exec_bytes = 0
        self.fixed_param_names = fixed_param_names or []
        self.state_names = state_names or []
        if not for_training:
            grad_req = "null"
        data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
        if label_shapes is not None:
            label_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in label_shapes]
        self.grad_req = self._grad_reqs(grad_req, [x.name for x in data_shapes])
        self.shared_data_arrays = shared_group.shared_data_arrays if shared_group is not None \
            else [{} for _ in contexts]
        self.batch_size = self.slices = None
        self.execs = []
        self._default_execs = None
        self.data_arrays = self.label_arrays = self.param_arrays = self.state_arrays = None
        self.grad_arrays = self.aux_arrays = self.input_grad_arrays = None
        self.data_shapes = self.label_shapes = self.data_names = self.label_names = None
        self.data_layouts = self.label_layouts = None
        self.output_names = symbol.list_outputs()
        self.num_outputs = len(self.output_names)
        self.output_layouts = [DataDesc.get_batch_axis(symbol[i].attr("__layout__")) for i in range(self.num_outputs)]
        self.bind_exec(data_shapes, label_shapes, shared_group)

    def _grad_reqs(self, grad_req, data_names):
        def default(name, req):
            if name in self.param_names:
                return "null" if name in self.fixed_param_names else req
            if name in data_names:
                return req if self.inputs_need_grad else "null"
            return "null"
        if isinstance(grad_req, str):
            return {k: default(k, grad_req) for k in self.arg_names}
        if isinstance(grad_req, (list, tuple)):
            assert len(grad_req) == len(self.arg_names)
            return dict(zip(self.arg_names, grad_req))
        if isinstance(grad_req, dict):
            reqs = {k: default(k, "write") for k in self.arg_names}
            reqs.update(grad_req)
            return reqs
        raise ValueError("grad_req must be one of str, list, tuple, or dict.")

    # ---- binding --------------------------------------------------------------------------------
    def decide_slices(self, data_shapes):
        """The batch axis of each input; sets ``batch_size`` and ``slices`` from the first."""
        assert len(data_shapes) > 0
        axes = [DataDesc.get_batch_axis(x.layout) for x in data_shapes]
        for (name, shape), axis in zip(data_shapes, axes):
            if axis == -1:
                continue
            if self.batch_size is not None:
                assert shape[axis] == self.batch_size, (
                    f"all data must have the same batch size: batch_size = {self.batch_size}, but {name} has "
                    f"shape {shape}")
            else:
                self.batch_size = shape[axis]
                self.slices = split_input_slice(self.batch_size, self.workload)
        return axes

    def bind_exec(self, data_shapes, label_shapes, shared_group=None, reshape=False):
        assert reshape or not self.execs
        self.batch_size = None
        self.data_layouts = self.decide_slices(data_shapes)
        if label_shapes is not None:
            self.label_layouts = self.decide_slices(label_shapes)
        for i in range(len(self.contexts)):
            data_i = self._sliced_shape(data_shapes, i, self.data_layouts)
            label_i = self._sliced_shape(label_shapes, i, self.label_layouts) if label_shapes is not None else []
            if reshape:
                self.execs[i] = self._default_execs[i].reshape(
                    allow_up_sizing=True, **{d.name: d.shape for d in data_i + label_i})
            else:
                self.execs.append(self._bind_ith_exec(i, data_i, label_i, shared_group))
        replica = len({c.jax_device for c in self.contexts}) == len(self.contexts) > 1
        for exe in self.execs:   # one replica of a data-parallel step (symbol/executor.py)
            exe._replica = replica
        self.data_shapes, self.label_shapes = data_shapes, label_shapes
        self.data_names = [d.name for d in data_shapes]
        if label_shapes is not None:
            self.label_names = [d.name for d in label_shapes]
        self._collect_arrays()

    def reshape(self, data_shapes, label_shapes):
        """Rebind for new input shapes, sharing the arrays of the executors first bound."""
        if data_shapes == self.data_shapes and label_shapes == self.label_shapes:
            return
        if self._default_execs is None:
            self._default_execs = list(self.execs)
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    def _sliced_shape(self, shapes, i, axes):
        out = []
        for desc, axis in zip(shapes, axes):
            shape = list(desc.shape)
            if axis >= 0:
                shape[axis] = self.slices[i].stop - self.slices[i].start
            out.append(DataDesc(desc.name, tuple(shape), desc.dtype, desc.layout))
        return out

    def _bind_ith_exec(self, i, data_shapes, label_shapes, shared_group):
        shared_exec = None if shared_group is None else shared_group.execs[i]
        context = self.contexts[i]
        buffers = self.shared_data_arrays[i]
        descs = list(data_shapes) + list(label_shapes or [])
        input_shapes = {d.name: d.shape for d in descs}
        input_types = {d.name: d.dtype for d in descs}
        attrs = self.symbol.attr_dict()
        for desc in data_shapes:   # a Variable's own dtype wins over its DataDesc's
            dtype = attrs.get(desc.name, {}).get("__dtype__")
            if dtype not in (None, "-1"):
                input_types[desc.name] = _DTYPE_MX_TO_NP[int(dtype)]
        try:
            arg_shapes, _, aux_shapes = self.symbol.infer_shape(**input_shapes)
        except Exception as exc:
            raise RuntimeError(f"simple_bind error. Arguments:\n"
                               + "\n".join(f"{k}: {v}" for k, v in input_shapes.items()) + f"\n{exc}") from None
        if arg_shapes is None:
            raise RuntimeError("simple_bind error. Arguments:\n"
                               + "\n".join(f"{k}: {v}" for k, v in input_shapes.items())
                               + "\nInferShape pass cannot decide the shapes of all arguments")
        arg_types, _, aux_types = self.symbol.infer_type_partial(**input_types)
        shared_args = shared_exec.arg_dict if shared_exec is not None else {}
        shared_grads = shared_exec.grad_dict if shared_exec is not None else {}
        shared_aux = shared_exec.aux_dict if shared_exec is not None else {}

        def dtype_of(t):
            return np.dtype(t) if t is not None else np.dtype(np.float32)

        def reuse(old, shape, dtype):
            return old is not None and old.shape == tuple(shape) and old.dtype == dtype

        group2ctx = self.group2ctxs[i] or {}

        def place(name):
            """The context of a variable: its ctx_group's in ``group2ctxs``, else the executor's."""
            return group2ctx.get(attrs.get(name, {}).get("__ctx_group__"), context)

        args, grads = [], {}
        for name, shape, t in zip(self.arg_names, arg_shapes, arg_types):
            dtype, where = dtype_of(t), place(name)
            if name in self.param_names:
                arr = shared_args.get(name)
                if not reuse(arr, shape, dtype):
                    arr = nd.zeros(shape, ctx=where, dtype=dtype)
            else:
                arr = self._input_buffer(buffers, name, shape, dtype, where)
            args.append(arr)
            if self.grad_req[name] != "null":
                grad = shared_grads.get(name)
                grads[name] = grad if reuse(grad, shape, dtype) else nd.zeros(shape, ctx=where, dtype=dtype)
        aux = []
        for name, shape, t in zip(self.aux_names, aux_shapes, aux_types):
            arr = shared_aux.get(name)
            aux.append(arr if reuse(arr, shape, dtype_of(t)) else nd.zeros(shape, ctx=place(name), dtype=dtype_of(t)))
        exe = self.symbol.bind(context, args, args_grad=grads, grad_req=self.grad_req, aux_states=aux)
        self._total_exec_bytes += sum(a.size * np.dtype(a.dtype).itemsize for a in args + aux + list(grads.values()))
        return exe

    @staticmethod
    def _input_buffer(buffers, name, shape, dtype, context):
        """An input array from the shared buffers: the same array for the same shape, a view
        of a larger one, a new (kept) one otherwise."""
        shape = tuple(shape)
        old = buffers.get(name)
        if old is not None and old.dtype == dtype:
            if old.shape == shape:
                return old
            size = int(np.prod(shape))
            if size <= old.size:
                return old.reshape((-1,))[0:size].reshape(shape)
        arr = nd.zeros(shape, ctx=context, dtype=dtype)
        buffers[name] = arr
        return arr

    def _collect_arrays(self):
        slices = self.slices or [slice(i, i + 1) for i in range(len(self.execs))]
        self.data_arrays = [[(slices[i], e.arg_dict[name]) for i, e in enumerate(self.execs)]
                            for name, _ in self.data_shapes]
        self.state_arrays = [[e.arg_dict[name] for e in self.execs] for name in self.state_names]
        if self.label_shapes is not None:
            self.label_arrays = [[(self.slices[i], e.arg_dict[name]) for i, e in enumerate(self.execs)]
                                 for name, _ in self.label_shapes]
        else:
            self.label_arrays = None
        params = [i for i, name in enumerate(self.arg_names) if name in self.param_names]
        self.param_arrays = [[e.arg_arrays[i] for e in self.execs] for i in params]
        self.grad_arrays = [[e.grad_arrays[i] for e in self.execs] for i in params] if self.for_training else None
        if self.inputs_need_grad:
            self.input_grad_arrays = [[e.grad_arrays[self.arg_names.index(name)] for e in self.execs]
                                      for name in self.data_names if name in self.arg_names]
        else:
            self.input_grad_arrays = None
        self.aux_arrays = [[e.aux_arrays[i] for e in self.execs] for i in range(len(self.aux_names))]

    # ---- parameters -----------------------------------------------------------------------------
    def set_params(self, arg_params, aux_params, allow_extra=False):
        for exe in self.execs:
            exe.copy_params_from(arg_params, aux_params, allow_extra_params=allow_extra)

    def get_params(self, arg_params, aux_params):
        """Copy the contexts' mean of every parameter and auxiliary state into the dicts."""
        for names, blocks, out in ((self.param_names, self.param_arrays, arg_params),
                                   (self.aux_names, self.aux_arrays, aux_params)):
            for name, block in zip(names, blocks):
                if len(block) == 1:
                    weight = block[0]
                else:
                    weight = sum(w.copyto(ctx.cpu()) for w in block) / len(block)
                weight.astype(out[name].dtype).copyto(out[name])

    # ---- running --------------------------------------------------------------------------------
    def forward(self, data_batch, is_train=None):
        if isinstance(data_batch, list):
            _load_general(_per_batch(data_batch, "data", len(self.data_arrays)),
                          [[d for _, d in t] for t in self.data_arrays], self.data_layouts)
        else:
            _load_general(data_batch.data, self.data_arrays, self.data_layouts)
        if is_train is None:
            is_train = self.for_training
        if isinstance(data_batch, list):
            if self.label_arrays is not None and data_batch and data_batch[0].label:
                _load_general(_per_batch(data_batch, "label", len(self.label_arrays)),
                              [[d for _, d in t] for t in self.label_arrays], self.label_layouts)
        elif self.label_arrays is not None and data_batch.label:
            _load_general(data_batch.label, self.label_arrays, self.label_layouts)
        for exe in self.execs:
            exe.forward(is_train=is_train)

    def backward(self, out_grads=None):
        assert self.for_training, "re-bind with for_training=True to run backward"
        out_grads = [] if out_grads is None else out_grads
        if isinstance(out_grads, nd.NDArray):
            out_grads = [out_grads]
        for i, (exe, islice) in enumerate(zip(self.execs, self.slices)):
            parts = []
            for grad, axis in zip(out_grads, self.output_layouts):
                if axis >= 0 and len(self.execs) > 1:
                    parts.append(nd.slice_axis(grad, axis=axis, begin=islice.start, end=islice.stop)
                                 .as_in_context(self.contexts[i]))
                else:
                    parts.append(grad.as_in_context(self.contexts[i]))
            exe.backward(out_grads=parts)

    def get_output_shapes(self):
        shapes = []
        for key, out, axis in zip(self.output_names, self.execs[0].outputs, self.output_layouts):
            shape = list(out.shape)
            if axis >= 0:
                shape[axis] = self.batch_size
            shapes.append((key, tuple(shape)))
        return shapes

    def get_outputs(self, merge_multi_context=True, begin=0, end=None):
        end = self.num_outputs if end is None else end
        outputs = [[exe.outputs[i] for exe in self.execs] for i in range(begin, end)]
        return _merge_multi_context(outputs, self.output_layouts) if merge_multi_context else outputs

    def get_states(self, merge_multi_context=True):
        assert not merge_multi_context, "merge_multi_context=True is not supported for get_states yet."
        return self.state_arrays

    def set_states(self, states=None, value=None):
        if states is not None:
            assert value is None, "Only one of states & value can be specified."
            _load_general(states, self.state_arrays, (0,) * len(states))
        else:
            assert value is not None, "At least one of states & value must be specified."
            for dsts in self.state_arrays:
                for dst in dsts:
                    dst[:] = value

    def get_input_grads(self, merge_multi_context=True):
        assert self.inputs_need_grad
        if merge_multi_context:
            return _merge_multi_context(self.input_grad_arrays, self.data_layouts)
        return self.input_grad_arrays

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Update ``eval_metric`` with every context's outputs and its slice of ``labels``."""
        for k, (exe, islice) in enumerate(zip(self.execs, self.slices)):
            if pre_sliced:
                labels_slice = labels[k]
            elif len(self.execs) == 1:
                labels_slice = labels
            else:
                labels_slice = []
                for label, axis in zip(labels, self.label_layouts):
                    if axis == 0:
                        labels_slice.append(label[islice])
                    elif axis > 0:
                        labels_slice.append(nd.slice_axis(label, axis=axis, begin=islice.start, end=islice.stop))
                    else:
                        labels_slice.append(label)
            eval_metric.update_dict(OrderedDict(zip(self.label_names or [], labels_slice)),
                                    OrderedDict(zip(self.output_names, exe.outputs)))

    def install_monitor(self, mon):
        for exe in self.execs:
            mon.install(exe)
