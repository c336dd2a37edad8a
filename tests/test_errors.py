"""Errors: raised as mx.base.MXNetError (never a raw JAX exception), with MXNet's message.

Which programs raise, and the message fragments, were recorded from MXNet 1.9.1.
Where MXNet raises a plain Python exception (ValueError, TypeError, IndexError,
AssertionError) the test asks for that type, by name too (MXNet's own tests compare
``type(e).__name__``).
"""
import re

import numpy as np
import numpy.testing as npt
import pytest

import mxjax as mx
from mxjax import autograd, nd


@pytest.fixture(autouse=True)
def _reset_autograd_state():
    """A failing test must not leave recording or training switched on for the next one."""
    yield
    autograd.set_recording(False)
    autograd.set_training(False)


MXNetError = mx.base.MXNetError

NOT_IN_GRAPH = "Cannot differentiate node because it is not in a computational graph"
IN_GRAPH_WRITE = "Assigning to NDArrays that are already in a computational graph"


def _shape_in(shape, message):
    """MXNet writes shapes as [2,3]; mxjax may use (2, 3)."""
    spellings = ["[" + ",".join(map(str, shape)) + "]", str(tuple(shape))]
    return any(s in message for s in spellings)


def _assert_not_jax(exc):
    mod = type(exc).__module__
    assert not mod.startswith(("jax", "jaxlib")), f"raw JAX exception leaked: {type(exc)}"


# ------------------------------------------------------------------------------ backward
def test_backward_on_unrecorded_array():
    x = nd.array([1.0, 2.0])
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH) as exc:
        x.backward()
    _assert_not_jax(exc.value)


def test_backward_on_result_computed_outside_record():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        (x * 3).backward()


def test_second_backward_without_retain_graph():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * 2
    y.backward()
    npt.assert_array_equal(x.grad.asnumpy(), [2.0, 2.0])
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH) as exc:
        y.backward()
    assert "retain_graph=True" in str(exc.value)


def test_grad_without_create_graph_frees_graph():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x
    autograd.grad(y, [x])  # retain_graph defaults to create_graph=False
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        y.backward()


def test_grad_wrt_array_not_requiring_gradient():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    u = nd.array([1.0, 2.0])
    with autograd.record():
        y = x * u
    with pytest.raises(MXNetError, match="1-th variable because it does not require gradient"):
        autograd.grad(y, [u])


def test_grad_wrt_unused_variable():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    v = nd.array([1.0, 2.0])
    v.attach_grad()
    with autograd.record():
        y = x * 2
    with pytest.raises(MXNetError, match="1-th variable because it is unreachable"):
        autograd.grad(y, [v])


def test_no_variable_requires_gradient():
    x = nd.ones(2)
    x.attach_grad(grad_req="null")
    with autograd.record():
        y = x * 2
    # recorded from MXNet 1.9.1
    with pytest.raises(MXNetError, match="There are no inputs in computation graph that require gradients"):
        y.backward()


def test_backward_of_constant_computation_recorded_without_variables():
    """MXNet 1.9.1 records nothing when no input needs a gradient, so this is NOT_IN_GRAPH."""
    with autograd.record():
        y = nd.ones(2) * 3
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        y.backward()


def test_backward_of_detached_computation():
    """recorded from MXNet 1.9.1: y.detach() * 3 has no recorded input, so backward raises."""
    x = nd.ones(2)
    x.attach_grad()
    with autograd.record():
        y = x * 2
        z = y.detach() * 3
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        z.backward()


def test_head_gradient_of_fewer_elements_is_refused():
    """MXNet 1.9.1 reads past a smaller head gradient's buffer (with a (1,) head gradient it
    gave x.grad = [2, 0]); mxjax raises instead of computing garbage."""
    x = nd.ones(2)
    x.attach_grad()
    with autograd.record():
        y = x * 2
    with pytest.raises(MXNetError) as exc:
        y.backward(nd.ones((1,)))
    assert _shape_in((1,), str(exc.value))
    with pytest.raises(MXNetError):
        autograd.grad(y, [x], head_grads=nd.ones((1,)))


@pytest.mark.parametrize("head_grad_shape", [(3,), (2, 2)])
def test_head_gradient_of_more_elements_gives_its_first(head_grad_shape):
    """MXNet 1.9.1 reads a larger head gradient's buffer with its head's shape: x * 2 with a
    head gradient [1, 2, 3] (or [[1, 2], [3, 4]]) gives x.grad = [2, 4]."""
    x = nd.ones(2)
    x.attach_grad()
    with autograd.record():
        y = x * 2
    y.backward(nd.arange(1, 1 + int(np.prod(head_grad_shape))).reshape(head_grad_shape))
    np.testing.assert_array_equal(x.grad.asnumpy(), [2.0, 4.0])


