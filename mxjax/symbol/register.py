"""``mx.sym.<op>`` for every operator of the one registry, and Symbol's fluent methods.

Generated, never written out: each registered name (and alias) becomes a function taking
MXNet's arguments (the operator's inputs as Symbols, its attributes, ``name=``, ``attr=``),
named after the NameManager's hint ``<function name lowercased>`` as MXNet's generated
functions are (``mx.sym.FullyConnected`` -> ``fullyconnected0``).  Names follow MXNet's
namespaces: ``_linalg_gemm2`` is ``mx.sym.linalg.gemm2``, ``_contrib_X`` ``mx.sym.contrib.X``,
``_random_uniform`` ``mx.sym.random.uniform``, ``_sparse_retain`` ``mx.sym.sparse.retain``;
every name is in ``mx.sym.op`` and ``mx.sym._internal``.
"""
import types

from ..ndarray.registry import OPS
from .symbol import Symbol, create

_PREFIXES = {"_linalg_": "linalg", "_contrib_": "contrib", "_random_": "random", "_sparse_": "sparse",
             "_image_": "image"}
#: ``mx.sym.sparse``: the operators MXNet 1.9.1 has sparse-storage kernels for (the same
#: operators as ``mx.sym``; mxjax computes a graph's values densely whatever the storage)
SPARSE_NAMES = (
    "ElementWiseSum", "Embedding", "FullyConnected", "LinearRegressionOutput", "LogisticRegressionOutput",
    "MAERegressionOutput", "_contrib_round_ste", "_contrib_sign_ste", "abs", "adagrad_update", "adam_update",
    "add_n", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "broadcast_add", "broadcast_div",
    "broadcast_minus", "broadcast_mul", "broadcast_plus", "broadcast_sub", "cast_storage", "cbrt", "ceil", "clip",
    "concat", "cos", "cosh", "degrees", "dot", "elemwise_add", "elemwise_div", "elemwise_mul", "elemwise_sub", "exp",
    "expm1", "fix", "floor", "ftrl_update", "gamma", "gammaln", "log", "log10", "log1p", "log2", "make_loss", "mean",
    "negative", "norm", "radians", "relu", "retain", "rint", "round", "rsqrt", "sgd_mom_update", "sgd_update",
    "sigmoid", "sign", "sin", "sinh", "slice", "sqrt", "square", "stop_gradient", "sum", "tan", "tanh", "trunc",
    "where", "zeros_like")
# Symbol methods MXNet has whose NDArray counterparts mxjax writes by hand (method -> operator)
_EXTRA_METHODS = {"zeros_like": "zeros_like", "ones_like": "ones_like", "reshape_like": "reshape_like",
                  "reshape": "reshape", "astype": "cast"}


def make_function(op, func_name):
    hint = func_name.lower()

    def function(*args, **kwargs):
        return create(op, hint, args, kwargs)
    function.__name__ = func_name
    function.__qualname__ = func_name
    function.__doc__ = op.__doc__
    return function


def _make_method(op, method_name):
    hint = method_name.lower()
    if method_name == "astype":
        hint = "cast"

        def method(self, dtype, **kwargs):
            return create(op, hint, (self,), dict(kwargs, dtype=dtype))
        method.__name__ = method_name
        method.__doc__ = op.__doc__
        return method

    def method(self, *args, **kwargs):
        return create(op, hint, (self,) + args, kwargs)
    method.__name__ = method_name
    method.__doc__ = op.__doc__
    return method


def populate(module_name, module):
    """Fill ``module`` (mx.sym) and its namespaces; returns the namespace modules by name."""
    spaces = {key: types.ModuleType(f"{module_name}.{key}") for key in ("op", "_internal", "linalg", "contrib",
                                                                         "random", "sparse", "image")}
    for name, op in OPS.items():
        fn = make_function(op, name)
        setattr(spaces["op"], name, fn)
        setattr(spaces["_internal"], name, fn)
        if not name.startswith("_"):
            setattr(module, name, fn)
        for prefix, space in _PREFIXES.items():
            if name.startswith(prefix):
                short = name[len(prefix):]
                setattr(spaces[space], short, make_function(op, short))
        if op.method and name == op.name and not hasattr(Symbol, op.method):
            setattr(Symbol, op.method, _make_method(op, op.method))
    for name in SPARSE_NAMES:
        if name in OPS:
            setattr(spaces["sparse"], name, getattr(spaces["op"], name))
    for method_name, op_name in _EXTRA_METHODS.items():
        if not hasattr(Symbol, method_name):
            setattr(Symbol, method_name, _make_method(OPS[op_name], method_name))
    return spaces
