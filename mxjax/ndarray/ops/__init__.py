"""Operator families; importing this package fills the registry."""
from . import math, reduce, shape, nn, random  # noqa: F401
from . import sort, sequence  # noqa: F401
from . import linalg  # noqa: F401
from . import creation, contrib  # noqa: F401
from . import conv, norm, loss  # noqa: F401
from . import rnn  # noqa: F401
from . import square_sum  # noqa: F401
from . import amp, attention, detection, indexmath, spatial, vision  # noqa: F401
from . import optimizer_update, multi_update  # noqa: F401
from . import spectral, graph, deformable_conv, quantization, correlation, psroi_pooling, rroi_align, proposal, sparse_reg, storage  # noqa: F401
from . import image  # noqa: F401
from . import custom  # noqa: F401
