"""MXNet 1.9.1's small modules: mx.base helpers, mx.util (NumPy switches, environment),
mx.runtime, mx.engine, mx.AttrScope, mx.np / mx.npx placeholders, ndarray id tables.
Expected values recorded from real MXNet 1.9.1."""
import os
import threading
import warnings

import numpy as np
import pytest

import mxjax as mx
from mxjax.base import NotImplementedForMXJax
from mxjax.util import _NumpyArrayScope


@pytest.fixture(autouse=True)
def _np_modes_off():
    yield
    _NumpyArrayScope._current.value = _NumpyArrayScope(False)
    mx.util.set_np_shape(0)


def _in_thread(fn):
    out = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


def test_base_helpers():
    assert mx.base.py_str(b"ab") == "ab"
    assert mx.base.py_str("conv_output") == "conv_output"   # a monitor callback's name (mxjax hands str)
    assert mx.base._as_list((1,)) == (1,) and mx.base._as_list(3) == [3]
    assert mx.base.mx_real_t is np.float32
    assert mx.base.integer_types == (int, np.int32, np.int64)
    assert not isinstance(np.int8(1), mx.base.integer_types)
    err = mx.base.NotImplementedForSymbol(len, "foo", 1, "a")
    assert isinstance(err, mx.MXNetError)
    assert str(err) == ("Function len (namely operator \"foo\") with arguments (<class 'int'>, <class 'str'>) "
                        "is not implemented for Symbol and only available in NDArray.")


def test_data_dir(monkeypatch):
    monkeypatch.delenv("MXNET_HOME", raising=False)
    assert mx.base.data_dir() == os.path.join(os.path.expanduser("~"), ".mxnet")
    monkeypatch.setenv("MXNET_HOME", "/tmp/mxnet_data")
    assert mx.base.data_dir() == "/tmp/mxnet_data"


def test_np_shape_is_thread_local_unless_global():
    assert mx.util.set_np_shape(True) is False
    assert mx.is_np_shape() and not _in_thread(mx.is_np_shape)
    assert mx.util.set_np_shape(2) is True
    assert _in_thread(mx.is_np_shape)
    assert mx.util.set_np_shape(0) is True
    assert not mx.is_np_shape() and not _in_thread(mx.is_np_shape)


def test_np_array_requires_np_shape():
    mx.util.set_np()
    assert mx.is_np_array() and mx.is_np_shape()
    with pytest.raises(ValueError, match="Deactivating NumPy shape semantics while NumPy array"):
        mx.util.set_np_shape(False)
    assert mx.is_np_shape()
    mx.util.reset_np()
    assert not mx.is_np_array() and not mx.is_np_shape()
    with pytest.raises(ValueError, match="NumPy Shape semantics is required"):
        mx.util.set_np(shape=False, array=True)


def test_use_np_scopes_functions_and_classes():
    @mx.use_np
    def modes():
        return mx.is_np_array(), mx.is_np_shape()

    @mx.use_np
    class Holder:
        def modes(self):
            return mx.is_np_array(), mx.is_np_shape()

        @property
        def shape_mode(self):
            return mx.is_np_shape()

    assert modes() == (True, True) and Holder().modes() == (True, True) and Holder().shape_mode
    assert (mx.is_np_array(), mx.is_np_shape()) == (False, False)
    with pytest.raises(TypeError, match="use_np_shape can only decorate classes and callable objects"):
        mx.use_np_shape(3)
    with mx.np_array(True):
        assert mx.is_np_array() and not _in_thread(mx.is_np_array)
    with mx.np_shape(True):
        assert mx.is_np_shape()
    assert not mx.is_np_shape()


def test_getenv_setenv(monkeypatch):
    monkeypatch.delenv("MXJAX_SURFACE_VAR", raising=False)
    assert mx.util.getenv("MXJAX_SURFACE_VAR") is None
    mx.util.setenv("MXJAX_SURFACE_VAR", "7")
    assert os.environ["MXJAX_SURFACE_VAR"] == "7" and mx.util.getenv("MXJAX_SURFACE_VAR") == "7"
    mx.util.setenv("MXJAX_SURFACE_VAR", None)
    assert "MXJAX_SURFACE_VAR" not in os.environ


def test_cuda_compute_capability_needs_a_gpu_context():
    with pytest.raises(ValueError, match="Expecting a gpu context"):
        mx.util.get_cuda_compute_capability(mx.cpu())


