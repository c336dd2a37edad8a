"""Kernel-time checks (MXNet 1.9.1 behaviour observed with the same calls): ``potrf`` of a
matrix that is not positive definite and ``take(mode='raise')`` out of bound do not raise at
the call; reading the result raises MXNetError with MXNet's message, in nd, in a symbol
executor's outputs and from inside a CustomOp."""
import numpy as np
import pytest

import mxjax as mx
from mxjax.base import MXNetError

_POTRF = ("spotrf failed in lapack on cpu. This may happen when the input matrix is either not symmetric or "
          "not positive definite.")


@pytest.fixture(autouse=True)
def _clean():
    yield
    try:
        mx.nd.waitall()
    except MXNetError:
        pass


def test_potrf_not_positive_definite_raises_when_read(capfd):
    out = mx.nd.linalg.potrf(mx.nd.array([[1, 2], [2, 1]]))
    assert out.shape == (2, 2)
    with pytest.raises(MXNetError) as info:
        out.wait_to_read()
    assert str(info.value) == _POTRF
    assert "jax.debug.callback failed" not in capfd.readouterr().err
    with pytest.raises(MXNetError, match="^dpotrf failed"):
        mx.nd.linalg.potrf(mx.nd.zeros((2, 2), dtype="float64")).asnumpy()


def test_potrf_positive_definite_unchanged():
    np.testing.assert_allclose(mx.nd.linalg.potrf(mx.nd.array([[4, 2], [2, 3]])).asnumpy(),
                               [[2, 0], [1, np.sqrt(2)]], rtol=1e-6)


def test_executor_outputs_raise_after_failed_check():
    a, idx = mx.sym.Variable("a"), mx.sym.Variable("indices")
    exe = mx.sym.take(a, idx, mode="raise").simple_bind(mx.cpu(), a=(3,), indices=(2,))
    exe.arg_dict["a"][:] = mx.nd.array([1, 2, 3])
    exe.arg_dict["indices"][:] = mx.nd.array([0, 7])
    exe.forward(is_train=True)                      # MXNet: no error at forward
    with pytest.raises(MXNetError, match=r"take: indices out of bound \(mode='raise'\)"):
        exe.outputs[0].asnumpy()
    exe.arg_dict["indices"][:] = mx.nd.array([2, 0])
    np.testing.assert_array_equal(exe.forward()[0].asnumpy(), [3, 1])


class _Potrf(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], mx.nd.linalg.potrf(in_data[0]))


@mx.operator.register("kernel_checks_potrf")
class _PotrfProp(mx.operator.CustomOpProp):
    def list_arguments(self):
        return ["a"]

    def infer_shape(self, in_shape):
        return in_shape, in_shape, []

    def create_operator(self, ctx, shapes, dtypes):
        return _Potrf()


def test_failed_check_inside_custom_op_is_mxnet_error():
    out = mx.nd.Custom(mx.nd.zeros((2, 2)), op_type="kernel_checks_potrf")
    with pytest.raises(MXNetError, match="spotrf failed"):
        out.wait_to_read()


def test_simple_bind_ignores_non_shape_and_unknown_keywords():
    # MXNet 1.9.1: only tuple values are shapes; unknown names are ignored
    exe = (mx.sym.Variable("a") * 2).simple_bind(mx.cpu(), a=(2, 3), axis=0, mode="clip", bogus=(1,))
    assert exe.arg_dict["a"].shape == (2, 3)


def test_gather_nd_out_of_bound_is_index_error_when_read():
    data = mx.nd.array([[0, 1, 2], [3, 4, 5]])
    # messages recorded from MXNet 1.9.1
    for indices, message in (([[0, 1, 0], [0, 1, 3]], "index 3 is out of bounds for axis 1 with size 3"),
                             ([[0, 1, 0], [0, 1, -5]], "index -5 is out of bounds for axis 1 with size 3"),
                             ([[0, 2, 0], [0, 1, -4]], "index 2 is out of bounds for axis 0 with size 2")):
        out = mx.nd.gather_nd(data, mx.nd.array(indices))
        with pytest.raises(IndexError) as info:
            out.asnumpy()
        assert type(info.value) is IndexError and str(info.value) == message
    np.testing.assert_array_equal(mx.nd.gather_nd(data, mx.nd.array([[0, 1], [-1, -3]])).asnumpy(), [2, 3])
