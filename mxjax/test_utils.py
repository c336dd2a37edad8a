"""``mx.test_utils``: MXNet 1.9.1's testing helpers, for MXNet's own tests and user tests.

``from mxnet.test_utils import *`` gives MXNet's tests ``mx`` and ``np`` besides the helpers;
this module does the same (``mx`` is mxjax).  Tolerances default as in MXNet: per dtype,
the larger of the two operands' defaults (float16 1e-2/1e-1, float32 1e-4/1e-3, float64
1e-5/1e-20 as rtol/atol, integers exact).

``check_numeric_gradient``, ``check_symbolic_forward``, ``check_symbolic_backward``,
``numeric_grad`` and ``simple_forward`` take an ``mx.sym`` Symbol (``location`` a list in
``list_arguments`` order or a dict by name, ``aux_states`` likewise) and run it operator by
operator through mxjax's autograd; mxjax also accepts a Python function of NDArrays in its
place (``location`` a list of arrays passed positionally, or a dict passed as keyword
arguments; the function returns an NDArray or a list of them).  ``check_consistency`` binds
Symbols through ``mx.sym``'s executor, and so do the checks of a Symbol with sparse storage
(a sparse input or auxiliary state, ``grad_stypes`` / ``grad_stype_dict`` asking for a sparse
gradient), as MXNet's do: outputs and gradients then have MXNet's storage types, and a storage
type an operator refuses raises MXNet's error at bind.  ``check_speed`` raises
``NotImplementedForMXJax``.
"""
import bz2  # noqa: F401  (MXNet's module-level names: ``from mxnet.test_utils import *`` gives them)
import contextlib
import errno  # noqa: F401
import gzip  # noqa: F401
import json  # noqa: F401
import logging  # noqa: F401
import numbers
import os
import platform
import struct  # noqa: F401
import sys
import time  # noqa: F401
import traceback  # noqa: F401
import zipfile  # noqa: F401
from collections import OrderedDict  # noqa: F401
from contextlib import contextmanager  # noqa: F401

import numpy as np
import numpy.random as rnd
import numpy.testing as npt  # noqa: F401

try:
    import scipy.stats as ss  # noqa: F401
except ImportError:
    ss = None
try:
    import requests  # noqa: F401
except ImportError:
    pass

import mxjax as mx

from .base import MXNetError, NotImplementedForMXJax
from .context import Context, current_context
from .ndarray import array  # noqa: F401
from .ndarray.storage_ids import _STORAGE_TYPE_STR_TO_ID  # noqa: F401
from .runtime import Features
from .util import get_cuda_compute_capability, getenv, setenv, use_np  # noqa: F401

_SYMBOLIC = ("pass an mx.sym Symbol or a Python function of NDArrays "
             "(location given as a list of positional arrays or a dict of keyword arrays)")


# ---- contexts and dtypes ------------------------------------------------------------------------

def default_context():
    """The context tests run on: the current context."""
    return current_context()


def set_default_context(ctx):
    """Make ``ctx`` the current (default) context of this thread."""
    Context._default.value = ctx


def default_dtype():
    return np.float32


def default_rtols():
    """MXNet's default relative tolerance for each dtype."""
    floats = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-5}
    return {**floats, **{np.dtype(t): 0 for t in (np.bool_, np.int8, np.uint8, np.int32, np.uint32,
                                                  np.int64, np.uint64)}}


def default_atols():
    """MXNet's default absolute tolerance for each dtype."""
    floats = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3, np.dtype(np.float64): 1e-20}
    return {**floats, **{np.dtype(t): 0 for t in (np.bool_, np.int8, np.uint8, np.int32, np.uint32,
                                                  np.int64, np.uint64)}}


def default_numeric_eps():
    """Finite-difference steps per dtype (powers of two: no bits lost in x + eps)."""
    return {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
            np.dtype(np.float64): 1.0 / 2 ** 14}


def _uses_tf32(ctx):
    """float32 matrix products on NVIDIA GPUs of compute capability >= 8 use TF32 (about float16's
    mantissa) unless NVIDIA_TF32_OVERRIDE=0, in XLA as in MXNet."""
    if ctx is None or getattr(ctx, "device_type", None) != "gpu" or os.environ.get("NVIDIA_TF32_OVERRIDE") == "0":
        return False
    try:
        return float(getattr(ctx.jax_device, "compute_capability", 0) or 0) >= 8.0
    except (MXNetError, TypeError, ValueError):
        return False


def effective_dtype(dat):
    """The dtype whose tolerances apply to ``dat``: float16 for float32 results of TF32 GPUs."""
    dtype = np.dtype(dat.dtype)
    if dtype == np.float32 and _uses_tf32(getattr(dat, "ctx", None)):
        return np.dtype(np.float16)
    return dtype


def get_tolerance(dat, tol, default_tol):
    """``tol`` if it is a number, else its (or ``default_tol``'s) entry for dat's dtype."""
    if isinstance(tol, numbers.Number):
        return tol
    dtype = effective_dtype(dat)
    tol = {} if tol is None else tol
    return tol.get(dtype, default_tol[dtype])


def get_rtol(rtol=None, dtype=np.dtype(np.float64)):
    return default_rtols()[dtype] if rtol is None else rtol


def get_atol(atol=None, dtype=np.dtype(np.float64)):
    return default_atols()[dtype] if atol is None else atol


def get_etol(etol=None):
    """Tolerated fraction of mismatching elements (0 unless given)."""
    return 0 if etol is None else etol


def get_tols(x, y, rtol, atol):
    """The (rtol, atol) for comparing x and y: the larger default of their dtypes unless given."""
    x = np.array(x) if isinstance(x, numbers.Number) else x
    y = np.array(y) if isinstance(y, numbers.Number) else y
    return (max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols())),
            max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols())))


# ---- comparisons --------------------------------------------------------------------------------

def _numpy(a):
    if isinstance(a, mx.nd.NDArray):
        return a.asnumpy()
    return a


def checkShapes(a, b):  # noqa: N802  (MXNet's name)
    if np.shape(a) != np.shape(b):
        raise AssertionError(np.testing.build_err_msg(
            [a, b], err_msg=f"a.shape = {np.shape(a)} and b.shape = {np.shape(b)} are not equal"))


def locationError(a, b, index, names, maxError=False):  # noqa: N802,N803
    """The message locating one mismatch."""
    maximum = "maximum " if maxError else ""
    index = tuple(int(i) for i in index)
    return "Location of %serror: %s, %s=%.8f, %s=%.8f" % (maximum, str(index), names[0], a[index], names[1],
                                                          b[index])


def _violations(a, b, rtol, atol):
    """|a - b| / (atol + rtol |b|) elementwise; equal values (infinities included) count 0."""
    a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(np.equal(a, b), 0, np.abs(a.astype(np.float64) - b.astype(np.float64)))
        return diff / (atol + rtol * np.abs(b.astype(np.float64)) + 1e-20)


def _max_violation(a, b, rtol, atol):
    violation = _violations(a, b, rtol, atol)
    if violation.size == 0:
        return (), 0.0
    loc = np.unravel_index(np.nanargmax(violation) if not np.all(np.isnan(violation)) else 0, violation.shape)
    return loc, violation[loc]


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """Whether a and b are close (np.allclose with MXNet's float64 default tolerances)."""
    a, b = _numpy(a), _numpy(b)
    if not use_broadcast:
        checkShapes(a, b)
    return np.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol), equal_nan=equal_nan)


