"""Train a multilayer perceptron on MNIST with MXNet Gluon: a classic MXNet 1.x script.

Written for MXNet (``import mxnet as mx``); mxjax runs it unchanged:

    python examples/train_mnist_mlp_mxnet.py --synthetic            # real MXNet 1.9.1
    mxjax run examples/train_mnist_mlp_mxnet.py --synthetic --epochs 1

The MNIST files are read from ``--data-dir`` (the four ``*-ubyte.gz`` files of
http://yann.lecun.com/exdb/mnist/, as gluon.data.vision.MNIST stores them).
With ``--synthetic``, or when those files are absent, it trains on synthetic
data of MNIST's shape (28x28 uint8 images, 10 classes) that an MLP can learn.
Nothing is downloaded.
"""
import argparse
import logging
import os
import time

import numpy as np
import mxnet as mx
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn

MNIST_FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
               "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]


def parse_args():
    parser = argparse.ArgumentParser(description="MNIST MLP training with MXNet Gluon")
    parser.add_argument("--epochs", type=int, default=10, help="number of training epochs")
    parser.add_argument("--batch-size", type=int, default=100, help="mini-batch size")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    parser.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    parser.add_argument("--hybridize", action="store_true", help="hybridize the network")
    parser.add_argument("--data-dir", default=os.path.join("~", ".mxnet", "datasets", "mnist"),
                        help="directory with the MNIST files")
    parser.add_argument("--synthetic", action="store_true", help="use synthetic data of MNIST's shape")
    parser.add_argument("--num-train", type=int, default=10000, help="synthetic training examples")
    parser.add_argument("--num-test", type=int, default=2000, help="synthetic test examples")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--log-interval", type=int, default=50, help="batches between progress lines")
    return parser.parse_args()


def synthetic_mnist(num, seed):
    """Images of MNIST's shape (num, 28, 28, 1) uint8 with labels 0-9.

    Like MNIST, mostly black with bright strokes: each class has its own random
    stroke mask, each image shows it with 40% of its pixels flipped.
    """
    rng = np.random.RandomState(seed)
    masks = np.random.RandomState(0).uniform(size=(10, 28, 28, 1)) < 0.2
    labels = rng.randint(0, 10, size=num)
    flips = rng.uniform(size=(num, 28, 28, 1)) < 0.4
    strokes = masks[labels] ^ flips
    images = (strokes * rng.uniform(150, 255, size=strokes.shape)).astype(np.uint8)
    return images, labels.astype(np.float32)


def transform(data, label):
    """uint8 HWC image -> flat float32 vector in [0, 1]."""
    return data.reshape((-1,)).astype(np.float32) / 255, label


def get_data(args):
    data_dir = os.path.expanduser(args.data_dir)
    have_files = all(os.path.exists(os.path.join(data_dir, f)) for f in MNIST_FILES)
    if args.synthetic or not have_files:
        if not args.synthetic:
            logging.info("MNIST files not found in %s: using synthetic data", data_dir)
        train = gluon.data.ArrayDataset(*synthetic_mnist(args.num_train, args.seed))
        test = gluon.data.ArrayDataset(*synthetic_mnist(args.num_test, args.seed + 1))
    else:
        train = gluon.data.vision.MNIST(root=data_dir, train=True)
        test = gluon.data.vision.MNIST(root=data_dir, train=False)
    train_data = gluon.data.DataLoader(train.transform(transform), batch_size=args.batch_size,
                                       shuffle=True, last_batch='discard')
    test_data = gluon.data.DataLoader(test.transform(transform), batch_size=args.batch_size,
                                      shuffle=False)
    return train_data, test_data


def build_net(hybridize):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(128, activation='relu'))
        net.add(nn.Dense(64, activation='relu'))
        net.add(nn.Dense(10))
    net.initialize(mx.init.Xavier(magnitude=2.24), ctx=mx.cpu())
    if hybridize:
        net.hybridize()
    return net


def evaluate(net, data_iter):
    metric = mx.metric.Accuracy()
    for data, label in data_iter:
        output = net(data)
        metric.update([label], [output])
    return metric.get()[1]


def main():
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse_args()
    mx.random.seed(args.seed)
    np.random.seed(args.seed)
    train_data, test_data = get_data(args)
    net = build_net(args.hybridize)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd',
                            {'learning_rate': args.lr, 'momentum': args.momentum})
    metric = mx.metric.Accuracy()
    for epoch in range(args.epochs):
        metric.reset()
        total_loss, num_samples = 0.0, 0
        tic = time.time()
        for i, (data, label) in enumerate(train_data):
            with autograd.record():
                output = net(data)
                loss = loss_fn(output, label)
            loss.backward()
            trainer.step(data.shape[0])
            metric.update([label], [output])
            total_loss += loss.sum().asscalar()
            num_samples += data.shape[0]
            if args.log_interval and (i + 1) % args.log_interval == 0:
                name, acc = metric.get()
                logging.info("[Epoch %d Batch %d] loss=%.4f, %s=%.4f", epoch, i + 1,
                             total_loss / num_samples, name, acc)
        name, train_acc = metric.get()
        test_acc = evaluate(net, test_data)
        logging.info("[Epoch %d] loss=%.4f, train %s=%.4f, test %s=%.4f, time=%.1fs", epoch,
                     total_loss / num_samples, name, train_acc, name, test_acc, time.time() - tic)
    logging.info("Final test accuracy: %.4f", evaluate(net, test_data))
    nd.waitall()


if __name__ == '__main__':
    main()
