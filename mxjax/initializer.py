"""``mx.init``: parameter initializers with MXNet 1.9.1's names, defaults and dispatch.

An initializer is called as ``init(desc, arr)``: ``desc`` is the parameter's
name (an ``InitDesc``), ``arr`` the NDArray to fill in place.  Called as the
*global* initializer it dispatches on the name: ``*weight`` ->
``_init_weight``, ``*bias``/``*beta``/``*moving_mean``/``*running_mean`` ->
zeros, ``*gamma``/``*moving_var``/``*running_var`` -> ones.  A parameter's own
initializer (``Dense(bias_initializer='zeros')``) is applied with
``_init_weight`` whatever the name: that is why ``initialize(Constant(c))``
leaves Dense biases at zero.  Random initializers draw from ``mx.random``'s
generator (reproducible with ``mx.random.seed``; MXNet's numbers differ).
"""
import json
import re

import numpy as np

from .base import MXNetError
from . import ndarray as nd

__all__ = ["InitDesc", "Initializer", "register", "create", "Uniform", "Normal", "Xavier", "MSRAPrelu",
           "Orthogonal", "Constant", "Zero", "One", "Mixed", "Load", "Bilinear", "LSTMBias", "FusedRNN"]

_REGISTRY = {}


class InitDesc(str):
    """A parameter name carrying attributes (``attrs['__init__']``: its own initializer)."""

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


def register(klass):
    """Register an Initializer subclass under its lower-case name (``init.register``)."""
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def create(init, **kwargs):
    """An Initializer from an instance, a registered name ('xavier', 'zeros'...) or its JSON dump."""
    if isinstance(init, Initializer):
        return init
    if init is None:
        return Uniform()
    if isinstance(init, str):
        if init.startswith("["):
            name, kw = json.loads(init)
            return _REGISTRY[name.lower()](**kw)
        name = init.lower()
        if name not in _REGISTRY:
            raise MXNetError(f"Unknown initializer {init!r}; registered: {sorted(_REGISTRY)}")
        return _REGISTRY[name](**kwargs)
    raise MXNetError(f"Cannot create an initializer from {type(init).__name__}")