def assert_almost_equal(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False, use_broadcast=True,
                        mismatches=(10, 10)):
    """Raise AssertionError unless a and b (numpy arrays or NDArrays) are close within (rtol, atol),
    defaults from their dtypes; the message locates the largest violations as MXNet's does."""
    if not use_broadcast:
        checkShapes(a, b)
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = _numpy(a), _numpy(b)
    if getattr(a, "dtype", None) == np.bool_ and getattr(b, "dtype", None) == np.bool_:
        np.testing.assert_equal(a, b)
        return
    if almost_equal(a, b, rtol, atol, equal_nan=equal_nan):
        return
    a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
    index, worst = _max_violation(a, b, rtol, atol)
    close = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    shown = [i for i in np.argsort(-np.nan_to_num(_violations(a, b, rtol, atol), nan=np.inf), axis=None)
             if not close.ravel()[i]][:max(mismatches[0], 0)]
    print(f"\n*** Maximum errors for vector of size {a.size}:  rtol={rtol}, atol={atol}\n")
    for n, flat in enumerate(shown, start=1):
        loc = np.unravel_index(flat, a.shape)
        print("%3d: Error %f  %s" % (n, _violations(a[loc], b[loc], rtol, atol), locationError(a, b, loc, names)))
    message = "Error %f exceeds tolerance rtol=%e, atol=%e (mismatch %f%%).\n%s" % (
        worst, rtol, atol, 100.0 * np.count_nonzero(~close) / max(a.size, 1),
        locationError(a, b, index, names, maxError=True))
    with np.printoptions(threshold=4, suppress=True):
        raise AssertionError(np.testing.build_err_msg([a, b], err_msg=message))


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=("a", "b")):
    """assert_almost_equal, positions holding NaN in either array left out."""
    a, b = np.copy(_numpy(a)), np.copy(_numpy(b))
    nan = np.logical_or(np.isnan(a), np.isnan(b))
    a[nan] = 0
    b[nan] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def assert_almost_equal_with_err(a, b, rtol=None, atol=None, etol=None, names=("a", "b"), equal_nan=False,
                                 mismatches=(10, 10)):
    """assert_almost_equal that tolerates a fraction ``etol`` of mismatching elements."""
    etol = get_etol(etol)
    if etol <= 0:
        return assert_almost_equal(a, b, rtol, atol, names, equal_nan, mismatches=mismatches)
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = np.asarray(_numpy(a)), np.asarray(_numpy(b))
    mismatch = np.count_nonzero(~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)) / max(a.size, 1)
    if mismatch > etol:
        index, worst = _max_violation(a, b, rtol, atol)
        raise AssertionError(np.testing.build_err_msg([a, b], err_msg=(
            "Error %f exceeds tolerance rtol=%e, atol=%e, etol=%e.\n%s" % (
                worst, rtol, atol, etol, locationError(a, b, index, names, maxError=True)))))


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def same(a, b):
    """Whether a and b are exactly equal (same shape, same values)."""
    return np.array_equal(_numpy(a), _numpy(b))


