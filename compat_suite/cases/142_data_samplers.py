"""SequentialSampler, BatchSampler (keep/discard/rollover), RandomSampler as a permutation."""
import mxnet as mx
from mxnet import gluon
from compat_emit import emit

seq = gluon.data.SequentialSampler(5)
emit("sequential", list(seq))
emit("batch_keep", list(gluon.data.BatchSampler(seq, 2, 'keep')))
emit("batch_discard", list(gluon.data.BatchSampler(seq, 2, 'discard')))
roll = gluon.data.BatchSampler(seq, 2, 'rollover')
emit("batch_rollover_1", list(roll))
emit("batch_rollover_2", list(roll))
emit("random_is_permutation", sorted(gluon.data.RandomSampler(6)))
emit("len", len(gluon.data.BatchSampler(seq, 2, 'keep')))
loader = gluon.data.DataLoader(gluon.data.SimpleDataset(list(range(7))),
                               batch_sampler=gluon.data.BatchSampler(gluon.data.SequentialSampler(7), 3, 'keep'))
emit("loader_with_batch_sampler", [b for b in loader])
