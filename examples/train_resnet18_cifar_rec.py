"""Train a CIFAR-style ResNet-18 from RecordIO files with MXNet Gluon: a classic MXNet 1.x script.

Written for MXNet (``import mxnet as mx``); mxjax runs it unchanged:

    python examples/train_resnet18_cifar_rec.py                       # real MXNet 1.9.1
    mxjax run examples/train_resnet18_cifar_rec.py                    # or: python -m mxjax ...
    mxjax run examples/train_resnet18_cifar_rec.py --num-train 5000 --epochs 10 --batch-size 128

The data are SYNTHETIC: no dataset can be downloaded here, so the script draws CIFAR-10-shaped
images (32x32 RGB, 10 classes; each class a coloured pattern of its own, each image that
pattern shifted, with noise) and writes them as ``train.rec``/``val.rec`` (with ``.idx``
files) with ``mx.recordio.pack_img``, as ``im2rec`` would from image files.  Training reads
them back with ``mx.io.ImageRecordIter`` (CIFAR's augmentation: 4-pixel padding, random
crops and mirrors, per-channel mean/std) and trains ``resnet18_v1`` of the model zoo in its
``thumbnail`` (CIFAR) form with SGD and momentum, printing progress.  Give ``--rec-dir`` a
folder already holding ``train.rec``/``val.rec`` (and their ``.idx``) to train on real images.

The default run is short (320 training and 64 validation images, one epoch); ``--num-train``,
``--num-val``, ``--epochs`` and ``--batch-size`` make it longer.  ``pack_img`` needs an image
encoder: OpenCV under real MXNet (``pip install opencv-python-headless``), Pillow or OpenCV
under mxjax (``pip install 'mxjax[image]'``).
"""
import argparse
import logging
import os
import tempfile
import time

import numpy as np
import mxnet as mx
from mxnet import autograd, gluon
from mxnet.gluon.model_zoo import vision

MEAN = (125.3, 123.0, 113.9)
STD = (63.0, 62.1, 66.7)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="ResNet-18 on CIFAR-10-shaped RecordIO data with MXNet Gluon")
    parser.add_argument("--epochs", type=int, default=1, help="number of training epochs")
    parser.add_argument("--batch-size", type=int, default=32, help="mini-batch size")
    parser.add_argument("--lr", type=float, default=0.05, help="learning rate")
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    parser.add_argument("--wd", type=float, default=1e-4, help="weight decay")
    parser.add_argument("--num-train", type=int, default=320, help="synthetic training images")
    parser.add_argument("--num-val", type=int, default=64, help="synthetic validation images")
    parser.add_argument("--rec-dir", default=None,
                        help="folder holding train.rec/val.rec (+ .idx); default: synthesize them in a temp folder")
    parser.add_argument("--img-fmt", default=".jpg", choices=[".jpg", ".png"], help="encoding of the packed images")
    parser.add_argument("--no-hybridize", action="store_true", help="run the network imperatively")
    parser.add_argument("--log-interval", type=int, default=5, help="batches between progress lines")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def synthetic_cifar(num, seed):
    """``num`` uint8 images (num, 32, 32, 3) in BGR order (what ``pack_img`` takes) and labels 0-9."""
    patterns = np.random.RandomState(0).uniform(0, 255, size=(10, 8, 8, 3))
    patterns = patterns.repeat(4, axis=1).repeat(4, axis=2)       # blocky 32x32 class patterns
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, 10, size=num)
    images = np.empty((num, 32, 32, 3), np.uint8)
    for i, label in enumerate(labels):
        shifted = np.roll(patterns[label], rng.randint(-3, 4, size=2), axis=(0, 1))
        images[i] = np.clip(shifted + rng.normal(0, 30, size=shifted.shape), 0, 255)
    return images, labels