def same_array(array1, array2):
    """Whether two NDArrays share memory: writing into one shows in the other."""
    array1[:] += 1
    if not same(array1.asnumpy(), array2.asnumpy()):
        array1[:] -= 1
        return False
    array1[:] -= 1
    return same(array1.asnumpy(), array2.asnumpy())


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None):
    """assert_almost_equal over nested tuples of arrays (None skips)."""
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def assert_exception(f, exception_type, *args, **kwargs):
    """Raise AssertionError unless ``f(*args, **kwargs)`` raises ``exception_type``."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    raise AssertionError(f"{getattr(f, '__name__', f)} did not raise {exception_type}")


# ---- optimizers ---------------------------------------------------------------------------------

def _optimizer_operands(shape, dtype, stype, density):
    """(reference, tested) copies of one random array: the tested one in ``stype``, the
    reference one dense."""
    if stype == "default":
        tested = mx.random.uniform(shape=shape, ctx=default_context(), dtype=dtype)
        return tested.copyto(default_context()), tested
    if stype in ("row_sparse", "csr"):
        tested = rand_ndarray(shape, stype, density=density, dtype=dtype)
        return tested.copyto(default_context()).tostype("default"), tested
    raise Exception("type not supported yet")


def compare_optimizer(opt1, opt2, shape, dtype, w_stype="default", g_stype="default", rtol=1e-4, atol=1e-5,
                      compare_states=True, ntensors=1):
    """Run one ``update_multi_precision`` step of ``opt1`` and ``opt2`` on the same random weight
    and gradient and assert equal states (if ``compare_states``) and weights.  ``shape`` a list:
    ``opt2`` updates ``ntensors`` tensors in one multi-tensor call, ``opt1`` one by one."""
    if not isinstance(shape, list):
        assert ntensors == 1
        w1, w2 = _optimizer_operands(shape, dtype, w_stype, density=1)
        g1, g2 = _optimizer_operands(shape, dtype, g_stype, density=None)
        state1 = opt1.create_state_multi_precision(0, w1)
        state2 = opt2.create_state_multi_precision(0, w2)
        if compare_states:
            compare_ndarray_tuple(state1, state2)
        opt1.update_multi_precision(0, w1, g1, state1)
        opt2.update_multi_precision(0, w2, g2, state2)
        if compare_states:
            compare_ndarray_tuple(state1, state2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
        return
    w1, g1 = [], []
    for s in shape:  # weight and gradient drawn alternately, as MXNet does
        w1.append(mx.random.uniform(shape=s, ctx=default_context(), dtype=dtype))
        g1.append(mx.random.uniform(shape=s, ctx=default_context(), dtype=dtype))
    w2 = tuple(w.copy() for w in w1)
    g2 = tuple(g.copy() for g in g1)
    state2 = [opt2.create_state_multi_precision(0, w2[i]) for i in range(ntensors)]
    opt2.update_multi_precision(list(range(ntensors)), w2, g2, state2)
    for i in range(ntensors):
        state1 = opt1.create_state_multi_precision(i, w1[i])
        opt1.update_multi_precision(i, w1[i], g1[i], state1)
        if compare_states:
            compare_ndarray_tuple(state1, state2[i], rtol, atol)
        compare_ndarray_tuple(w1[i], w2[i], rtol, atol)


# ---- random data ------------------------------------------------------------------------------------

def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random shape of ``num_dim`` dimensions, each in [1, dim] ([0, dim] with allow_zero_size)."""
    low = 0 if allow_zero_size else 1
    return tuple(rnd.randint(low, dim + 1, size=num_dim))


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return rnd.randint(low, dim0 + 1), rnd.randint(low, dim1 + 1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return rnd.randint(low, dim0 + 1), rnd.randint(low, dim1 + 1), rnd.randint(low, dim2 + 1)


def rand_coord_2d(x_low, x_high, y_low, y_high):
    return np.random.randint(x_low, x_high, dtype=np.int64), np.random.randint(y_low, y_high, dtype=np.int64)


def random_arrays(*shapes):
    """Standard-normal float32 numpy arrays of the given shapes (one array if one shape)."""
    arrays = [np.array(np.random.randn(), dtype=default_dtype()) if len(s) == 0
              else np.random.randn(*s).astype(default_dtype()) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes, **kwargs):
    """Uniform numpy arrays (``low``, ``high``, ``dtype`` keywords), one per shape."""
    low = kwargs.pop("low", 0.0)
    high = kwargs.pop("high", 1.0)
    dtype = kwargs.pop("dtype", default_dtype())
    if kwargs:
        raise TypeError(f"Got unexpected argument/s : {kwargs.keys()}")
    return [np.random.uniform(low, high, size=s).astype(dtype) for s in shapes]


def random_sample(population, k):
    """k elements of ``population`` in random order, without replacement."""
    assert 0 <= k <= len(population)
    population = population[:]
    np.random.shuffle(population)
    return population[:k]


def rand_ndarray(shape, stype="default", density=None, dtype=None, modifier_func=None, shuffle_csr_indices=False,
                 distribution=None, ctx=None):
    """An NDArray of standard-normal values (float32 unless ``dtype``), or for ``stype``
    'row_sparse' / 'csr' a random sparse array from ``rand_sparse_ndarray``."""
    if stype == "default":
        return mx.nd.array(random_arrays(shape), dtype=dtype, ctx=ctx or default_context())
    arr, _ = rand_sparse_ndarray(shape, stype, density=density, modifier_func=modifier_func, dtype=dtype,
                                 shuffle_csr_indices=shuffle_csr_indices, distribution=distribution, ctx=ctx)
    return arr


# ---- random sparse arrays (MXNet's test_utils helpers) ------------------------------------------------
def _validate_csr_generation_inputs(num_rows, num_cols, density, distribution="uniform"):
    total_nnz = int(num_rows * num_cols * density)
    if density < 0 or density > 1:
        raise ValueError(f"density has to be between 0 and 1, got {density}")
    if num_rows <= 0 or num_cols <= 0:
        raise ValueError(f"num_rows and num_cols must be positive, got ({num_rows}, {num_cols})")
    if distribution == "powerlaw" and total_nnz < 2 * num_rows:
        raise ValueError(f"not supported for this density: {density} for this shape ({num_rows}, {num_cols}) "
                         "Please keep : num_rows * num_cols * density >= 2 * num_rows")


def shuffle_csr_column_indices(csr):
    """Shuffle the column indices within each row of a scipy csr matrix, in place (a valid
    CSR array need not keep them sorted)."""
    for i in range(len(csr.indptr) - 1):
        begin, end = csr.indptr[i], csr.indptr[i + 1]
        row = np.array(csr.indices[begin:end])
        np.random.shuffle(row)
        csr.indices[begin:end] = row


def _get_uniform_dataset_csr(num_rows, num_cols, density=0.1, dtype=None, data_init=None,
                             shuffle_csr_indices=False):
    """A random csr array with about ``density`` of its entries stored (uniform in [0, 1))."""
    _validate_csr_generation_inputs(num_rows, num_cols, density, distribution="uniform")
    try:
        from scipy import sparse as spsp
    except ImportError:
        assert data_init is None, "data_init option is not supported when scipy is absent"
        assert not shuffle_csr_indices, "shuffle_csr_indices option is not supported when scipy is absent"
        dense = np.random.uniform(size=(num_rows, num_cols)).astype(dtype)
        return mx.nd.array(dense * (dense < density), dtype=dtype).tostype("csr")
    csr = spsp.rand(num_rows, num_cols, density, dtype=dtype, format="csr")
    if data_init is not None:
        csr.data.fill(data_init)
    if shuffle_csr_indices:
        shuffle_csr_column_indices(csr)
    return mx.nd.sparse.csr_matrix((csr.data, csr.indices, csr.indptr), shape=(num_rows, num_cols), dtype=dtype)


def _get_powerlaw_dataset_csr(num_rows, num_cols, density=0.1, dtype=None):
    """A csr array whose rows hold 1, 2, 4, 8... stored values (every row at least one)."""
    _validate_csr_generation_inputs(num_rows, num_cols, density, distribution="powerlaw")
    left = int(num_rows * num_cols * density)
    out = np.zeros((num_rows, num_cols), dtype=dtype)
    for row in range(num_rows):
        out[row][0] = 1 + np.random.uniform(0.001, 2)
        left -= 1
        if left <= 0:
            return mx.nd.array(out).tostype("csr")
    width = 2
    for row in range(num_rows):
        limit = min(num_cols, width)
        if limit == num_cols and left > limit:
            out[row] = 1 + np.random.uniform(0.001, 2)
            left -= limit - 1
            if left <= 0:
                return mx.nd.array(out).tostype("csr")
            continue
        for col in range(1, limit):
            out[row][col] = 1 + np.random.uniform(0.001, 2)
            left -= 1
            if left <= 0:
                return mx.nd.array(out).tostype("csr")
        width *= 2
    if left > 0:
        raise ValueError(f"not supported for this density: {density} for this shape ({num_rows},{num_cols})")
    return mx.nd.array(out).tostype("csr")


def assign_each(the_input, function):
    """``function`` applied to every element of a numpy array (a copy when ``function`` is None)."""
    if function is None:
        return np.array(the_input)
    return np.vectorize(function, otypes=[np.float64])(the_input) if np.size(the_input) else np.zeros(
        np.shape(the_input))


def assign_each2(input1, input2, function):
    """``function`` applied to every pair of elements of two numpy arrays of one shape."""
    if function is None:
        return np.array(input1)
    assert np.shape(input1) == np.shape(input2)
    return np.vectorize(function, otypes=[np.float64])(input1, input2) if np.size(input1) else np.zeros(
        np.shape(input1))


def rand_sparse_ndarray(shape, stype, density=None, dtype=None, distribution=None, data_init=None,
                        rsp_indices=None, modifier_func=None, shuffle_csr_indices=False, ctx=None):
    """A random sparse array and its parts: ``(arr, (values, indices))`` for row_sparse (each
    row kept with probability ``density``, values uniform in [0, 1)), ``(arr, (indptr,
    indices, data))`` for csr (``distribution`` 'uniform' or 'powerlaw')."""
    ctx = ctx or default_context()
    density = np.random.rand() if density is None else density
    dtype = default_dtype() if dtype is None else dtype
    distribution = distribution or "uniform"
    if stype == "row_sparse":
        assert distribution == "uniform", f"Distribution {distribution} not supported for row_sparse"
        if rsp_indices is not None:
            indices = rsp_indices
            assert len(indices) <= shape[0]
        else:
            indices = np.argwhere(np.random.rand(shape[0]) < density).flatten()
        if indices.shape[0] == 0:
            return (mx.nd.zeros(shape, stype="row_sparse", dtype=dtype, ctx=ctx),
                    (np.array([], dtype=dtype), np.array([])))
        val = np.random.rand(indices.shape[0], *shape[1:]).astype(dtype)
        if data_init is not None:
            val.fill(data_init)
        if modifier_func is not None:
            val = assign_each(val, modifier_func)
        arr = mx.nd.sparse.row_sparse_array((val, indices), shape=shape, dtype=dtype, ctx=ctx)
        return arr, (val, indices)
    if stype == "csr":
        assert len(shape) == 2
        if distribution == "uniform":
            csr = _get_uniform_dataset_csr(shape[0], shape[1], density, data_init=data_init,
                                           shuffle_csr_indices=shuffle_csr_indices, dtype=dtype)
        elif distribution == "powerlaw":
            csr = _get_powerlaw_dataset_csr(shape[0], shape[1], density=density, dtype=dtype)
        else:
            raise AssertionError(f"Distribution not supported: {distribution}")
        csr = csr.as_in_context(ctx)
        return csr, (csr.indptr, csr.indices, csr.data)
    raise AssertionError("unknown storage type")


def create_sparse_array(shape, stype, data_init=None, rsp_indices=None, dtype=None, modifier_func=None,
                        density=.5, shuffle_csr_indices=False):
    """A random sparse array (``rsp_indices`` sorted first)."""
    if stype == "row_sparse":
        indices = None if rsp_indices is None else np.sort(np.asarray(rsp_indices))
        arr, _ = rand_sparse_ndarray(shape, stype, density=density, data_init=data_init, rsp_indices=indices,
                                     dtype=dtype, modifier_func=modifier_func)
    elif stype == "csr":
        arr, _ = rand_sparse_ndarray(shape, stype, density=density, data_init=data_init, dtype=dtype,
                                     modifier_func=modifier_func, shuffle_csr_indices=shuffle_csr_indices)
    else:
        raise AssertionError("Unknown storage type: " + stype)
    return arr


def create_sparse_array_zd(shape, stype, density, data_init=None, rsp_indices=None, dtype=None,
                           modifier_func=None, shuffle_csr_indices=False):
    """``create_sparse_array`` that also allows zero density (MXNet's ``_zd`` variant)."""
    if stype == "row_sparse":
        density = 0.0
        if rsp_indices is not None:
            assert len(rsp_indices) <= shape[0]
    return create_sparse_array(shape, stype, data_init=data_init, rsp_indices=rsp_indices, dtype=dtype,
                               modifier_func=modifier_func, density=density,
                               shuffle_csr_indices=shuffle_csr_indices)


def create_vector(size, dtype=np.int64):
    return mx.nd.arange(0, size, dtype=dtype)


def create_2d_tensor(rows, columns, dtype=np.int64):
    a = mx.nd.arange(0, rows, dtype=dtype).reshape(rows, 1)
    return mx.nd.broadcast_to(a, shape=(a.shape[0], columns))


def get_identity_mat(size):
    return mx.nd.array(np.eye(size))


def get_identity_mat_batch(size):
    return mx.nd.array(np.stack([np.eye(size)] * 2))


def new_orthonormal_matrix_2d(n):
    x = np.random.randn(n, n)
    return np.linalg.qr(x.T @ x)[0]


def new_matrix_with_real_eigvals_2d(n):
    """A well-conditioned matrix with real eigenvalues in [-10, 10]."""
    while True:
        d = np.diag(np.random.uniform(-1.0, 1.0, n))
        v = np.random.uniform(-1.0, 1.0, (n, 1))
        v = v / np.linalg.norm(v, axis=-2, keepdims=True)
        q = (np.eye(n) - 2 * v @ v.T) @ d
        if np.linalg.cond(q, 2) < 3:
            break
    return np.linalg.inv(q) @ np.diag(np.random.uniform(-10.0, 10.0, n)) @ q


def new_matrix_with_real_eigvals_nd(shape):
    n = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(n)]).reshape(shape)


