"""Data parallelism: a trace spanning several JAX devices runs as ONE SPMD program.

MXNet trains on several devices by running the same forward/backward once per
context (``split_and_load``, a loop over the contexts), summing the gradients in
a kvstore and updating every context's copy of the parameters.  In mxjax those
per-context computations are recorded like any other (each on its own device),
and the sum is one *collective* node (``allreduce``): k inputs, one per device,
k outputs, the sum on each input's device.

At a sync point, a plan whose leaves live on several devices is split into its
*replicas* (``partition``): the nodes on each device, with the collective node
cut into its per-device part.  When every replica has the same structure (the
same op instances wired the same way, leaves of the same shapes) the plan runs
as ONE jitted ``jax.shard_map`` over a ``jax.sharding.Mesh`` of those devices:
each leaf is the block of a global array sharded over the mesh (made without a
copy from the per-device arrays), each replica runs the common structure, and
the collective is ``lax.psum`` -- XLA's all-reduce.  The results come back as the
per-device blocks of the outputs, again without copies.

A plan that does not split into equal replicas (different computations on each
device) runs node by node (the cold tier), which works across devices: each
op's kernel runs where its inputs are, and the collective sums by transfers.

Logical contexts (``cpu(1)`` on a host with one CPU device) share one device: their
plans are one replica and run as before; the collective then is a plain sum.
"""
import jax
import numpy as np
from jax import lax
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from .graph import OpInstance, Aval, apply

__all__ = ["AllReduceInstance", "allreduce", "partition", "spans_devices", "SpmdProgram"]

AXIS = "replica"


class AllReduceInstance(OpInstance):
    """The sum of k arrays of one aval (one per context) delivered to each of them.

    ``fn`` (all inputs on one device: logical contexts, or a jitted whole trace) sums;
    ``fwd`` (the cold tier, inputs on several devices) sums on the first input's device
    and copies the sum to the others.  Inside an SPMD program each replica's part is
    ``psum`` over the mesh (``replica_fn``)."""
    __slots__ = ("k",)
    _interned = {}

    def __new__(cls, aval, k):
        inst = cls._interned.get((aval, k))
        if inst is None:
            inst = cls._interned[(aval, k)] = object.__new__(cls)
        return inst

    def __init__(self, aval, k):
        if getattr(self, "k", None) == k:
            return

        def total(*xs):
            s = xs[0]
            for x in xs[1:]:
                s = s + x
            return (s,) * k
        super().__init__("_allreduce", (("num_args", k),), total, (aval,) * k)
        self.k = k

    def fwd(self, *arrays):
        devices = [_device_of(a) for a in arrays]
        if len(set(devices)) == 1:
            return super().fwd(*arrays)
        s = arrays[0]
        for a in arrays[1:]:
            s = s + jax.device_put(a, devices[0])
        return tuple(s if d == devices[0] else jax.device_put(s, d) for d in devices)


def _device_of(array):
    devices = getattr(array, "devices", None)
    return next(iter(devices())) if devices is not None else None


class _ReplicaSum(OpInstance):
    """One replica's part of an ``AllReduceInstance`` inside an SPMD program: ``psum``."""
    __slots__ = ()
    _interned = {}

    def __new__(cls, aval):
        inst = cls._interned.get(aval)
        if inst is None:
            inst = cls._interned[aval] = object.__new__(cls)
            OpInstance.__init__(inst, "_allreduce", (), lambda x: (lax.psum(x, AXIS),), (aval,))
        return inst

    def __init__(self, aval):
        pass


def allreduce(values):
    """Values (one per context, same aval): k pending Values, each the sum of all of them,
    on the context of the corresponding input (one node of the trace)."""
    inst = AllReduceInstance(values[0].aval, len(values))
    outs = apply(inst, tuple(values), False, values[0].ctx)
    for out, v in zip(outs, values):
        out.ctx = v.ctx
    return outs


def _is_host_scalar(v):
    return v.shape == () and v.var is None and type(v.data) is np.ndarray


def spans_devices(values):
    """Whether ``values`` live on more than one JAX device (cheap when they share a context)."""
    first = None
    for v in values:
        ctx = v.ctx
        if first is None:
            first = ctx
        elif ctx is not first and not _is_host_scalar(v) and ctx.jax_device is not first.jax_device:
            return True
    return False