def write_rec(prefix, images, labels, img_fmt):
    """``prefix``.rec and ``prefix``.idx holding the images, as ``tools/im2rec.py`` writes them."""
    record = mx.recordio.MXIndexedRecordIO(prefix + ".idx", prefix + ".rec", "w")
    for i, (img, label) in enumerate(zip(images, labels)):
        header = mx.recordio.IRHeader(0, float(label), i, 0)
        record.write_idx(i, mx.recordio.pack_img(header, img, quality=95, img_fmt=img_fmt))
    record.close()


def record_iters(rec_dir, batch_size, seed):
    normalize = dict(mean_r=MEAN[0], mean_g=MEAN[1], mean_b=MEAN[2], std_r=STD[0], std_g=STD[1], std_b=STD[2])
    train = mx.io.ImageRecordIter(path_imgrec=os.path.join(rec_dir, "train.rec"),
                                  path_imgidx=os.path.join(rec_dir, "train.idx"), data_shape=(3, 32, 32),
                                  batch_size=batch_size, shuffle=True, seed=seed, pad=4, rand_crop=True,
                                  rand_mirror=True, preprocess_threads=2, **normalize)
    val = mx.io.ImageRecordIter(path_imgrec=os.path.join(rec_dir, "val.rec"),
                                path_imgidx=os.path.join(rec_dir, "val.idx"), data_shape=(3, 32, 32),
                                batch_size=batch_size, preprocess_threads=2, **normalize)
    return train, val


def evaluate(net, val_iter, ctx):
    metric = mx.metric.Accuracy()
    val_iter.reset()
    for batch in val_iter:
        keep = batch.data[0].shape[0] - batch.pad       # the wrapped-around filler is not counted
        out = net(batch.data[0].as_in_context(ctx))
        metric.update([batch.label[0][:keep]], [out[:keep]])
    return metric.get()[1]


def train(args):
    mx.random.seed(args.seed)
    np.random.seed(args.seed)
    ctx = mx.cpu()
    tmp = None
    rec_dir = args.rec_dir
    if rec_dir is None:
        tmp = tempfile.TemporaryDirectory()
        rec_dir = tmp.name
        for name, num, seed in (("train", args.num_train, args.seed), ("val", args.num_val, args.seed + 1)):
            images, labels = synthetic_cifar(num, seed)
            write_rec(os.path.join(rec_dir, name), images, labels, args.img_fmt)
        logging.info("wrote %d training and %d validation images (synthetic) to %s", args.num_train,
                     args.num_val, rec_dir)
    train_iter, val_iter = record_iters(rec_dir, args.batch_size, args.seed)

    net = vision.resnet18_v1(classes=10, thumbnail=True)
    net.initialize(mx.init.Xavier(magnitude=2), ctx=ctx)
    if not args.no_hybridize:
        net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), "sgd",
                            {"learning_rate": args.lr, "momentum": args.momentum, "wd": args.wd})
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    metric = mx.metric.Accuracy()

    val_acc = 0.0
    for epoch in range(args.epochs):
        tic = time.time()
        metric.reset()
        train_iter.reset()
        total_loss, seen = 0.0, 0
        for i, batch in enumerate(train_iter):
            data = batch.data[0].as_in_context(ctx)
            label = batch.label[0].as_in_context(ctx)
            with autograd.record():
                out = net(data)
                loss = loss_fn(out, label)
            loss.backward()
            trainer.step(data.shape[0])
            metric.update([label], [out])
            total_loss += loss.sum().asscalar()
            seen += data.shape[0]
            if (i + 1) % args.log_interval == 0:
                logging.info("epoch %d batch %d: loss %.4f, %s %.4f, %.1f samples/s", epoch, i + 1,
                             total_loss / seen, *metric.get(), seen / (time.time() - tic))
        val_acc = evaluate(net, val_iter, ctx)
        logging.info("epoch %d done: train loss %.4f, train accuracy %.4f, validation accuracy %.4f (%.1fs)",
                     epoch, total_loss / max(seen, 1), metric.get()[1], val_acc, time.time() - tic)
    if tmp is not None:
        tmp.cleanup()
    return val_acc


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    train(parse_args())