def new_sym_matrix_with_real_eigvals_2d(n):
    q = new_orthonormal_matrix_2d(n)
    return q.T @ np.diag(np.random.uniform(-10.0, 10.0, n)) @ q


def new_sym_matrix_with_real_eigvals_nd(shape):
    n = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return np.array([new_sym_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(n)]).reshape(shape)


# ---- numpy helpers ----------------------------------------------------------------------------------

def np_reduce(dat, axis, keepdims, numpy_reduce_func):
    """Reduce ``dat`` over ``axis`` (int, list or None) one axis at a time."""
    axes = [axis] if isinstance(axis, int) else (list(axis) if axis is not None else list(range(dat.ndim)))
    ret = dat
    for i in sorted(axes, reverse=True):
        ret = numpy_reduce_func(ret, axis=i)
    if keepdims:
        shape = list(dat.shape)
        for i in axes:
            shape[i] = 1
        ret = ret.reshape(tuple(shape))
    return ret


def collapse_sum_like(a, shape):
    """Sum ``a`` over the axes that broadcasting ``shape`` to a.shape added or stretched."""
    assert len(a.shape) >= len(shape)
    if np.prod(shape) == 0 or a.size == 0:
        return np.zeros(shape, dtype=a.dtype)
    lead = len(a.shape) - len(shape)
    axes = list(range(lead))
    for i, s in enumerate(shape):
        if s != a.shape[i + lead]:
            assert s == 1
            axes.append(i + lead)
    return np.sum(a, axis=tuple(axes)).reshape(shape)


# ---- statistical checks of samplers -----------------------------------------------------------------

def mean_check(generator, mu, sigma, nsamples=1000000):
    """Whether the mean of generator(nsamples) lies within 3 standard errors of mu."""
    mean = np.array(generator(nsamples)).mean()
    return mu - 3 * sigma / np.sqrt(nsamples) < mean < mu + 3 * sigma / np.sqrt(nsamples)


def var_check(generator, sigma, nsamples=1000000):
    """Whether the variance of generator(nsamples) lies within 3 standard errors of sigma^2."""
    var = np.array(generator(nsamples)).var(ddof=1)
    se = 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1))
    return sigma ** 2 - se < var < sigma ** 2 + se


class DummyIter(mx.io.DataIter):
    """A data iterator that returns the first batch of ``real_iter`` for ever (MXNet's, for
    speed tests): the same DataBatch object each time, never StopIteration."""

    def __init__(self, real_iter):
        super().__init__()
        self.real_iter = real_iter
        self.provide_data = real_iter.provide_data
        self.provide_label = real_iter.provide_label
        self.batch_size = real_iter.batch_size
        self.the_batch = next(real_iter)

    def __iter__(self):
        return self

    def next(self):
        return self.the_batch


def gen_buckets_probs_with_ppf(ppf, nbuckets):
    """nbuckets equiprobable buckets from a quantile function."""
    assert nbuckets > 0
    probs = [1.0 / nbuckets] * nbuckets
    return [(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets))) for i in range(nbuckets)], probs


def chi_square_check(generator, buckets, probs, nsamples=1000000):
    """Chi-square test of generator(nsamples) against bucket probabilities: (p, observed, expected).
    Buckets are (low, high) ranges for a continuous generator, values for a discrete one."""
    from scipy import stats
    assert isinstance(buckets, list) and len(probs) == len(buckets)
    samples = np.asarray(_numpy(generator(nsamples)))
    expected = (nsamples * np.array(probs, dtype=np.float32)).astype(np.int32)
    observed = np.zeros(len(buckets), dtype=np.int64)
    if isinstance(buckets[0], (list, tuple)):
        edges = np.array([e for bucket in buckets for e in bucket], dtype=np.float32)
        ids = np.searchsorted(edges, samples, side="right") // 2
        for i in range(len(buckets)):
            observed[i] = np.count_nonzero(ids == i)
    else:
        for i, value in enumerate(buckets):
            observed[i] = np.count_nonzero(samples == value)
    # scipy.stats.chisquare's statistic, without the equal-sums check newer scipy adds: MXNet's
    # expected counts are truncated to integers, so their sum is a little under nsamples
    statistic = np.sum((observed - expected) ** 2 / expected.astype(np.float64))
    p = stats.chi2.sf(statistic, len(buckets) - 1)
    return p, observed, expected


