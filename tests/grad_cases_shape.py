"""Gradient cases for the shape family: layout, slicing, indexing, sorting and sequence operators.

Index inputs (take's indices, pick's index, gather_nd's / scatter_nd's indices, sequence lengths)
are float arrays, as in MXNet, and must get an exactly zero gradient: they are listed in
``const``.  Multi-output operators are checked through one output, or a mix of all of them.
The core cases of transpose, expand_dims, squeeze, flatten, reshape_like, broadcast_to,
broadcast_like, concat, stack and one_hot live in test_op_gradients.py.
"""
from mxjax import nd

from gradcheck import Case, fixed, uniform

U = uniform(-1.0, 1.0)
X3 = uniform(-1.0, 1.0, (2, 3, 4))
X4 = uniform(-1.0, 1.0, (1, 2, 3, 4))
SEQ = uniform(-1.0, 1.0, (4, 2, 3))
LENGTHS = fixed([2, 3])
# distinct values everywhere (at least 0.05 apart), so sorting is smooth around them
DISTINCT = fixed([[0.3, -0.2, 0.45, 0.1], [-0.6, 0.35, 0.2, 0.9], [0.05, -0.4, 0.65, -0.1]])


def _split_mix(**attrs):
    """All outputs of split, mixed so that each one's gradient is distinct."""
    def call(x):
        outs = nd.split(x, **attrs)
        mixed = outs[0]
        for k, o in enumerate(outs[1:], start=2):
            mixed = mixed + o * float(k)
        return mixed
    return call


def _topk_both_values(x):
    values, indices = nd.topk(x, k=2, ret_typ="both")
    return values


