"""mx.optimizer.create / get_updater / Optimizer.update on raw NDArrays; lr_mult/wd_mult."""
import mxnet as mx
from mxnet import nd
from compat_emit import emit

opt = mx.optimizer.create('sgd', learning_rate=0.1, momentum=0.9, wd=0.01)
emit("type", type(opt).__name__)
emit("lr", opt.learning_rate)
updater = mx.optimizer.get_updater(opt)
w = nd.array([1.0, -2.0, 3.0])
g = nd.array([0.5, 0.5, -1.0])
for _ in range(3):
    updater(0, g, w)
    emit("sgd_momentum", w)

adam = mx.optimizer.Adam(learning_rate=0.1)
state = adam.create_state(0, w)
emit("adam_state_len", len(state))
w2 = nd.array([1.0, -2.0, 3.0])
for _ in range(3):
    adam.update(0, w2, g, state)
emit("adam_update", w2)
emit("adam_num_update", adam.num_update)

opt = mx.optimizer.SGD(learning_rate=1.0, param_idx2name={0: 'a_weight', 1: 'a_bias'})
opt.set_lr_mult({'a_weight': 0.5})
opt.set_wd_mult({'a_bias': 0.0})
emit("lr_mult", (opt._get_lr(0), opt._get_lr(1)))
emit("wd_mult", (opt._get_wd(0), opt._get_wd(1)))
emit("registry", sorted(k for k in ['sgd', 'adam', 'nag', 'rmsprop', 'adagrad', 'adadelta']
                        if k in mx.optimizer.Optimizer.opt_registry))
