"""The one operator registry.

An operator is a JAX implementation plus an attribute spec::

    register("sin", method=True)(jnp.sin)

    @register("sum", attrs=dict(axis=None, keepdims=False, exclude=False), method=True)
    def _sum(data, axis, keepdims, exclude): ...

From this table come the ``mx.nd.*`` functions (with MXNet's positional
order: array inputs, then attributes in declaration order), the NDArray
methods and the ``nd.op`` / ``nd._internal`` aliases.  Attributes are static
(part of the op instance, hashed into trace keys); array inputs are dynamic.
"""
import numpy as np

from ..base import MXNetError

REQUIRED = object()

OPS = {}


def _hashable(value):
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, np.ndarray):
        return tuple(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, type) and issubclass(value, np.generic):
        return np.dtype(value).name
    if isinstance(value, np.dtype):
        return value.name
    return value


class Op:
    """One MXNet operator: name, JAX implementation and attribute spec.

    ``impl(*arrays, **attrs)`` returns an array or a tuple of arrays.
    ``inputs``: names of the array inputs; a trailing ``?`` marks an optional one (optional
    inputs come last, and absent ones are not passed to ``impl``).
    ``variadic``: the array inputs are ``*data`` (concat, stack, add_n).
    ``uses_training``: receives ``_training`` = ``autograd.is_training()`` at call time.
    ``random``: receives a PRNG key as its first array input, drawn from mx.random's state;
    ``"elementwise"`` when each output element is drawn from the bits of its flat index alone
    (with a ``shape`` attribute; the cold tier then draws any shape through one flat shape).
    ``mutates``: names of inputs the op updates in place (auxiliary states such as BatchNorm's
    moving_mean/moving_var): ``impl`` returns their new values after its outputs, and the
    generated function writes them into those input arrays, outside the autograd graph.  A
    variadic op with ``mutates=("data",)`` updates every one of its inputs.
    ``offsets``: for ops whose integer attributes are positions that programs vary call after
    call (an index, a slice's start): ``offsets(input shapes, **attrs)`` returns (the static
    attribute tuple, the positions).  The positions become trailing int64 scalar inputs of
    ``impl``, arguments of the compiled code instead of constants baked into it, so a loop
    over ``x[i]`` compiles once.
    ``infer``: for an op without array inputs, ``infer(**attrs)`` returns the (shape, dtype)
    pair of each output (raising the op's own errors): shape inference without tracing
    ``impl`` (``jax.eval_shape`` costs far more than the op when every call has a new shape).
    ``free_attrs`` (class attribute, set by Op subclasses): the operator's inputs, outputs and
    keyword arguments are not fixed by the registry but by its attributes (``Custom``, whose
    registered CustomOpProp lists them); such an op answers ``signature(attrs)``.
    ``view_method``: the output is the input's data under a new shape (flatten, squeeze,
    expand_dims); the NDArray method then takes MXNet's ``inplace=False`` argument, and
    ``inplace=True`` returns a reshape view sharing the array's storage.
    ``n_subgraphs`` (class attribute, set by Op subclasses): a control-flow operator of the
    symbolic API (``_foreach``...) whose first ``n_subgraphs`` arguments are Symbols, its
    bodies; a graph node passes them to ``impl`` as the attribute ``subgraphs``.
    """
    free_attrs = False
    n_subgraphs = 0

    def __init__(self, name, impl, inputs, attrs, variadic, uses_training, random, method, doc, mutates=(),
                 offsets=None, view_method=False, infer=None):
        self.name = name
        self.impl = impl
        self.inputs = tuple(n.rstrip("?") for n in inputs)
        self.optional = frozenset(n.rstrip("?") for n in inputs if n.endswith("?"))
        self.attrs = dict(attrs)
        self.variadic = variadic
        self.uses_training = uses_training
        self.random = random
        self.method = method
        self.mutates = tuple(mutates)
        self.offsets = offsets
        self.view_method = view_method
        self.infer = infer
        if random:   # its cold tier reads the bits hashed per size bucket (random_bits.py)
            from .._engine.random_bits import RandomInstance
            self.instance_class = RandomInstance
        self.__doc__ = doc or impl.__doc__
        defaults = tuple((k, _hashable(v)) for k, v in self.attrs.items())
        self._defaults = None if any(v is REQUIRED for _, v in defaults) else defaults
        self._parsed = {}   # (number of array args, keyword attributes, their types) -> attrs

    def aux_positions(self, attrs, n_inputs):
        """Positions of the inputs this op updates in place (``mutates``), in the order their
        new values follow the op's outputs."""
        if self.variadic:
            return range(n_inputs) if self.mutates else ()
        return [self.inputs.index(name) for name in self.mutates]

    def bind(self, attrs):
        """The pure function ``(*arrays) -> tuple of arrays`` for static ``attrs``."""
        impl, kwargs = self.impl, dict(attrs)

        def fn(*arrays):
            out = impl(*arrays, **kwargs)
            return tuple(out) if isinstance(out, (tuple, list)) else (out,)
        fn.__name__ = self.name
        return fn

    def parse(self, args, kwargs):
        """Split a call's arguments into array inputs and the static attribute tuple."""
        if not kwargs and not self.variadic and len(args) == len(self.inputs) and self._defaults is not None:
            for a in args:  # the common call: arrays only, default attributes
                if not isinstance(a, NDArray):
                    break
            else:
                return args, self._defaults
        key = None
        if not self.variadic and len(args) <= len(self.inputs):
            for a in args:  # arrays positional, attributes by keyword: parsed once per attribute set
                if not isinstance(a, NDArray):
                    break
            else:
                try:
                    key = (len(args), tuple(kwargs.items()), tuple(map(type, kwargs.values())))
                    attrs = self._parsed.get(key)
                except TypeError:   # an unhashable attribute value (a list): parse it each time
                    key = None
                else:
                    if attrs is not None:
                        return list(args), attrs
        arrays, attrs = self._parse(args, kwargs)
        if key is not None and len(arrays) == len(args) and len(self._parsed) < 1024:
            self._parsed[key] = attrs
        return arrays, attrs

    def _parse(self, args, kwargs):
        if self.variadic:
            arrays = list(args[0]) if len(args) == 1 and isinstance(args[0], (list, tuple)) else list(args)
            rest = ()
        else:
            n = len(self.inputs)
            arrays, rest = list(args[:n]), args[n:]
            for name in self.inputs[len(arrays):]:
                if name in kwargs and kwargs[name] is not None:
                    arrays.append(kwargs.pop(name))
                elif name in self.optional:
                    kwargs.pop(name, None)
                    break   # optional inputs are trailing: the rest are absent too
                else:
                    raise MXNetError(f"Operator {self.name}: missing required input '{name}'")
            while arrays and arrays[-1] is None and self.inputs[len(arrays) - 1] in self.optional:
                arrays.pop()
        names = list(self.attrs)
        if len(rest) > len(names):
            raise MXNetError(f"Operator {self.name} takes at most {len(self.inputs) + len(names)} positional "
                             f"arguments ({', '.join(self.inputs + tuple(names))}), got {len(args)}")
        values = dict(zip(names, rest))
        for key, val in kwargs.items():
            if key in values:
                raise MXNetError(f"Operator {self.name}: argument '{key}' given twice")
            if key not in self.attrs:
                if self.variadic and key == "num_args":
                    continue
                if not self.attrs and not self.variadic:
                    continue   # MXNet: an operator without a parameter struct ignores unknown keywords
                raise MXNetError(f"Operator {self.name} got an unexpected argument '{key}'; "
                                 f"it takes {', '.join(self.inputs + tuple(names)) or 'no arguments'}")
            values[key] = val
        attrs = []
        for key, default in self.attrs.items():
            val = values.get(key, default)
            if val is REQUIRED:
                raise MXNetError(f"Operator {self.name}: required argument '{key}' is missing")
            attrs.append((key, _hashable(val)))
        for a in arrays:
            if not isinstance(a, (NDArray, int, float, np.generic, bool)):
                raise MXNetError(f"Operator {self.name}: inputs must be NDArray, got {type(a).__name__}")
        return arrays, tuple(attrs)


class _LazyNDArray:
    """``isinstance(x, NDArray)`` without importing ndarray.py at module load (it imports us)."""
    def __instancecheck__(self, obj):
        global NDArray
        from .ndarray import NDArray
        return isinstance(obj, NDArray)


NDArray = _LazyNDArray()


def register(name, inputs=("data",), attrs=(), variadic=False, uses_training=False, random=False,
             method=False, aliases=(), doc=None, mutates=(), offsets=None, view_method=False, infer=None,
             op_class=None):
    """Decorator adding ``impl`` to the registry under ``name`` (and ``aliases``).

    ``method``: True to expose it as an NDArray method of the same name, or a method name.
    ``op_class``: an Op subclass for an operator whose signature its attributes decide."""
    def deco(impl):
        op = (op_class or Op)(name, impl, inputs, attrs, variadic, uses_training, random,
                name if method is True else method or None, doc, mutates, offsets, view_method, infer)
        for n in (name,) + tuple(aliases):
            if n in OPS:
                raise ValueError(f"operator {n} registered twice")
            OPS[n] = op
        return impl
    return deco