CASES = {
    "SwapAxis": [
        Case((X3,), attrs=dict(dim1=0, dim2=2), out_shape=(4, 3, 2)),
        Case((X3,), call=lambda x: x.swapaxes(1, -1), label="method", out_shape=(2, 4, 3)),
    ],
    "reverse": [
        Case((X3,), attrs=dict(axis=1), out_shape=(2, 3, 4)),
        Case((X3,), call=lambda x: nd.flip(x, axis=(0, 2)), label="flip tuple", out_shape=(2, 3, 4)),
    ],
    "tile": [
        Case((U,), attrs=dict(reps=(2, 1, 2)), out_shape=(2, 2, 6)),
        Case((X3,), attrs=dict(reps=(2,)), label="short reps", out_shape=(2, 3, 8)),
    ],
    "repeat": [
        Case((U,), attrs=dict(repeats=2), out_shape=(12,)),
        Case((U,), attrs=dict(repeats=3, axis=-1), label="axis", out_shape=(2, 9)),
    ],
    "Pad": [
        Case((X4,), attrs=dict(mode="constant", pad_width=(0, 0, 0, 0, 1, 2, 2, 1), constant_value=0.5),
             label="constant", out_shape=(1, 2, 6, 7)),
        Case((X4,), attrs=dict(mode="edge", pad_width=(0, 0, 0, 0, 1, 1, 2, 2)), label="edge",
             out_shape=(1, 2, 5, 8)),
        Case((X4,), attrs=dict(mode="reflect", pad_width=(0, 0, 0, 0, 2, 1, 1, 3)), label="reflect",
             out_shape=(1, 2, 6, 8)),
        Case((uniform(-1, 1, (1, 1, 2, 3, 2)),), attrs=dict(mode="edge", pad_width=(0, 0, 0, 0, 1, 0, 0, 1, 1, 1)),
             label="5-d edge", out_shape=(1, 1, 3, 4, 4)),
        Case((X4,), attrs=dict(mode="constant", pad_width=(0, 0, 0, 0, -1, 1, 1, -2)), label="negative crops",
             out_shape=(1, 2, 3, 3)),
    ],
    "SliceChannel": [
        Case((X3,), call=_split_mix(num_outputs=3, axis=1), label="mix", out_shape=(2, 1, 4)),
        Case((X3,), call=_split_mix(num_outputs=2, axis=0, squeeze_axis=True), label="squeeze", out_shape=(3, 4)),
    ],
    "_split_v2": [
        Case((X3,), call=lambda x: nd.split_v2(x, (1, 3), axis=2)[1] * 2.0 + nd.split_v2(x, (1, 3), axis=2)[2],
             label="indices", out_shape=(2, 3, 2)),
        Case((X3,), call=lambda x: nd.split_v2(x, 2, axis=0, squeeze_axis=True)[1], label="squeeze",
             out_shape=(3, 4)),
    ],
    "slice": [
        Case((X3,), attrs=dict(begin=(0, 1), end=(2, 3)), out_shape=(2, 2, 4)),
        Case((X3,), attrs=dict(begin=(None, 2, 0), end=(None, None, 4), step=(None, -1, 3)), label="steps",
             out_shape=(2, 3, 2)),
    ],
    "slice_axis": [Case((X3,), attrs=dict(axis=-1, begin=1, end=None), out_shape=(2, 3, 3))],
    "_slice_assign": [
        Case((X3, uniform(-1, 1, (2, 2, 4))), attrs=dict(begin=(0, 1), end=(2, 3)), out_shape=(2, 3, 4)),
        Case((X3, uniform(-1, 1, (2, 1, 2))), attrs=dict(begin=(None, None, 3), end=(None, 1, None),
                                                        step=(None, -1, -2)), label="steps", out_shape=(2, 3, 4)),
    ],
    "_slice_assign_scalar": [
        Case((X3,), attrs=dict(scalar=0.5, begin=(0, 1), end=(2, 3)), out_shape=(2, 3, 4)),
    ],
    "fill_element_0index": [
        # row 1's index is out of range: that row is left as lhs
        Case((U, uniform(-1, 1, (2,)), fixed([2.0, 7.0])), const=(2,), out_shape=(2, 3)),
    ],
    "slice_like": [
        Case((X3, uniform(-1, 1, (1, 2, 3))), const=(1,), out_shape=(1, 2, 3)),
        Case((X3, uniform(-1, 1, (1, 5))), attrs=dict(axes=(0,)), const=(1,), label="axes", out_shape=(1, 3, 4)),
    ],
    "take": [
        # repeated and out-of-range indices: the gradient accumulates on the clipped rows
        Case((uniform(-1, 1, (3, 2)), fixed([[0, 2], [2, 5]])), const=(1,), out_shape=(2, 2, 2)),
        Case((U, fixed([-1.7, 0.2, 4.5])), attrs=dict(axis=1, mode="wrap"), const=(1,), label="wrap",
             out_shape=(2, 3)),
        Case((U, fixed([2.0, 0.5])), attrs=dict(axis=-1, mode="raise"), const=(1,), label="raise",
             out_shape=(2, 2)),
    ],
    "pick": [
        Case((U, fixed([2, 0])), const=(1,), out_shape=(2,)),
        Case((X3, fixed([[0, 1, 2, 5], [-1, 1, 1, 0]])), attrs=dict(axis=1, keepdims=True, mode="wrap"),
             const=(1,), label="wrap keepdims", out_shape=(2, 1, 4)),
    ],
    "gather_nd": [
        Case((X3, fixed([[0, 1, 1], [1, 2, 1]])), const=(1,), out_shape=(3, 4)),
        Case((X3, fixed([[1, -1], [0, 2], [3, 0]])), const=(1,), label="full", out_shape=(2,)),
    ],
    "scatter_nd": [
        Case((uniform(-1, 1, (3,)), fixed([[0, 1, 1], [1, 2, 0]])), attrs=dict(shape=(2, 3)), const=(1,),
             out_shape=(2, 3)),
        Case((uniform(-1, 1, (2, 4)), fixed([[2, 0]])), attrs=dict(shape=(3, 4)), const=(1,), label="rows",
             out_shape=(3, 4)),
    ],
    "broadcast_axis": [
        Case((uniform(-1, 1, (2, 1, 3)),), attrs=dict(axis=1, size=4), out_shape=(2, 4, 3)),
        Case((uniform(-1, 1, (1, 2, 1)),), call=lambda x: x.broadcast_axes(axis=(0, 2), size=(3, 2)),
             label="broadcast_axes", out_shape=(3, 2, 2)),
    ],
    "diag": [
        Case((uniform(-1, 1, (3, 4)),), attrs=dict(k=1), out_shape=(3,)),
        Case((uniform(-1, 1, (3,)),), attrs=dict(k=-1), label="1-d", out_shape=(4, 4)),
        Case((X3,), attrs=dict(k=1, axis1=2, axis2=0), label="3-d", out_shape=(3, 1)),
    ],
    "depth_to_space": [Case((uniform(-1, 1, (1, 8, 1, 2)),), attrs=dict(block_size=2), out_shape=(1, 2, 2, 4))],
    "space_to_depth": [Case((uniform(-1, 1, (1, 2, 2, 4)),), attrs=dict(block_size=2), out_shape=(1, 8, 1, 2))],
    "SequenceMask": [
        Case((SEQ, LENGTHS), attrs=dict(use_sequence_length=True, value=-1.0), const=(1,), out_shape=(4, 2, 3)),
        Case((uniform(-1, 1, (2, 4, 3)), fixed([3.7, 1.0])), attrs=dict(use_sequence_length=True, axis=1),
             const=(1,), label="axis=1", out_shape=(2, 4, 3)),
        Case((SEQ,), label="no lengths", out_shape=(4, 2, 3)),
    ],
    "SequenceLast": [
        Case((SEQ, LENGTHS), attrs=dict(use_sequence_length=True), const=(1,), out_shape=(2, 3)),
        Case((uniform(-1, 1, (2, 4, 3)), fixed([3.7, 1.0])), attrs=dict(use_sequence_length=True, axis=1),
             const=(1,), label="axis=1", out_shape=(2, 3)),
        Case((SEQ,), label="no lengths", out_shape=(2, 3)),
    ],
    "SequenceReverse": [
        Case((SEQ, fixed([2, 4])), attrs=dict(use_sequence_length=True), const=(1,), out_shape=(4, 2, 3)),
        Case((SEQ,), label="no lengths", out_shape=(4, 2, 3)),
    ],
    "sort": [
        Case((DISTINCT,), out_shape=(3, 4)),
        Case((DISTINCT,), attrs=dict(axis=0, is_ascend=False), label="descending", out_shape=(3, 4)),
        Case((DISTINCT,), attrs=dict(axis=None), label="flat", out_shape=(12,)),
    ],
    "topk": [
        Case((DISTINCT,), attrs=dict(k=2, ret_typ="value"), out_shape=(3, 2)),
        Case((DISTINCT,), attrs=dict(k=2, axis=0, ret_typ="value", is_ascend=True), label="ascend axis=0",
             out_shape=(2, 4)),
        Case((DISTINCT,), call=_topk_both_values, label="both", out_shape=(3, 2)),
    ],
}

NON_DIFFERENTIABLE = {
    "argsort": ("integer-valued index output (float32)", Case((DISTINCT,), out_dtype="float32")),
    "shape_array": ("the input's shape: a constant", Case((U,), out_dtype="int64")),
    "size_array": ("the input's size: a constant", Case((U,), out_dtype="int64")),
}

CASES["cast_storage"] = [Case((U,), attrs=dict(stype="default"))]

SPECIAL_BACKWARD = {
    # nd.op._sparse_retain is the row_sparse-only nd function; the graph operator's gradient
    # (the same row mask) is checked through an executor
    "_sparse_retain": "tests/test_symbol.py::test_storage_operators_in_a_graph",
}
