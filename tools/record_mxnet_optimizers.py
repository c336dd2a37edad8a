"""Record optimizer, lr_scheduler and gluon.Trainer numbers from real MXNet 1.9.1.

    python tools/record_mxnet_optimizers.py      # runs itself inside the reference venv

Writes tests/reference/data/gluon/optimizers.npz (inputs and the weights after every
step) and optimizers.json (the case table the tests iterate, scheduler sequences).
Every case runs a few steps on fixed weight/gradient arrays (or, for the Trainer, a fixed
two-layer model on fixed data) and records the weights after each step.  Nothing from
MXNet is copied into the repository but these recorded numbers.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.environ.get("MXREF_VENV", "/tmp/mxref")
OUT = os.path.join(ROOT, "tests", "reference", "data", "gluon", "optimizers")

STEPS = 4
SHAPES = [(3, 4), (5,)]

# (case id, optimizer name, kwargs, weight dtype).  An "lr_scheduler" kwarg is a
# [class name, kwargs] pair; "idx2name"/"lr_mult"/"wd_mult" configure per-index multipliers.
OPTIMIZER_CASES = [
    ("sgd_plain", "sgd", {}, "float32"),
    ("sgd_mom", "sgd", {"momentum": 0.9, "learning_rate": 0.1}, "float32"),
    ("sgd_mom_wd_clip", "sgd", {"momentum": 0.9, "wd": 0.01, "rescale_grad": 0.5, "clip_gradient": 0.3,
                                "learning_rate": 0.1}, "float32"),
    ("sgd_wd_clip", "sgd", {"wd": 0.1, "clip_gradient": 0.2, "learning_rate": 0.5}, "float32"),
    ("sgd_not_lazy", "sgd", {"momentum": 0.5, "lazy_update": False, "learning_rate": 0.2}, "float32"),
    ("sgd_float64", "sgd", {"momentum": 0.9, "wd": 0.01, "learning_rate": 0.1}, "float64"),
    ("sgd_mp", "sgd", {"momentum": 0.9, "wd": 0.01, "multi_precision": True, "learning_rate": 0.1}, "float16"),
    ("sgd_mp_nomom", "sgd", {"multi_precision": True, "learning_rate": 0.1, "clip_gradient": 0.5}, "float16"),
    ("sgd_fp16", "sgd", {"momentum": 0.9, "learning_rate": 0.1}, "float16"),
    ("nag_mom", "nag", {"momentum": 0.9, "wd": 0.01, "learning_rate": 0.1}, "float32"),
    ("nag_nomom", "nag", {"learning_rate": 0.1}, "float32"),
    ("nag_clip", "nag", {"momentum": 0.8, "clip_gradient": 0.25, "rescale_grad": 2.0, "learning_rate": 0.1},
     "float32"),
    ("nag_mp", "nag", {"momentum": 0.9, "multi_precision": True, "learning_rate": 0.1}, "float16"),
    ("adam_default", "adam", {}, "float32"),
    ("adam_wd_clip", "adam", {"wd": 0.01, "clip_gradient": 0.2, "rescale_grad": 0.5, "learning_rate": 0.01},
     "float32"),
    ("adam_betas", "adam", {"beta1": 0.5, "beta2": 0.9, "epsilon": 1e-4, "learning_rate": 0.05}, "float32"),
    ("adam_begin_num_update", "adam", {"begin_num_update": 10, "learning_rate": 0.01}, "float32"),
    ("adam_mp", "adam", {"multi_precision": True, "learning_rate": 0.01}, "float16"),
    ("adam_float64", "adam", {"learning_rate": 0.01, "wd": 0.1}, "float64"),
    ("adagrad_default", "adagrad", {}, "float32"),
    ("adagrad_opts", "adagrad", {"eps": 1e-3, "wd": 0.01, "clip_gradient": 0.3, "learning_rate": 0.1},
     "float32"),
    ("adadelta_default", "adadelta", {}, "float32"),
    ("adadelta_opts", "adadelta", {"rho": 0.5, "epsilon": 1e-3, "wd": 0.01, "clip_gradient": 0.2,
                                   "rescale_grad": 0.5}, "float32"),
    ("rmsprop_default", "rmsprop", {}, "float32"),
    ("rmsprop_centered", "rmsprop", {"centered": True}, "float32"),
    ("rmsprop_centered_opts", "rmsprop", {"centered": True, "gamma1": 0.8, "gamma2": 0.7, "epsilon": 1e-4,
                                          "clip_weights": 0.5, "wd": 0.01, "clip_gradient": 0.3,
                                          "learning_rate": 0.01}, "float32"),
    ("rmsprop_clip_weights", "rmsprop", {"clip_weights": 0.3, "learning_rate": 0.05, "gamma1": 0.5},
     "float32"),
    ("ftrl_default", "ftrl", {}, "float32"),
    ("ftrl_opts", "ftrl", {"lamda1": 0.001, "learning_rate": 0.5, "beta": 0.5, "wd": 0.01,
                           "clip_gradient": 0.3}, "float32"),
    ("signum_default", "signum", {}, "float32"),
    ("signsgd", "signum", {"momentum": 0.0, "wd": 0.1}, "float32"),
    ("signum_opts", "signum", {"momentum": 0.8, "wd": 0.01, "wd_lh": 0.05, "clip_gradient": 0.3,
                               "learning_rate": 0.05}, "float32"),
    ("lamb_default", "lamb", {}, "float32"),
    ("lamb_nobias", "lamb", {"bias_correction": False, "wd": 0.01, "learning_rate": 0.01}, "float32"),
    ("lamb_bounds", "lamb", {"lower_bound": 0.5, "upper_bound": 1.0, "clip_gradient": 0.3,
                             "learning_rate": 0.01, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-4}, "float32"),
    ("lamb_mp", "lamb", {"multi_precision": True, "learning_rate": 0.01, "wd": 0.01}, "float16"),
    ("adamax_default", "adamax", {}, "float32"),
    ("adamax_opts", "adamax", {"wd": 0.01, "clip_gradient": 0.3, "beta1": 0.8, "learning_rate": 0.01},
     "float32"),
    ("nadam_default", "nadam", {}, "float32"),
    ("nadam_opts", "nadam", {"wd": 0.01, "schedule_decay": 0.01, "learning_rate": 0.01}, "float32"),
    ("ftml_default", "ftml", {}, "float32"),
    ("ftml_opts", "ftml", {"wd": 0.01, "clip_gradient": 0.3, "beta1": 0.7, "learning_rate": 0.05},
     "float32"),
    ("dcasgd_mom", "dcasgd", {"momentum": 0.9, "lamda": 0.1, "wd": 0.01, "learning_rate": 0.1}, "float32"),
    ("dcasgd_plain", "dcasgd", {"learning_rate": 0.1}, "float32"),
    ("lars_mom", "lars", {"momentum": 0.9, "eta": 0.01, "wd": 0.01, "learning_rate": 0.1}, "float32"),
    ("lars_sched_names", "lars", {"momentum": 0.9, "eps": 1e-3, "idx2name": {"0": "fc_weight", "1": "fc_bias"},
                                  "lr_scheduler": ["FactorScheduler", {"step": 1, "factor": 0.5, "base_lr": 0.2}]},
     "float32"),
    ("lars_nomom_clip", "lars", {"eta": 0.1, "clip_gradient": 0.2, "learning_rate": 0.5}, "float32"),
    ("lbsgd_linear", "lbsgd", {"momentum": 0.9, "batch_scale": 2, "warmup_epochs": 1, "updates_per_epoch": 3,
                               "learning_rate": 0.1}, "float32"),
    ("lbsgd_lars", "lbsgd", {"warmup_strategy": "lars", "learning_rate": 0.1, "wd": 0.01}, "float32"),
    ("lbsgd_power2", "lbsgd", {"warmup_strategy": "power2", "batch_scale": 3, "warmup_epochs": 2,
                               "updates_per_epoch": 2, "momentum": 0.5, "learning_rate": 0.1}, "float32"),
    ("test_opt", "test", {"rescale_grad": 0.5}, "float32"),
    ("ccsgd", "ccsgd", {"momentum": 0.5, "learning_rate": 0.1}, "float32"),
    ("sgd_mults", "sgd", {"momentum": 0.9, "wd": 0.1, "learning_rate": 0.1,
                          "idx2name": {"0": "fc_weight", "1": "fc_bias"}, "lr_mult": {"fc_bias": 2.0}},
     "float32"),
    ("adam_index_mults", "adam", {"wd": 0.1, "learning_rate": 0.01, "lr_mult": {"0": 0.5},
                                  "wd_mult": {"1": 3.0}}, "float32"),
    ("sgd_factor_sched", "sgd", {"momentum": 0.9, "lr_scheduler": ["FactorScheduler",
                                                                   {"step": 2, "factor": 0.5,
                                                                    "base_lr": 0.1}]}, "float32"),
    ("adam_sched_overwritten", "adam", {"lr_scheduler": ["MultiFactorScheduler",
                                                         {"step": [1, 3], "factor": 0.1, "base_lr": 0.5}]},
     "float32"),
    ("rmsprop_cosine_sched", "rmsprop", {"learning_rate": 0.02,
                                         "lr_scheduler": ["CosineScheduler",
                                                          {"max_update": 4, "base_lr": 0.02,
                                                           "final_lr": 0.001, "warmup_steps": 1}]},
     "float32"),
]

# scheduler id -> (class name, kwargs); the test replays num_update = NUM_UPDATES in order
SCHEDULER_CASES = {
    "factor": ("FactorScheduler", {"step": 3, "factor": 0.5, "base_lr": 1.0}),
    "factor_stop": ("FactorScheduler", {"step": 2, "factor": 0.1, "stop_factor_lr": 1e-3, "base_lr": 1.0}),
    "factor_warmup_linear": ("FactorScheduler", {"step": 4, "factor": 0.5, "base_lr": 0.8, "warmup_steps": 5,
                                                 "warmup_begin_lr": 0.1}),
    "factor_warmup_constant": ("FactorScheduler", {"step": 4, "factor": 0.5, "base_lr": 0.8,
                                                   "warmup_steps": 5, "warmup_begin_lr": 0.1,
                                                   "warmup_mode": "constant"}),
    "multifactor": ("MultiFactorScheduler", {"step": [2, 5, 9], "factor": 0.3, "base_lr": 1.0}),
    "multifactor_warmup": ("MultiFactorScheduler", {"step": [6, 10], "factor": 0.5, "base_lr": 0.4,
                                                    "warmup_steps": 4, "warmup_begin_lr": 0.0}),
    "poly": ("PolyScheduler", {"max_update": 20, "base_lr": 0.5, "pwr": 2}),
    "poly_final_warmup": ("PolyScheduler", {"max_update": 20, "base_lr": 0.5, "pwr": 3, "final_lr": 0.01,
                                            "warmup_steps": 4, "warmup_begin_lr": 0.05}),
    "cosine": ("CosineScheduler", {"max_update": 20, "base_lr": 0.5}),
    "cosine_final_warmup": ("CosineScheduler", {"max_update": 20, "base_lr": 0.5, "final_lr": 0.05,
                                                "warmup_steps": 5, "warmup_begin_lr": 0.1,
                                                "warmup_mode": "constant"}),
}
NUM_UPDATES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 19, 20, 21, 25, 40]

# Trainer cases on the fixed model: (case id, optimizer, optimizer_params, batch size, options)
TRAINER_CASES = [
    ("sgd", "sgd", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.001}, 8, {}),
    ("adam", "adam", {"learning_rate": 0.01}, 8, {}),
    ("rmsprop_centered", "rmsprop", {"learning_rate": 0.01, "centered": True}, 4, {}),
    ("lamb", "lamb", {"learning_rate": 0.01, "wd": 0.01}, 8, {}),
    ("adagrad_clip", "adagrad", {"learning_rate": 0.1, "clip_gradient": 0.05}, 1, {}),
    ("nag_lr_mult", "nag", {"learning_rate": 0.1, "momentum": 0.9, "wd": 0.01}, 8,
     {"lr_mult": {"net_fc2_bias": 0.5}, "wd_mult": {"net_fc1_weight": 2.0}}),
    ("sgd_grad_add", "sgd", {"learning_rate": 0.05, "momentum": 0.5}, 16, {"grad_req": "add"}),
    ("sgd_null_param", "sgd", {"learning_rate": 0.1}, 8, {"null": "net_fc1_bias"}),
    ("adam_instance", None, {"learning_rate": 0.02, "beta1": 0.8}, 8, {"instance": "adam"}),
    ("sgd_set_lr", "sgd", {"learning_rate": 0.1, "momentum": 0.9}, 8, {"set_lr": 0.02}),
    ("adadelta", "adadelta", {"rho": 0.8}, 8, {}),
]


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
        subprocess.check_call([python, "-m", "pip", "install", "-q", "mxnet==1.9.1", "numpy<1.24"])
    return python


def _inputs(np):
    rng = np.random.RandomState(42)
    weights = [(rng.randn(*s) * 0.5).astype(np.float64) for s in SHAPES]
    grads = [[(rng.randn(*s) * 0.4).astype(np.float64) for s in SHAPES] for _ in range(STEPS)]
    return weights, grads


def _make_optimizer(mx, name, kwargs):
    kwargs = dict(kwargs)
    idx2name = kwargs.pop("idx2name", None)
    lr_mult = kwargs.pop("lr_mult", None)
    wd_mult = kwargs.pop("wd_mult", None)
    if "lr_scheduler" in kwargs:
        cls, args = kwargs["lr_scheduler"]
        kwargs["lr_scheduler"] = getattr(mx.lr_scheduler, cls)(**args)
    if idx2name:
        kwargs["param_idx2name"] = {int(k): v for k, v in idx2name.items()}
    opt = mx.optimizer.create(name, **kwargs)

    def keys(d):
        return {int(k) if k.isdigit() else k: v for k, v in d.items()}
    if lr_mult:
        opt.set_lr_mult(keys(lr_mult))
    if wd_mult:
        opt.set_wd_mult(keys(wd_mult))
    return opt


def record_optimizers(mx, np, arrays, meta):
    weights, grads = _inputs(np)
    for k, w in enumerate(weights):
        arrays[f"opt_inputs/weight{k}"] = w
    for s in range(STEPS):
        for k, g in enumerate(grads[s]):
            arrays[f"opt_inputs/grad{s}_{k}"] = g
    cases = []
    for case_id, name, kwargs, dtype in OPTIMIZER_CASES:
        opt = _make_optimizer(mx, name, kwargs)
        updater = mx.optimizer.get_updater(opt)
        ws = [mx.nd.array(w, dtype=dtype) for w in weights]
        try:
            updater(list(range(len(ws))), [mx.nd.array(g, dtype=dtype) for g in grads[0]], ws)
        except Exception as err:  # noqa: BLE001 - recorded as the expected error
            cases.append({"id": case_id, "name": name, "kwargs": kwargs, "dtype": dtype,
                          "error": type(err).__name__, "message": str(err)})
            continue
        for s in range(STEPS):
            if s > 0:
                updater(list(range(len(ws))), [mx.nd.array(g, dtype=dtype) for g in grads[s]], ws)
            for k, w in enumerate(ws):
                arrays[f"opt/{case_id}/step{s}/{k}"] = w.asnumpy()
            arrays[f"opt/{case_id}/lr{s}"] = np.array(opt.learning_rate, np.float64)
        cases.append({"id": case_id, "name": name, "kwargs": kwargs, "dtype": dtype,
                      "num_update": opt.num_update})
    meta["optimizer_cases"] = cases
    meta["steps"] = STEPS


def record_single_update(mx, np, arrays):
    """``Optimizer.update`` called per parameter (index by index), not through an Updater."""
    weights, grads = _inputs(np)
    opt = mx.optimizer.Adam(learning_rate=0.05, wd=0.01)
    ws = [mx.nd.array(w) for w in weights]
    states = [opt.create_state(i, w) for i, w in enumerate(ws)]
    for s in range(STEPS):
        for i, w in enumerate(ws):
            opt.update(i, w, mx.nd.array(grads[s][i]), states[i])
        for k, w in enumerate(ws):
            arrays[f"single/adam/step{s}/{k}"] = w.asnumpy()
    # index 1 updated twice as often as index 0: t differs per index
    opt = mx.optimizer.Adam(learning_rate=0.05)
    ws = [mx.nd.array(w) for w in weights]
    states = [opt.create_state(i, w) for i, w in enumerate(ws)]
    for s in range(STEPS):
        opt.update(1, ws[1], mx.nd.array(grads[s][1]), states[1])
        if s % 2 == 0:
            opt.update(0, ws[0], mx.nd.array(grads[s][0]), states[0])
    for k, w in enumerate(ws):
        arrays[f"single/adam_uneven/{k}"] = w.asnumpy()
    arrays["single/adam_uneven/num_update"] = np.array(opt.num_update)


def record_schedulers(mx, np, meta):
    out = {}
    for sid, (cls, kwargs) in SCHEDULER_CASES.items():
        sched = getattr(mx.lr_scheduler, cls)(**kwargs)
        out[sid] = {"class": cls, "kwargs": kwargs, "lrs": [sched(n) for n in NUM_UPDATES]}
    meta["schedulers"] = out
    meta["num_updates"] = NUM_UPDATES


def _model_data(np):
    rng = np.random.RandomState(7)
    params = {
        "net_fc1_weight": rng.randn(5, 4) * 0.5, "net_fc1_bias": rng.randn(5) * 0.1,
        "net_fc2_weight": rng.randn(3, 5) * 0.5, "net_fc2_bias": rng.randn(3) * 0.1,
    }
    x = rng.randn(8, 4)
    y = rng.randn(8, 3)
    return params, x, y


def _make_net(mx, params, dtype="float32"):
    nn = mx.gluon.nn
    net = nn.HybridSequential(prefix="net_")
    with net.name_scope():
        net.add(nn.Dense(5, in_units=4, activation="tanh", prefix="fc1_"))
        net.add(nn.Dense(3, in_units=5, prefix="fc2_"))
    net.initialize()
    if dtype != "float32":
        net.cast(dtype)
    for name, p in net.collect_params().items():
        p.set_data(mx.nd.array(params[name], dtype=dtype))
    return net


def record_trainer(mx, np, arrays, meta):
    params, x_np, y_np = _model_data(np)
    for k, v in params.items():
        arrays[f"trainer_inputs/{k}"] = v
    arrays["trainer_inputs/x"], arrays["trainer_inputs/y"] = x_np, y_np
    cases = []
    for case_id, optimizer, opt_params, batch_size, options in TRAINER_CASES:
        dtype = options.get("dtype", "float32")
        net = _make_net(mx, params, dtype)
        all_params = net.collect_params()
        if "grad_req" in options:
            all_params.setattr("grad_req", options["grad_req"])
        if "null" in options:
            all_params[options["null"]].grad_req = "null"
        for name, mult in options.get("lr_mult", {}).items():
            all_params[name].lr_mult = mult
        for name, mult in options.get("wd_mult", {}).items():
            all_params[name].wd_mult = mult
        if "instance" in options:
            trainer = mx.gluon.Trainer(all_params, mx.optimizer.create(options["instance"], **opt_params))
        else:
            trainer = mx.gluon.Trainer(all_params, optimizer, opt_params)
        loss_fn = mx.gluon.loss.L2Loss()
        x, y = mx.nd.array(x_np, dtype=dtype), mx.nd.array(y_np, dtype=dtype)
        for s in range(3):
            if s == 1 and "set_lr" in options:
                trainer.set_learning_rate(options["set_lr"])
            passes = 2 if options.get("grad_req") == "add" else 1
            for _ in range(passes):
                with mx.autograd.record():
                    loss = loss_fn(net(x), y)
                loss.backward()
            trainer.step(batch_size)
            for name, p in all_params.items():
                arrays[f"trainer/{case_id}/step{s}/{name}"] = p.data().asnumpy()
        cases.append({"id": case_id, "optimizer": optimizer, "optimizer_params": opt_params,
                      "batch_size": batch_size, "options": options,
                      "learning_rate": trainer.learning_rate})
    meta["trainer_cases"] = cases


def record_trainer_stale(mx, np, arrays):
    """Two heads, only one used in a step: ignore_stale_grad=True skips the unused one."""
    params, x_np, y_np = _model_data(np)
    nn = mx.gluon.nn
    a = nn.Dense(3, in_units=4, prefix="a_")
    b = nn.Dense(3, in_units=4, prefix="b_")
    a.initialize(mx.init.Constant(0.5))
    b.initialize(mx.init.Constant(-0.25))
    all_params = a.collect_params()
    all_params.update(b.collect_params())
    trainer = mx.gluon.Trainer(all_params, "sgd", {"learning_rate": 0.1, "momentum": 0.5})
    x = mx.nd.array(x_np)
    for s, block in enumerate([a, b, a, a]):
        with mx.autograd.record():
            out = block(x).sum()
        out.backward()
        trainer.step(8, ignore_stale_grad=True)
        for name, p in all_params.items():
            arrays[f"stale/step{s}/{name}"] = p.data().asnumpy()


def record():
    """Runs inside the reference venv."""
    import mxnet as mx
    import numpy as np
    arrays, meta = {}, {"mxnet_version": mx.__version__}
    record_optimizers(mx, np, arrays, meta)
    record_single_update(mx, np, arrays)
    record_schedulers(mx, np, meta)
    record_trainer(mx, np, arrays, meta)
    record_trainer_stale(mx, np, arrays)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    np.savez_compressed(OUT + ".npz", **arrays)
    with open(OUT + ".json", "w") as fh:
        json.dump(meta, fh, indent=1, sort_keys=True)
    print(f"recorded {len(meta['optimizer_cases'])} optimizer, {len(meta['schedulers'])} scheduler and "
          f"{len(meta['trainer_cases'])} trainer cases into {OUT}.npz/.json")


if __name__ == "__main__":
    if os.environ.get("MXREF_INSIDE") == "1":
        record()
    else:
        python = ensure_venv()
        subprocess.check_call([python, os.path.abspath(__file__)], env={**os.environ, "MXREF_INSIDE": "1"})
