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
# scripts that call logging.basicConfig(level=INFO) would otherwise see JAX's probing of absent TPUs
_logging.getLogger("jax._src.xla_bridge").setLevel(_logging.WARNING)

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
from . import symbol as sym  # noqa: E402,F401
from . import attribute, contrib, runtime  # noqa: E402,F401
from . import numpy, numpy_extension  # noqa: E402,F401
from . import numpy as np  # noqa: E402,F401
from . import numpy_extension as npx  # noqa: E402,F401
from .attribute import AttrScope  # noqa: E402,F401
from .util import is_np_array, is_np_shape, np_array, np_shape, set_np_shape, use_np  # noqa: E402,F401
from .util import use_np_array, use_np_shape  # noqa: E402,F401

from .cli import alias_mxnet  # noqa: E402,F401

__version__ = "0.1.0"


def __getattr__(name):
    """``mx.<name>`` that mxjax does not provide: say so, naming the MXNet API."""
    if name.startswith("__"):
        raise AttributeError(name)
    if name == "test_utils":  # imported on first use: it loads numpy.testing (~0.3 s)
        import importlib
        return importlib.import_module(".test_utils", __name__)
    from .base import NotImplementedForMXJax
    raise NotImplementedForMXJax(f"mxnet.{name} is not provided by mxjax")