def verify_generator(generator, buckets, probs, nsamples=1000000, nrepeat=5, success_rate=0.2, alpha=0.05):
    """Repeat chi_square_check; fail unless p > alpha in at least success_rate of the runs."""
    results = [chi_square_check(generator, buckets, probs, nsamples) for _ in range(nrepeat)]
    pvalues = [r[0] for r in results]
    if (np.array(pvalues) > alpha).sum() < nrepeat * success_rate:
        raise AssertionError(f"Generator test fails, Chi-square p={pvalues}, obs_freq={[r[1] for r in results]}, "
                             f"expected_freq={[r[2] for r in results]}.\nbuckets={buckets}, probs={probs}")
    return pvalues


# ---- gradients and forward checks on functions of NDArrays ------------------------------------------

def _as_function(sym, what, aux_states=None, ctx=None, dtype=None):
    """The Python function of NDArrays to check: ``sym`` itself, or a Symbol run operator by
    operator (positional location values in ``list_arguments`` order, ``aux_states`` a list in
    ``list_auxiliary_states`` order or a dict)."""
    from .symbol import Symbol
    from .symbol.imperative import as_function
    if isinstance(sym, Symbol):
        if aux_states is not None:
            if not isinstance(aux_states, dict):
                aux_states = dict(zip(sym.list_auxiliary_states(), aux_states))
            aux_states = {k: v if isinstance(v, mx.nd.NDArray) else
                          mx.nd.array(v, ctx=ctx or default_context(), dtype=dtype)
                          for k, v in aux_states.items()}
        return as_function(sym, aux_states)
    if not callable(sym):
        raise NotImplementedForMXJax(f"{what}: {_SYMBOLIC}")
    if aux_states is not None:
        raise NotImplementedForMXJax(f"{what}: aux_states need a Symbol")
    return sym


def _named(sym, location):
    """A Symbol's list location as a dict by argument name (MXNet's ``grad_nodes`` and
    ``expected`` then refer to those names)."""
    from .symbol import Symbol
    if isinstance(sym, Symbol) and isinstance(location, (list, tuple)):
        names = sym.list_arguments()
        if len(location) != len(names):
            raise ValueError(f"Symbol arguments and keys of the given location do not match. "
                             f"symbol args:{names}, location.keys():{list(range(len(location)))}")
        return dict(zip(names, location))
    return location


def _arrays(location, ctx, dtype):
    """(names or None, list of NDArrays) from a list/tuple or dict of numpy arrays or NDArrays."""
    assert isinstance(location, (dict, list, tuple)), "location must be a list, tuple or dict"
    names = list(location) if isinstance(location, dict) else None
    values = list(location.values()) if isinstance(location, dict) else list(location)
    arrays = []
    for v in values:
        if isinstance(v, mx.nd.NDArray):
            arrays.append(v.as_in_context(ctx) if hasattr(v, "as_in_context") else v)
        else:
            v = np.asarray(v)
            arrays.append(mx.nd.array(v, ctx=ctx, dtype=v.dtype if dtype == "asnumpy" else dtype))
    return names, arrays


def _call(fn, names, arrays):
    out = fn(**dict(zip(names, arrays))) if names is not None else fn(*arrays)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _sparse_storage(sym, arrays, aux_states, grad_stypes):
    """Whether checking Symbol ``sym`` involves sparse storage (a sparse input or auxiliary state,
    or a sparse gradient asked for): the check then binds an executor as MXNet's does, so that
    outputs and gradients have MXNet's storage types (``mxjax.symbol.storage``)."""
    from .ndarray.sparse import BaseSparseNDArray
    from .symbol import Symbol
    if not isinstance(sym, Symbol):
        return False
    values = list(arrays) + list((aux_states or {}).values() if isinstance(aux_states, dict) else aux_states or [])
    return any(isinstance(a, BaseSparseNDArray) for a in values) or \
        any(s not in (None, "default") for s in (grad_stypes or {}).values())


def _bind(sym, names, arrays, aux_states, ctx, dtype, args_grad=None, grad_req="write"):
    """``sym`` bound to the location's arrays (``names`` None: list_arguments order)."""
    args = dict(zip(names if names is not None else sym.list_arguments(), arrays))
    aux = aux_states
    if aux is not None and not isinstance(aux, dict):
        aux = dict(zip(sym.list_auxiliary_states(), aux))
    if aux is not None:
        aux = {k: v if isinstance(v, mx.nd.NDArray) else mx.nd.array(v, ctx=ctx, dtype=dtype) for k, v in aux.items()}
    return sym.bind(ctx, args=args, args_grad=args_grad, grad_req=grad_req, aux_states=aux)


def _gradient_buffers(names, arrays, ctx, dtype, grad_stypes):
    """name -> a zero gradient array per input, of the storage type ``grad_stypes`` asks for."""
    return {name: mx.nd.zeros(a.shape, ctx=ctx, dtype=dtype, stype=(grad_stypes or {}).get(name) or "default")
            for name, a in zip(names, arrays)}


def _positions(names, count, nodes):
    """Indices of the inputs named by ``nodes`` (names, or positions for a list location)."""
    if nodes is None:
        return list(range(count))
    result = []
    for node in nodes:
        if isinstance(node, numbers.Integral):
            result.append(int(node))
        elif names is not None and node in names:
            result.append(names.index(node))
        else:
            raise ValueError(f"grad_nodes: unknown input {node!r} (use the location's dict keys, or positions)")
    return result


def numeric_grad(executor, location, aux_states=None, eps=1e-4, use_forward_train=True, dtype=default_dtype()):
    """Finite-difference gradients of sum(executor(location)[0]) with respect to every floating
    input: central differences with step ``eps``.  As in MXNet, each forward starts from the
    auxiliary states given (a training-mode forward's updates of them are discarded).  mxjax
    differs: ``executor`` is a Symbol or a Python function of NDArrays (see the module
    docstring), not an Executor; returns a dict for a dict location, else a list."""
    return _numeric_grad(executor, location, aux_states, eps, use_forward_train, dtype)