def partition(plan, wanted):
    """Split ``plan`` into equal per-device replicas; None when it does not split so.

    ``wanted``: the Values whose slots the caller needs.  Returns an ``SpmdProgram``
    description: (devices, per-replica leaf indices, the common local structure, and
    where each wanted value is found)."""
    leaves = plan.leaves
    n_leaves = len(leaves)
    slot_dev = [None] * plan.n_slots
    devices = []
    for i, v in enumerate(leaves):
        if not _is_host_scalar(v):
            d = v.ctx.jax_device
            slot_dev[i] = d
            if d not in devices:
                devices.append(d)
    if len(devices) < 2:
        return None
    # forward: a node runs on its inputs' device; the collective's outputs are on its inputs'
    producer = {}
    node_dev = []
    n = n_leaves
    for j, (inst, ins, _) in enumerate(plan.nodes):
        k = len(inst.out_avals)
        if type(inst) is AllReduceInstance:
            devs = [slot_dev[i] for i in ins]
            if None in devs or len(set(devs)) != len(devs):
                return None
            slot_dev[n:n + k] = devs
            node_dev.append("all")
        else:
            ds = {slot_dev[i] for i in ins} - {None}
            if len(ds) > 1:
                return None
            d = ds.pop() if ds else None
            slot_dev[n:n + k] = [d] * k
            node_dev.append(d)
        for s in range(n, n + k):
            producer[s] = j
        n += k
    # nodes without a device input (arrays made on a context) take their consumers' device
    for v in wanted:
        s = plan.slot(v)
        if slot_dev[s] is None:
            _place(plan, producer, slot_dev, node_dev, s, v.ctx.jax_device)
    n = n_leaves
    starts = []
    for j, (inst, ins, _) in enumerate(plan.nodes):
        starts.append(n)
        n += len(inst.out_avals)
    for j in reversed(range(len(plan.nodes))):
        inst, ins, _ = plan.nodes[j]
        d = node_dev[j]
        if d is None:
            continue
        for pos, i in enumerate(ins):
            dev = d if d != "all" else slot_dev[starts[j] + pos]
            if i >= n_leaves and slot_dev[i] is None:
                if not _place(plan, producer, slot_dev, node_dev, i, dev):
                    return None
    if any(d is None for d in node_dev):
        return None
    if any(slot_dev[plan.slot(v)] not in devices for v in wanted):
        return None
    return _replicas(plan, devices, slot_dev, node_dev, starts, wanted)


def _place(plan, producer, slot_dev, node_dev, slot, device):
    """Put the device-less node producing ``slot`` on ``device``; False on a conflict."""
    j = producer[slot]
    if node_dev[j] is not None:
        return node_dev[j] == device
    node_dev[j] = device
    for s, p in producer.items():
        if p == j:
            slot_dev[s] = device
    return True


def _replicas(plan, devices, slot_dev, node_dev, starts, wanted):
    leaves = plan.leaves
    n_leaves = len(leaves)
    structure = None
    leaf_sets = []
    slot_maps = []
    for d in devices:
        # a replica's leaves are numbered in the order its nodes first read them (the plan's
        # order follows a depth-first walk from the roots, which differs between replicas)
        local = {}
        leaf_key, leaf_idx, groups = [], [], {}
        mine = []
        for j, (inst, ins, rec) in enumerate(plan.nodes):
            if node_dev[j] == "all":
                pos = [p for p in range(len(inst.out_avals)) if slot_dev[starts[j] + p] is d]
                if len(pos) != 1:
                    return None
                mine.append((j, (ins[pos[0]],), pos[0]))
            elif node_dev[j] is d:
                mine.append((j, ins, None))
        for _, ins, _ in mine:
            for i in ins:
                if i < n_leaves and i not in local:
                    v = leaves[i]
                    local[i] = len(leaf_idx)
                    leaf_idx.append(i)
                    if slot_dev[i] is None:
                        g = groups.setdefault(v.dtype, [])
                        leaf_key.append((v.dtype, len(g)))
                        g.append(i)
                    else:
                        leaf_key.append((v.aval, False))
        nodes = []
        m = len(leaf_idx)
        for j, ins, p in mine:
            inst, _, rec = plan.nodes[j]
            if p is not None:
                nodes.append((_ReplicaSum(inst.out_avals[p]), (local[ins[0]],), rec))
                local[starts[j] + p] = m
                m += 1
            else:
                k = len(inst.out_avals)
                nodes.append((inst, tuple(local[i] for i in ins), rec))
                for s in range(k):
                    local[starts[j] + s] = m + s
                m += k
        key = (tuple(leaf_key), tuple(nodes))
        if structure is None:
            structure = key
        elif key != structure:
            return None
        leaf_sets.append((leaf_idx, groups))
        slot_maps.append(local)
    # every replica computes the union of the local slots wanted from any of them
    wanted_local = sorted({slot_maps[devices.index(slot_dev[plan.slot(v)])][plan.slot(v)] for v in wanted})
    where = [(devices.index(slot_dev[plan.slot(v)]), wanted_local.index(slot_maps[devices.index(
        slot_dev[plan.slot(v)])][plan.slot(v)])) for v in wanted]
    return SpmdProgram(tuple(devices), structure[0], structure[1], tuple(wanted_local), leaf_sets, where)


