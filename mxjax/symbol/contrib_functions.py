"""``mx.sym.contrib`` functions MXNet 1.9.1 writes in Python over its operators: ``rand_zipfian``."""
import math

from . import random_functions as random

__all__ = ["rand_zipfian"]


def rand_zipfian(true_classes, num_sampled, range_max):
    """Symbols of ``num_sampled`` classes in [0, range_max) drawn with replacement from the
    approximately log-uniform (Zipfian) distribution P(c) = (log(c + 2) - log(c + 1)) /
    log(range_max + 1), and of the expected counts of ``true_classes`` and of the samples.

    Returns [samples (int64), expected counts of true_classes (float64), expected counts of the
    samples (float64)], as MXNet does: a sample is floor(exp(u) - 1) % range_max for u uniform
    in [0, log(range_max + 1)), drawn anew at each forward."""
    log_range = math.log(range_max + 1)
    u = random.uniform(0, log_range, shape=(num_sampled,), dtype="float64")
    sampled = (u.exp() - 1).astype("int64") % range_max

    def expected_count(classes):
        classes = classes.astype("float64")
        return ((classes + 2.0) / (classes + 1.0)).log() / log_range * num_sampled
    return [sampled, expected_count(true_classes), expected_count(sampled)]


def install(contrib):
    for name in __all__:
        setattr(contrib, name, globals()[name])