def _numeric_grad(executor, location, aux_states, eps, use_forward_train, dtype, projection=None):
    """``numeric_grad``, of sum(output * projection) when a projection is given.  A Symbol of
    deterministic operators runs its perturbed forwards vmapped (``finite_differences``)."""
    from .symbol.finite_differences import numeric_gradients, vectorizable
    sym = executor
    location = _named(executor, location)
    executor = _as_function(executor, "numeric_grad", aux_states)
    names = list(location) if isinstance(location, dict) else None
    values = [np.array(_numpy(v), dtype=dtype if dtype != "asnumpy" else None)
              for v in (location.values() if names is not None else location)]
    states = getattr(executor, "aux_states", {})
    saved = {k: (a.asnumpy(), a.context) for k, a in states.items()}
    if vectorizable(sym, names):
        grads = numeric_gradients(sym, dict(zip(names, values)), {k: v for k, (v, _) in saved.items()}, eps,
                                  use_forward_train, projection)
        return {name: grads[name] for name in names}
    if projection is not None:
        function, proj = executor, mx.nd.array(projection, dtype=projection.dtype)

        def executor(*xs, **kw):
            return _call(function, list(kw) if kw else None, list(kw.values()) if kw else list(xs))[0] * proj
    mode = mx.autograd.train_mode if use_forward_train else mx.autograd.predict_mode

    def total(vals):
        for k, (value, ctx) in saved.items():   # as MXNet: every forward starts from the given states
            states[k] = mx.nd.array(value, ctx=ctx, dtype=value.dtype)
        with mode():
            return np.sum(_numpy(_call(executor, names, [mx.nd.array(v, dtype=v.dtype) for v in vals])[0]),
                          dtype=np.float64)

    grads = []
    for k, v in enumerate(values):
        grad = np.zeros(v.shape, dtype=v.dtype)
        if v.dtype.kind == "f":
            flat = v.reshape(-1)
            for i in range(flat.size):
                old = flat[i]
                flat[i] = old + eps / 2.0
                plus = total(values)
                flat[i] = old - eps / 2.0
                minus = total(values)
                flat[i] = old
                grad.reshape(-1)[i] = (plus - minus) / eps
        grads.append(grad)
    return dict(zip(names, grads)) if names is not None else grads


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=None, rtol=None, atol=None, grad_nodes=None,
                           use_forward_train=True, ctx=None, grad_stype_dict=None, dtype=default_dtype()):
    """Check mxjax's gradient of ``sym`` at ``location`` against finite differences: the loss is
    sum(sym(location) * P) for a random projection P (uniform in [0.1, 1.1)), the gradient comes
    from ``autograd`` (recorded in training mode), the finite differences from forward passes in
    training mode unless ``use_forward_train=False``.  ``grad_nodes``: the inputs to check (dict
    keys, or positions for a list location; a dict maps them to grad_req 'write', 'add' or 'null').
    ``sym``: a Symbol with one output, or a Python function of NDArrays returning one NDArray."""
    location = _named(sym, location)
    assert dtype in (np.float16, np.float32, np.float64)
    ctx = ctx or default_context()
    symbol = sym
    sym = _as_function(sym, "check_numeric_gradient", aux_states, ctx, dtype)
    aux_states = getattr(sym, "aux_states", None)
    if aux_states is not None:   # as MXNet: the finite differences start from the states given
        aux_states = {k: v.copy() for k, v in aux_states.items()}
    names, arrays = _arrays(location, ctx, dtype)
    if isinstance(grad_nodes, dict):
        reqs = {p: req for p, req in zip(_positions(names, len(arrays), list(grad_nodes)), grad_nodes.values())}
    else:
        reqs = {p: "write" for p in _positions(names, len(arrays), grad_nodes)}
    with mx.autograd.train_mode():
        outputs = _call(sym, names, arrays)
    if len(outputs) != 1:
        raise MXNetError(f"check_numeric_gradient: the function must return one output, got {len(outputs)}")
    projection = np.asarray(np.random.rand(*outputs[0].shape) + 0.1)   # rand() of a 0-d output is a float
    eps = get_tolerance(outputs[0], numeric_eps, default_numeric_eps())
    if dtype in (np.float32, np.float16):
        assert eps >= 1e-5, "finite differences with a step below 1e-5 need float64"
    proj = mx.nd.array(projection, ctx=ctx, dtype=dtype)

    if _sparse_storage(symbol, arrays, aux_states, grad_stype_dict):
        analytic = _bound_gradients(symbol, names, arrays, getattr(sym, "aux_states", None), proj, reqs, ctx, dtype,
                                    grad_stype_dict)
    else:
        for p, req in reqs.items():
            arrays[p].attach_grad(grad_req=req)
        with mx.autograd.record(train_mode=True):
            out = _call(sym, names, arrays)[0]
            loss = out * proj
        if any(req != "null" for req in reqs.values()):   # all 'null': nothing to differentiate
            loss.backward()
        analytic = {p: arrays[p].grad for p, req in reqs.items() if req != "null"}

    at = [x.asnumpy() for x in arrays]
    numeric = _numeric_grad(symbol, dict(zip(names, at)) if names is not None else at, aux_states, eps,
                            use_forward_train, dtype, projection.astype(dtype))
    numeric = list(numeric.values()) if names is not None else numeric
    for p, req in reqs.items():
        label = names[p] if names is not None else str(p)
        if req == "null":
            continue
        assert_almost_equal(numeric[p], analytic[p].asnumpy(), rtol, atol,
                            (f"NUMERICAL_{label}", f"BACKWARD_{label}"))


def _bound_gradients(sym, names, arrays, aux_states, proj, reqs, ctx, dtype, grad_stypes):
    """MXNet's analytic gradients of sum(sym * proj): ``make_loss(sym * proj)`` bound with gradient
    arrays of the storage types ``grad_stypes`` asks for, forward in training mode, backward;
    position -> gradient array.  Binding raises MXNet's error for storage types an operator
    refuses."""
    names = names if names is not None else sym.list_arguments()
    out = mx.sym.make_loss(sym * mx.sym.Variable("__random_proj"))
    grads = _gradient_buffers([names[p] for p in reqs], [arrays[p] for p in reqs], ctx, dtype, grad_stypes)
    exe = _bind(out, names + ["__random_proj"], list(arrays) + [proj], aux_states, ctx, dtype, grads,
                {names[p]: req for p, req in reqs.items()})
    exe.forward(is_train=True)
    exe.backward()
    return {p: grads[names[p]] for p, req in reqs.items() if req != "null"}


def check_symbolic_forward(sym, location, expected, rtol=None, atol=None, aux_states=None, ctx=None,
                           equal_nan=False, dtype=default_dtype()):
    """Compare the outputs of ``sym`` at ``location`` (forward in predict mode) with ``expected``
    (a list, or a dict by output position); returns the outputs.  ``sym``: a Symbol, or a Python
    function of NDArrays."""
    location = _named(sym, location)
    names, arrays = _arrays(location, ctx or default_context(), dtype)
    if _sparse_storage(sym, arrays, aux_states, None):
        exe = _bind(sym, names, arrays, aux_states, ctx or default_context(), dtype)
        outputs = exe.forward(is_train=False)
    else:
        sym = _as_function(sym, "check_symbolic_forward", aux_states, ctx, dtype)
        with mx.autograd.predict_mode():
            outputs = _call(sym, names, arrays)
    expected = list(expected.values()) if isinstance(expected, dict) else list(expected)
    for i, (expect, output) in enumerate(zip(expected, outputs)):
        assert_almost_equal(expect, output, rtol, atol, (f"EXPECTED_{i}", f"FORWARD_{i}"), equal_nan=equal_nan)
    return outputs


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None, aux_states=None,
                            grad_req="write", ctx=None, grad_stypes=None, equal_nan=False, dtype=default_dtype()):
    """Compare the input gradients of ``sym`` at ``location``, for head gradients ``out_grads``, with
    ``expected`` (a list, or a dict keyed like location).  ``grad_req``: one for all inputs, or a
    dict; inputs with 'null' are skipped.  Returns the gradient arrays (NDArrays, as MXNet does).
    ``sym``: a Symbol, or a Python function of NDArrays."""
    location = _named(sym, location)
    ctx = ctx or default_context()
    names, arrays = _arrays(location, ctx, dtype)
    keys = names if names is not None else list(range(len(arrays)))
    reqs = dict(grad_req) if isinstance(grad_req, dict) else {k: grad_req for k in keys}
    out_grads = list(out_grads.values()) if isinstance(out_grads, dict) else list(out_grads)
    if _sparse_storage(sym, arrays, aux_states, grad_stypes):
        buffers = _gradient_buffers(keys, arrays, ctx, dtype, grad_stypes)
        exe = _bind(sym, names, arrays, aux_states, ctx, dtype, buffers, {k: reqs.get(k, "write") for k in keys})
        outputs = exe.forward(is_train=True)
        exe.backward([g if isinstance(g, mx.nd.NDArray) else mx.nd.array(g, ctx=ctx, dtype=o.dtype)
                      for g, o in zip(out_grads, outputs)])
        computed = [buffers[k] for k in keys]
    else:
        sym = _as_function(sym, "check_symbolic_backward", aux_states, ctx, dtype)
        for key, x in zip(keys, arrays):
            x.attach_grad(grad_req=reqs.get(key, "write"))
        with mx.autograd.record(train_mode=True):
            outputs = _call(sym, names, arrays)
        heads = [g if isinstance(g, mx.nd.NDArray) else mx.nd.array(g, ctx=ctx, dtype=o.dtype)
                 for g, o in zip(out_grads, outputs)]
        if any(reqs.get(key, "write") != "null" for key in keys):
            mx.autograd.backward(outputs, heads)
        computed = [x.grad for x in arrays]
    expected = dict(expected) if isinstance(expected, dict) else dict(zip(keys, expected))
    grads = {}
    for key, grad in zip(keys, computed):
        if reqs.get(key, "write") == "null":
            continue
        grads[key] = grad
        if key in expected and expected[key] is not None:
            assert_almost_equal(expected[key], grad.asnumpy(), rtol, atol,
                                (f"EXPECTED_{key}", f"BACKWARD_{key}"), equal_nan=equal_nan)
    return grads if names is not None else [grads.get(k) for k in keys]


