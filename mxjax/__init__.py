"""mxjax: Apache MXNet 1.x programs on JAX and XLA.  ``import mxjax as mx``."""
import logging as _logging
import os as _os

import jax as _jax

# MXNet has float64/int64 arrays; every mxjax op passes explicit dtypes
_jax.config.update("jax_enable_x64", True)
# mxjax already defers work to sync points (backward, asnumpy), so a compiled step is called
# when its result is needed.  JAX's asynchronous CPU dispatch then only adds a worker-thread
# hand-off: measured here, a small jitted call after some Python work costs ~57 us with it and
# ~8 us without.  MXJAX_CPU_ASYNC_DISPATCH=1 keeps JAX's default.
if _os.environ.get("MXJAX_CPU_ASYNC_DISPATCH", "0") != "1":
    _jax.config.update("jax_cpu_enable_async_dispatch", False)
# An MXNet program that calls logging.basicConfig(level=logging.DEBUG) to see MXNet's progress
# lines must not get JAX's internals (tens of thousands of lines per epoch: every trace, cache
# lookup and compile).  JAX's loggers keep warnings; a level the user set on them is kept.
for _name in ("jax", "jaxlib"):
    if _logging.getLogger(_name).level == _logging.NOTSET:
        _logging.getLogger(_name).setLevel(_logging.WARNING)

# a worker of a multi-process job (mxjax launch, MXNet's DMLC_* variables) joins it before
# JAX computes anything
from .distributed import initialize_from_env as _initialize_from_env  # noqa: E402
_initialize_from_env()

from . import base, context, engine, util  # noqa: E402
from .base import MXNetError  # noqa: E402,F401
from .context import Context, cpu, cpu_pinned, current_context, gpu, num_gpus  # noqa: E402,F401
from . import ndarray  # noqa: E402
from . import ndarray as nd  # noqa: E402,F401
from . import autograd, random, symbol  # noqa: E402,F401
from . import initializer, name, optimizer  # noqa: E402,F401
from . import lr_scheduler  # noqa: E402,F401
from . import initializer as init  # noqa: E402,F401
from . import gluon  # noqa: E402,F401
from . import io  # noqa: E402,F401
from . import kvstore  # noqa: E402,F401
from . import kvstore as kv  # noqa: E402,F401
from . import metric  # noqa: E402,F401
from . import model, callback, monitor  # noqa: E402,F401
from . import monitor as mon  # noqa: E402,F401
from . import module  # noqa: E402,F401
from . import module as mod  # noqa: E402,F401
from . import rnn  # noqa: E402,F401
from . import visualization  # noqa: E402,F401
from . import visualization as viz  # noqa: E402,F401
from . import operator  # noqa: E402,F401
from . import profiler  # noqa: E402,F401
from . import recordio  # noqa: E402,F401
from . import symbol as sym  # noqa: E402,F401
from . import attribute, contrib, runtime  # noqa: E402,F401
from . import numpy, numpy_extension  # noqa: E402,F401
from . import numpy as np  # noqa: E402,F401
from . import numpy_extension as npx  # noqa: E402,F401
symbol._attach_numpy_front_ends()
ndarray.npx = numpy_extension   # MXNet's mx.nd.npx (mx.nd.np is not: mxjax's mx.nd names NumPy np)
from .attribute import AttrScope  # noqa: E402,F401
from .util import is_np_array, is_np_shape, np_array, np_shape, set_np_shape, use_np  # noqa: E402,F401
from .util import use_np_array, use_np_shape  # noqa: E402,F401

from .cli import alias_mxnet, report_missing_modules  # noqa: E402,F401

report_missing_modules()

__version__ = "0.1.0"


_missing_api = base.missing_api(__name__)
_LAZY_MODULES = {"test_utils": ".test_utils", "image": ".image", "img": ".image"}


def __getattr__(name):
    """``mx.test_utils`` (it loads numpy.testing, ~0.3 s) and ``mx.image`` (alias ``mx.img``)
    are imported on first use; any other name mxjax does not provide fails naming the MXNet
    API."""
    if name in _LAZY_MODULES:
        import importlib
        return importlib.import_module(_LAZY_MODULES[name], __name__)
    return _missing_api(name)
