"""examples/train_resnet18_cifar_rec.py: its RecordIO data path in seconds, and the whole
script on a tiny run (slow: compiling ResNet-18's training step takes minutes on a small CPU)."""
import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

import mxjax as mx

pytest.importorskip("PIL")
EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "examples", "train_resnet18_cifar_rec.py")


def _load_example():
    spec = importlib.util.spec_from_file_location("train_resnet18_cifar_rec", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    mx.alias_mxnet()
    spec.loader.exec_module(module)
    return module


def test_synthetic_rec_files_feed_the_record_iterators(tmp_path):
    example = _load_example()
    images, labels = example.synthetic_cifar(12, seed=3)
    assert images.shape == (12, 32, 32, 3) and images.dtype == np.uint8 and set(labels) <= set(range(10))
    for name in ("train", "val"):
        example.write_rec(str(tmp_path / name), images, labels, ".png")
    train, val = example.record_iters(str(tmp_path), batch_size=5, seed=0)
    batches = list(val)
    assert [b.pad for b in batches] == [0, 0, 3]
    assert batches[0].data[0].shape == (5, 3, 32, 32)
    np.testing.assert_array_equal(np.concatenate([b.label[0].asnumpy() for b in batches])[:12], labels)
    rgb = images[0][:, :, ::-1].transpose(2, 0, 1).astype(np.float32)       # PNG is lossless
    expected = (rgb - np.array(example.MEAN, np.float32)[:, None, None]) / np.array(example.STD, np.float32)[:, None, None]
    np.testing.assert_allclose(batches[0].data[0].asnumpy()[0], expected, rtol=1e-5, atol=1e-5)
    shuffled = np.concatenate([b.label[0].asnumpy() for b in train])
    assert sorted(shuffled[:12].tolist()) == sorted(labels.tolist())


@pytest.mark.slow
def test_the_script_trains_a_tiny_run():
    out = subprocess.run([sys.executable, "-m", "mxjax", EXAMPLE, "--num-train", "16", "--num-val", "8",
                          "--batch-size", "8", "--log-interval", "1"], capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "epoch 0 batch 2: loss" in out.stderr and "validation accuracy" in out.stderr
