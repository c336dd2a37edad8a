"""Every test starts from the same random state, whatever ran before it.

Parameter initializers and samplers draw from ``mx.random``'s global stream and many tests
from NumPy's; without this a test's numbers would depend on which tests ran before it in
the same process (a training step that converges from one initialization and overshoots
from another)."""
import numpy as np
import pytest

import mxjax as mx


@pytest.fixture(autouse=True)
def _fixed_random_state():
    mx.random.seed(0)
    np.random.seed(0)
    yield