class SpmdProgram:
    """A plan split into equal replicas: ``key`` identifies the compiled program,
    ``build()`` makes it, ``arguments(plan)`` gives its global input arrays and
    ``results(outputs)`` the per-value results in the order ``wanted`` had."""

    def __init__(self, devices, leaf_key, nodes, out_slots, leaf_sets, where):
        self.devices = devices
        self.leaf_key = leaf_key
        self.nodes = nodes
        self.out_slots = out_slots
        self.leaf_sets = leaf_sets
        self.where = where
        self.key = ("spmd", devices, leaf_key, nodes, out_slots)
        env_avals = [e[0] if isinstance(e[0], Aval) else None for e in leaf_key]
        for inst, _, _ in nodes:
            env_avals.extend(inst.out_avals)
        self.out_avals = [env_avals[s] for s in out_slots]

    def build(self):
        """The jitted shard_map of the common structure over a mesh of the devices."""
        from .hot_tier import forward_fn   # hot_tier imports this module
        mesh = Mesh(np.array(self.devices), (AXIS,))
        run = forward_fn(self.leaf_key, self.nodes, self.out_slots)
        leaf_key, out_avals = self.leaf_key, self.out_avals

        def block(arrays, packs):
            arrays = [None if a is None else (a.reshape(()) if e[0].shape == () else a)
                      for a, e in zip(arrays, leaf_key)]
            outs = run(arrays, packs)
            return [o.reshape((1,)) if av.shape == () else o for o, av in zip(outs, out_avals)]
        spec = PartitionSpec(AXIS)
        return jax.jit(jax.shard_map(block, mesh=mesh, in_specs=spec, out_specs=spec, check_vma=False))

    def arguments(self, plan):
        """(arrays, packs): each leaf position's per-device arrays as one global array whose
        blocks they are (no copy), the host scalars packed per dtype and replica."""
        mesh = Mesh(np.array(self.devices), (AXIS,))
        sharding = NamedSharding(mesh, PartitionSpec(AXIS))
        leaves = plan.leaves
        k = len(self.devices)
        arrays = []
        for pos, entry in enumerate(self.leaf_key):
            if not isinstance(entry[0], Aval):
                arrays.append(None)
                continue
            blocks = []
            for d, (leaf_idx, _) in zip(self.devices, self.leaf_sets):
                data = leaves[leaf_idx[pos]].data
                if _device_of(data) != d:
                    data = jax.device_put(data, d)
                blocks.append(data.reshape((1,)) if data.ndim == 0 else data)
            shape = blocks[0].shape
            arrays.append(jax.make_array_from_single_device_arrays((k * shape[0],) + shape[1:], sharding, blocks))
        packs = {}
        for dtype in self.leaf_sets[0][1]:
            host = np.concatenate([np.array([leaves[i].data for i in groups[dtype]], dtype=dtype)
                                   for _, groups in self.leaf_sets])
            packs[dtype.str] = jax.device_put(host, sharding)
        return arrays, packs

    def results(self, outputs):
        """The wanted values' arrays, each the block of its replica (no copy)."""
        order = {d: r for r, d in enumerate(self.devices)}
        per_output = []
        for out in outputs:
            blocks = [None] * len(self.devices)
            for shard in out.addressable_shards:
                blocks[order[shard.device]] = shard.data
            per_output.append(blocks)
        return [per_output[p][r].reshape(()) if self.out_avals[p].shape == () else per_output[p][r]
                for r, p in self.where]


def scatter(array, devices, axis):
    """``array`` cut into equal blocks along ``axis``, block i on ``devices[i]``, by ONE
    sharded transfer (the blocks are the shards: no per-device copy afterwards)."""
    spec = [None] * array.ndim
    spec[axis] = AXIS
    sharding = NamedSharding(Mesh(np.array(devices), (AXIS,)), PartitionSpec(*spec))
    order = {d: r for r, d in enumerate(devices)}
    blocks = [None] * len(devices)
    for shard in jax.device_put(array, sharding).addressable_shards:
        blocks[order[shard.device]] = shard.data
    return blocks