def simple_forward(sym, ctx=None, is_train=False, **inputs):
    """The outputs of ``sym(**inputs)`` as numpy (one array for one output).  ``sym``: a Symbol,
    or a Python function of NDArrays taking the inputs as keyword arguments."""
    sym = _as_function(sym, "simple_forward")
    ctx = ctx or default_context()
    arrays = {k: v if isinstance(v, mx.nd.NDArray) else mx.nd.array(v, ctx=ctx) for k, v in inputs.items()}
    with (mx.autograd.train_mode() if is_train else mx.autograd.predict_mode()):
        outputs = _call(sym, list(arrays), list(arrays.values()))
    outputs = [o.asnumpy() for o in outputs]
    return outputs[0] if len(outputs) == 1 else outputs


def check_consistency(sym, ctx_list, scale=1.0, grad_req="write", arg_params=None, aux_params=None, rtol=None,
                      atol=None, raise_on_err=True, ground_truth=None, equal_nan=False, use_uniform=False,
                      rand_type=np.float64):
    """Bind ``sym`` (or one symbol per entry) once per ``ctx_list`` entry (``ctx``, input shapes,
    ``type_dict``), feed all the same random arguments, and check that the outputs (forward in
    predict mode) and, unless ``grad_req='null'``, the gradients (backward of the first
    executor's outputs) agree with the executor of the widest output dtype.  Returns the
    ground truth (name -> NDArray), as MXNet does."""
    if len(ctx_list) < 2:
        raise AssertionError("check_consistency needs at least two contexts")
    syms = [sym] * len(ctx_list) if isinstance(sym, mx.sym.Symbol) else list(sym)
    if len(syms) != len(ctx_list):
        raise AssertionError("check_consistency: one symbol per context is needed")
    output_names, arg_names = syms[0].list_outputs(), syms[0].list_arguments()
    exes = []
    for s, ctx in zip(syms, ctx_list):
        assert s.list_arguments() == arg_names and s.list_outputs() == output_names
        exes.append(s.simple_bind(grad_req=grad_req, **ctx))
    arg_params = {} if arg_params is None else arg_params
    aux_params = {} if aux_params is None else aux_params
    for name, arr in sorted(exes[0].arg_dict.items()):
        if name not in arg_params:
            data = (np.random.uniform(-0.92 * scale, 0.92 * scale, size=arr.shape) if use_uniform
                    else np.random.normal(size=arr.shape, scale=scale))
            arg_params[name] = data.astype(rand_type)
    for name in exes[0].aux_dict:
        aux_params.setdefault(name, 0)
    for exe in exes:
        for name, arr in exe.arg_dict.items():
            arr[:] = arg_params[name]
        for name, arr in exe.aux_dict.items():
            arr[:] = aux_params[name]
        if grad_req == "add":
            for arr in exe.grad_arrays:
                if arr is not None:
                    arr[:] = 0
    gt_idx = int(np.argmax([np.dtype(exe.outputs[0].dtype) for exe in exes]))
    gt = ground_truth
    if gt is None:
        gt = dict(exes[gt_idx].output_dict)
        if grad_req != "null":
            gt.update(exes[gt_idx].grad_dict)

    def compare(pairs, what, i):
        for name, arr in pairs:
            try:
                assert_almost_equal(arr, gt[name], rtol=rtol, atol=atol, equal_nan=equal_nan)
            except AssertionError:
                print(f"{what} Err: ctx {i} vs ctx {gt_idx} at {name}")
                traceback.print_exc()
                if raise_on_err:
                    raise
    for exe in exes:
        exe.forward(is_train=False)
    for i, exe in enumerate(exes):
        if i != gt_idx:
            compare(zip(output_names, exe.outputs), "Predict", i)
    if grad_req != "null":
        for exe in exes:
            exe.forward(is_train=True)
        dtypes = [out.dtype for out in exes[0].outputs]
        for exe in exes:
            dtypes = [o.dtype if np.dtype(o.dtype).itemsize < np.dtype(d).itemsize else d
                      for o, d in zip(exe.outputs, dtypes)]
        golden = [out.astype(d).asnumpy() for out, d in zip(exes[0].outputs, dtypes)]
        for exe in exes:
            exe.backward([mx.nd.array(g, ctx=out.context, dtype=out.dtype) for g, out in zip(golden, exe.outputs)])
        for i, exe in enumerate(exes):
            if i != gt_idx:
                compare(((n, a) for n, a in zip(output_names + arg_names, exe.outputs + exe.grad_arrays)
                         if a is not None and n in gt), "Train", i)
    return gt


def check_speed(sym, location=None, ctx=None, N=20, grad_req=None, typ="whole", **kwargs):  # noqa: N803
    """Not available: it times executors of a Symbol."""
    raise NotImplementedForMXJax("check_speed: timing executors is not provided by mxjax")


# ---- environment ------------------------------------------------------------------------------------

def list_gpus():
    """Indices of the accelerators (GPUs or TPUs) JAX sees."""
    return range(mx.context.num_gpus())


def is_op_runnable():
    return True


def is_aarch64_run():
    """Whether the tests run on an aarch64 machine (MXNet skips some tests there)."""
    return platform.machine() == "aarch64"


def has_tvm_ops():
    """Whether MXNet was built with TVM operators: never in mxjax."""
    return False


def retry(n):
    """Decorator: run a stochastic test up to n times until it passes (AssertionError retries)."""
    assert n > 0

    def decorate(f):
        def wrapper(*args, **kwargs):
            for i in range(n):
                try:
                    f(*args, **kwargs)
                    return
                except AssertionError:
                    if i == n - 1:
                        raise
                    mx.nd.waitall()
        wrapper.__name__ = f.__name__
        wrapper.__doc__ = f.__doc__
        return wrapper
    return decorate


