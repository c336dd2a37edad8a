"""Module with fixed_param_names (frozen layer stays at its values while the rest trains),
inputs_need_grad and get_input_grads (the adversarial-example / style-transfer pattern),
forward_backward, update, and the parameters' lr_mult from the symbol attributes."""
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(23)
X = rng.normal(0, 1, (8, 4)).astype("float32")
y = rng.randint(0, 3, 8).astype("float32")
data = mx.sym.Variable("data")
fc1 = mx.sym.FullyConnected(data, num_hidden=5, name="fc1")
w2 = mx.sym.Variable("fc2_weight", lr_mult=0.1)
fc2 = mx.sym.FullyConnected(mx.sym.tanh(fc1), weight=w2, num_hidden=3, name="fc2")
net = mx.sym.SoftmaxOutput(fc2, name="softmax")
params = {"fc1_weight": rng.normal(0, 0.5, (5, 4)), "fc1_bias": rng.normal(0, 0.1, (5,)),
          "fc2_weight": rng.normal(0, 0.5, (3, 5)), "fc2_bias": np.zeros(3)}

mod = mx.mod.Module(net, fixed_param_names=["fc1_weight", "fc1_bias"])
it = mx.io.NDArrayIter(X, y, batch_size=8)
mod.bind(it.provide_data, it.provide_label, inputs_need_grad=True)
mod.init_params(arg_params={k: mx.nd.array(v) for k, v in params.items()})
mod.init_optimizer(optimizer="sgd", optimizer_params={"learning_rate": 0.5, "wd": 0.01})
batch = next(it)
for step in range(3):
    mod.forward_backward(batch)
    emit(f"step{step}_input_grad", mod.get_input_grads()[0])
    mod.update()
arg, _ = mod.get_params()
emit("params", {k: arg[k] for k in sorted(arg)})
emit("fc1_unchanged", np.allclose(arg["fc1_weight"].asnumpy(), params["fc1_weight"]))

adv = mx.nd.array(X)
for _ in range(2):
    mod.forward(mx.io.DataBatch([adv], [mx.nd.array(y)]), is_train=True)
    mod.backward()
    adv = adv + 0.1 * mx.nd.sign(mod.get_input_grads()[0])
emit("adversarial", adv)
mod.forward(mx.io.DataBatch([adv], [mx.nd.array(y)]), is_train=False)
emit("adversarial_prob", mod.get_outputs()[0])
