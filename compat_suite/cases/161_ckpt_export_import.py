"""HybridBlock.export and SymbolBlock.imports: the symbol/params files and identical outputs."""
import os
import tempfile

import numpy as np
import mxnet as mx
from mxnet import gluon, nd
from mxnet.gluon import nn
from compat_emit import emit

tmp = tempfile.mkdtemp()
net = nn.HybridSequential()
net.add(nn.Dense(4, activation='relu', in_units=3), nn.Dense(2, in_units=4))
net.initialize(mx.init.Constant(0.2))
net.hybridize()
x = nd.array([[1.0, -2.0, 0.5]])
y = net(x)
prefix = os.path.join(tmp, 'model')
net.export(prefix, epoch=3)
emit("files", sorted(os.listdir(tmp)))
imported = gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'], prefix + '-0003.params')
emit("imported_out", imported(x))
emit("same", bool(np.allclose(imported(x).asnumpy(), y.asnumpy())))