@contextlib.contextmanager
def environment(*args):
    """``with environment(name, value)`` or ``with environment({name: value, ...})``: set environment
    variables (None unsets) for the block, restoring them afterwards."""
    if len(args) == 1 and isinstance(args[0], dict):
        settings = args[0]
    else:
        assert len(args) == 2, "Expecting one dict arg or two args: env var name and value"
        settings = {args[0]: args[1]}
    saved = {name: os.environ.get(name) for name in settings}
    for name, value in settings.items():
        setenv(name, value)
    try:
        yield
    finally:
        mx.nd.waitall()
        for name, value in saved.items():
            setenv(name, value)


@contextlib.contextmanager
def discard_stderr():
    """Silence the process's standard error (file descriptor 2) inside the block."""
    try:
        fileno = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    saved = os.dup(fileno)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fileno)
            yield
    finally:
        os.dup2(saved, fileno)
        os.close(saved)


# ---- MNIST (get_mnist, get_mnist_iterator) --------------------------------------------------------
# MXNet downloads the files; mxjax never downloads, so missing files raise MXNetError naming them.

_MNIST_URL = "http://data.mxnet.io/data/mnist/"


def _mnist_home():
    """Where ``gluon.data.vision.MNIST`` keeps the same files: ``$MXNET_HOME/datasets/mnist``."""
    from .gluon.data.vision.datasets import _data_dir
    return os.path.join(_data_dir(), "datasets", "mnist")


def _find_mnist(caller, names, folders, advice):
    from ._idx import find_idx
    paths = [find_idx(name, folders) for name in names]
    missing = [name for name, path in zip(names, paths) if path is None]
    if missing:
        raise MXNetError(f"{caller}: missing MNIST file(s) {', '.join(missing)} (looked in "
                         f"{', '.join(os.path.abspath(f) for f in folders)}). mxjax does not download datasets: "
                         f"fetch them from {_MNIST_URL} on a machine with network access and {advice}.")
    return paths


def get_mnist(path=None):
    """MNIST as MXNet's ``get_mnist()`` returns it: a dict of numpy arrays ``train_data`` and
    ``test_data`` (float32 pixels / 255, shape (N, 1, 28, 28)) and ``train_label`` and
    ``test_label`` (int8, shape (N,)).

    MXNet downloads ``train-images-idx3-ubyte.gz``, ``train-labels-idx1-ubyte.gz``,
    ``t10k-images-idx3-ubyte.gz`` and ``t10k-labels-idx1-ubyte.gz`` into the current directory
    (or uses them if present there).  mxjax reads them (compressed or not) from ``path``
    (an mxjax extension) or else from the current directory, then from
    ``$MXNET_HOME/datasets/mnist`` (where ``gluon.data.vision.MNIST`` keeps them)."""
    from ._idx import read_idx
    folders = [path] if path is not None else [os.getcwd(), _mnist_home()]
    names = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
             "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]
    where = f"put them in {folders[0]}" + (f" or {folders[1]}" if len(folders) > 1 else "")
    paths = _find_mnist("get_mnist", names, folders, where + " (or pass get_mnist(path=folder))")
    result = {}
    for part, (label_path, image_path) in (("train", paths[:2]), ("test", paths[2:])):
        label = read_idx(label_path).view(np.int8)
        image = read_idx(image_path)
        result[part + "_data"] = image.reshape(len(label), 1, 28, 28).astype(np.float32) / 255
        result[part + "_label"] = label
    return {key: result[key] for key in ("train_data", "train_label", "test_data", "test_label")}


_MNIST_UBYTE = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte"]


def _extract_mnist_zip():
    """Extract ``data/mnist.zip`` (MXNet's download) into ``data/`` if it lies there and a file is missing."""
    import zipfile
    archive = os.path.join("data", "mnist.zip")
    if os.path.exists(archive) and not all(os.path.exists(os.path.join("data", n)) for n in _MNIST_UBYTE):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall("data")


def get_mnist_ubyte():
    """MXNet's ``get_mnist_ubyte()``: make sure ``data/`` in the current directory holds the four
    uncompressed MNIST files, extracting ``data/mnist.zip`` if it lies there (MXNet downloads it
    first; mxjax never downloads)."""
    _extract_mnist_zip()
    _find_mnist("get_mnist_ubyte", _MNIST_UBYTE, ["data"],
                f"put them (or mnist.zip) in {os.path.abspath('data')}")


def get_mnist_iterator(batch_size, input_shape, num_parts=1, part_index=0):
    """MXNet's ``(train, val)`` pair of ``mx.io.MNISTIter`` over MNIST: both shuffled (seed 0,
    as MXNet's defaults make them), flat unless ``input_shape`` has three dimensions, part
    ``part_index`` of ``num_parts``.  MXNet reads ``data/train-images-idx3-ubyte`` etc. in the
    current directory, downloading and extracting ``data/mnist.zip`` when they are missing.
    mxjax reads them from ``data/`` (extracting ``data/mnist.zip`` if it lies there), or else
    the ``.gz`` files from the current directory or ``$MXNET_HOME/datasets/mnist``."""
    _extract_mnist_zip()
    images, labels, val_images, val_labels = _find_mnist(
        "get_mnist_iterator", _MNIST_UBYTE, ["data", os.getcwd(), _mnist_home()],
        f"put them in {os.path.abspath('data')} (or mnist.zip there)")
    common = dict(input_shape=input_shape, batch_size=batch_size, flat=len(input_shape) != 3,
                  num_parts=num_parts, part_index=part_index)
    train = mx.io.MNISTIter(image=images, label=labels, shuffle=True, **common)
    val = mx.io.MNISTIter(image=val_images, label=val_labels, **common)
    return train, val


class _SavedParams(mx.init.Initializer):
    """Every parameter, whatever its name's suffix, from a dict of numpy arrays by name (an
    Initializer, so deferred parameters take it too; ``mx.init.Load`` is not one, as in MXNet)."""

    def __init__(self, params):
        super().__init__()
        self._params = params

    def __call__(self, desc, arr):
        arr[()] = self._params[str(desc)]


def check_gluon_hybridize_consistency(net_builder, data_l, numpy_func=None, test_grad=True, rtol=1e-4, atol=1e-4):
    """Assert that the block built by ``net_builder(prefix='net_')`` gives the same outputs (and
    input gradients, if ``test_grad``) hybridized and not, with the same parameters, and matches
    ``numpy_func`` on the inputs' numpy values if given.  The block must not draw random numbers."""
    saved_out = saved_grads = params = None
    for hybridize in (False, True):
        for use_autograd in ((False, True) if test_grad else (False,)):
            net = net_builder(prefix="net_")
            if params is None:
                net.initialize()
            else:
                net.initialize(_SavedParams(params))
            if hybridize:
                net.hybridize()
            inputs = [x.copy() for x in data_l]
            if use_autograd:
                for x in inputs:
                    x.attach_grad()
                with mx.autograd.record():
                    out = net(*inputs)
                out.backward(out)
            else:
                out = net(*inputs)
            if params is None:
                params = {k: v.data().asnumpy() for k, v in net.collect_params().items()}
            if saved_out is None:
                saved_out = out.asnumpy()
            else:
                assert_almost_equal(out.asnumpy(), saved_out, rtol=rtol, atol=atol)
            if use_autograd:
                grads = [x.grad.asnumpy() for x in inputs]
                if saved_grads is None:
                    saved_grads = grads
                for g, saved in zip(grads, saved_grads):
                    assert_almost_equal(g, saved, rtol=rtol, atol=atol)
    if numpy_func is not None:
        assert_almost_equal(saved_out, numpy_func(*[x.asnumpy() for x in data_l]), rtol=rtol, atol=atol)
