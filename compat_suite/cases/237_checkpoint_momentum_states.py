"""Checkpointing a momentum-SGD Module by hand: mx.model.save_checkpoint /
mx.model.load_checkpoint / mx.model.load_params, Module.save_optimizer_states /
load_optimizer_states, the .params file's arg:/aux: keys (a frozen BatchNorm's aux states included),
and a resumed module matching one that never stopped."""
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(29)
X = rng.normal(0, 1, (32, 5)).astype("float32")
y = rng.randint(0, 3, 32).astype("float32")
it = mx.io.NDArrayIter(X, y, batch_size=8)

data = mx.sym.Variable("data")
net = mx.sym.FullyConnected(data, num_hidden=6, name="fc1")
net = mx.sym.BatchNorm(net, name="bn1", use_global_stats=True, fix_gamma=False)   # frozen statistics
net = mx.sym.Activation(net, act_type="relu")
net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(net, num_hidden=3, name="fc2"), name="softmax")
params = {"fc1_weight": rng.normal(0, 0.5, (6, 5)), "fc1_bias": np.zeros(6), "bn1_gamma": np.ones(6),
          "bn1_beta": np.zeros(6), "fc2_weight": rng.normal(0, 0.5, (3, 6)), "fc2_bias": np.zeros(3)}
opt = {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.001}


def make():
    rng_aux = np.random.RandomState(0)
    mod = mx.mod.Module(net)
    mod.bind(it.provide_data, it.provide_label)
    mod.init_params(arg_params={k: mx.nd.array(v) for k, v in params.items()},
                    aux_params={"bn1_moving_mean": mx.nd.array(rng_aux.normal(0, 0.2, 6)),
                                "bn1_moving_var": mx.nd.array(rng_aux.uniform(0.5, 1.5, 6))})
    mod.init_optimizer(optimizer="sgd", optimizer_params=opt)
    return mod


def train(mod, epochs):
    for _ in range(epochs):
        it.reset()
        for batch in it:
            mod.forward_backward(batch)
            mod.update()


mod = make()
train(mod, 2)
arg, aux = mod.get_params()
mx.model.save_checkpoint("ck", 2, net, arg, aux)
mod.save_optimizer_states("ck-0002.states")
saved = mx.nd.load("ck-0002.params")
emit("param_keys", sorted(saved))
emit("aux_after_2", {k: aux[k] for k in sorted(aux)})

sym, arg2, aux2 = mx.model.load_checkpoint("ck", 2)
emit("loaded_sym_args", sym.list_arguments())
emit("load_params", [sorted(d) for d in mx.model.load_params("ck", 2)])
resumed = mx.mod.Module(sym)
resumed.bind(it.provide_data, it.provide_label)
resumed.set_params(arg2, aux2)
resumed.init_optimizer(optimizer="sgd", optimizer_params=opt)
resumed.load_optimizer_states("ck-0002.states")
train(resumed, 1)
train(mod, 1)
a, b = resumed.get_params(), mod.get_params()
emit("resumed_matches", all(np.allclose(a[0][k].asnumpy(), b[0][k].asnumpy(), rtol=1e-5, atol=1e-6) for k in a[0]))
emit("resumed_arg", {k: a[0][k] for k in sorted(a[0])})
emit("resumed_aux", {k: a[1][k] for k in sorted(a[1])})

fresh = mx.mod.Module(sym)
fresh.bind(it.provide_data, it.provide_label)
fresh.set_params(arg2, aux2)
fresh.init_optimizer(optimizer="sgd", optimizer_params=opt)
train(fresh, 1)
emit("without_momentum_state_differs", not np.allclose(fresh.get_params()[0]["fc2_weight"].asnumpy(),
                                                        a[0]["fc2_weight"].asnumpy()))
it.reset()
emit("eval_outputs", resumed.predict(it, num_batch=1))
