"""The single-process ``KVStore`` (MXNet's 'local' and 'device' types).

A key (int or str; one store takes one kind, MXNet's "Mixed key types are not allowed")
holds one array, placed on the context of the value it was initialized with.

* ``push(key, values)`` sums the values (one per context) on the stored array's context;
  without an updater the sum replaces the stored array, with one (``set_optimizer``,
  ``_set_updater``) ``updater(key, summed, stored)`` updates it in place.  An updater
  receives str keys as bytes and int keys as int, as MXNet's does.
* ``pull(key, out)`` copies the stored array into every output (``row_sparse`` outputs
  are skipped unless ``ignore_sparse=False``); ``pushpull`` is both, into ``out`` or
  back into the pushed values; ``broadcast`` is init-then-pull.
* mxjax's optimizer Updater gets the keys of one call together, so a list of keys is
  updated in one fused call (MXNet updates key by key; the numbers are the same).

'local' and 'device' differ in MXNet only in where the sum is computed; here both sum
on the stored array's context, except that a ``pushpull`` without an updater whose values
are on distinct JAX devices is one all-reduce node (``_engine/replicas.py``), each device
getting the sum where it is.  Gradient compression is not provided.
"""
import functools
import pickle

import numpy as np

from .._engine import deferral, replicas
from ..base import MXNetError
from ..ndarray import NDArray
from ..ndarray.ndarray import from_value
from .. import ndarray as nd
from .base import KVStoreBase


def _unrecorded(method):
    """Run a store transfer outside autograd: MXNet's kvstore copies with its engine, so a
    pull into a parameter under ``record()`` is not an operation of the graph."""
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        from .. import autograd
        with autograd.pause(train_mode=autograd.is_training()):
            return method(*args, **kwargs)
    return wrapper

__all__ = ["KVStore"]


def _pairs(keys, values, what):
    """[(key, [arrays])] from MXNet's key/value argument forms: one key with an array or a
    list of arrays (one per context), or a list of keys with one such entry each."""
    if isinstance(keys, (list, tuple)):
        if not isinstance(values, (list, tuple)) or len(values) != len(keys):
            raise MXNetError(f"{what}: {len(keys)} keys need a list of {len(keys)} values, one per key")
        pairs = []
        for k, v in zip(keys, values):
            pairs.extend(_pairs(k, v, what))
        return pairs
    if not isinstance(keys, (int, str)) or isinstance(keys, bool):
        raise MXNetError(f"{what}: unexpected type for keys: {type(keys)}; keys are int or str")
    arrays = [values] if isinstance(values, NDArray) else list(values)
    for a in arrays:
        if not isinstance(a, NDArray):
            raise MXNetError(f"{what}: values are NDArrays, got {type(a).__name__}")
    return [(keys, arrays)]


def _stype(arr):
    return getattr(arr, "stype", "default")


def _dense(arr):
    return arr.tostype("default") if _stype(arr) != "default" else arr