class Initializer:
    """Base class: subclasses implement ``_init_weight(name, arr)``."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False

    def dumps(self):
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __eq__(self, other):
        """As MXNet 1.9.1: initializers of the same class made with the same arguments are equal."""
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    __hash__ = None   # MXNet's initializers are unhashable: equal ones may be mutated apart

    def set_verbosity(self, verbose=False, print_func=None):
        self._verbose = verbose
        return self

    def __call__(self, desc, arr):
        if not isinstance(desc, InitDesc):
            desc = InitDesc(desc)
        if desc.global_init is None:
            desc.global_init = self
        own = desc.attrs.get("__init__")
        if own:
            create(own)._init_weight(desc, arr)
            return
        name = desc.lower()
        if name.endswith("weight"):
            self._init_weight(desc, arr)
        elif name.endswith(("bias", "beta", "moving_mean", "running_mean", "moving_inv_var")):
            self._init_zero(desc, arr)
        elif name.endswith(("gamma", "moving_var", "running_var", "moving_avg")):
            self._init_one(desc, arr)
        elif name.endswith("min") or name.endswith("max"):
            self._init_zero(desc, arr)
        else:
            self._init_default(desc, arr)

    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    def _init_bias(self, _, arr):
        arr[:] = 0.0

    def _init_gamma(self, _, arr):
        arr[:] = 1.0

    def _init_beta(self, _, arr):
        arr[:] = 0.0

    def _init_weight(self, name, arr):
        raise NotImplementedError("Must override it")

    def _init_default(self, name, _):
        raise ValueError(f'Unknown initialization pattern for {name}. Default initialization is now limited to '
                         '"weight", "bias", "gamma" (1.0), and "beta" (0.0). Please use mx.sym.Variable(init='
                         'mx.init.*) to set initialization pattern')

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self._kwargs.items())})"


def _fill(arr, sample):
    arr[:] = sample.astype(arr.dtype)


@register
class Uniform(Initializer):
    """Uniform in [-scale, scale] (MXNet's default global initializer, scale 0.07)."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _fill(arr, nd.random.uniform(-self.scale, self.scale, shape=arr.shape, ctx=arr.context))


@register
class Normal(Initializer):
    """Normal with mean 0 and standard deviation ``sigma``."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _fill(arr, nd.random.normal(0, self.sigma, shape=arr.shape, ctx=arr.context))


@register
class Constant(Initializer):
    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def dumps(self):
        """MXNet's JSON: an array value (numpy or NDArray) is written as a nested list."""
        value = self._kwargs["value"]
        if not np.isscalar(value):
            self._kwargs["value"] = value.tolist() if isinstance(value, np.ndarray) else value.asnumpy().tolist()
        return super().dumps()

    def _init_weight(self, _, arr):
        value = self.value
        if isinstance(value, nd.NDArray):   # MXNet accepts an NDArray value (one per channel...)
            value = value.asnumpy()
        arr[:] = value if np.isscalar(value) else nd.array(np.asarray(value), ctx=arr.context, dtype=arr.dtype)


@register
class Zero(Initializer):
    def _init_weight(self, _, arr):
        arr[:] = 0.0


@register
class One(Initializer):
    def _init_weight(self, _, arr):
        arr[:] = 1.0


_REGISTRY["zeros"] = Zero
_REGISTRY["ones"] = One


def _fans(shape):
    hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
    fan_in = shape[1] * hw_scale if len(shape) > 1 else shape[0]
    fan_out = shape[0] * hw_scale
    return fan_in, fan_out


@register
class Xavier(Initializer):
    """Glorot: scale = sqrt(magnitude / factor), factor from fan_in/fan_out ('avg', 'in', 'out')."""

    def __init__(self, rnd_type="uniform", factor_type="avg", magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type, self.factor_type, self.magnitude = rnd_type, factor_type, float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError(f"Xavier initializer cannot be applied to vector {name}. It requires at least 2D.")
        fan_in, fan_out = _fans(shape)
        factor = {"avg": (fan_in + fan_out) / 2.0, "in": fan_in, "out": fan_out}.get(self.factor_type)
        if factor is None:
            raise MXNetError(f"Xavier: factor_type must be 'avg', 'in' or 'out', got {self.factor_type!r}")
        scale = np.sqrt(self.magnitude / factor)
        if self.rnd_type == "uniform":
            _fill(arr, nd.random.uniform(-scale, scale, shape=shape, ctx=arr.context))
        elif self.rnd_type == "gaussian":
            _fill(arr, nd.random.normal(0, scale, shape=shape, ctx=arr.context))
        else:
            raise MXNetError(f"Xavier: rnd_type must be 'uniform' or 'gaussian', got {self.rnd_type!r}")


@register
class MSRAPrelu(Xavier):
    """He initialization for PReLU: gaussian Xavier with magnitude 2 / (1 + slope^2)."""

    def __init__(self, factor_type="avg", slope=0.25):
        super().__init__("gaussian", factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Orthogonal(Initializer):
    """A random orthogonal matrix (rows flattened), times ``scale``."""

    def __init__(self, scale=1.414, rand_type="uniform"):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale, self.rand_type = scale, rand_type

    def _init_weight(self, _, arr):
        rows, cols = arr.shape[0], int(np.prod(arr.shape[1:]))
        if self.rand_type == "uniform":
            tmp = nd.random.uniform(-1.0, 1.0, shape=(rows, cols), dtype="float64").asnumpy()
        else:
            tmp = nd.random.normal(0.0, 1.0, shape=(rows, cols), dtype="float64").asnumpy()
        u, _, v = np.linalg.svd(tmp, full_matrices=False)
        q = u if u.shape == tmp.shape else v
        arr[:] = nd.array(self.scale * q.reshape(arr.shape), ctx=arr.context, dtype=arr.dtype)


@register
class Bilinear(Initializer):
    """Bilinear upsampling kernels (for Deconvolution weights)."""

    def _init_weight(self, _, arr):
        shape = arr.shape
        weight = np.zeros(int(np.prod(shape)), dtype="float32")
        f = np.ceil(shape[3] / 2.0)
        c = (2 * f - 1 - f % 2) / (2.0 * f)
        for i in range(weight.size):
            x = i % shape[3]
            y = (i // shape[3]) % shape[2]
            weight[i] = (1 - abs(x / f - c)) * (1 - abs(y / f - c))
        arr[:] = nd.array(weight.reshape(shape), ctx=arr.context, dtype=arr.dtype)


@register
class LSTMBias(Initializer):
    """Zero LSTM biases except the forget gate's, set to ``forget_bias``."""

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, _, arr):
        bias = np.zeros(arr.shape, dtype="float32")
        n = arr.shape[0] // 4
        bias[n:2 * n] = self.forget_bias
        arr[:] = nd.array(bias, ctx=arr.context, dtype=arr.dtype)


class Mixed:
    """Apply the first initializer whose regular expression matches the parameter name."""

    def __init__(self, patterns, initializers):
        if len(patterns) != len(initializers):
            raise MXNetError("Mixed: patterns and initializers must have the same length")
        self.map = [(re.compile(p), create(i)) for p, i in zip(patterns, initializers)]

    def __call__(self, name, arr):
        for pattern, init in self.map:
            if pattern.match(name):
                init(name, arr)
                return
        raise MXNetError(f"Parameter name {name} did not match any pattern. Consider adding a \".*\" "
                         "pattern at the end with a default Initializer.")


class Load:
    """Initialize from a dict of arrays (or a file saved with nd.save), falling back to ``default_init``."""

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            param = nd.load(param)
        self.param = {k[4:] if k.startswith(("arg:", "aux:")) else k: v for k, v in param.items()}
        self.default_init = default_init

    def __call__(self, name, arr):
        if name in self.param:
            if self.param[name].shape != arr.shape:
                raise MXNetError(f"Parameter {name} cannot be initialized from loading: shape mismatch, "
                                 f"target {arr.shape} vs loaded {self.param[name].shape}")
            arr[:] = self.param[name]
        elif self.default_init is None:
            raise MXNetError(f"Cannot Initialize {name}: not found in loaded param and no default Initializer")
        else:
            self.default_init(name, arr)


@register
class FusedRNN(Initializer):
    """The flat parameter vector of ``mx.rnn.FusedRNNCell``: unpacked into per-gate weights
    and biases, each filled by ``init`` (the global initializer when None), LSTM forget-gate
    biases set to ``forget_bias``, then packed back."""

    def __init__(self, init, num_hidden, num_layers, mode, bidirectional=False, forget_bias=1.0):
        if isinstance(init, str):
            init = create(init)
        super().__init__(init=init.dumps() if init is not None else None, num_hidden=num_hidden,
                         num_layers=num_layers, mode=mode, bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _init_weight(self, desc, arr):
        from .rnn.fused_cell import FusedRNNCell
        cell = FusedRNNCell(self._num_hidden, self._num_layers, self._mode, self._bidirectional,
                            forget_bias=self._forget_bias, prefix="")
        args = cell.unpack_weights({"parameters": arr})
        global_init = getattr(desc, "global_init", None) or Uniform()
        for name in args:
            if self._mode == "lstm" and name.endswith("_f_bias"):
                args[name][:] = self._forget_bias
            elif self._init is None:
                global_init(InitDesc(name, global_init=global_init), args[name])
            else:
                self._init(InitDesc(name, global_init=global_init), args[name])
        arr[:] = cell.pack_weights(args)["parameters"]


from .base import missing_api as _missing_api  # noqa: E402

__getattr__ = _missing_api(__name__)
