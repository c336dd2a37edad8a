"""nd.save/nd.load of a single array, a list and a dict, with dtypes kept."""
import os
import tempfile

from mxnet import nd
from compat_emit import emit

tmp = tempfile.mkdtemp()
a = nd.array([[1, 2], [3, 4]])
b = nd.array([5, 6, 7], dtype='int32')
c = nd.array([0.5], dtype='float64')

path = os.path.join(tmp, 'list.nd')
nd.save(path, [a, b, c])
loaded = nd.load(path)
emit("list_type", type(loaded).__name__)
emit("list", loaded)

path = os.path.join(tmp, 'dict.nd')
nd.save(path, {'a': a, 'b': b})
loaded = nd.load(path)
emit("dict_type", type(loaded).__name__)
emit("dict_keys", sorted(loaded.keys()))
emit("dict_a", loaded['a'])
emit("dict_b", loaded['b'])

path = os.path.join(tmp, 'single.nd')
nd.save(path, c)
emit("single", nd.load(path))
emit("file_exists", os.path.exists(path))
