"""Flatten, Lambda, HybridLambda, LayerNorm, InstanceNorm, Identity-like blocks."""
import numpy as np
import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn
from compat_emit import emit

x = nd.array(np.arange(24).reshape((2, 3, 4)) / 10.0)
emit("flatten", nn.Flatten()(x))
emit("lambda", nn.Lambda(lambda v: v * 2 + 1)(x[0]))
emit("lambda_str", nn.Lambda('tanh')(x[0]))
emit("hybrid_lambda", nn.HybridLambda(lambda F, v: F.relu(v - 1))(x[0]))
ln = nn.LayerNorm()
ln.initialize()
emit("layernorm", ln(x))
emit("layernorm_params", list(ln.collect_params().keys()))
inorm = nn.InstanceNorm()
inorm.initialize()
emit("instancenorm", inorm(x))
gn = nn.GroupNorm(num_groups=1)
gn.initialize()
emit("groupnorm", gn(x.reshape((2, 3, 2, 2))))
x.attach_grad()
with autograd.record():
    y = (ln(x) * nd.sin(nd.arange(24)).reshape((2, 3, 4))).sum()
y.backward()
emit("layernorm_grad", x.grad)
