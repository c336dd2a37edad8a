"""Every test starts from the same random state, whatever ran before it.

Parameter initializers and samplers draw from ``mx.random``'s global stream and many tests
from NumPy's; without this a test's numbers would depend on which tests ran before it in
the same process (a training step that converges from one initialization and overshoots
from another)."""
import os

import numpy as np
import pytest

# the CPU convolution's tuned choices stay in the test process, never in ~/.cache
os.environ.setdefault("MXJAX_CONV_CACHE", "")

import mxjax as mx  # noqa: E402


@pytest.fixture(autouse=True)
def _fixed_random_state():
    mx.random.seed(0)
    np.random.seed(0)
    yield
