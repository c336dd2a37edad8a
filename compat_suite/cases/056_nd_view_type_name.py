"""The class of slices, reshapes and detached arrays: type(x).__name__ and isinstance(x, NDArray)."""
from mxnet import nd
from compat_emit import emit

x = nd.arange(6).reshape((3, 2))
x.attach_grad()
for name, value in [("array", nd.ones((2,))), ("slice", x[1:3]), ("row", x[1]), ("column", x[:, 1]),
                    ("reshape", x.reshape((2, 3))), ("grad", x.grad), ("T", x.T), ("detach", x.detach())]:
    emit(name + "_isinstance", isinstance(value, nd.NDArray))
    emit(name + "_type", type(value).__name__)