class KVStore(KVStoreBase):
    """A key-value store in this process (see the module docstring)."""

    def __init__(self, name="local"):
        self._type = name
        self._store = {}
        self._key_kind = None
        self._updater = None
        self._replica_updaters = {}   # device position -> Updater (``_update_replicated``)
        self._threshold = None        # 2bit gradient compression's threshold, when set
        self._residuals = {}          # (key, value position) -> what compression left out

    # ---- properties -------------------------------------------------------------------------
    @property
    def type(self):
        return self._type

    @property
    def rank(self):
        return 0

    @property
    def num_workers(self):
        return 1

    def is_capable(self, capability):
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return True
        raise ValueError(f"Unknown capability: {capability}")

    # ---- keys ---------------------------------------------------------------------------------
    def _check_kind(self, key):
        kind = str if isinstance(key, str) else int
        if self._key_kind is None:
            self._key_kind = kind
        elif kind is not self._key_kind:
            raise MXNetError(f"Mixed key types are not allowed: this kvstore holds {self._key_kind.__name__} "
                             f"keys, got {kind.__name__} key {key!r}")

    def _stored(self, key):
        self._check_kind(key)
        stored = self._store.get(key)
        if stored is None:
            raise MXNetError(f"key {key} has not been inited: call kv.init(key, value) first")
        return stored

    # ---- init / push / pull -----------------------------------------------------------------
    @_unrecorded
    def init(self, key, value):
        """Store the initial value of each key (a second init of a key is an error)."""
        pairs = _pairs(key, value, "init")
        for k, _ in pairs:
            self._check_kind(k)
            if k in self._store:
                raise MXNetError(f"duplicate init of key {k}. Please double check if you called kv.init or "
                                 "kv.broadcast with this key multiple times")
        for k, arrays in pairs:
            first = _dense(arrays[0])
            self._store[k] = first.copyto(first.context)

    @_unrecorded
    def push(self, key, value, priority=0):
        """Sum the values of each key and store the sum (or hand it to the updater)."""
        pairs = _pairs(key, value, "push")
        stored = [self._stored(k) for k, _ in pairs]
        for (k, arrays), old in zip(pairs, stored):
            if arrays[0].shape != old.shape:
                raise MXNetError(f"push: key {k} holds shape {old.shape}, pushed values have shape "
                                 f"{arrays[0].shape}")
        merged = [_sum(self._compressed(k, arrays), old.context) for (k, arrays), old in zip(pairs, stored)]
        if self._updater is None:
            for (k, _), total in zip(pairs, merged):
                self._store[k] = total
            return
        keys = [k.encode() if isinstance(k, str) else k for k, _ in pairs]
        from ..optimizer.optimizer import Updater
        if isinstance(self._updater, Updater):
            self._updater(keys, merged, stored)
        else:
            for k, total, old in zip(keys, merged, stored):
                self._updater(k, total, old)

    @_unrecorded
    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Copy each key's stored value into its outputs."""
        if out is None:
            raise MXNetError("pull needs out=: the arrays to copy the stored values into")
        pairs = _pairs(key, out, "pull")
        stored = [self._stored(k) for k, _ in pairs]
        for (_, outs), value in zip(pairs, stored):
            for o in outs:
                if _stype(o) != "default":
                    if ignore_sparse:
                        continue
                    value.tostype(_stype(o)).copyto(o)
                else:
                    value.copyto(o)

    def pushpull(self, key, value, out=None, priority=0):
        """``push`` then ``pull`` into ``out`` (default: back into the pushed values).

        Without an updater, values of a key on distinct JAX devices (one per device) are
        summed by one all-reduce node (``_allreduce``) instead of copies to one device and
        back: a data-parallel step then stays one SPMD program."""
        pairs = _pairs(key, value, "pushpull")
        if all(_on_distinct_devices(arrays) for _, arrays in pairs):
            outs = _pairs(key, value if out is None else out, "pushpull")
            if self._updater is None:
                for (k, arrays), (_, targets) in zip(pairs, outs):
                    sums = self._allreduce(k, arrays)
                    if [t.context for t in targets] == [a.context for a in arrays]:
                        for t, total in zip(targets, sums):
                            t._assign(total._value)
                    else:
                        for t in targets:
                            sums[0].copyto(t)
                return
            if out is not None and self._replicable(pairs, outs):
                self._update_replicated(pairs, outs)
                return
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def _replicable(self, pairs, outs):
        """Whether an updating pushpull can run on every device alike: mxjax's optimizer
        Updater, one output per value, on the values' contexts."""
        from ..optimizer.optimizer import Updater
        return isinstance(self._updater, Updater) and all(
            [t.context for t in targets] == [a.context for a in arrays] and _stype(targets[0]) == "default"
            for (_, arrays), (_, targets) in zip(pairs, outs))

    def _update_replicated(self, pairs, outs):
        """Values on distinct devices, an optimizer on the store: the gradients are summed by
        one all-reduce node per key and every device applies the update to its own output
        (one updater per device, alike, so their states stay equal), which gives the numbers
        of MXNet's single update on the store and pull, as one SPMD program.  The store then
        holds the output on its context."""
        from ..optimizer import get_updater
        per_device = {}
        for (k, arrays), (_, targets) in zip(pairs, outs):
            sums = self._allreduce(k, arrays, store=False)
            for r, (total, target) in enumerate(zip(sums, targets)):
                per_device.setdefault(r, []).append((k.encode() if isinstance(k, str) else k, total, target))
            stored = self._store[k]
            self._store[k] = next((t for t in targets if t.context is stored.context), targets[0])
        for r, updates in per_device.items():
            updater = self._replica_updaters.get(r)
            if updater is None:
                updater = self._replica_updaters[r] = get_updater(self._updater.optimizer)
            keys, grads, weights = zip(*updates)
            updater(list(keys), list(grads), list(weights))

    @_unrecorded
    def _allreduce(self, key, arrays, store=True):
        """The sum of ``arrays`` (one per device) on each of their contexts, as one
        all-reduce node of the trace (``lax.psum`` in an SPMD program); with ``store``, the
        stored value of ``key`` becomes the sum too, as after a push."""
        old = self._stored(key)
        if arrays[0].shape != old.shape:
            raise MXNetError(f"push: key {key} holds shape {old.shape}, pushed values have shape "
                             f"{arrays[0].shape}")
        arrays = self._compressed(key, arrays)
        sums = [from_value(v) for v in replicas.allreduce([_dense(a)._value for a in arrays])]
        if store:
            self._store[key] = next((t for t in sums if t.context is old.context), sums[0])
        return sums

    def broadcast(self, key, value, out, priority=0):
        """Init ``key`` with ``value`` and pull it into ``out``."""
        self.init(key, value)
        self.pull(key, out, priority)

    @_unrecorded
    def row_sparse_pull(self, key, out=None, priority=0, row_ids=None):
        """Copy the rows ``row_ids`` (one 1-D array per output, or one for all) of each key's
        value into row_sparse outputs."""
        if out is None or row_ids is None:
            raise MXNetError("row_sparse_pull needs out= and row_ids=")
        pairs = _pairs(key, out, "row_sparse_pull")
        if isinstance(row_ids, NDArray):
            row_ids = [row_ids]
        flat_ids = []
        for entry in row_ids:
            flat_ids.extend(entry if isinstance(entry, (list, tuple)) else [entry])
        outs = [o for _, os_ in pairs for o in os_]
        if len(flat_ids) == 1:       # one row_ids for every output (MXNet copies the first result)
            flat_ids = flat_ids * len(outs)
        if len(flat_ids) != len(outs):
            raise MXNetError(f"row_sparse_pull: {len(outs)} outputs need as many row_ids, got {len(flat_ids)}")
        for o in outs:
            if _stype(o) != "row_sparse":
                raise MXNetError(f"row_sparse_pull expects row_sparse outputs, got stype '{_stype(o)}': use "
                                 "pull for dense arrays")
        position = 0
        for k, os_ in pairs:
            value = self._stored(k)
            for o in os_:
                rows = np.unique(flat_ids[position].asnumpy().reshape(-1).astype(np.int64))
                position += 1
                kept = nd.sparse.retain(value.tostype("row_sparse"), nd.array(rows, ctx=value.context,
                                                                              dtype="int64"))
                kept.copyto(o)

    # ---- optimizer --------------------------------------------------------------------------
    def set_optimizer(self, optimizer):
        """Update stored values with ``optimizer`` on every push."""
        from ..optimizer import get_updater
        self._set_updater(get_updater(optimizer))

    def _set_updater(self, updater):
        """``updater(key, summed, stored)`` runs on every push instead of replacing."""
        self._updater = updater
        self._replica_updaters = {}

    def set_gradient_compression(self, compression_params):
        """MXNet's 2bit compression ('device' and 'dist' types): every pushed value plus its
        residual (what earlier compressions left out, per key and value position) becomes
        +threshold, -threshold or 0 elementwise; the remainder is the new residual.  The
        sum is then taken of the compressed values.  Dense values only (row_sparse ones
        are pushed as they are, as in MXNet)."""
        if "device" not in self._type and "dist" not in self._type:
            raise Exception("Gradient compression is not supported for this type of kvstore")  # noqa: TRY002
        params = dict(compression_params)
        if "type" not in params:
            raise MXNetError("Required parameter type of string is not presented: pass "
                             "{'type': '2bit', 'threshold': 0.5}")
        if params["type"] != "2bit":
            raise MXNetError(f"Unknown type for gradient compression {params['type']}: only '2bit' exists")
        self._threshold = float(params.get("threshold", 0.5))
        self._residuals = {}

    def _compressed(self, key, arrays):
        """``arrays`` (one pushed value per context) after 2bit compression, if it is set."""
        if self._threshold is None:
            return arrays
        t = self._threshold
        out = []
        for pos, a in enumerate(arrays):
            if _stype(a) != "default":
                out.append(a)
                continue
            residual = self._residuals.get((key, pos))
            total = a if residual is None else a + residual
            quantized = ((total >= t) - (total <= -t)) * t
            residual = self._residuals[(key, pos)] = total - quantized
            deferral.defer([residual._value])   # computed with the step that pushed
            out.append(quantized)
        return out

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Write the updater's states (and the optimizer if ``dump_optimizer``) as a pickle."""
        assert self._updater is not None, "Cannot save states for distributed training"
        updater = self._replica_updaters.get(0, self._updater)   # replicas' states are equal
        with open(fname, "wb") as fout:
            fout.write(updater.get_states(dump_optimizer))

    def load_optimizer_states(self, fname):
        """Read what ``save_optimizer_states`` wrote."""
        assert self._updater is not None, "Cannot load states for distributed training"
        with open(fname, "rb") as fin:
            states = fin.read()
        for updater in [self._updater] + list(self._replica_updaters.values()):
            updater.set_states(states)

    def _barrier(self):
        """All workers wait here; one process has nothing to wait for."""

    def __getstate__(self):
        raise pickle.PicklingError("a KVStore holds live arrays and cannot be pickled")


def _on_distinct_devices(arrays):
    """Whether ``arrays`` (dense, two or more) are each on a JAX device of its own."""
    if len(arrays) < 2 or any(_stype(a) != "default" for a in arrays):
        return False
    devices = {a.context.jax_device for a in arrays}
    return len(devices) == len(arrays)


def _sum(arrays, ctx):
    """The sum of ``arrays`` (one per context) on ``ctx``, a new array."""
    moved = [_dense(a).as_in_context(ctx) for a in arrays]
    if len(moved) == 1:
        return moved[0].copy()
    return nd.add_n(*moved)