def test_head_grads_count_mismatch():
    x = nd.ones(2)
    x.attach_grad()
    with autograd.record():
        y = x * 3
    # MXNet 1.9.1: AssertionError "heads and head_grads must be lists of the same length"
    with pytest.raises(AssertionError, match="same length"):
        autograd.grad(y, [x], head_grads=[nd.ones(2), nd.ones(2)])


def test_grad_with_empty_variable_list():
    x = nd.ones(2)
    x.attach_grad()
    with autograd.record():
        y = x + 1
    # MXNet 1.9.1: AssertionError "variables cannot be an empty list."
    with pytest.raises(AssertionError, match="variables cannot be an empty list"):
        autograd.grad(y, [])


# ------------------------------------------------------------------------------ in-place writes
def _recorded(kind):
    """Switches recording on (the caller switches it off) and returns an array in the graph."""
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    autograd.set_recording(True)
    y = x * 2
    z = y * y  # noqa: F841  (y is an input of a recorded node)
    return x if kind == "variable" else y


@pytest.mark.parametrize("kind", ["variable", "intermediate"])
@pytest.mark.parametrize("write", ["setitem_all", "setitem_index", "iadd", "imul", "out"])
def test_inplace_write_into_graph_while_recording(kind, write):
    try:
        target = _recorded(kind)
        with pytest.raises(MXNetError, match=IN_GRAPH_WRITE) as exc:
            if write == "setitem_all":
                target[:] = 5
            elif write == "setitem_index":
                target[0] = 5
            elif write == "iadd":
                target += 1
            elif write == "imul":
                target *= 2
            else:
                nd.relu(target, out=target)
    finally:
        autograd.set_recording(False)
    _assert_not_jax(exc.value)
    assert "inplace operations like +=" in str(exc.value)


def test_inplace_write_into_unused_variable_while_recording():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    # recorded from MXNet 1.9.1: a variable is in the graph even before it is used
    with pytest.raises(MXNetError, match=IN_GRAPH_WRITE):
        with autograd.record():
            x[:] = 5


def test_inplace_write_outside_record_is_allowed():
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        y = x * 2  # noqa: F841
    x[:] = 5
    x += 1
    # recorded from MXNet 1.9.1
    npt.assert_array_equal(x.asnumpy(), [6.0, 6.0])


def test_inplace_write_into_plain_array_while_recording_is_allowed():
    """recorded from MXNet 1.9.1: an array outside any graph can be written inside record()."""
    x = nd.array([1.0, 2.0])
    with autograd.record():
        x[:] = 5
        x += 1
    npt.assert_array_equal(x.asnumpy(), [6.0, 6.0])


# ------------------------------------------------------------------------------ values
def test_asscalar_on_non_scalar():
    with pytest.raises(ValueError, match="The current array is not a scalar") as exc:
        nd.array([1.0, 2.0]).asscalar()
    assert type(exc.value) is ValueError  # MXNet raises the plain builtin


def test_asscalar_on_size_one_matrix():
    """MXNet 1.9.1 checks only the size; for a (1, 1) array it returns array([[1.]]), which
    old numpy let float() convert.  mxjax returns the numpy scalar (modern numpy refuses
    float() of a 2-d array), so `float(y.asscalar())` keeps working."""
    v = nd.ones((1, 1)).asscalar()
    assert isinstance(v, np.float32)
    assert float(v) == 1.0


@pytest.mark.parametrize("conv", [float, int])
def test_float_and_int_of_ndarray_raise_type_error(conv):
    # recorded from MXNet 1.9.1: TypeError for size 1 and size 2
    with pytest.raises(TypeError):
        conv(nd.ones(1))
    with pytest.raises(TypeError):
        conv(nd.ones(2))


def test_bool_of_multi_element_array():
    with pytest.raises(ValueError, match="ambiguous"):
        bool(nd.array([1.0, 2.0]))


# ------------------------------------------------------------------------------ shapes (raised at the call)
@pytest.mark.parametrize("call", [
    lambda a, b: a + b,
    lambda a, b: a * b,
    lambda a, b: nd.broadcast_add(a, b),
])
def test_broadcast_shape_mismatch(call):
    a, b = nd.ones((2, 3)), nd.ones((2,))
    with pytest.raises(MXNetError) as exc:
        call(a, b)  # no value is read: the error is raised by the call itself
    msg = str(exc.value)
    # recorded from MXNet 1.9.1: "operands could not be broadcast together with shapes [2,3] [2]"
    assert "could not be broadcast" in msg
    assert _shape_in((2, 3), msg) and _shape_in((2,), msg)
    _assert_not_jax(exc.value)


