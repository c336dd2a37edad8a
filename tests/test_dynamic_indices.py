"""Index positions are runtime arguments: loops over rows, batches and samples compile a
handful of programs, not one per position; chains of indexed writes neither recurse nor grow.

Counts, not times: ``compiles()`` counts XLA backend compilations (JAX's monitoring events)."""
import contextlib
import gc
import tracemalloc

import jax.monitoring
import numpy as np
import pytest

import mxjax as mx
from mxjax import gluon, nd


@contextlib.contextmanager
def compiles():
    """Yields a list that ends up holding one entry per XLA compilation in the block."""
    seen = []

    def listener(name, duration, **kwargs):
        if name.endswith("backend_compile_duration"):
            seen.append(name)
    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        yield seen
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)


def test_reading_1000_distinct_rows_compiles_a_handful():
    data = np.random.RandomState(0).rand(1000, 3).astype(np.float32)
    x = nd.array(data)
    with compiles() as seen:
        rows = [x[i].asnumpy() for i in range(1000)]
    assert len(seen) <= 3
    np.testing.assert_array_equal(np.stack(rows), data)


def test_slicing_1000_distinct_batches_compiles_a_handful():
    data = np.arange(2000 * 2, dtype=np.float32).reshape(2000, 2)
    x = nd.array(data)
    with compiles() as seen:
        for start in range(1000):
            np.testing.assert_array_equal(x[start:start + 8].asnumpy(), data[start:start + 8])
            np.testing.assert_array_equal(nd.slice_axis(x, axis=0, begin=start, end=start + 4).asnumpy(),
                                          data[start:start + 4])
            np.testing.assert_array_equal(x.slice(begin=(start, None), end=(start + 3, None)).asnumpy(),
                                          data[start:start + 3])
    assert len(seen) <= 6


def test_dataloader_over_ndarray_dataset_compiles_a_handful():
    rng = np.random.RandomState(1)
    data, label = rng.rand(5000, 4).astype(np.float32), rng.randint(0, 10, 5000).astype(np.float32)
    dataset = gluon.data.ArrayDataset(nd.array(data), nd.array(label))
    loader = gluon.data.DataLoader(dataset, batch_size=50, shuffle=True)
    rows, labels = [], []
    with compiles() as seen:
        for batch, lab in loader:
            rows.append(batch.asnumpy())
            labels.append(lab.asnumpy())
    assert len(seen) <= 8
    rows, labels = np.concatenate(rows), np.concatenate(labels)
    order = np.lexsort(rows.T)
    expected = np.lexsort(data.T)
    np.testing.assert_array_equal(rows[order], data[expected])
    np.testing.assert_array_equal(labels[order], label[expected])


def _mnist_like(n, seed):
    images = np.random.RandomState(seed).randint(0, 256, (n, 6, 6, 1)).astype(np.uint8)
    labels = np.arange(n, dtype=np.int32) % 10
    transform = lambda x, y: (x.reshape((-1,)).astype(np.float32) / 255, y)  # noqa: E731
    return images, labels, gluon.data.ArrayDataset(nd.array(images, dtype=np.uint8), labels).transform(transform)


def test_batches_of_a_per_sample_pipeline_are_one_small_program_per_dataset():
    """A batch of ``dataset[i]`` + transform is the pipeline vmapped over the batch: a new
    dataset (train, then validation) costs a compile of the pipeline's few ops, not of a
    trace of hundreds; the numbers are those of stacking the samples one by one."""
    runs = []
    with compiles() as seen:
        for n, seed in ((600, 0), (250, 1)):
            images, labels, dataset = _mnist_like(n, seed)
            loader = gluon.data.DataLoader(dataset, batch_size=50)
            runs.append((images, labels, dataset, [(data.asnumpy(), label.asnumpy()) for data, label in loader]))
    assert len(seen) <= 6
    for images, labels, dataset, batches in runs:
        one_by_one = np.stack([dataset[i][0].asnumpy() for i in range(len(labels))])
        np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), one_by_one)
        np.testing.assert_allclose(one_by_one, images.reshape(len(labels), -1) / 255, rtol=1e-6)
        np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), labels)


def test_samples_of_different_pipelines_are_stacked_one_by_one():
    """Samples whose computations differ (a Python branch per sample) or that are recorded
    are stacked as ``nd.stack`` does; values and gradients stay right."""
    x = nd.array(np.arange(12, dtype=np.float32).reshape(4, 3))
    samples = [x[i] * 2 if i % 2 else x[i] + 1 for i in range(4)]
    expected = np.stack([x.asnumpy()[i] * 2 if i % 2 else x.asnumpy()[i] + 1 for i in range(4)])
    np.testing.assert_array_equal(gluon.data.dataloader.default_batchify_fn(samples).asnumpy(), expected)
    x.attach_grad()
    with mx.autograd.record():
        batch = gluon.data.dataloader.default_batchify_fn([x[i] * (i + 1) for i in range(4)])
    batch.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.repeat(np.arange(1, 5, dtype=np.float32)[:, None], 3, 1))


@pytest.mark.parametrize("key", [
    1, -1, (2, 3), (slice(1, 4),), (slice(None, None, -1),), (slice(4, 0, -2), slice(1, 5, 2)),
    (Ellipsis, 2), (None, 1, slice(2, 4)), (slice(0, 0),), (1, [0, 2]), ([0, 2], 1),
    (slice(1, 3), [0, 2]), (0, slice(None), [1, 3]), (slice(2, None), Ellipsis, None),
])
def test_get_and_set_with_runtime_positions_match_numpy(key):
    ref = np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6)
    x = nd.array(ref)
    expected = ref[key]
    got = x[key].asnumpy()
    np.testing.assert_array_equal(got, expected.reshape(1) if expected.ndim == 0 else expected)
    x[key] = -7
    ref[key] = -7
    np.testing.assert_array_equal(x.asnumpy(), ref)


def test_30000_indexed_inplace_updates_in_bounded_memory():
    """MXNet runs ``y[i % 10] += 1`` any number of times; each write goes through a view of
    ``y``, and nothing may recurse or keep history in proportion to the chain's length
    (a Node and a Value kept per update would be over 100 bytes each: 2.8 MB here; the
    measured growth is about 60 KB, the scalar and structure caches)."""
    y = nd.ones(10)
    for i in range(2000):   # warm-up: caches of structures and scalars fill here
        y[i % 10] += 1
    y.wait_to_read()
    gc.collect()
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    for i in range(2000, 30000):
        y[i % 10] += 1
    result = y.asnumpy()
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    np.testing.assert_array_equal(result, np.full(10, 3001, np.float32))
    assert grown < 600_000, f"memory grew by {grown} bytes over 28,000 updates"


def test_chain_of_writes_through_views_of_views():
    x = nd.zeros((4, 3))
    for i in range(3000):
        row = x[i % 4]
        row[i % 3] += 1
    expected = np.zeros((4, 3), np.float32)
    for i in range(3000):
        expected[i % 4, i % 3] += 1
    np.testing.assert_array_equal(x.asnumpy(), expected)


def test_out_of_bounds_index_is_still_an_index_error_at_the_call():
    x = nd.ones((3, 2))
    with pytest.raises(IndexError, match="out of bounds"):
        x[3]
    with pytest.raises(mx.MXNetError, match="slice_axis"):
        nd.slice_axis(x, axis=0, begin=2, end=1)