def test_runtime_features():
    features = mx.runtime.Features()
    assert features is mx.runtime.Features()
    assert list(features)[:3] == ["CUDA", "CUDNN", "NCCL"] and len(features) == 32
    import jax
    has_gpu = any(d.platform == "gpu" for d in jax.devices())
    assert features.is_enabled("cuda") == has_gpu
    assert features.is_enabled("LAPACK") and not features.is_enabled("INT64_TENSOR_SIZE")
    assert repr(features["TVM_OP"]) == "✖ TVM_OP"
    with pytest.raises(RuntimeError, match="Feature 'FOO' is unknown, known features are: \\['CUDA'"):
        features.is_enabled("foo")


def test_engine_bulk_size():
    prev = mx.engine.set_bulk_size(5)
    assert mx.engine.set_bulk_size(3) == 5
    with mx.engine.bulk(10):
        assert mx.engine.set_bulk_size(10) == 10
        x = mx.nd.ones((2,))
        x += 1
    assert mx.engine.set_bulk_size(prev) == 3
    assert (x.asnumpy() == 2).all()


def test_attr_scope():
    with mx.AttrScope(a="1"):
        with mx.AttrScope(b="2") as scope:
            assert scope.get({"c": "3", "a": "x"}) == {"a": "x", "b": "2", "c": "3"}
            assert scope.get(None) == {"a": "1", "b": "2"}
    assert mx.AttrScope().get(None) == {}
    with pytest.raises(ValueError, match="Attributes need to be string"):
        mx.AttrScope(a=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert mx.AttrScope.current._attr == {}
    assert caught and caught[0].category is DeprecationWarning


def test_numpy_modules_exist_and_name_what_is_missing():
    assert mx.np.float32 is np.float32 and mx.np.newaxis is None and mx.np.pi == np.pi
    assert mx.npx.set_np is mx.util.set_np and mx.npx.cpu is mx.cpu
    assert type(mx.np.ones((2,))) is mx.np.ndarray and callable(mx.npx.relu)
    with pytest.raises(NotImplementedForMXJax, match=r"mxnet\.numpy\.npv is not provided by mxjax yet"):
        mx.np.npv
    with pytest.raises(AttributeError, match="no attribute 'no_such_function'"):   # as MXNet's mx.np
        mx.np.no_such_function


def test_contrib_names_what_is_missing():
    with pytest.raises(NotImplementedForMXJax, match=r"mxnet\.contrib\.onnx is not provided by mxjax"):
        mx.contrib.onnx


def test_ndarray_id_tables():
    from mxjax.ndarray.ndarray import _GRAD_REQ_MAP, _STORAGE_TYPE_STR_TO_ID, py_slice
    assert py_slice is slice
    assert _STORAGE_TYPE_STR_TO_ID == {"undefined": -1, "default": 0, "row_sparse": 1, "csr": 2}
    assert _GRAD_REQ_MAP == {"null": 0, "write": 1, "add": 3}


def test_operator_without_parameters_ignores_unknown_keywords():
    """MXNet 1.9.1: ``nd.sin(x, foo=3)`` and ``nd.broadcast_maximum(a, b, axis=1)`` ignore the
    keyword (no parameter struct); an operator with parameters rejects it."""
    x = mx.nd.array([[1.0], [-2.0]])
    assert mx.nd.broadcast_maximum(mx.nd.array([0]), x, axis=1).asnumpy().tolist() == [[1.0], [0.0]]
    assert mx.nd.sin(x, foo=3).shape == (2, 1)
    with pytest.raises(mx.MXNetError, match="unexpected argument 'foo'"):
        mx.nd.sum(x, foo=1)
    with pytest.raises(mx.MXNetError, match="unexpected argument 'foo'"):
        mx.nd.add_n(x, x, foo=2)


def test_constant_initializer_dumps_arrays_as_lists():
    """Recorded from MXNet 1.9.1: ``["constant", {"value": [1.0, 1.0]}]`` for NDArray and numpy values."""
    assert mx.init.Constant(mx.nd.ones((2,))).dumps() == '["constant", {"value": [1.0, 1.0]}]'
    assert mx.init.Constant(np.ones((2,))).dumps() == '["constant", {"value": [1.0, 1.0]}]'
    assert mx.init.Constant(1).dumps() == '["constant", {"value": 1}]'
