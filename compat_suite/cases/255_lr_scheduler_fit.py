"""Learning-rate schedules inside Module.fit, as old training scripts pass them through
optimizer_params: FactorScheduler (step, factor, stop_factor_lr), MultiFactorScheduler,
PolyScheduler with warmup; the optimizer's learning rate after each epoch (read in an
epoch_end_callback), and the parameters they lead to."""
import mxnet as mx
import numpy as np
from compat_emit import emit

rng = np.random.RandomState(55)
X = rng.normal(0, 1, (24, 3)).astype("float32")
y = (X @ np.array([1.0, -1.0, 2.0], dtype="float32") + 0.3).reshape(-1, 1)
data = mx.sym.Variable("data")
net = mx.sym.LinearRegressionOutput(mx.sym.FullyConnected(data, num_hidden=1, name="fc"), name="lin")
init = {"fc_weight": mx.nd.array(rng.normal(0, 0.3, (1, 3))), "fc_bias": mx.nd.zeros(1)}

schedulers = {
    "factor": lambda: mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, stop_factor_lr=0.01),
    "multifactor": lambda: mx.lr_scheduler.MultiFactorScheduler(step=[3, 7], factor=0.1),
    "poly": lambda: mx.lr_scheduler.PolyScheduler(max_update=12, base_lr=0.1, pwr=2, final_lr=0.001,
                                                  warmup_steps=2, warmup_begin_lr=0.01),
}
for name, make in schedulers.items():
    it = mx.io.NDArrayIter(X, y, batch_size=8, label_name="lin_label")
    mod = mx.mod.Module(net, label_names=["lin_label"])
    lrs = []
    mod.fit(it, num_epoch=4, optimizer="sgd", eval_metric="mse",
            optimizer_params={"learning_rate": 0.1, "momentum": 0.5, "lr_scheduler": make()},
            arg_params={k: v.copy() for k, v in init.items()},
            epoch_end_callback=lambda epoch, sym, arg, aux: lrs.append(mod._optimizer.learning_rate))
    emit(f"{name}_lrs", lrs)
    emit(f"{name}_num_update", mod._optimizer.num_update)
    arg, _ = mod.get_params()
    emit(f"{name}_params", {k: arg[k] for k in sorted(arg)})