def test_elemwise_add_shape_mismatch():
    with pytest.raises(MXNetError) as exc:
        nd.elemwise_add(nd.ones((2, 3)), nd.ones((3, 2)))
    # recorded from MXNet 1.9.1: "Incompatible attr in node at 1-th input: expected [2,3], got [3,2]"
    assert _shape_in((2, 3), str(exc.value)) and _shape_in((3, 2), str(exc.value))


def test_dot_shape_mismatch():
    with pytest.raises(MXNetError) as exc:
        nd.dot(nd.ones((2, 3)), nd.ones((2, 3)))
    # recorded from MXNet 1.9.1: "dot shape error: [2,3] X [2,3]"
    assert "dot shape error" in str(exc.value)
    assert _shape_in((2, 3), str(exc.value))


def test_shape_errors_inside_record():
    x = nd.ones((2, 3))
    x.attach_grad()
    with autograd.record():
        with pytest.raises(MXNetError):
            nd.dot(x, x)
        with pytest.raises(MXNetError):
            x + nd.ones((4,))
    assert autograd.is_recording() is False


@pytest.mark.parametrize("name,call,mxnet_type", [
    ("reshape", lambda: nd.ones((2, 3)).reshape((4, 2)), MXNetError),
    ("transpose", lambda: nd.ones((2, 3)).transpose(axes=(0, 2)), MXNetError),
    ("concat", lambda: nd.concat(nd.ones((2, 3)), nd.ones((3, 2)), dim=0), MXNetError),
    ("sum_axis", lambda: nd.ones((2, 3)).sum(axis=5), MXNetError),
    ("fully_connected", lambda: nd.FullyConnected(nd.ones((2, 3)), nd.ones((4, 5)), nd.ones(4), num_hidden=4),
     MXNetError),
    ("batch_dot", lambda: nd.batch_dot(nd.ones((2, 3, 4)), nd.ones((2, 5, 6))), MXNetError),
    ("index_out_of_bounds", lambda: nd.ones((2, 3))[5], IndexError),
    ("setitem_shape", lambda: nd.ones((2, 3)).__setitem__(slice(None), nd.ones((3, 2))), ValueError),
    ("broadcast_to", lambda: nd.ones((2, 3)).broadcast_to((4, 3)), ValueError),
    ("nd_broadcast_to", lambda: nd.broadcast_to(nd.ones((2, 3)), shape=(4, 3)), MXNetError),
    ("bad_dtype", lambda: nd.ones((2, 3), dtype="foo"), TypeError),
])
def test_no_raw_jax_exception(name, call, mxnet_type):
    """Each program raises in MXNet 1.9.1 with the type given (recorded); mxjax must raise the same
    type, under the same class name, and never a JAX/XLA exception."""
    with pytest.raises(Exception) as exc:
        r = call()
        if isinstance(r, nd.NDArray):
            r.asnumpy()
    _assert_not_jax(exc.value)
    assert isinstance(exc.value, mxnet_type), f"{name}: {type(exc.value).__mro__}"
    assert type(exc.value).__name__ == mxnet_type.__name__, f"{name}: {type(exc.value).__mro__}"


# ------------------------------------------------------------------------------ operator arguments
@pytest.mark.parametrize("op,call,arg", [
    ("sum", lambda: nd.sum(nd.ones(2), axes=0), "axes"),
    ("dot", lambda: nd.dot(nd.ones(2), nd.ones(2), transpose=True), "transpose"),
])
def test_unknown_keyword_argument(op, call, arg):
    with pytest.raises(MXNetError) as exc:
        call()
    msg = str(exc.value)
    # recorded from MXNet 1.9.1: "Cannot find argument 'axes', Possible Arguments: ..." (the operator is
    # not named) and "... in operator dot(name="", transpose="True")"; mxjax names both
    assert arg in msg
    if mx.__name__ == "mxjax" or op == "dot":
        assert re.search(rf"\b{op}\b", msg), msg


def test_unknown_keyword_argument_method():
    with pytest.raises(MXNetError) as exc:
        nd.ones((2, 2)).sum(axes=0)
    assert "axes" in str(exc.value)
    if mx.__name__ == "mxjax":
        assert "sum" in str(exc.value)


# ------------------------------------------------------------------------------ devices
@pytest.mark.skipif(mx.context.num_gpus() > 0, reason="a GPU is present")
def test_gpu_array_without_gpu():
    # recorded from MXNet 1.9.1 (CPU build): MXNetError at creation
    with pytest.raises(MXNetError) as exc:
        nd.ones(2, ctx=mx.gpu(0)).asnumpy()
    _assert_not_jax(exc.value)
    with pytest.raises(MXNetError):
        nd.array([1, 2], ctx=mx.gpu(0)).asnumpy()
    with pytest.raises(MXNetError):
        nd.zeros((2, 2), ctx=mx.gpu(0)).asnumpy()
